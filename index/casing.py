"""How the corpus writes a word: as a name (capitalised mid-sentence) or as an ordinary word.

A question's opening word is capitalised whatever it is, so the follow-up
reader (conversation.py) cannot tell "Назарбаевтың жиені…" (a name: a new
topic) from "Мәселелер қай деңгейде…" (an ordinary word: the question leans on
the chat). The corpus can: it writes names capitalised in mid-sentence and
ordinary words in lower case. Asked at question time from the lexical index's
postings and the stored passages, so builds and their formats stay as they are.

A word the corpus never writes mid-sentence ("Меркель", or "Мақала" in a
five-article corpus) has no casing to read, but its vector still says which
kind it is: ``NameDirection`` is a linear boundary between the two kinds,
learned at build time from the corpus' own words (its names against its
ordinary words, capitalised as a question's opening would write them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .hashing import sha256_text
from .latin import russian_reading
from .lexical import LexicalIndex
from .recent import RecentVectors

SAMPLE = 16  # passages read per word: enough to see how it is written, a fraction of a millisecond
CACHE = 4096
MIN_STEM = 5  # a shorter stem matches unrelated words ("назар" in "Назарбаев")
SUFFIX = 4  # characters of case ending a word may differ by ("Назарбаевтың" ~ "Назарбаев")
SHARED_LETTERS = 7  # letters of spelling two words share to be read as one name written otherwise (writes_alike)
_OPENING = ".?!«\"“"
NAME_WORDS = 1000  # words of each kind a name direction learns from: a few seconds of a build at any size
NAME_PASSAGES = 20000  # passages read for them, spread over the corpus
LEARNER = "logistic-regression C=1 balanced"  # in NameWords.key: change it when the learner changes
# A rebuild reuses the served build's direction while its sample still shares this much of each kind of word
# with the corpus' (Jaccard): an article or two more change a few words of two thousand, and the boundary
# learned from them by a hair, but learning it again embeds all two thousand (3-4 s of an incremental build).
REUSE_OVERLAP = 0.9
_LETTER_WORD = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*")
_PLAIN_WORD = re.compile(r"[^\W\d_]+")


def stem(word: str) -> str:
    """The part of ``word`` its other forms share: all but a case ending, never under MIN_STEM characters."""
    low = word.lower()
    return low[:max(MIN_STEM, len(low) - SUFFIX)]


def opens(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence or a line: capitalised there whatever it is.
    Reads back over the whitespace only, not the whole text before the word."""
    i = start
    while i > 0 and text[i - 1].isspace():
        if text[i - 1] == "\n":
            return True
        i -= 1
    return i == 0 or text[i - 1] in _OPENING


def counts(word: str, texts: Sequence[str]) -> tuple[int, int]:
    """(capitalised, lower-case) mid-sentence occurrences in ``texts`` of words sharing ``word``'s stem."""
    root = stem(word)
    pattern = re.compile(r"(?<!\w)" + re.escape(root), re.IGNORECASE)
    upper = lower = 0
    for text in texts:
        for match in pattern.finditer(text):
            if opens(text, match.start()):
                continue
            if text[match.start()].isupper():
                upper += 1
            else:
                lower += 1
    return upper, lower


def alike(a: str, b: str) -> bool:
    """Whether two spellings (Analyzer.spelling) are forms of one word: each begins with the other's stem, so
    "matvienko" and «Матвиенко»'s "matvienko" are, and "trans" and «Транскаспийского» are not."""
    return b.startswith(stem(a)) and a.startswith(stem(b))


def counts_alike(spelling: str, texts: Sequence[str], spell: Callable[[str], str],
                 same: Callable[[str, str], bool] = alike) -> tuple[int, int]:
    """(capitalised, lower-case) mid-sentence occurrences in ``texts`` of words whose spelling (``spell``) is
    ``spelling``'s (``same``: ``alike``, forms of one word), in whatever script they are written. A word in
    capitals is left out: an acronym's letters are read otherwise in each script ("back" is no BAQ)."""
    upper = lower = 0
    for text in texts:
        for match in _PLAIN_WORD.finditer(text):
            word = match.group()
            if (len(word) > 1 and word.isupper()) or not same(spell(word), spelling) or opens(text, match.start()):
                continue
            if word[0].isupper():
                upper += 1
            else:
                lower += 1
    return upper, lower


def writes_alike(word: str, texts: Sequence[str], spell: Callable[[str], str]) -> bool:
    """Whether ``texts`` write a form of ``word`` (``alike`` once spelt by ``spell``), or a word whose spelling
    shares its first ``SHARED_LETTERS`` letters, in any script, anywhere: Russian «Азербайджане» and Kazakh «Әзербайжан»
    part at дж / ж, «Байконур» and «Байкоочулардын» before the seventh letter."""
    spelling = spell(word)
    opening = spelling[:SHARED_LETTERS] if len(spelling) >= SHARED_LETTERS else None
    for text in texts:
        for match in _PLAIN_WORD.finditer(text):
            other = spell(match.group())
            if alike(other, spelling) or (opening is not None and other.startswith(opening)):
                return True
    return False


