"""Words in Latin letters read as Cyrillic writes them: Kazakh typed in Latin letters, and English names.

Kazakhstan is moving its alphabet to Latin letters (the 2021 alphabet: ä, ğ, ı,
ñ, ö, ş, ū, ü, q; the 2018 one had acutes: á, ǵ, ń, ó, ú, ý), and people type
Kazakh that way. The lexical side already meets such words (lexical.py strips
the marks); the encoder does not: it has seen Kazakh almost only in Cyrillic,
and "Toqaev Mäskeuge qaşan barady?" lands far from the passage that answers
"Тоқаев Мәскеуге қашан барады?". A question that is Kazakh in Latin letters
(a letter only Kazakh's Latin alphabets use, or one of its question words) has
its words written back in Cyrillic. A capitalised word, a name, stays as typed
("Samat Abish", "Putin": the encoder knows names in Latin letters, and the
analyzer folds both spellings to one token) unless it is spelt the Kazakh way
("Toqaevtyñ", "Mäskeu": a Kazakh letter or a q) or is an ordinary word at the
head of a sentence ("Ol", «Ол», he). Chosen on the dev sets in Latin letters
(bench/message_shapes.py): converting those names too lifted followups_dev's
recall@5 0.941 → 1.000 and gold.jsonl's 0.944 → 1.000.
"""

from __future__ import annotations

import re
from typing import Callable

from .text import CYRILLIC, LETTERS

# Letters of Kazakh's Latin alphabets that English, Russian-in-Latin and Kyrgyz-in-Latin do not use.
_KAZAKH_LETTERS = set("äğıñöşūüáǵńóúý")
_KAZAKH_SPELLING = _KAZAKH_LETTERS | {"q"}  # a name spelt with these is spelt the Kazakh way ("Toqaevtyñ", "Mäskeu")
# Question words written the way the Latin alphabets (and people without them) write them.
_QUESTION_WORDS = frozenset("""
qanşa qansha qaşan qashan qandai qandaı qandaý qai qaı qaida qaıda qalai qalaı qaisy qaısy nege kımnıñ kimnin
""".split())
# A question with these is English, whatever names it holds ("What did Erdoğan say?").
_ENGLISH = frozenset("""
the a an of to in on at by for from with about what who whom whose which when where why how is are was were do does
did has have had will would can could should say said and or not this that
""".split())
# Two letters for one first (sh, ch, zh), then one for one; where the alphabets differ, the 2021 reading.
_PAIRS = (("sh", "ш"), ("ch", "ч"), ("zh", "ж"))
_LETTERS = str.maketrans({
    "a": "а", "ä": "ә", "á": "ә", "b": "б", "v": "в", "g": "г", "ğ": "ғ", "ǵ": "ғ", "d": "д", "e": "е",
    "j": "ж", "z": "з", "i": "и", "ı": "і", "k": "к", "q": "қ", "l": "л", "m": "м", "n": "н", "ñ": "ң",
    "ń": "ң", "o": "о", "ö": "ө", "ó": "ө", "p": "п", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у",
    "ū": "ұ", "ü": "ү", "ú": "ү", "ý": "у", "f": "ф", "h": "х", "y": "ы", "c": "с", "w": "у", "x": "х",
})


def kazakh_in_latin(text: str) -> bool:
    """No Cyrillic, no English word, and a letter only Kazakh's Latin alphabets have, or one of its question words."""
    if CYRILLIC.search(text):
        return False
    low = text.lower()
    words = LETTERS.findall(low)
    if any(w in _ENGLISH for w in words):
        return False
    return bool(_KAZAKH_LETTERS & set(low)) or any(w in _QUESTION_WORDS for w in words)


def cyrillic(word: str) -> str:
    w = word.lower()
    for latin, letter in _PAIRS:
        w = w.replace(latin, letter)
    w = w.translate(_LETTERS)
    return w[:1].upper() + w[1:] if word[:1].isupper() else w


def to_cyrillic(text: str, ordinary: Callable[[str], bool] = lambda word: False) -> str:
    """Words in Cyrillic letters, but capitalised ones (names) as typed unless ``ordinary`` says the
    Cyrillic word is no name (the question's opening "Ol" is «Ол», he)."""
    def word(match: re.Match) -> str:
        w = match.group()
        if w[:1].isupper() and not ordinary(cyrillic(w)) and not _KAZAKH_SPELLING & set(w.lower()):
            return w
        return cyrillic(w)

    return LETTERS.sub(word, text)


# An English name's h after a vowel is not pronounced, and Russian, Kazakh and Kyrgyz leave it out (John / Джон).
_SILENT_H = re.compile(r"(?<=[aeiou])h(?![aeiou])")


def russian_reading(word: str) -> str:
    """An English name as the corpus' other languages write it, in the Latin letters the lexical analyzer
    romanizes Cyrillic to: j as дж, th as т, ph as ф, a silent h left out ("John" → "djon", «Джон»;
    "Arthur" → "artur", «Артур»). The word lower-cased and unchanged when none of these applies."""
    w = word.lower().replace("th", "t").replace("ph", "f")
    return _SILENT_H.sub("", w).replace("j", "dj")


def in_cyrillic_if_kazakh(text: str, ordinary: Callable[[str], bool] = lambda word: False) -> str:
    return to_cyrillic(text, ordinary) if kazakh_in_latin(text) else text
