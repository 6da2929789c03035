"""A message read whole against a closed table of phrases: small talk ("hi", «спасибо»), asking for more ("tell
me more", «толығырақ»). Nothing else may stand in it but a few fillers ("ok", "please", «бот»).

Kazakh and Kyrgyz letters are matched with their Russian lookalikes too, so a phrase typed without them
(«Салеметсиз бе») is found; a phrase typed letter for letter as one language writes it is that language's
(«Сиз кимсиз» is Kyrgyz, though Kazakh «Сіз кімсіз» folds to it).
"""

from __future__ import annotations

import re
from typing import Generic, Mapping, TypeVar

from .lang import Lang

Kind = TypeVar("Kind", bound=str)

# Kazakh and Kyrgyz letters and their Russian lookalikes, as a phone without the Kazakh layout types them.
_LOOKALIKES = str.maketrans("әғқңөұүһіё", "агкноуухие")
_WORDS = re.compile(r"[^\W\d_]+")


def typed(text: str) -> tuple[str, ...]:
    """The words of ``text`` in lower case, apostrophes left out ("what's" is "whats")."""
    return tuple(_WORDS.findall(text.lower().replace("'", "").replace("’", "")))


def folded(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(word.translate(_LOOKALIKES) for word in words)


class PhraseTable(Generic[Kind]):
    """Phrases by kind and language ("|" between the phrases of one language), and the fillers allowed beside."""

    def __init__(self, phrases: Mapping[Kind, Mapping[Lang, str]], fillers: frozenset[str]) -> None:
        self.fillers = fillers
        self.table: dict[tuple[str, ...], tuple[Kind, tuple[Lang, ...]]] = {}  # folded words: kind, languages
        self.spelt: dict[tuple[str, ...], tuple[Lang, ...]] = {}  # words as written: the languages writing them so
        for kind, by_lang in phrases.items():
            for lang, listed in by_lang.items():
                for phrase in listed.split("|"):
                    words = typed(phrase)
                    assert words, phrase
                    _, langs = self.table.get(folded(words), (kind, ()))
                    self.table[folded(words)] = (kind, (*langs, lang))
                    self.spelt[words] = (*self.spelt.get(words, ()), lang)
        self.longest = max(map(len, self.table))

    def read(self, message: str) -> list[tuple[Kind, tuple[Lang, ...]]] | None:
        """The phrases ``message`` is made of, in order, each with its kind and the languages writing it as typed;
        None when some word is neither a phrase's nor a filler, when no phrase is there, or a digit is."""
        if any(c.isdigit() for c in message):
            return None
        written = typed(message)
        words = folded(written)
        if not words or len(words) > 4 * self.longest:
            return None
        found: list[tuple[Kind, tuple[Lang, ...]]] = []
        i = 0
        while i < len(words):  # the longest phrase first, then a filler
            for n in range(min(self.longest, len(words) - i), 0, -1):
                if words[i:i + n] in self.table:
                    kind, langs = self.table[words[i:i + n]]
                    found.append((kind, self.spelt.get(written[i:i + n], langs)))
                    i += n
                    break
            else:
                if words[i] not in self.fillers:
                    return None
                i += 1
        return found or None
