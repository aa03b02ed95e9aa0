from datetime import date

import factory

from accounts.models import User

PASSWORD = "correct-horse-battery-9"


def birthdate_for_age(age: int) -> date:
    today = date.today()
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - age, day=28)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    birthdate = factory.LazyFunction(lambda: birthdate_for_age(25))
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TeenFactory(UserFactory):
    birthdate = factory.LazyFunction(lambda: birthdate_for_age(15))
    dm_policy = "mutuals"


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "generation.GenerationJob"

    owner = factory.SubFactory(UserFactory)
    prompt = "a red ball bouncing on the beach"
    seed = factory.Sequence(lambda n: n)
    duration_s = 2
    aspect = "square"


class VideoFactory(factory.django.DjangoModelFactory):
    """A video row; its `file` names a stored MP4 only when a test stores one (see tests/generation)."""

    class Meta:
        model = "videos.Video"

    owner = factory.SubFactory(UserFactory)
    prompt = "a blue cube sliding left at night"
    state = "published"
    visibility = "public"
    file = factory.Sequence(lambda n: f"videos/factory-{n}.mp4")
    thumbnail = factory.Sequence(lambda n: f"videos/factory-{n}.jpg")


def _reference_png() -> str:
    import io

    import numpy as np
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    rng = np.random.default_rng(0)
    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(buffer, format="PNG")
    return default_storage.save("cameos/factory/reference.png", ContentFile(buffer.getvalue()))


class CameoFactory(factory.django.DjangoModelFactory):
    """A verified person cameo with a stored likeness reference."""

    class Meta:
        model = "cameos.Cameo"

    owner = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda c: c.owner.username)
    kind = "person"
    permission = "only_me"
    reference = factory.LazyFunction(_reference_png)
