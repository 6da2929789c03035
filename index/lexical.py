"""The lexical side of retrieval: an analyzer for ru/kk/ky/en text and a bm25s index.

The analyzer brings the four languages and two scripts onto common ground,
because names and numbers are what cross languages ("Тоқаев" / "Токаев" /
"Tokayev", "Су-35" / "Su-35"):

1. lower-case and split on Unicode letters and digits (Cyrillic, the Kazakh
   and Kyrgyz letters ә ғ қ ң ө ұ ү һ і, Latin);
2. fold the Kazakh/Kyrgyz letters to their Russian neighbours (қ→к, ә→а, …);
3. romanize Cyrillic and normalise spelling variants (zh/ж→j, й/y→i, double
   letters, an i between vowels), so Cyrillic and Latin spellings meet; Latin
   letters lose their marks (ş→sh, ä/á→a, ğ/ǵ→g, ñ/ń→n, ı→i, ū/ü→u, ý→y), so
   Kazakh in its Latin alphabets ("Toqaev Mäskeuge qaşan barady?", the 2021
   alphabet, or 2018's "Máskeýge") meets its Cyrillic spelling;
4. cut every word to a prefix, a crude but sound stemmer for agglutinative
   Kazakh and Kyrgyz (no Snowball stemmer exists for them), which also serves
   Russian and English; numbers stay whole. Kazakh words a Hunspell dictionary
   knows are first replaced by their stem (stems.py), where the prefix alone
   cannot join a short stem's forms.

Each step was kept because it raised recall on the seeds gold set and on
KazQAD (``bench/lexical_ablation.py``, docs/benchmarks.md); a Snowball
stemmer for Russian was measured against the prefix and lost.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from .candidates import QueryTerms
from .recent import RecentVectors
from .text import CYRILLIC

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
RECENT_QUERIES = 256  # queries whose tokens and IDF an index remembers (LexicalIndex._query_idf)

_FOLD = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у",
                       "һ": "х", "і": "и", "ё": "е"})
_ROMAN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "j", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "",
    "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}
_ROMAN_TABLE = str.maketrans(_ROMAN)
_LATIN_VARIANTS = [("zh", "j"), ("kh", "h"), ("y", "i"), ("x", "ks"), ("w", "v"), ("q", "k"), ("c", "k")]
_MARKED = str.maketrans({"ş": "sh", "ç": "ch", "ı": "i"})  # the rest decompose into a letter and its mark
_DOUBLE = re.compile(r"(.)\1+")
_I_BETWEEN_VOWELS = re.compile(r"(?<=[aeiou])i(?=[aeiou])")


@dataclass(frozen=True)
class Analyzer:
    """How text becomes lexical tokens; saved with the index so queries are analysed the same way."""

    fold: bool = True
    romanize: bool = True
    prefix: int | None = 5  # keep this many characters of a word; None keeps it whole
    stem_russian: bool = False  # Snowball for Russian text instead of the prefix
    # Kazakh word → stem (stems.py), saved beside the index; the digest names the table in
    # analyzer.json and in comparisons, so two indexes' analyzers never share cached tokens.
    stems: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    stems_digest: str = ""
    latin_marks: bool = True  # strip Latin letters' marks (step 3); indexes built before it: False

    def tokens(self, text: str, lang: str = "") -> list[str]:
        out = []
        low = text.lower()
        if self.latin_marks and "\u0307" in low:  # "İ" lower-cases to i + a combining dot, which splits the word
            low = low.replace("\u0307", "")
        for word in _WORD.findall(low):
            if word.isdigit():
                out.append(word)
                continue
            if word in self.stems:
                word = self.stems[word]
            elif self.latin_marks and self.stems and not CYRILLIC.search(word):  # Kazakh in Latin letters
                word = _latin_stems(self).get(_normalise(word, self.fold, self.romanize, True), word)
            if self.stem_russian and lang == "ru":
                word = _russian_stemmer().stemWord(word)
            token = _normalise(word, self.fold, self.romanize, self.latin_marks)
            if self.prefix and not (self.stem_russian and lang == "ru"):
                token = token[: self.prefix]
            if len(token) > 1 or token.isdigit():
                out.append(token)
        return out

    def spelling(self, word: str) -> str:
        """``word`` folded and romanized whole, as its token is before the prefix cut: one spelling for
        «Матвиенко» and "Matviyenko", which a casing read across scripts compares (casing.CorpusCasing.across)."""
        return _normalise(word.lower(), self.fold, self.romanize, self.latin_marks)

    def token_set(self, text: str) -> frozenset[str]:
        """The distinct tokens of a stored text (a passage, a sentence), remembered across questions.

        Folding near-duplicates and ranking answer sentences compare the same
        few dozen candidate texts question after question; analysing each of
        them again was a third of a warm question's time outside the encoder.
        """
        return _token_set(self, text)

    def with_stems(self, stems: Mapping[str, str]) -> "Analyzer":
        digest = hashlib.sha256(json.dumps(stems, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
        return replace(self, stems=dict(stems), stems_digest=digest if stems else "")

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "stems"}


@lru_cache(maxsize=2048)  # about 10 KB an entry: some 20 MB at most
def _token_set(analyzer: Analyzer, text: str) -> frozenset[str]:
    return frozenset(analyzer.tokens(text))


@lru_cache(maxsize=8)
def _latin_stems(analyzer: Analyzer) -> dict[str, str]:
    """The stems table for Kazakh written in Latin letters: each word's romanized spelling → its stem.

    "barady" finds the stem of "барады"; a spelling two table words share is left out.
    """
    table: dict[str, str] = {}
    shared: set[str] = set()
    for word, stem in analyzer.stems.items():
        key = _normalise(word, analyzer.fold, analyzer.romanize, True)
        if key in table and table[key] != stem:
            shared.add(key)
        table.setdefault(key, stem)
    return {k: v for k, v in table.items() if k not in shared}


@lru_cache(maxsize=200_000)
def _normalise(word: str, fold: bool, romanize: bool, latin_marks: bool = False) -> str:
    if fold:
        word = word.translate(_FOLD)
    if romanize:
        word = word.translate(_ROMAN_TABLE)
        if latin_marks and not word.isascii():
            word = _unmarked(word)
        for latin, canonical in _LATIN_VARIANTS:
            word = word.replace(latin, canonical)
        word = _I_BETWEEN_VOWELS.sub("", _DOUBLE.sub(r"\1", word))
    return word


@lru_cache(maxsize=4096)
def letter_reading(letters: str) -> str:
    """An acronym read letter by letter, each letter folded and romanized alone: SSR and «ССР» both "ssr", which
    the analyzer's tokens make "sr" and "sr"; «ТАСС» "tass", never "tas" (a word of the corpus)."""
    return "".join(_normalise(c, True, True, True) for c in letters.lower())


