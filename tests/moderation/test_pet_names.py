"""A pet's or a friend's name is taken out of what the multilingual encoder reads (pet_names.py)."""

import pytest

from moderation.policy import multilingual
from moderation.policy.pet_names import without_pet_names
from moderation.policy.rules import rules_apply


@pytest.mark.parametrize(
    "text,name",
    [
        ("mi perrita se llama Shakira y corre por la playa", "Shakira"),
        ("mon chat Mbappé dort sur le radiateur", "Mbappé"),
        ("notre chaton Zidane joue avec une pelote", "Zidane"),
        ("unser Hund namens Merkel jagt Tauben im Park", "Merkel"),
        ("meu gato Neymar derrubando um copo da mesa", "Neymar"),
        ("il mio cane si chiama Totti e nuota nel lago", "Totti"),
        ("Kedim Ronaldo'nun kutuya girmeye çalışması", "Ronaldo'nun"),
        ("anjingku namanya Jokowi lagi main bola", "Jokowi"),
        ("moya koshka po klichke Putin spit na divane", "Putin"),
        ("моя кошка по кличке Путин спит на диване", "Путин"),
        ("wo de gou jiao Messi, zai gongyuan li pao", "Messi"),
        ("我的狗叫梅西，在公园里跑", "梅西"),
        ("うちの猫のタイガが寝ている", "タイガ"),
        ("mera kutta jiska naam Salman hai, park mein daud raha", "Salman"),
        ("el kalb beta3i esmo Messi by-l3ab fel genena", "Messi"),
        ("my friend Rihanna's birthday video with balloons", "Rihanna's"),
        ("mi gato Bad Bunny durmiendo en el sofá", "Bad Bunny"),
    ],
)
def test_the_name_given_to_a_pet_or_a_friend_is_taken_out_in_every_language(text, name):
    out = without_pet_names(text)
    assert name not in out
    assert len(out) >= len(text) - len(name) - 2  # nothing else goes


@pytest.mark.parametrize(
    "text",
    [
        "mi perro destripado en la calle, mucha sangre",  # a word after the pet that is not a name stays
        "mi gato durmiendo",
        "Mao Zedong giving a speech in the square",  # "mao" is a cat in pinyin only before a naming word
        "a drug lord Escobar counting money",
        "a live video chat Zoom call with my team",  # "chat" is a cat only after "mon", "ton", ...
        "Putin feeding my cat",  # the famous name is not the pet's
        "Macron mange une baguette",
        "un chat qui dort",
    ],
)
def test_ordinary_words_and_names_that_are_not_the_pets_stay(text):
    assert without_pet_names(text) == text


def test_only_the_pets_name_goes_and_a_second_person_stays():
    assert without_pet_names("my dog Rex and Messi dancing") == "my dog and Messi dancing"
    assert without_pet_names("mi gato Luna y Bad Bunny bailando") == "mi gato y Bad Bunny bailando"


def test_the_multilingual_encoder_and_its_ngrams_read_the_text_without_the_pets_name():
    assert "macron" not in multilingual.clean("Mon chien s'appelle Macron et il court")
    assert multilingual.clean("Macron et son chien courent") == "macron et son chien courent"
    famous = multilingual.ngrams("la mia gatta si chiama Meloni e dorme")
    plain = multilingual.ngrams("la mia gatta si chiama Bianca e dorme")
    assert (famous == plain).all()  # whatever the pet is called, the head reads the same


@pytest.mark.parametrize(
    "text",
    [
        "meu gato Neymar derrubando tudo da mesa kkkk",
        "Мой хомяк по имени Киркоров жуёт морковку",
        "sa7bi esmo Mohamed Salah bardo, e3mel video leeh",
    ],
)
def test_the_name_rules_let_a_famous_name_given_to_a_pet_or_a_friend_pass_in_other_languages(text):
    assert "public_figure" not in rules_apply(text).categories


@pytest.mark.parametrize(
    "text", ["Neymar dançando na praia", "Taylor Swift and my cat", "Mohamed Salah scoring a goal"]
)
def test_the_name_rules_still_find_the_famous_person_who_is_not_a_pets_name(text):
    assert "public_figure" in rules_apply(text).categories


def test_taking_a_pets_name_out_never_hides_harm_the_whole_text_says():
    """A capitalised word right after a pet counts as its name; read whole, the prompt still shows
    what it shows, and only the named-person categories are read without the name."""
    from moderation.services import prompt_verdict

    attack = prompt_verdict(text="mi perro Sangriento destripado")
    assert not attack.allowed and "violence" in attack.categories
    assert prompt_verdict(text="mon chien Zidane qui court après une balle").allowed
    assert prompt_verdict(text="la mia gatta si chiama Meloni e dorme sul termosifone").allowed
