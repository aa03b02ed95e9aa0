"""Characters and brands people own: refused by name, obfuscated or in other scripts, unless the owner allows it."""

import pytest

from generation.models import GenerationJob
from moderation.characters import characters_named, load_registry
from moderation.models import ProtectedCharacter, ProtectedUse
from tests.conftest import client_for
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/generations"


@pytest.fixture(autouse=True)
def _seeded(db):
    """The registry as migration 0006 seeds it. A transactional test that ran earlier in the same
    process (a parallel run sends whole files to a process in any order) empties every table, the
    migration's rows with them; the seed file is loaded again then, as the management command would."""
    if not ProtectedCharacter.objects.exists():
        load_registry()


def generate(user, prompt, **body):
    return client_for(user).post(URL, {"prompt": prompt, **body}, format="json")


def names(text):
    return [h.name for h in characters_named(text)]


# ---------------------------------------------------------------- finding them


def test_the_seeded_registry_is_loaded_with_hundreds_of_entries():
    assert ProtectedCharacter.objects.count() >= 300
    assert ProtectedCharacter.objects.filter(kind="brand").count() >= 50


@pytest.mark.parametrize(
    "prompt, name",
    [
        ("Mickey Mouse dancing on the beach", "Mickey Mouse"),
        ("a red ball next to pikachu", "Pikachu"),
        ("p1kachu bouncing", "Pikachu"),
        ("mickey m0use waving", "Mickey Mouse"),
        ("spiderman swinging", "Spider-Man"),
        ("spider man on a roof", "Spider-Man"),
        ("ミッキーマウスがビーチで踊る", "Mickey Mouse"),
        ("皮卡丘在海滩上", "Pikachu"),
        ("a can of coca-cola on the beach", "Coca-Cola"),
    ],
)
def test_names_are_found_however_they_are_written(prompt, name):
    assert name in names(prompt)


@pytest.mark.parametrize(
    "prompt",
    [
        "a red ball bouncing on the beach",
        "an apple falling from a tree",  # a fruit, not the company
        "my dog named Pikachu chasing a ball",  # a pet named after one
        "a mouse in a kitchen",
        "a spider on a wall",
    ],
)
def test_ordinary_words_and_pets_are_not_characters(prompt):
    assert names(prompt) == []


# ---------------------------------------------------------------- the policy at the API


def test_a_prompt_naming_a_protected_character_is_422_naming_it_and_its_owner_and_logged(user):
    r = generate(user, "Mickey Mouse bouncing on the beach")

    assert r.status_code == 422 and r.data["error"] == "protected_character"
    assert r.data["character"] == "Mickey Mouse" and "Disney" in r.data["owner"]
    assert not GenerationJob.objects.exists()
    use = ProtectedUse.objects.get()
    assert (use.user, use.allowed, use.rule, use.character.name) == (user, False, "blocked", "Mickey Mouse")


@pytest.fixture
def studio():
    """A character of our own, owned by an account that reads its log."""
    holder = UserFactory(username="studio")
    character = ProtectedCharacter.objects.create(
        name="Zorbo the Star", owner="Zorbo Studios", aliases=["zorbo", "ゾルボ"], rightsholder=holder
    )
    return holder, character


def test_verified_accounts_may_use_a_character_others_may_not(user, other, studio):
    holder, character = studio
    character.policy = "verified"
    character.save()
    character.verified_accounts.add(user)

    allowed = generate(user, "zorbo as a big yellow star bouncing on the beach")
    refused = generate(other, "zorbo as a big yellow star bouncing on the beach")

    assert allowed.status_code == 202
    assert refused.status_code == 422 and refused.data["character"] == "Zorbo the Star"
    log = client_for(holder).get(f"/api/v1/characters/{character.pk}/uses").data["results"]
    assert [(u["by"], u["allowed"], u["rule"]) for u in log] == [
        (other.username, False, "verified"),
        (user.username, True, "verified"),
    ]


def test_a_parody_opt_in_allows_prompts_that_say_they_are_parody(user, studio):
    _, character = studio
    character.policy = "parody"
    character.save()

    assert generate(user, "a parody: zorbo as a yellow star bouncing on the beach").status_code == 202
    assert generate(user, "zorbo as a yellow star bouncing on the beach").status_code == 422
    assert generate(user, "ゾルボのパロディ, a yellow star bouncing on the beach").status_code == 202


def test_a_remix_of_a_video_that_names_one_is_refused_too(user, other, studio):
    parent = VideoFactory(owner=other, prompt="zorbo as a red ball bouncing")

    r = generate(user, "make it blue", remix_of=str(parent.pk))

    assert r.status_code == 422 and r.data["error"] == "protected_character"
    assert "remixing" in r.data["detail"]
    assert ProtectedUse.objects.get().rule == "remix"


def test_only_the_rightsholder_reads_the_log(user, studio):
    holder, character = studio

    mine = client_for(holder).get("/api/v1/characters/mine").data["results"]

    assert [c["name"] for c in mine] == ["Zorbo the Star"]
    assert client_for(user).get(f"/api/v1/characters/{character.pk}/uses").status_code == 404
    assert client_for(user).get("/api/v1/characters/mine").data["results"] == []
    assert client_for(holder).get("/api/v1/characters/not-a-number/uses").status_code == 404


def test_an_edit_in_the_registry_takes_effect_on_the_next_prompt(user, studio):
    _, character = studio
    assert generate(user, "a flumph bouncing as a red ball").status_code == 202

    character.aliases = [*character.aliases, "flumph"]
    character.save()

    assert generate(user, "a flumph bouncing as a red ball").status_code == 422


def test_reloading_the_seed_keeps_what_the_admin_set(studio):
    mickey = ProtectedCharacter.objects.get(name="Mickey Mouse")
    mickey.policy = "parody"
    mickey.save()

    added, updated = load_registry()

    assert added == 0 and updated >= 300
    assert ProtectedCharacter.objects.get(name="Mickey Mouse").policy == "parody"


def test_reviewers_edit_the_registry_in_the_admin(client, reviewer, user, studio):
    holder, character = studio
    generate(user, "zorbo as a red ball bouncing")
    client.force_login(reviewer)

    listing = client.get("/admin/moderation/protectedcharacter/?q=zorbo")
    page = client.get(f"/admin/moderation/protectedcharacter/{character.pk}/change/")
    saved = client.post(
        f"/admin/moderation/protectedcharacter/{character.pk}/change/",
        {
            "name": character.name,
            "kind": "character",
            "owner": "Zorbo Studios",
            "aliases": '["zorbo", "zorbö"]',
            "policy": "parody",
            "rightsholder": str(holder.pk),
            "uses-TOTAL_FORMS": "1",
            "uses-INITIAL_FORMS": "1",
            "uses-MIN_NUM_FORMS": "0",
            "uses-MAX_NUM_FORMS": "0",
            "uses-0-id": str(ProtectedUse.objects.get().pk),
            "uses-0-character": str(character.pk),
        },
    )

    assert listing.status_code == 200 and b"Zorbo Studios" in listing.content
    assert page.status_code == 200 and b"zorbo as a red ball bouncing" in page.content  # the log, inline
    assert saved.status_code == 302, saved.content[:2000]
    character.refresh_from_db()
    assert character.policy == "parody" and character.aliases == ["zorbo", "zorbö"]