def _unmarked(word: str) -> str:
    """Latin letters without their marks, ş and ç as the sh and ch their Cyrillic letters romanize to."""
    word = word.translate(_MARKED)
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _russian_stemmer():
    import Stemmer  # PyStemmer

    return Stemmer.Stemmer("russian")


def own_titles(documents) -> dict[str, str]:
    """doc_id → title, for documents whose title is not simply the start of their text."""
    return {d.doc_id: d.title for d in documents if d.title.rstrip("…").strip() not in d.text}


def lexical_text(passage, titles: dict[str, str]) -> str:
    """What BM25 indexes for a passage: its text, after its document's title when that title is not in the text.

    Encyclopaedia and benchmark documents carry a title the text never repeats
    (KazQAD's article names); a news page's title is its own first sentence.
    """
    title = titles.get(passage.doc_id)
    return f"{title}\n{passage.text}" if title else passage.text


@dataclass(frozen=True)
class LexicalScores:
    """BM25 score of every passage for one query, and how much of the query each passage matched.

    ``coverage`` is the share of the query's IDF mass found in the passage: the
    evidence that a BM25 score means something. An English question over a
    Kazakh passage can get a BM25 score from a shared stray token; its coverage
    stays near zero.
    """

    bm25: np.ndarray  # float32, one score per passage
    postings: tuple[tuple[float, np.ndarray], ...]  # per known query token: its IDF, the sorted rows holding it
    total_idf: float

    def coverage_of(self, rows: np.ndarray) -> np.ndarray:
        """Coverage of the given rows only: a binary search per query token, not a pass over the corpus."""
        return _coverage(self.postings, self.total_idf, rows)

    @property
    def coverage(self) -> np.ndarray:
        return self.coverage_of(np.arange(len(self.bm25)))


