"""The prompt read against what the model draws: understood, ignored, refused, and the capabilities."""

import pytest

from generation.capabilities import capabilities, read_prompt, suggest
from generation.diffusion import world
from generation.models import GenerationJob
from tests.factories import CameoFactory, VideoFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/generations"


@pytest.fixture(autouse=True)
def first_world_model(tmp_path, settings):
    """These tests read prompts as a model of the first world would (one cameo, no grown world), whatever
    checkpoint is committed: only its JSON is read here. grown_model below stands in for a model of the second."""
    from generation import capabilities as caps

    (tmp_path / "first").mkdir()
    (tmp_path / "first" / "dit.json").write_text('{"world": 1}')
    settings.SORA_MODEL_CHECKPOINT = str(tmp_path / "first" / "dit.safetensors")
    caps._served_meta.cache_clear()
    caps._capabilities.cache_clear()
    yield
    caps._served_meta.cache_clear()
    caps._capabilities.cache_clear()


def post(client, body):
    return client.post(URL, body, format="json")


# ---------------------------------------------------------------- reading


def test_each_word_is_understood_or_ignored_and_function_words_are_neither():
    reading = read_prompt("A red ball bouncing on the beach at sunset")

    assert reading.understood == ["red", "ball", "bouncing", "beach"]
    assert reading.ignored == ["sunset"]
    assert reading.has_subject


def test_the_captions_inflections_are_understood():
    reading = read_prompt("two small cubes rolls left and bounced, the camera pans")

    assert reading.understood == ["small", "cubes", "rolls", "left", "bounced", "camera", "pans"]
    assert reading.ignored == ["two"]  # the model draws no counts: one object per noun phrase


def test_every_word_of_the_advertised_vocabulary_reads_as_understood():
    # One source of truth: what GET /capabilities lists is what the reader accepts.
    vocabulary = capabilities()["vocabulary"]
    words = [w for slot, terms in vocabulary.items() if slot != "cameo_actions" for w in terms]

    reading = read_prompt(" ".join(words))

    assert reading.ignored == [] and reading.has_subject
    assert read_prompt(" ".join(vocabulary["cameo_actions"]), has_cameo=True).ignored == []


def test_every_training_caption_reads_fully_understood():
    rng = __import__("numpy").random.default_rng(5)
    for i in range(300):
        spec = world.random_spec(rng, level=i % 3)
        text = world.caption(spec, rng)

        reading = read_prompt(text, has_cameo=spec.cameo is not None)

        assert reading.ignored == [], text
        assert reading.has_subject or not spec.objects, text


def test_cameo_words_and_actions_count_only_with_a_cameo():
    with_cameo = read_prompt("@ana waving on the beach", has_cameo=True)
    without = read_prompt("@ana waving on the beach")

    assert with_cameo.understood == ["@ana", "waving", "beach"] and with_cameo.has_subject
    assert without.understood == ["beach"] and without.ignored == ["@ana", "waving"]
    assert not without.has_subject


def test_the_suggestion_is_a_prompt_the_model_fully_understands():
    for prompt in ("a crimson sphere drifting in the ocean", "my cat knocking a glass off the table", "make it pop"):
        suggestion = suggest(read_prompt(prompt))

        reading = read_prompt(suggestion)
        assert reading.ignored == [] and reading.has_subject, suggestion


def test_the_suggestion_keeps_what_was_understood_and_maps_near_words():
    assert suggest(read_prompt("a blue thing at night")) == "a big blue ball bounces under the night sky"
    # sphere -> ball and ocean -> underwater by the sentence encoder's similarity
    suggestion = suggest(read_prompt("a shiny sphere sinking in the ocean"))
    assert "ball" in suggestion and "underwater" in suggestion


# ---------------------------------------------------------------- the API


