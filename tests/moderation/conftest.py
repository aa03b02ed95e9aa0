import pytest

from moderation.roles import ensure_trust_and_safety_group
from tests.factories import UserFactory


@pytest.fixture(scope="package")
def policy_loaded():
    """Load the encoder and the head once for the prompt-policy tests (~2 s), not per test.

    The policy test modules use it through `pytestmark`; other moderation
    tests do not pay for it.

    One torch thread while they run: these are one-sentence encodes, and on a
    2-core machine shared with other jobs two OpenMP threads wait on each
    other (bench_prompt_policy.py: p50 61 ms with one thread, 418 ms with two
    under load). Restored afterwards for the rest of the suite.
    """
    import torch

    from moderation.policy.classifier import head
    from sora_social.embedder import warm_up

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    warm_up()
    head()
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def reviewer(db):
    """A staff member in the trust-and-safety group: sees the queue and decides."""
    user = UserFactory(is_staff=True)
    user.groups.add(ensure_trust_and_safety_group())
    return user