def _coverage(postings: tuple[tuple[float, np.ndarray], ...], total_idf: float, rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.int64)
    out = np.zeros(len(rows), dtype=np.float64)
    for idf, posting in postings:
        if len(posting):
            at = np.minimum(np.searchsorted(posting, rows), len(posting) - 1)
            out[np.asarray(posting[at]) == rows] += idf
    return out / total_idf if total_idf > 0 else out


class LexicalIndex:
    """A bm25s index over passages, in passage row order."""

    FOLDER = "lexical"
    ANALYZER_FILE = "analyzer.json"
    STEMS_FILE = "stems.json"

    def __init__(self, retriever, analyzer: Analyzer) -> None:
        self.retriever = retriever
        self.analyzer = analyzer
        indptr = np.asarray(retriever.scores["indptr"])
        self._df = np.diff(indptr).astype(np.float64)  # passages holding each token
        n = float(retriever.scores["num_docs"])
        self._idf = np.log1p((n - self._df + 0.5) / (self._df + 0.5))
        self._unknown_idf = float(np.log1p((n + 0.5) / 0.5))
        self._indices = np.asarray(retriever.scores["indices"])
        self._indptr = indptr
        # A question's tokens and IDF are read for its BM25, its candidates' coverage and its sentences' coverage.
        self._recent_queries: RecentVectors[tuple[str, str], dict[str, float]] = RecentVectors(RECENT_QUERIES)

    @classmethod
    def build(cls, texts: list[str], langs: list[str], analyzer: Analyzer) -> "LexicalIndex":
        import bm25s

        retriever = bm25s.BM25()
        retriever.index([analyzer.tokens(t, lang) for t, lang in zip(texts, langs)], show_progress=False)
        indptr, indices = np.asarray(retriever.scores["indptr"]), np.asarray(retriever.scores["indices"])
        step = np.diff(indices)
        if np.any(step[np.isin(np.arange(len(step)), indptr[1:-1] - 1, invert=True)] <= 0):
            # coverage_of binary-searches postings; a bm25s that stops sorting them must be caught here
            raise RuntimeError("bm25s returned unsorted postings; coverage cannot be computed")
        return cls(retriever, analyzer)

    @classmethod
    def for_passages(cls, texts: list[str], langs: list[str], analyzer: Analyzer | None = None) -> "LexicalIndex":
        """The production index: the analyzer given (the default one) with the Kazakh stems of these texts."""
        from .stems import stem_table

        analyzer = analyzer or Analyzer()
        kazakh, shared = set(), set()  # Kazakh words; tokens of every other language's passages
        for text, lang in zip(texts, langs):
            if lang == "kk":
                kazakh.update(_WORD.findall(text.lower()))
            else:
                shared.update(analyzer.tokens(text, lang))
        table = {}
        for word, stem in (stem_table(kazakh) if kazakh else {}).items():
            before, after = analyzer.tokens(word), analyzer.tokens(stem)
            # Only what changes a token (most stems share the word's first five letters already), and
            # never a token other languages hold: Kazakh «Қасым» must stay Russian «Касым», and «оның»
            # must not become «оны», which is Russian «они».
            if before != after and not (set(before) | set(after)) & shared:
                table[word] = stem
        return cls.build(texts, langs, analyzer.with_stems(table))

    def save(self, folder: Path) -> list[Path]:
        """Write the index into ``folder``; returns the files written (for the manifest)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.retriever.save(str(folder), show_progress=False)
        (folder / self.ANALYZER_FILE).write_text(json.dumps(self.analyzer.to_dict()), encoding="utf-8")
        if self.analyzer.stems:
            (folder / self.STEMS_FILE).write_text(json.dumps(self.analyzer.stems, ensure_ascii=False),
                                                  encoding="utf-8")
        return sorted(p for p in folder.iterdir() if p.is_file())

    @classmethod
    def load(cls, folder: Path, mmap: bool = False) -> "LexicalIndex":
        """``mmap`` maps the score matrix instead of reading it: a large index starts at once."""
        import bm25s

        saved = json.loads((folder / cls.ANALYZER_FILE).read_text(encoding="utf-8"))
        analyzer = Analyzer(**{"latin_marks": False, **saved})  # a build before the marks were stripped
        if analyzer.stems_digest:  # builds before the stems have none
            stems = analyzer.with_stems(json.loads((folder / cls.STEMS_FILE).read_text(encoding="utf-8")))
            if stems.stems_digest != analyzer.stems_digest:
                raise ValueError(f"{folder / cls.STEMS_FILE} does not match the analyzer it was built with")
            analyzer = stems
        retriever = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0, mmap=mmap)
        return cls(retriever, analyzer)

    @property
    def size(self) -> int:
        return int(self.retriever.scores["num_docs"])

    def _query_idf(self, query: str, lang: str) -> dict[str, float]:
        """``_analyse_query``, remembered for the last few hundred queries; callers must not change the dict.
        Not an lru_cache of a bound method: that would tie the index to itself in a cycle and keep a
        swapped-out build alive until the garbage collector's next pass."""
        return self._recent_queries.get([(query, lang)], lambda keys: [self._analyse_query(q, code) for q, code in keys])[0]

    def _analyse_query(self, query: str, lang: str) -> dict[str, float]:
        """The query's distinct tokens and their IDF; a token no passage has gets the highest IDF."""
        vocab = self.retriever.vocab_dict
        return {t: float(self._idf[vocab[t]]) if t in vocab else self._unknown_idf
                for t in set(self.analyzer.tokens(query, lang))}

    @property
    def idf(self) -> np.ndarray:
        """IDF of each token id (bm25s' ids), the query-side half of BM25."""
        return self._idf

    def query_terms(self, query: str, lang: str = "") -> QueryTerms:
        """The query's known tokens with their IDF, and the IDF mass of all its tokens (for coverage)."""
        idf = self._query_idf(query, lang)
        vocab = self.retriever.vocab_dict
        return QueryTerms({t: v for t, v in idf.items() if t in vocab}, sum(idf.values()))

    def text_coverage(self, query: str, texts: list[str], lang: str = "") -> np.ndarray:
        """Share of the query's IDF mass each text contains (for ranking answer sentences)."""
        idf = self._query_idf(query, lang)
        total = sum(idf.values())
        if total <= 0:
            return np.zeros(len(texts))
        return np.array([sum(idf[t] for t in idf.keys() & self.analyzer.token_set(text)) / total
                         for text in texts])

    def score(self, query: str, lang: str = "") -> LexicalScores:
        terms = self.query_terms(query, lang)
        vocab = self.retriever.vocab_dict
        known = [vocab[t] for t in terms.idf]
        bm25 = (self.retriever.get_scores_from_ids(known) if known
                else np.zeros(self.size, dtype=np.float32))
        return LexicalScores(np.asarray(bm25, dtype=np.float32), self._postings(known), terms.total_idf)

    def coverage_of(self, terms: QueryTerms, rows: np.ndarray) -> np.ndarray:
        """Coverage of ``rows`` for analysed query terms, from the postings alone (no BM25 pass)."""
        vocab = self.retriever.vocab_dict
        return _coverage(self._postings([vocab[t] for t in terms.idf]), terms.total_idf, rows)

    def spells(self, word: str) -> bool:
        """Whether the corpus writes ``word``: some passage holds each of its lexical tokens (scripts folded,
        so "Tokayev" is spelt where the passages say Токаев)."""
        vocab = self.retriever.vocab_dict
        return all(t in vocab for t in self.analyzer.tokens(word))

    def begins(self, word: str) -> bool:
        """Whether some corpus word begins as ``word`` does: its one lexical token begins a token of the corpus
        («Китаем» begins as «Кита»), where ``spells`` asks for the whole token."""
        tokens = self.analyzer.tokens(word)
        if len(tokens) != 1:
            return False
        keys = self._sorted_vocab
        at = bisect_left(keys, tokens[0])
        return at < len(keys) and keys[at].startswith(tokens[0])

    @cached_property
    def _sorted_vocab(self) -> list[str]:
        """The vocabulary in order, for ``begins``; sorted on first use (a place near-miss question)."""
        return sorted(self.retriever.vocab_dict)

    def rows_holding(self, token: str) -> np.ndarray:
        """The sorted rows of the passages holding an analysed ``token`` (none for a token no passage has)."""
        i = self.retriever.vocab_dict.get(token)
        return self._rows(i) if i is not None else self._indices[:0]

    def _rows(self, token_id: int) -> np.ndarray:
        return self._indices[self._indptr[token_id]:self._indptr[token_id + 1]]

    def _postings(self, token_ids: list[int]) -> tuple[tuple[float, np.ndarray], ...]:
        """Per token, its IDF and the sorted rows holding it."""
        return tuple((float(self._idf[i]), self._rows(i)) for i in token_ids)