def test_a_prompt_with_nothing_drawable_is_422_with_the_vocabulary_and_a_suggestion(as_user):
    r = post(as_user, {"prompt": "a golden retriever surfing a big wave at sunset"})

    assert r.status_code == 422 and r.data["error"] == "prompt_outside_model"
    assert r.data["understood"] == ["big"]
    assert r.data["ignored"] == ["golden", "retriever", "surfing", "wave", "sunset"]
    assert r.data["vocabulary"] == capabilities()["vocabulary"]
    assert read_prompt(r.data["suggestion"]).ignored == []
    assert r.data["languages"] == ["en"] and "English" in r.data["detail"]
    assert not GenerationJob.objects.exists()


@pytest.mark.parametrize(
    "prompt",
    ["my cat knocking a glass off the table", "two astronauts dancing on the moon", "una pelota roja en la playa"],
)
def test_ordinary_prompts_outside_the_world_are_refused_not_rendered_as_something_else(as_user, prompt):
    r = post(as_user, {"prompt": prompt})

    assert r.status_code == 422 and r.data["error"] == "prompt_outside_model"
    assert not GenerationJob.objects.exists()


def test_a_partly_understood_prompt_is_accepted_and_the_job_says_what_was_left_out(as_user):
    r = post(as_user, {"prompt": "a pink star falling on the grass while fireworks explode"})

    assert r.status_code == 202
    assert r.data["understood"] == ["pink", "star", "falling", "grass"]
    assert r.data["ignored"] == ["fireworks", "explode"]
    again = as_user.get(f"{URL}/{r.data['id']}").data
    assert again["ignored"] == ["fireworks", "explode"]


def test_a_cameo_is_a_subject(as_user, user):
    cameo = CameoFactory(owner=user)

    r = post(as_user, {"prompt": "me dancing at a wedding", "cameos": [str(cameo.pk)]})

    assert r.status_code == 202
    assert r.data["understood"] == ["me"] and r.data["ignored"] == ["dancing", "wedding"]


def test_a_cameo_word_without_a_cameo_is_not_a_subject(as_user):
    r = post(as_user, {"prompt": "a person waving on the beach"})

    assert r.status_code == 422 and r.data["error"] == "prompt_outside_model"
    assert r.data["ignored"] == ["person", "waving"]


def test_a_remix_edit_needs_only_one_understood_word(as_user, other):
    parent = VideoFactory(owner=other)

    edit = post(as_user, {"prompt": "make it blue", "remix_of": str(parent.pk)})
    nothing = post(as_user, {"prompt": "make it sparkle", "remix_of": str(parent.pk)})

    assert edit.status_code == 202 and edit.data["understood"] == ["blue"]
    assert nothing.status_code == 422 and nothing.data["error"] == "prompt_outside_model"


def test_the_policy_still_speaks_first(as_user):
    r = post(as_user, {"prompt": "a naked woman in explicit sexual poses"})

    assert r.status_code == 422 and r.data["error"] == "prompt_blocked"


# ---------------------------------------------------------------- capabilities


def test_capabilities_list_what_the_model_draws(as_user):
    r = as_user.get(f"{URL}/capabilities")

    assert r.status_code == 200
    assert r.data["vocabulary"]["entities"] == list(world.SHAPES)
    assert r.data["vocabulary"]["scenes"] == list(world.BACKGROUNDS)
    assert r.data["durations_s"] == list(world.DURATIONS_S)
    assert r.data["max_cameos"] == 1 and r.data["languages"] == ["en"]
    assert r.data["native"] == {"width": 32, "height": 32, "fps": world.FPS} and r.data["output_fps"] == 24
    assert r.data["aspects"]["landscape"] == {
        "native": {"width": 56, "height": 32},
        "output": {"width": 448, "height": 256},
    }
    assert read_prompt(r.data["example_prompt"]).ignored == []
    assert post(as_user, {"prompt": r.data["example_prompt"]}).status_code == 202


def test_capabilities_need_a_signed_in_client(api):
    assert api.get(f"{URL}/capabilities").status_code == 401