def sample_rows(lexical: LexicalIndex, word: str, sample: int) -> list[int]:
    """Up to ``sample`` passages holding ``word``'s lexical token, spread over the whole index, so a common
    token costs no more to read than a rare one; [] for a word of no token or of several."""
    tokens = lexical.analyzer.tokens(word)
    return sample_token_rows(lexical, tokens[0], sample) if len(tokens) == 1 else []


def sample_token_rows(lexical: LexicalIndex, token: str, sample: int) -> list[int]:
    """``sample_rows`` for a lexical token itself, one of the index's vocabulary (respelling.py)."""
    holding = lexical.rows_holding(token)
    if len(holding) > sample:
        holding = holding[np.linspace(0, len(holding) - 1, sample).astype(np.int64)]
    return [int(r) for r in holding]


def verdict(upper: int, lower: int) -> bool | None:
    """True: written as a name; False: as an ordinary word; None: never seen mid-sentence."""
    if upper == lower == 0:
        return None
    return upper >= lower


class CorpusCasing:
    """``casing(word)``: how this build's passages write ``word`` (see ``verdict``); remembered per word."""

    def __init__(self, lexical: LexicalIndex, texts_of: Callable[[list[int]], list[str]],
                 sample: int = SAMPLE, cache: int = CACHE, respelt: Callable[[str], str] = lambda _word: "") -> None:
        self.lexical = lexical
        self.texts_of = texts_of
        self.sample = sample
        # The corpus' token for a capitalised English name it writes with another vowel (respelling.respelt).
        self.respelt = respelt
        self._seen: RecentVectors[str, bool | None] = RecentVectors(cache)
        self._across: RecentVectors[str, bool | None] = RecentVectors(cache)

    def __call__(self, word: str) -> bool | None:
        return self._seen.get([word.lower()], lambda words: [self._read(w) for w in words])[0]

    def across(self, word: str) -> bool | None:
        """How the corpus writes the words that spell ``word`` alike once folded and romanized, in any script
        ("matviyenko": «Матвиенко», a name): for a word it never writes as typed (``__call__`` None), whose
        casing a sentence typed in lower case or in capitals cannot show."""
        return self._across.get([word.lower()], lambda words: [self._read_across(w) for w in words])[0]

    def _read(self, word: str) -> bool | None:
        return verdict(*counts(word, self.texts_of(self.rows(word))))

    def _read_across(self, word: str) -> bool | None:
        spell = self.lexical.analyzer.spelling
        seen = counts_alike(spell(word), self.texts_of(self.rows(word)), spell)
        reading = russian_reading(word) if word.isascii() else word
        if reading != word:  # an English name as Russian writes it ("john": «Джон», latin.russian_reading), spelt
            # alike whole: read as a name, "threats" is "treats", whose stem «Treaty» shares
            rows = self.rows(reading)
            more = counts_alike(spell(reading), self.texts_of(rows), spell, str.__eq__) if rows else (0, 0)
            seen = (seen[0] + more[0], seen[1] + more[1])
        if seen == (0, 0) and word.isascii() and self.respelt(word.capitalize()):
            return True  # "trump": «Трамп», a name written with another vowel (respelling.py)
        return verdict(*seen)

    def clear(self) -> None:
        self._seen.clear()
        self._across.clear()

    def rows(self, word: str) -> list[int]:
        """Up to ``sample`` passages holding the word's lexical token, spread over the whole index.

        The token is a short prefix that other words share ("назар" and "Назарбаев"); a sample
        holding no form of the word gives None, and the reader treats the word as it always did.
        """
        return sample_rows(self.lexical, word, self.sample)


