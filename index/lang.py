"""Language identification among the corpus' four languages: ru, kk, ky, en.

Kazakh and Kyrgyz are both Cyrillic. Kazakh alone uses ә ғ қ ұ һ і; Kyrgyz
shares ң ө ү with Kazakh but lacks those; Russian has none of them. Letter
evidence decides most texts; a few very frequent function words break ties in
short texts that carry no distinctive letter, and then endings and spellings
Russian never writes (ы after к, ч, ш…: «тышкы», «башчысы»).
"""

from __future__ import annotations

import functools
import re
from typing import Literal

Lang = Literal["ru", "kk", "ky", "en"]
LANGS: tuple[Lang, ...] = ("en", "ru", "kk", "ky")

_KAZAKH_ONLY = set("әғқұһі")
_TURKIC_SHARED = set("ңөү")
_WORD = re.compile(r"\w+", re.UNICODE)
_FUNCTION_WORDS: dict[Lang, set[str]] = {
    "kk": {"және", "мен", "бен", "пен", "үшін", "деп", "бұл", "қандай", "кім", "қашан", "неше", "не", "туралы"},
    "ky": {"жана", "менен", "үчүн", "деп", "бул", "кандай", "ким", "качан", "канча", "эмне", "тууралуу",
           "кайсы", "кайда", "кийин", "чейин", "эмнени", "эмнеге", "ал", "анын", "быйыл"},
    "ru": {"и", "в", "не", "что", "на", "с", "как", "когда", "кто", "где", "сколько", "о", "по"},
}


# Kyrgyz written without ң ө ү still declines its words: genitive, locative-attributive, participle,
# dative and question-particle endings that Russian words rarely end in, counted against the endings
# Russian inflection gives (adjective, verb, plural and case forms). A word of five letters or more.
_KYRGYZ_ENDINGS = ("нын", "нин", "нун", "дын", "дин", "дун", "тын", "тин", "тун", "дагы", "догу", "тагы", "тогу",
                   "ган", "ген", "гон", "кан", "кен", "кон", "га", "ге", "бы", "би", "бу", "уу")
_RUSSIAN_ENDINGS = ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ого", "его", "ому", "ему", "ых", "их", "ть",
                    "ться", "ся", "сь", "ие", "ия", "ии", "ов", "ев", "ами", "ями", "ах", "ях", "ую", "юю", "ет",
                    "ит", "ют", "ут", "ят", "ал", "ла", "ли", "ло", "ом", "ем", "ей", "ию", "ью", "ы")


# Russian spelling never writes ы after these letters (и instead: «руки», «жить»); Kyrgyz does («тышкы», «башчысы»),
# and Kazakh writes қы, ғы. Russian writes Turkic names so («Шымкент»), so only a word in lower case counts.
_NOT_RUSSIAN = ("кы", "гы", "хы", "жы", "чы", "шы", "щы")


def _endings(words: list[str], endings: tuple[str, ...]) -> int:
    return sum(1 for w in words if len(w) >= 5 and w.endswith(endings))


SHORT_TEXT = 2000  # the longest text whose language is remembered (a question is at most MAX_QUESTION_CHARS)


def detect_language(text: str) -> Lang:
    """Best guess among ru/kk/ky/en; defaults to en for text with no Cyrillic."""
    # A question is asked its language four times on its way to an answer; a document, once.
    return _short_text_language(text) if len(text) <= SHORT_TEXT else _language(text)


@functools.lru_cache(maxsize=4096)
def _short_text_language(text: str) -> Lang:
    return _language(text)


def _language(text: str) -> Lang:
    letters = [c for c in text.lower() if c.isalpha()]
    cyrillic = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in letters if c.isascii())
    if cyrillic == 0 or latin > 2 * cyrillic:
        return "en"
    kazakh = sum(1 for c in letters if c in _KAZAKH_ONLY)
    shared = sum(1 for c in letters if c in _TURKIC_SHARED)
    written = _WORD.findall(text)
    words = [w.lower() for w in written]
    votes = {lang: sum(1 for w in words if w in vocab) for lang, vocab in _FUNCTION_WORDS.items()}
    # A distinctive letter decides unless Russian function words outvote it and the
    # letters are rare (~3%+ of Kazakh text): "Қасым" inside a Russian sentence stays ru.
    if kazakh and (votes["kk"] >= votes["ru"] or kazakh / cyrillic > 0.03):
        return "kk"
    if shared and (votes["ky"] >= votes["ru"] or shared / cyrillic > 0.03):
        return "ky"
    if votes["kk"] > votes["ru"] and votes["kk"] > votes["ky"]:
        return "kk"
    if votes["ky"] > votes["ru"]:
        return "ky"
    turkic = {w for w in written if w.islower() and any(pair in w for pair in _NOT_RUSSIAN)}
    rest = [w for w in words if w not in turkic]
    if len(turkic) + _endings(rest, _KYRGYZ_ENDINGS) > _endings(rest, _RUSSIAN_ENDINGS) + votes["ru"]:
        return "ky"
    return "ru"