# ---------------------------------------------------------------- the grown world


@pytest.fixture
def grown_model(tmp_path, settings):
    """A checkpoint whose JSON says it learnt the grown world (version 2); only its JSON is read here."""
    from generation import capabilities as caps

    (tmp_path / "dit.json").write_text('{"world": 2}')
    settings.SORA_MODEL_CHECKPOINT = str(tmp_path / "dit.safetensors")
    caps._served_meta.cache_clear()
    caps._capabilities.cache_clear()
    yield
    caps._served_meta.cache_clear()
    caps._capabilities.cache_clear()


def test_a_model_of_the_first_world_reads_the_first_world_only(as_user):
    r = post(as_user, {"prompt": "a red cat running in the park at sunset"})

    assert r.status_code == 422 and r.data["error"] == "prompt_outside_model"
    assert "cat" in r.data["ignored"] and "cat" not in r.data["vocabulary"]["entities"]


def test_a_model_of_the_grown_world_advertises_and_reads_its_words(as_user, grown_model):
    r = as_user.get(f"{URL}/capabilities")

    assert r.status_code == 200
    assert r.data["vocabulary"]["entities"] == list(world.ALL_ENTITIES)
    assert r.data["vocabulary"]["times_of_day"] == list(world.TIMES_OF_DAY)
    assert r.data["vocabulary"]["weather"] == list(world.WEATHER)
    reading = read_prompt("a red cat running in the park at sunset, in the rain", world_version=2)
    assert reading.ignored == [] and reading.has_subject
    assert reading.slots["entities"] == ["cat"] and reading.slots["times_of_day"] == ["sunset"]
    # words still outside it are still named
    assert read_prompt("a golden retriever surfing", world_version=2).ignored == ["golden", "retriever", "surfing"]


def test_a_pet_cameo_is_named_as_its_animal_only_for_a_model_that_learnt_pets():
    from generation.capabilities import model_prompt

    assert model_prompt("@kiki running in the park", "cat", 2) == "@kiki the cat running in the park"
    assert model_prompt("my cat running in the park", "cat", 2) == "my cat running in the park"  # it says so
    assert model_prompt("running in the park", "dog", 2) == "@pet the dog, running in the park"
    assert model_prompt("@kiki running", "cat", 1) == "@kiki running"  # version 1 draws a figure
    assert model_prompt("@kiki running", "figure", 2) == "@kiki running"
    assert model_prompt("@ana waving", "", 2) == "@ana waving"  # a person
    reading = read_prompt(model_prompt("@kiki running in the park", "cat", 2), has_cameo=True, world_version=2)
    assert reading.ignored == []


def test_capabilities_list_pet_forms_only_for_a_model_that_learnt_them(as_user, grown_model):
    assert as_user.get(f"{URL}/capabilities").data["pet_forms"] == list(world.PET_FORMS)


def test_a_model_of_the_first_world_draws_no_pets(as_user):
    assert as_user.get(f"{URL}/capabilities").data["pet_forms"] == []


def test_a_job_with_a_pet_character_asks_a_pet_model_for_the_animal(grown_model, tmp_path):
    from cameos.models import CharacterForm
    from generation.services.run import _spec
    from tests.factories import JobFactory

    assert {f.value for f in CharacterForm} == {"figure", *world.PET_FORMS}  # one list of pets, two apps
    pet = CameoFactory(kind="character", form="cat")
    job = JobFactory(owner=pet.owner, prompt="@kiki jumping in the park", cameo_ids=[str(pet.pk)])

    spec = _spec(job, tmp_path)

    assert spec.prompt == "@kiki jumping in the park" and spec.model_prompt == "@kiki the cat jumping in the park"
    assert len(spec.cameo_references) == 1
    figure = CameoFactory(kind="character", form="figure")
    job = JobFactory(owner=figure.owner, prompt="@kiki jumping", cameo_ids=[str(figure.pk)])
    assert _spec(job, tmp_path).model_prompt == "@kiki jumping"


