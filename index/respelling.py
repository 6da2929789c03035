"""An English name the corpus writes in Cyrillic with another vowel: "Trump" / «Трамп».

The lexical analyzer meets scripts letter for letter ("Tokayev" / «Токаев»), but
Russian, Kazakh and Kyrgyz write an English name by its sound, and an English vowel
letter is the least faithful part of its spelling: Trump / Трамп, Hunter / Хантер,
Truss / Трасс. The name's token ("trump") is then no token of the corpus ("tramp"):
a who-is question about it has no subject, the near-miss check finds it missing
and BM25 cannot find it. Such a name is read as the corpus token its token (or
its latin.russian_reading, "Justin": "djustin") becomes with one vowel changed,
where the corpus writes that token as a name, capitalised mid-sentence; one
vowel, as Russian transcribes it, and a name only, so an absent name does not
become any corpus word that happens to share its consonants.
"""

from __future__ import annotations

import re

from .casing import SAMPLE, SUFFIX, counts_alike, sample_token_rows, verdict
from .latin import russian_reading
from .store import LoadedIndex

# The vowels Russian writes for an English vowel letter of the same place: u as а (Trump / Трамп, Hunter / Хантер)
# or е (Murphy / Мерфи, Turner / Тёрнер), a as е or э (Cameron / Кэмерон, Jack / Джек), in the analyzer's spelling
# (э and ё are e). Any vowel for any other read 13 in 7,822 English dictionary words as corpus names ("petting" as
# «Путинге», "throat" as "Treaty"); these three read 5 in all 31,287 ("toque" as «Токаев», "vast"; "trump" too).
_SOUNDED = {"u": "ae", "a": "e"}
MIN_LETTERS = 4  # a shorter spelling meets a name's opening with a case ending after it: "This" read "tis", «Тасым»
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")


def other_vowels(spelling: str) -> list[str]:
    """``spelling`` with one of its vowels written as Russian writes it ("trump": "tramp", "tremp")."""
    return [spelling[:i] + v + spelling[i + 1:] for i, c in enumerate(spelling) for v in _SOUNDED.get(c, "")]


def respelt(term: str, index: LoadedIndex) -> str:
    """The corpus' token for ``term``, a capitalised word in Latin letters the corpus writes only with another
    vowel ("Trump": "tramp"); "" for any other term, and where more than one token would do."""
    if not (term.isascii() and term.isalpha() and term[:1].isupper() and not term.isupper()):
        return ""
    return index.respellings.get([term], lambda terms: [_respelt(t, index) for t in terms])[0]


def _respelt(term: str, index: LoadedIndex) -> str:
    lexical = index.lexical
    if lexical.spells(term):
        return ""
    vocab = lexical.retriever.vocab_dict
    spell = lexical.analyzer.spelling
    cut = lexical.analyzer.prefix or None
    found = set()
    for reading in {spell(term), spell(russian_reading(term))}:
        if len(reading) < MIN_LETTERS:
            continue
        for variant in other_vowels(reading):
            token = variant[:cut]
            if token in vocab and _written_as_name(variant, token, index):
                found.add(token)
    return found.pop() if len(found) == 1 else ""


def _written_as_name(spelling: str, token: str, index: LoadedIndex) -> bool:
    """Whether the passages holding ``token`` write ``spelling`` (the whole name, a case ending after it: «Трампа»)
    capitalised mid-sentence, as a name. The whole name, not its token: "Istanbul" with an a is no «Астана»."""
    texts = [p.text for p in index.passages.many(sample_token_rows(index.lexical, token, SAMPLE))]
    return verdict(*counts_alike(spelling, texts, index.lexical.analyzer.spelling, _form_of)) is True


def _form_of(written: str, spelling: str) -> bool:
    """Whether a corpus word's spelling ``written`` is ``spelling`` or ``spelling`` with a case ending."""
    return written.startswith(spelling) and len(written) - len(spelling) <= SUFFIX


def respellings(text: str, index: LoadedIndex) -> tuple[str, ...]:
    """The corpus' tokens for the English names of ``text`` it writes with another vowel (``respelt``): what a
    question's BM25 query adds, so the passages naming «Трамп» are found for "Trump"."""
    return tuple(r for w in dict.fromkeys(_CAPITALISED.findall(text)) if (r := respelt(w, index)))
