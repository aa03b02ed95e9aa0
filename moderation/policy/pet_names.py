"""A pet's or a friend's name is not a public figure, in any language.

The guide says "my cat Taylor" and "my friend Elon" do not depict anyone famous.
The English path knows this through its name rules (rules.pet_named). The
multilingual head judges names by itself, and it learnt that a famous name
means `public_figure`: "mon chien Zidane", "la mia gatta si chiama Meloni",
"kucing gue namanya Jokowi" and "moi kot Putin" were refused. `without_pet_names`
takes such a name out of the text the multilingual encoder reads, so the
head judges the rest of the prompt.

Only a name is taken out, never an ordinary word: a word counts as the
animal's or friend's name when a naming word introduces it ("called",
"s'appelle", "heißt", "namanya", "叫", "esmaha") or when it is written
with a capital right after the pet ("mi gato Bad Bunny"). Only the words
right there are taken out: "my dog Rex and Messi dancing" keeps Messi.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Pets and toys, and the people a private name belongs to, in the languages the policy reads
# (their own scripts and common romanisations). Each word may carry a possessive ending.
_PETS_LATIN = (
    # es / pt / it / fr
    "gat[oa]s?|gatit[oa]|michi|perr[oa]s?|perrit[oa]|lor[oa]|periquito|conej[oa]|hamster|hámster|pez|"
    "caball[oa]|tortuga|cachorr[oa]|cachorrinh[oa]|cão|cadela|gatinh[oa]|papagaio|coelh[oa]|peixe|"
    "cavalo|tartaruga|gatt[oa]|gattin[oa]|(?:mio|tuo|suo|nostro) cane|cagnolin[oa]|cagnetta|pappagallo|coniglio|pesce|"
    "cavallo|criceto|(?:mon|ton|son|notre|votre|leur) chat|chatte|chaton|chien|chienne|chiot|perroquet|lapin|poisson|cheval|tortue|"
    "doudou|peluche|"
    # de / tr / id
    "katze|kater|kätzchen|hund|hündin|welpe|papagei|kaninchen|hase|pferd|schildkröte|fisch|"
    "kedi[mn]?i?z?|kedicik|köpe[kğ]i?[mn]?i?z?|kopek|kopegim|kuşum|kusum|papağan|tavşan|tavsan|"
    "kucing|kucingku|anjing|anjingku|burung|kelinci|ikan|kuda|"
    # ru (translit), ja (romaji), hi (Hinglish), zh (pinyin), ar (Arabizi)
    "kot|koshka|kotik|kotenok|sobaka|sobachka|pyos|shchenok|schenok|popugay|khomyak|homyak|krolik|"
    "neko|inu|wanko|inko|usagi|"
    "billi|kutta|kutte|kutiya|tota|tote|khargosh|"
    "maomi|xiao mao|xiao gou|gougou|yingwu|tuzi|"
    "2otta|otta|qitta|qetta|kalb|kalbi|bisseh|bsseh|"
    # friends and family: a private person who shares a famous name ("my friend Elon")
    "amig[oa]|amie|pote|freund|freundin|kumpel|amic[oa]|arkadaşım|arkadasim|kanka|kankam|"
    "teman|temen|sahabat|podruga|pengyou|tomodachi|dost|sa7bi|sa7bti|"
    # English words in code-mixed prompts
    "cat|kitty|kitten|dog|doggo|puppy|parrot|bunny|rabbit|hamster|goldfish|pony|friend|bestie"
)
_PETS_SCRIPT = (
    "猫|貓|猫咪|小猫|狗|小狗|狗狗|鹦鹉|兔子|仓鼠|金鱼|朋友|"
    "ネコ|ねこ|犬|イヌ|いぬ|ワンコ|わんこ|インコ|ウサギ|うさぎ|友達|"
    "кот|кошка|котик|котёнок|собака|собачка|пёс|пес|щенок|попугай|хомяк|кролик|друг|подруга|"
    "बिल्ली|कुत्ता|कुत्ते|तोता|दोस्त|"
    "قطة|قطتي|قطه|بسة|بستي|كلب|كلبي|ببغاء|صاحبي|صديقي"
)
# Words that are a pet or a friend in one language and something else in another ("mao", "drug",
# "cane", "chat", "ami", "gou", "pes"): they count only with a naming word after them.
_PETS_NAMED_ONLY = "mao|gou|drug|pes|cane|chat|ami"
# Words that introduce a name ("called", "whose name is"), after the pet or after its owner's word.
_NAMING_LATIN = (
    r"named|called|name is|llamad[oa]|se llama|que se llama|de nombre|chamad[oa]|se chama|que se chama|"
    r"di nome|chiamat[oa]|si chiama|che si chiama|nommée?|appelée?|s'appelle|qui s'appelle|namens|genannt|"
    r"hei(?:ß|ss)t|der .{0,8}hei(?:ß|ss)t|adında|adinda|adlı|adli|isimli|bernama|namanya|yang namanya|"
    r"po klichke|po imeni|zovut|kotorogo zovut|kotoruyu zovut|jiao|ming jiao|mingzi jiao|namae wa|jiska naam|"
    r"jiska nam|naam|esmo|esmaha|esmha|ismuh|ismuha|esmu"
)
_NAMING_SCRIPT = r"叫做|名叫|名字叫|叫|の名前は|という名前の|по кличке|по имени|зовут|которого зовут|которую зовут|जिसका नाम|नाम|اسمه|اسمها"

_NAME = r"[^\W\d_][\w'’\-]*"
_CAP = r"[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’\-]*"
_LATIN = re.compile(
    rf"(?<!\w)(?:(?:{_PETS_LATIN}|{_PETS_NAMED_ONLY})\W+(?:\w+\W+){{0,2}}?(?:{_NAMING_LATIN})\W+(?P<named>{_NAME}(?:\s+{_NAME})?)"
    rf"|(?:{_PETS_LATIN})\s+(?:no\s+)?(?P<capital>{_NAME}(?:\s+{_NAME})?))",
    re.IGNORECASE,
)
_CAPITAL = re.compile(_CAP)  # case-sensitive: a name written with a capital
# A Chinese name runs to the next function word or mark (at most three characters), else two.
_HAN_NAME = r"(?:[\u4e00-\u9fff]{1,3}?(?=[在是的和跟正了着把被从都也很，。,.!！？?\s]|$)|[\u4e00-\u9fff]{2})"
_SCRIPT = re.compile(
    rf"(?:{_PETS_SCRIPT})\s*(?:\w{{0,4}}?\s*)?(?:{_NAMING_SCRIPT})\s*"
    rf"(?P<named>[A-Za-z][\w'’\-]*|[\u30a0-\u30ff]+|{_HAN_NAME}|[\u0400-\u04ff]+|[\u0900-\u097f]+|[\u0600-\u06ff]+)"
)
# Japanese puts the name first: "ポチという犬", "うちの犬のポチ" (katakana after の).
_JA = re.compile(
    rf"(?P<named>[\u30a0-\u30ff]+|[A-Za-z]+)\s*(?:という|って)\s*(?:{_PETS_SCRIPT})"
    rf"|(?:{_PETS_SCRIPT})の(?P<after>[\u30a0-\u30ff]+)"
)
# Turkish and Hindi may also put the name first: "Tarkan adında bir kedim", "Sheru naam ka kutta".
_NAME_FIRST = re.compile(
    rf"(?<!\w)(?P<named>{_NAME})\s+(?:adında|adinda|adlı|adli|isimli|naam ka|naam ki|naam ke|नाम का|नाम की)\s+"
    rf"(?:bir\s+)?(?:{_PETS_LATIN}|{_PETS_SCRIPT})",
    re.IGNORECASE,
)


# One request reads the same text's names more than once (the name rules for every prompt, the
# multilingual reader's cleaning for the rest): the patterns run once per text.
@lru_cache(maxsize=512)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for m in _LATIN.finditer(text):
        group = "named" if m.group("named") else "capital"
        start = m.start(group)
        words = list(re.finditer(r"\S+", m.group(group)))
        # after a naming word the first word is the name, and a second one too if both are capitalised
        # ("esmo Mohamed Salah"); right after the pet, only capitalised words are
        taken = words[0].end() if group == "named" else 0
        for w in words if group == "capital" or _CAPITAL.fullmatch(words[0].group(0)) else []:
            if not _CAPITAL.fullmatch(w.group(0)):
                break
            taken = w.end()
        if taken:
            spans.append((start, start + taken))
    for rx, groups in ((_SCRIPT, ("named",)), (_JA, ("named", "after")), (_NAME_FIRST, ("named",))):
        for m in rx.finditer(text):
            spans += [m.span(g) for g in groups if m.group(g)]
    return tuple(spans)


def given_names(text: str) -> list[str]:
    """The names the text gives a pet, a toy or a friend, as written ("mi gato Bad Bunny" -> ["Bad Bunny"])."""
    return [text[a:b] for a, b in sorted(set(_spans(text)))]


def without_pet_names(text: str) -> str:
    """The text less the names it gives a pet, a toy or a friend (see the module's docstring)."""
    spans = _spans(text)
    if not spans:
        return text
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return re.sub(r"[ \t]{2,}", " ", "".join(out)).strip()