def test_a_remix_reaches_the_model_as_the_parents_prompt_with_the_edit_applied():
    from generation.capabilities import remix_prompt

    parent = "a big red ball bounces on the beach"
    assert remix_prompt(parent, "make it blue") == "a big blue ball bounces on the beach"
    assert remix_prompt(parent, "make it a blue cube") == "a big blue cube bounces on the beach"
    assert remix_prompt(parent, "now on the grass") == "a big red ball bounces on the grass"
    assert remix_prompt(parent, "make it sparkle") == parent  # nothing it reads: the parent as it was
    assert (
        remix_prompt("a red ball bounces on the grass", "now it rains", 2) == "a red ball bounces on the grass, rains"
    )
    edited = remix_prompt("a small green star rolls to the left under the night sky", "make it pink, on the grass")
    reading = read_prompt(edited)
    assert reading.ignored == [] and reading.slots["colours"] == ["pink"] and "green" not in edited


def test_a_remix_jobs_spec_carries_the_composed_prompt(tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from generation.services.run import _spec
    from tests.factories import JobFactory

    parent = VideoFactory(prompt="a big red ball bounces on the beach")
    parent.file = default_storage.save(f"videos/{parent.pk}.mp4", ContentFile(b"not read here"))
    parent.save()
    job = JobFactory(owner=parent.owner, prompt="make it blue", remix_of=parent)

    spec = _spec(job, tmp_path)

    assert spec.prompt == "make it blue" and spec.model_prompt == "a big blue ball bounces on the beach"
    assert spec.parent_path.read_bytes() == b"not read here"
    assert spec.edit_colours == ("red",)  # a recolouring: only the red is drawn again
    moved = _spec(JobFactory(owner=parent.owner, prompt="now on the grass", remix_of=parent), tmp_path)
    assert moved.edit_colours == ()


def test_only_an_edit_of_colours_alone_is_a_recolouring():
    from generation.capabilities import recoloured

    parent = "a big red ball and a small green cube collide on the beach"
    assert recoloured(parent, "make it blue") == ("red", "green")
    assert recoloured("a big red ball bounces on the beach", "Make it BLUE please") == ("red",)
    assert recoloured(parent, "make it a blue star") == ()  # a new entity: the whole scene is drawn again
    assert recoloured(parent, "blue, on the grass") == ()
    assert recoloured(parent, "make it sparkle") == ()
    assert recoloured("@ana waves on the grass", "make it blue") == ()  # nothing coloured to draw again


def test_every_vocabulary_slot_is_listed_and_empty_where_the_model_did_not_learn_it(as_user):
    vocabulary = as_user.get(f"{URL}/capabilities").data["vocabulary"]

    assert vocabulary["times_of_day"] == [] and vocabulary["weather"] == []


def test_capabilities_give_a_latent_models_own_frame_size_and_rate(as_user, tmp_path, settings):
    from generation import capabilities as caps

    meta = {"sizes": {"square": [128, 128], "landscape": [128, 224], "portrait": [224, 128]}, "fps": 12}
    (tmp_path / "dit.json").write_text(__import__("json").dumps(meta))
    settings.SORA_MODEL_CHECKPOINT = str(tmp_path / "dit.safetensors")
    caps._served_meta.cache_clear()
    caps._capabilities.cache_clear()
    try:
        r = as_user.get(f"{URL}/capabilities")
    finally:
        caps._served_meta.cache_clear()
        caps._capabilities.cache_clear()

    assert r.data["native"] == {"width": 128, "height": 128, "fps": 12}
    assert r.data["aspects"]["landscape"]["native"] == {"width": 224, "height": 128}
    assert r.data["vocabulary"]["entities"] == list(world.SHAPES)  # the JSON says no world: version 1