@dataclass(frozen=True)
class NameDirection:
    """A linear boundary between names and ordinary words in the encoder's single-word vectors."""

    weights: np.ndarray
    bias: float
    names: int  # the corpus words it learned from, of each kind
    words: int
    key: str = ""  # what it learned from (NameWords.key): a rebuild with the same key reuses it
    learner: str = ""  # the learner and the model (learner_key): a direction from others is never reused
    sample: "NameWords | None" = None  # the words themselves, to tell how far a rebuild's sample moved

    def is_name(self, vector: np.ndarray) -> bool:
        return float(vector @ self.weights) + self.bias >= 0.0

    def serves(self, words: "NameWords", model_fingerprint: str) -> bool:
        """Whether a build whose sample is ``words`` may keep this direction: learned from them, or from
        nearly them (REUSE_OVERLAP) with the same learner and model."""
        if self.key == words.key(model_fingerprint):
            return True
        return (self.sample is not None and self.learner == learner_key(model_fingerprint)
                and self.sample.overlap(words) >= REUSE_OVERLAP)

    def to_dict(self) -> dict:
        sample = None if self.sample is None else {"names": self.sample.names, "ordinary": self.sample.ordinary}
        return {"weights": [round(float(w), 6) for w in self.weights], "bias": round(self.bias, 6),
                "names": self.names, "words": self.words, "key": self.key, "learner": self.learner,
                "sample": sample}

    @classmethod
    def from_dict(cls, data: dict | None) -> "NameDirection | None":
        """None for a build made before name directions, or one whose corpus had too few words of a kind."""
        if not data:
            return None
        sample = data.get("sample")
        return cls(np.asarray(data["weights"], dtype=np.float32), float(data["bias"]), data["names"], data["words"],
                   data.get("key", ""), data.get("learner", ""),
                   None if not sample else NameWords(list(sample["names"]), list(sample["ordinary"])))


@dataclass(frozen=True)
class NameWords:
    """The words a name direction learns from: a sample of the corpus' names and of its ordinary words."""

    names: list[str]
    ordinary: list[str]

    def key(self, model_fingerprint: str) -> str:
        """Same words, same model, same learner: the same direction, so a rebuild need not embed them again."""
        return sha256_text(json.dumps([LEARNER, model_fingerprint, self.names, self.ordinary], ensure_ascii=False))

    def overlap(self, other: "NameWords") -> float:
        """The smaller Jaccard overlap of the two kinds of words."""
        return min(_jaccard(self.names, other.names), _jaccard(self.ordinary, other.ordinary))


def learner_key(model_fingerprint: str) -> str:
    return sha256_text(json.dumps([LEARNER, model_fingerprint]))


def _jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    union = len(set(a) | set(b))
    return len(set(a) & set(b)) / union if union else 1.0


def _by_hash(items: Sequence[str], k: int) -> list[int]:
    """Positions of the ``k`` items of smallest hash, in order: a sample that a new item changes only if it
    ranks among them, where a random permutation of a grown list would be another sample altogether."""
    if len(items) <= k:
        return list(range(len(items)))
    return sorted(sorted(range(len(items)), key=lambda i: sha256_text(items[i]))[:k])


def corpus_words(texts: Sequence[str]) -> tuple[list[str], list[str]]:
    """(names, ordinary words) as ``texts`` write them mid-sentence; a word written both ways is neither."""
    upper: set[str] = set()
    lower: set[str] = set()
    for text in texts:
        for match in _LETTER_WORD.finditer(text):
            word = match.group()
            if len(word) < 3 or word.isupper() or opens(text, match.start()):
                continue  # a sentence's or a line's opening word, an acronym or a syllable tells nothing
            (upper if word[0].isupper() else lower).add(word)
    plain = {w.lower() for w in lower}
    return sorted(w for w in upper if w.lower() not in plain), sorted(lower - {w.lower() for w in upper})


def name_words(texts: Sequence[str], sample: int = NAME_WORDS, passages: int = NAME_PASSAGES,
               ) -> NameWords | None:
    """Up to ``sample`` names and ordinary words of the corpus (from up to ``passages`` passages), each
    chosen by its hash so that a few new articles move the sample by a few words; None when either kind
    has fewer than 20: too few to learn a boundary from."""
    if len(texts) > passages:
        texts = [texts[i] for i in _by_hash(texts, passages)]
    names, ordinary = corpus_words(texts)
    names = [names[i] for i in _by_hash(names, sample)]
    ordinary = [ordinary[i] for i in _by_hash(ordinary, sample)]
    if min(len(names), len(ordinary)) < 20:
        return None
    return NameWords(names, ordinary)


def learn_name_direction(words: NameWords, embed: Callable[[list[str]], np.ndarray], model_fingerprint: str = "",
                         ) -> NameDirection:
    """The boundary between the corpus' names and its ordinary words, the latter capitalised.

    Logistic regression with the two kinds weighing the same (a corpus has
    many more ordinary words than names).
    """
    from sklearn.linear_model import LogisticRegression  # build time only (sentence-transformers brings it)

    names, ordinary = words.names, words.ordinary
    vectors = np.asarray(embed(names + [w[0].upper() + w[1:] for w in ordinary]), dtype=np.float32)
    kinds = np.array([1] * len(names) + [0] * len(ordinary))
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(vectors, kinds)
    return NameDirection(model.coef_[0].astype(np.float32), float(model.intercept_[0]), len(names), len(ordinary),
                         words.key(model_fingerprint), learner_key(model_fingerprint), words)
