"""The question-answering engine both shells (CLI, Telegram) call: model + index → answer."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable, Sequence

import numpy as np

from .acronyms import full_names_in, shouted
from .attributes import Attribute, asked, says
from .answer import (ALONE_MIX, SAME_LANGUAGE, SUBJECT_WEIGHT, Answer, Candidate, SentenceCentres, candidate_sentences,
                     compose_answer, merge_answers, no_articles, not_found, not_said, not_stated, nothing_more,
                     select_sentences, small_talk_reply)
from .casing import CorpusCasing, NameDirection
from .chunk import Passage
from .conversation import FUNCTION_WORDS, FollowUp, mix, only_asks, read_follow_up, refers_back
from .evidence import (DEFAULT_NAME_MATCH, asks_about, asks_who, naming, pair_names, place_vouched, question_terms,
                       same_name, spelt, taken_up, topic_terms, topical_shape, weigh, written_as_russian)
from .fuse import FusionParams, Mode, collapse_near_duplicates, first_where, rank, spread_documents
from .kazakh_letters import written_back
from .lang import detect_language
from .language_subspace import project
from .latin import in_cyrillic_if_kazakh
from .message import Part, corpus_cased, read_message, written_out
from .more import asks_for_more
from .period import Period, named_in, read_period
from .recent import RecentVectors
from .rerank import head_features, reorder
from .respelling import respellings, respelt
from .search import Hit, Scored, candidates, interleave, to_hits
from .small_talk import small_talk
from .source_language import first_in_language, named_language
from .store import LoadedIndex
from .substitution import resolve
from .vectors import QueryEncoder
from .vectors.latent import LatentTerms

# Below this top-1 cosine the corpus is taken not to hold an answer. Calibrated
# on tests/gold.jsonl for multilingual-e5-small (see README, "No-answer threshold");
# another model needs its own value (MIN_SCORE).
DEFAULT_MIN_SCORE = 0.80
# How far a follow-up's vector is pulled toward the pair "earlier question + question", in retrieval and
# in choosing the answer's sentences (chosen on followups_dev.jsonl). Retrieval at 2.0 won on dev and
# did not hold on the test split (docs/benchmarks.md §8), so both stay at 1.0; the bench sweeps them apart.
HISTORY_WEIGHT = 1.0
ANSWER_HISTORY_WEIGHT = 1.0
# How far one ask of a sentence that asks two things (message.two_asks) is pulled toward the whole sentence,
# in retrieval and in choosing its sentences: the ask alone is short and loses what the sentence says around
# it. On dev_two_asks (bench/two_asks.py): answer_complete 0.792 at 0, 0.875 at 0.25, 0.917 at 0.5, 0.875 at 1.
WITHIN_WEIGHT = 0.5
VECTOR_CACHE = 256
# Names and numbers the near-miss check embeds (evidence.py): the retrieved passages' names recur from
# question to question, so each is embedded once while it stays among the last TERM_CACHE seen (1.5 KB each).
TERM_CACHE = 8192
# The passages an answer cites, whose names the near-miss check reads: the topic facet pairs a name the corpus
# writes otherwise only among these (Engine._topic_first).
VOUCHING = 5
# Passages whose sentences a question asking a person's family, birth, schooling or pay is read against before it is
# declined (attributes.py): ten, so a sentence saying it below the answer's five still counts.
ATTRIBUTE_PASSAGES = 10
MORE_PASSAGES = 10  # "Tell me more" quotes from the last question's best passages, twice an answer's five
RECENT_FOLLOW_UPS = 256  # (question, history) readings remembered: each question is read three times on its way


class QuestionError(ValueError):
    """The question itself is unusable; ``kind`` ("empty", "too_long") lets a shell word it for its user."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def validate_question(question: str, max_chars: int) -> str:
    text = " ".join(question.split())
    if not text:
        raise QuestionError("empty", "the question is empty")
    if not any(c.isalnum() for c in text):  # "?", emoji, punctuation: nothing to look up
        raise QuestionError("no_words", "the question has no words to look up")
    if other_script(text):  # "托卡耶夫访问莫斯科了吗？": no word of it can match the corpus
        raise QuestionError("language", "the question is not written in English, Russian, Kazakh or Kyrgyz")
    if len(question) > max_chars:
        raise QuestionError("too_long",
                            f"the question is too long ({len(question)} characters; the limit is {max_chars})")
    return text


def other_script(text: str) -> bool:
    """Most of the letters are of neither the Latin nor the Cyrillic alphabet (Chinese, Arabic, Georgian…)."""
    letters = [c for c in text if c.isalpha()]
    other = sum(1 for c in letters if not (c <= "\u024f" or "\u1e00" <= c <= "\u1eff" or "\u0400" <= c <= "\u052f"))
    return other * 2 > len(letters)


@dataclass
class Timings:
    """Where the time of one question went, in milliseconds."""

    parts: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.parts[name] = self.parts.get(name, 0.0) + (now - since) * 1000
        return now


@dataclass(frozen=True)
class Embedded:
    """A question as retrieval uses it: its vector (projected with the index's basis) and its latent terms."""

    vector: np.ndarray
    terms: LatentTerms | None = None
    approximate: bool = False  # from the int8 graph, as a follow-up's context: never served as a question


@dataclass(frozen=True)
class Ranked:
    """A question's candidates in ranked order (positions into ``scored``), before near-duplicates fold."""

    scored: Scored
    vector: np.ndarray  # the question's vector as retrieval used it
    order: np.ndarray
    ranking: np.ndarray  # per candidate: what ranked it (fused, spread-paid, or the learned ranker's score)


def frozen(vector: np.ndarray) -> np.ndarray:
    """A cached vector: its own copy (not a view keeping a whole batch alive), read-only (shared by every caller)."""
    vector = np.array(vector, dtype=np.float32)
    vector.setflags(write=False)
    return vector


class Engine:
    """Model + index → hits and answers. Immutable: a new index means a new engine (``with_index``)."""

    def __init__(self, embedder: QueryEncoder, index: LoadedIndex, min_score: float | None = None,
                 max_question_chars: int = 2000, mode: Mode = "hybrid",
                 fusion: FusionParams = FusionParams(), name_match: float = DEFAULT_NAME_MATCH,
                 same_language: float = SAME_LANGUAGE, places: bool = True, topic_first: bool = True,
                 topic_pairing: bool = True, periods: bool = True, clock: Callable[[], date] = date.today,
                 period_history: tuple[str, ...] = ("cue", "scope"), substitutions: bool = True) -> None:
        self.embedder = embedder
        self.index = index
        self.min_score = DEFAULT_MIN_SCORE if min_score is None else min_score
        self.max_question_chars = max_question_chars
        self.mode = mode
        self.fusion = fusion
        self.name_match = name_match
        self.same_language = same_language  # what an answer sentence in the question's language pays (answer.py)
        # The tables of countries and capitals (places.py) and of acronyms (acronyms.py) in the near-miss check
        # (evidence.pair_names): a place or entity the corpus never names is missing whatever else says; one it
        # names otherwise is paired with that name, and a topical question about it passes the threshold
        # (``_place_topic``). Off: as before them (benches).
        self.places = places
        # A topical question's candidates naming its topic first (``_topic_first``); off: as before it (benches).
        self.topic_first = topic_first
        self.topic_pairing = topic_pairing  # a topic's name the corpus writes otherwise, paired in the cited five
        self.periods = periods  # a question scoped by when its articles came out (period.py); off: as before (benches)
        self.clock = clock  # the day a question is asked, for periods said from it ("last month"; period.py)
        self.period_history = period_history  # how a chat's scoped question reaches the next (``period``)
        self.substitutions = substitutions  # "And Tokayev?" read as its earlier question about him (``read``)
        # A question is embedded once even when retrieval and answer composition both ask for it,
        # and a chat's earlier question is not embedded again for its follow-up.
        self._vectors: RecentVectors[str, Embedded] = RecentVectors(VECTOR_CACHE)  # with this index's language basis
        self._terms: RecentVectors[str, np.ndarray] = RecentVectors(TERM_CACHE)  # raw vectors of names and numbers
        self.latent = uses_latent_terms(embedder, index)
        self.casing = CorpusCasing(index.lexical, lambda rows: [p.text for p in index.passages.many(rows)],
                                   respelt=lambda word: respelt(word, index))
        self.names = NameDirection.from_dict(index.manifest.get("name_direction"))
        # Retrieval, the reply's note and sentence choice each read how a question leans on its history.
        self._follow_ups: RecentVectors[tuple[str, tuple[str, ...]], FollowUp] = RecentVectors(RECENT_FOLLOW_UPS)
        self.centres = SentenceCentres.from_dict(index.manifest.get("sentence_centres"))

    def with_index(self, index: LoadedIndex) -> "Engine":
        """The same engine over another build; what the encoder alone decides carries over.

        Term vectors always do. Question vectors do when the new build projects
        questions as the old one did (the same language basis, latent terms on
        or off alike): an incremental rebuild keeps its basis, so the chats'
        recent questions stay embedded across the reload.
        """
        engine = Engine(self.embedder, index, self.min_score, self.max_question_chars, self.mode, self.fusion,
                        self.name_match, self.same_language, self.places, self.topic_first,
                        self.topic_pairing, self.periods, self.clock, self.period_history, self.substitutions)
        engine._terms = self._terms.copy()
        if engine.latent == self.latent and _same_basis(index.language_basis, self.index.language_basis):
            engine._vectors = self._vectors.copy()
        return engine

    def asked_on(self, day: date | None) -> "Engine":
        """This engine as if questions were asked on ``day`` (``ask --today``, a gold question's ``asked``);
        caches are shared, since only the reading of "last month" depends on the day."""
        if day is None:
            return self
        engine = copy.copy(self)
        engine.clock = lambda: day
        return engine

    def embed_question(self, question: str) -> np.ndarray:
        return self.embed_questions([question])[0]

    def embed_questions(self, questions: list[str], apart: bool = False) -> list[np.ndarray]:
        """Vectors of ``questions``, the ones not seen lately encoded in one batch (``apart``: side by side)."""
        return [e.vector for e in self.embedded(questions, apart)]

    def embedded(self, questions: list[str], apart: bool = False, vector_only: frozenset[str] = frozenset(),
                 context: frozenset[str] = frozenset()) -> list[Embedded]:
        """``questions`` as retrieval uses them: vectors, and latent terms from the same forward pass.

        ``vector_only``: those whose terms the caller will not use (a follow-up's question: only
        the pair's terms rank). They skip the latent head, about a millisecond of CPU, and are
        cached without terms, so a later call that wants their terms encodes them again.
        ``context`` (with ``apart``): those that only lend context (a follow-up's pair); the ONNX
        encoder runs them through its int8 graph, and the cache never serves that vector as a question's.
        """
        basis = self.index.language_basis
        quick = apart and bool(context) and getattr(self.embedder, "quick_context", False)
        flags = lambda texts: {"context": [t in context for t in texts]} if quick else {}  # noqa: E731
        if self.latent:
            def encode(texts: list[str]) -> list[Embedded]:
                vectors, terms = self.embedder.encode_queries_with_terms(
                    texts, apart=apart, wanted=[t not in vector_only for t in texts], **flags(texts))
                return [Embedded(frozen(project(v, basis)), t, quick and text in context)
                        for text, v, t in zip(texts, vectors, terms)]

            def usable(text: str, cached: Embedded) -> bool:  # a cached vector without terms serves vector_only
                return (cached.terms is not None or text in vector_only) and (not cached.approximate or text in context)
        else:
            run = self.embedder.encode_queries
            if apart:  # the ONNX encoder can run short texts of unequal length at once, one core each
                run = getattr(self.embedder, "encode_queries_apart", run)

            def encode(texts: list[str]) -> list[Embedded]:
                return [Embedded(frozen(project(v, basis)), None, quick and text in context)
                        for text, v in zip(texts, run(texts, **flags(texts)))]

            def usable(text: str, cached: Embedded) -> bool:
                return not cached.approximate or text in context
        return self._vectors.get(questions, encode, usable)

    def embed_terms(self, terms: list[str]) -> np.ndarray:
        """Vectors of single names and numbers, as the near-miss check compares them; only unseen ones encoded."""
        vectors = self._terms.get(terms, lambda texts: [frozen(v) for v in self.embedder.encode_queries(texts)])
        return np.stack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)

    def forget_vectors(self) -> None:
        """Drop cached question and term vectors and word casings (benchmarks time cold questions with it)."""
        self._vectors.clear()
        self._terms.clear()
        self.casing.clear()
        self._follow_ups.clear()

    def word_kind(self, word: str) -> bool:
        """True for a name: as the corpus writes the word mid-sentence, or, for a word it never writes there,
        as the build's name direction reads the word's vector. A build made before name directions reads
        such a word as an ordinary one, as the near-miss check always had."""
        seen = self.casing(word)
        if seen is not None:
            return seen
        return self.names is not None and self.names.is_name(self.embed_terms([word])[0])

    def follow_up(self, question: str, history: tuple[str, ...] | list[str]) -> FollowUp:
        """How ``question`` leans on ``history``, names told from ordinary words by how this corpus writes them."""
        return self._follow_ups.get([(question, tuple(history))], lambda keys: [
            read_follow_up(q, h, self.casing) for q, h in keys])[0]

    def query_vector(self, question: str, follow_up: FollowUp = FollowUp(), within: str = "") -> np.ndarray:
        """The vector answer sentences are chosen with: a follow-up mixed at ``ANSWER_HISTORY_WEIGHT``."""
        return self.query(question, follow_up, ANSWER_HISTORY_WEIGHT, within).vector

    def query(self, question: str, follow_up: FollowUp = FollowUp(), weight: float | None = None,
              within: str = "") -> Embedded:
        """The question's vector and terms; for a follow-up, mixed with the question read after its anchor.

        The pair (anchor + question) carries the subject, the question alone keeps
        its own focus from drowning in it (measured on followups_dev.jsonl); the
        pair's latent terms hold both the subject's concepts and the question's.
        ``weight`` (default ``HISTORY_WEIGHT``, retrieval's) is the pair's share of the mix;
        both texts are embedded once and cached, so a second weight costs one mix.
        ``within``: the sentence the question is one ask of (message.two_asks), mixed in at ``WITHIN_WEIGHT``.
        """
        if not follow_up.leans:
            embedded = self.embedded([question])[0]
        else:
            pair = follow_up.pair(question)
            alone, paired = self.embedded([question, pair], apart=True, vector_only=frozenset([question]),
                                          context=frozenset([pair]))
            weight = HISTORY_WEIGHT if weight is None else weight
            embedded = Embedded(mix(alone.vector, paired.vector, weight), paired.terms)
        if not within:
            return embedded
        return Embedded(mix(embedded.vector, self.embedded([within])[0].vector, WITHIN_WEIGHT), embedded.terms)

    def lexical_query(self, question: str, follow_up: FollowUp) -> str:
        """What BM25 and the answer's coverage read: the question with the names its chat carries, and the corpus'
        own tokens for the English names it writes with another vowel ("Trump" / «Трамп», respelling.py)."""
        query = follow_up.lexical_query(question)
        return " ".join([query, *respellings(query, self.index)])

    def ranked(self, question: str, k: int, mode: Mode | None = None, timings: Timings | None = None,
               vector: np.ndarray | None = None, history: tuple[str, ...] = (), learned: bool = True,
               within: str = "") -> Ranked:
        """Every candidate for ``question`` in ranked order, before near-duplicates fold (``retrieve`` folds them).

        ``learned`` False keeps the fused order, which is what the ranker was fit on (bench/learned_ranking.py).
        """
        mode = mode or self.mode
        timings = timings or Timings()
        t = time.perf_counter()
        follow_up = self.follow_up(question, history)
        terms = None
        if vector is None or self.latent:  # a given vector skips embedding; its terms come from the cache
            embedded = self.query(question, follow_up, within=within)
            vector = embedded.vector if vector is None else vector
            terms = embedded.terms
            t = timings.add("embed_query", t)
        lang = detect_language(question)
        dated = self.dated(self.period(question, history))
        scored = candidates(self.index, vector, self.lexical_query(question, follow_up), max(self.fusion.depth, k),
                            lang, self.fusion.sentence_weight, terms if mode == "hybrid" else None, dated)
        t = timings.add("search", t)
        ranking = rank(scored, mode, self.fusion)
        order = np.argsort(-ranking, kind="stable")
        if mode == "bm25":
            order = order[scored.bm25[order] > 0]
        head = max(2 * k, self.fusion.document_window) if mode == "hybrid" else 2 * k
        scored.passages.prefetch(order[:head])  # what spreading and folding will read, in one query
        if mode == "hybrid":
            order, ranking = spread_documents(order, ranking, [scored.passages[i].doc_id for i in order[:head]],
                                              self.fusion.document_penalty)
        ranker = self.fusion.ranker
        if learned and ranker is not None and mode == "hybrid" and scored.sentence is not None:
            order, ranking = reorder(ranker, order, ranking, head_features(self.index, vector, scored, order,
                                                                           ranking, ranker.depth))
        source = named_language(question) or (named_language(within) if within else None)
        if source in self.index.manifest.get("languages", {}):  # "according to the Kyrgyz article, …"
            order, ranking = first_in_language(order, ranking, head, lambda i: scored.passages[i].lang, source,
                                               close=scored.dense >= self.min_score)
        if dated:  # "What was written in September about …?": that period's passages first, wherever they ranked
            member = np.isin(scored.rows, self.index.passages.rows_dated(dated))  # rows remembered from proposing
            order, ranking = first_where(order, ranking, len(order), member.__getitem__,
                                         close=scored.dense >= self.min_score)
        if mode == "hybrid" and self.topic_first and topical_shape(question):  # "Anything on Tajikistan?"
            order, ranking = self._topic_first(question, scored, order, ranking, head)
        timings.add("fusion", t)
        return Ranked(scored, vector, order, ranking)

    def period(self, question: str, history: tuple[str, ...] = ()) -> Period | None:
        """The period ``question`` scopes its articles by, read in its chat.

        After a scoped question, "And in September?" («А в ноябре?», «Ал қарашада ше?») names a
        period with no word of publishing: the chat gives it (``cue``). A follow-up that leans on the
        chat and names no period ("How did he address Putin?") asks within the last question's (``scope``).
        """
        if not self.periods:
            return None
        today = self.clock()
        own = read_period(question, today)
        if own is not None or not history or not self.period_history:
            return own
        last = self.period(history[-1], history[:-1])  # the chat's last question, as it was read
        if last is None:
            return None
        named = read_period(question, today, cued=True)
        if named is not None:
            return named if "cue" in self.period_history else None
        return last if "scope" in self.period_history and self.follow_up(question, history).leans else None

    def dated(self, period: Period | None) -> tuple[tuple[str, str], ...]:
        """The date ranges of ``period`` in this archive, or () when no document is dated in it (or no period)."""
        span = self.index.documents.date_range() if period is not None else None
        if span is None:
            return ()
        ranges = period.date_ranges(*span)
        return ranges if self.index.documents.any_dated(ranges) else ()

    def _topic_first(self, question: str, scored: Scored, order: np.ndarray, ranking: np.ndarray,
                     head: int) -> tuple[np.ndarray, np.ndarray]:
        """A topical question's candidates naming its topic (``_topic_spelling``, read against the first
        ``VOUCHING`` candidates) first, as a question naming its source's language gets that language's first."""
        topic = topic_terms(question, self.index, self.word_kind)
        cited = [scored.passages[i] for i in order[:VOUCHING]]
        spelling = self._topic_spelling(topic, cited, question)
        if not spelling:
            return order, ranking
        analyzer = self.index.lexical.analyzer
        wanted = [set(analyzer.tokens(term)) for term in spelling]
        # A question asks_about reads (every name spelt) or about a place the cited passages name (``_place_topic``:
        # the table's pairing, which comes first, gave its spelling) is never declined by the threshold
        # (``_compose``): no closeness guard. One with another name spelt otherwise is, so the facet must not put
        # the close passages out.
        free = all(name == written or respelt(name, self.index) == written
                   or (self.places and same_name(name, written)) for name, written in zip(topic, spelling))
        close = None if free else scored.dense >= self.min_score
        return first_where(order, ranking, head,
                           lambda i: all(w <= analyzer.token_set(scored.passages[i].text) for w in wanted), close)

    def _topic_spelling(self, topic: tuple[str, ...], cited: Sequence[Passage], question: str) -> tuple[str, ...]:
        """How the corpus writes the names ``topic`` of a topical question (evidence.topic_terms); () for none.

        A name the corpus spells is itself; one it writes only in another form (Turkmenistan /
        «Түрікменстан», Қытай / «Китаем») is the name of the ``cited`` passages the near-miss check's lexicon
        pairs with it best, and without one the reading is (). Pairing further down could be wrong, and the
        passages moved up for it would then vouch for it themselves («Жапония» answered); pairing among the
        passages the check reads changes none of its verdicts. An English name the corpus writes with another
        vowel is its token there ("Trump": "tramp", respelling.py).
        """
        capitals = not shouted(question)
        written = tuple(respelt(t, self.index) or t for t in topic)
        unspelt = [t for t in topic if not spelt(t, self.index, capitals)]
        if not unspelt:
            return written
        if not self.topic_pairing:
            return ()
        within = full_names_in(question) if self.places else None
        pairs = pair_names(unspelt, cited, self.index, self.embed_terms, self.name_match, self.places, within,
                           capitals)
        if any(not pairs[t] for t in unspelt):
            return ()
        return tuple(pairs[t][0][1] if t in pairs else w for t, w in zip(topic, written))

    def read(self, message: str, history: tuple[str, ...] = ()) -> list[Part]:
        """The questions of ``message``, each with the message's earlier questions it may lean on (message.py).

        ``history``: the chat's earlier questions as ``chat`` reads them. Contracted question words are written
        out ("Who's": "Who is", message.written_out) and not shown: what the question asks is unchanged. A
        question that puts a new name in an earlier one's place ("And Tokayev?") is read as that question with
        the name replaced (substitution.py), and says so (``Part.typed``).
        """
        parts = []
        for p in read_message(written_out(message), self.casing, self.casing.across):
            typed = " ".join(p.question.split())
            question = self._cyrillic(typed)
            context = tuple(self._cyrillic(" ".join(c.split())) for c in p.context)
            if self.substitutions and (history or context):
                question = resolve(question, (*history, *context), self.casing) or question
            parts.append(Part(question, context, self._cyrillic(" ".join(p.within.split())) if p.within else "",
                              typed if question != typed else ""))
        return parts

    def _cyrillic(self, text: str) -> str:
        """Kazakh typed in Latin letters, in Cyrillic (latin.py; a capitalised word only if it is no name), and
        Kazakh typed without its own letters, with them (kazakh_letters.py)."""
        return written_back(in_cyrillic_if_kazakh(
            text, lambda word: word.lower() in FUNCTION_WORDS or self.casing(word) is False))

    def chat(self, history: tuple[str, ...]) -> tuple[str, ...]:
        """The chat's earlier questions as a follow-up reads them: one typed in capitals in the corpus' casing."""
        return tuple(self._cyrillic(corpus_cased(written_out(h), self.casing, self.casing.across)) for h in history)

    def retrieve(self, question: str, k: int, mode: Mode | None = None, timings: Timings | None = None,
                 vector: np.ndarray | None = None, history: tuple[str, ...] = ()) -> list[Hit]:
        """The ``k`` best passages for ``question`` (read in the light of ``history``), near-duplicates collapsed.

        A message of several questions interleaves their rankings, each question read
        after the ones before it (message.py); a given ``vector`` takes the message whole.
        """
        if vector is not None:
            return self._retrieve(question, k, mode, timings, vector, history)
        history = self.chat(history)
        if history and asks_for_more(question) and (asked := _asked_before(history)):  # the question it asks more of
            (question, history), _ = asked
        parts = self.read(question, history)
        rankings = [self._retrieve(p.question, k, mode, timings, None, (*history, *p.context), p.within)
                    for p in parts]
        return rankings[0] if len(rankings) == 1 else interleave(rankings, k)

    def _retrieve(self, question: str, k: int, mode: Mode | None, timings: Timings | None,
                  vector: np.ndarray | None, history: tuple[str, ...], within: str = "") -> list[Hit]:
        timings = timings or Timings()
        ranked = self.ranked(question, k, mode, timings, vector, history, within=within)
        t = time.perf_counter()
        scored = ranked.scored
        analyzer = self.index.lexical.analyzer
        tokens_of = lambda i: analyzer.token_set(scored.passages[i].text)  # noqa: E731
        groups = collapse_near_duplicates(ranked.order, tokens_of, self.fusion.duplicate_jaccard, k)
        hits = to_hits(scored, ranked.ranking, groups)
        timings.add("fusion", t)
        return hits

    def ask(self, question: str, k: int = 5, mode: Mode | None = None, timings: Timings | None = None,
            history: tuple[str, ...] = ()) -> Answer:
        """Answer ``question``; ``history`` holds the chat's earlier questions, oldest first.

        A message of several questions gets an answer to each (message.py), under one set of citations.
        """
        timings = timings or Timings()
        validate_question(question, self.max_question_chars)
        if (reply := self._no_question(question, history, k, mode, timings)) is not None:
            return reply
        history = self.chat(history)
        return self._answer(question, self.read(question, history), k, mode, timings, history)

    def _no_question(self, message: str, history: tuple[str, ...], k: int, mode: Mode | None,
                     timings: Timings) -> Answer | None:
        """The reply to a message that asks nothing of its own, None for a question: small talk ("hi", «спасибо»,
        "who are you?") is answered as itself, "Tell me more" from the chat's last question (``more``)."""
        talk = small_talk(message)
        if talk is not None:
            return small_talk_reply(message, talk)
        if history and asks_for_more(message):
            return self.more(message, self.chat(history), k, mode, timings)
        return None

    def _answer(self, message: str, parts: list[Part], k: int, mode: Mode | None, timings: Timings,
                history: tuple[str, ...]) -> Answer:
        numbers: dict[str, int] = {}  # passage id → its number in the reply, one number however many parts cite it
        answers = []
        for part in parts:
            leans_on = (*history, *part.context)
            hits = self._retrieve(part.question, k, mode, timings, None, leans_on, part.within)[:k]
            if len(parts) > 1:
                hits = [replace(h, rank=numbers.setdefault(h.passage.passage_id, len(numbers) + 1)) for h in hits]
            answers.append(self._answer_part(part, hits, timings, history))
        if len(parts) == 1:
            return replace(answers[0], question=message)
        return merge_answers(message, [p.question for p in parts], answers)

    def _answer_part(self, part: Part, hits: list[Hit], timings: Timings, history: tuple[str, ...]) -> Answer:
        leans_on = (*history, *part.context)
        follow_up = self.follow_up(part.question, leans_on)
        chat = follow_up.anchor is not None and follow_up.anchor not in part.context  # the message's own: no note
        return replace(self._compose(part.question, hits, timings, leans_on, part.within),
                       read_with=follow_up.anchor if chat else None, carried=follow_up.carried if chat else (),
                       unresolved=follow_up.unresolved, read_as=part.question if part.typed else None)

    def compose(self, question: str, hits: list[Hit], timings: Timings | None = None,
                history: tuple[str, ...] = ()) -> Answer:
        """The reply to ``question`` from its retrieved ``hits``: an answer, or a graded decline.

        A message of several questions is answered question by question, each from its
        own ranking (``hits``, their interleaving, only sets how many passages each cites).
        """
        timings = timings or Timings()
        if (reply := self._no_question(question, history, len(hits) or 5, None, timings)) is not None:
            return reply
        history = self.chat(history)
        parts = self.read(question, history)
        if len(parts) > 1:
            return self._answer(question, parts, len(hits) or 5, None, timings, history)
        part = parts[0]
        return replace(self._compose(part.question, hits, timings, (*history, *part.context), part.within),
                       question=question)

    def _compose(self, question: str, hits: list[Hit], timings: Timings, history: tuple[str, ...],
                 within: str = "") -> Answer:
        """One question's answer from its hits: an answer, or a graded decline (``within``: as ``query``)."""
        t = time.perf_counter()
        text = " ".join(question.split())
        terms = question_terms(text, self.index, self.word_kind)
        subject = self.subject(text, terms) or self._place_topic(text, terms, hits)
        if not self.confident(hits) and not subject:
            timings.add("compose", t)
            return not_found(question)
        period = self.period(text, history)
        if period is not None and not self.dated(period) and not any(named_in(period, h.passage.text) for h in hits):
            timings.add("compose", t)  # no article came out then, and none of these says what happened then
            return no_articles(question, hits, period)
        evidence = weigh(text, hits, self.index, self.embed_terms, self.name_match, terms=terms, places=self.places)
        if evidence.words_known == 0 and not subject and not self._leans_back(text, history):
            timings.add("compose", t)  # not one word of it occurs in the corpus ("lorem ipsum", "Tokyo?")
            return not_found(question)
        candidates_ = candidate_sentences(hits, self.index)
        # a who-is question's missing name is absent, whatever the passages say near it ("Olaf Scholz, who is he?")
        who = bool(evidence.missing) and asks_who(text, evidence.terms)
        missing = tuple(t for t in evidence.missing if not (who and written_as_russian(t, self.index)))
        if missing and (evidence.absent or who or not taken_up(text, missing, self._closeness(candidates_))):
            timings.add("compose", t)
            return not_stated(question, hits, missing)
        named = evidence.terms or self.follow_up(text, history).carried  # "Who is his wife?": the chat's names
        if named and (attribute := asked(text)) and not self._says(text, attribute[0], candidates_, history, within):
            timings.add("compose", t)  # "Who is Tokayev's wife?": no sentence about him says anything of a wife
            return not_said(question, hits, named, attribute[1])
        candidates_, similarity, coverage = self.sentence_inputs(text, hits, history, candidates_, within)
        chosen = select_sentences(candidates_, similarity, hits, coverage, overlap=self.overlap(candidates_),
                                  bonus=self.sentence_bonus(candidates_, hits, self._spelt(subject, hits, text),
                                                            detect_language(text)))
        answer = compose_answer(question, hits, chosen)
        timings.add("compose", t)
        return answer if period is None else replace(answer, period=period)

    def _says(self, text: str, attribute: Attribute, candidates_: list[Candidate], history: tuple[str, ...],
              within: str) -> bool:
        """Whether a sentence the answer may quote, or one of the question's ``ATTRIBUTE_PASSAGES`` best passages,
        says ``attribute`` of someone: the sentence saying it may rank below the answer's passages."""
        if any(says(c.text, attribute) for c in candidates_):
            return True
        hits = self._retrieve(text, ATTRIBUTE_PASSAGES, None, Timings(), None, history, within)
        return any(says(c.text, attribute) for c in candidate_sentences(hits, self.index, passages=len(hits)))

    def more(self, message: str, history: tuple[str, ...], k: int = 5, mode: Mode | None = None,
             timings: Timings | None = None) -> Answer:
        """The chat's last question answered again past what was quoted already ("Tell me more", more.py): the
        sentences of its ``MORE_PASSAGES`` best passages that its answer, and any "more" since, left out; each
        question of a message of several, as it was answered. Declined as the question was. The sources are
        the passages quoted, under the numbers of their rank. ``history``: the chat as ``chat`` reads it."""
        timings = timings or Timings()
        asked = _asked_before(history)
        if asked is None:
            return not_found(message)
        (earlier, before), rounds = asked
        parts = self.read(earlier, before)
        first = self._answer(earlier, parts, k, mode, timings, before)
        if first.verdict != "answer":
            return replace(first, question=message, read_with=earlier)
        said = [first.answer]
        numbers: dict[str, int] = {}  # passage id → its number in the reply, as _answer numbers a message's
        answers = []
        for part in parts:
            leans_on = (*before, *part.context)
            hits = self._retrieve(part.question, MORE_PASSAGES, mode, timings, None, leans_on, part.within)
            if len(parts) > 1:
                hits = [replace(h, rank=numbers.setdefault(h.passage.passage_id, len(numbers) + 1)) for h in hits]
            t = time.perf_counter()
            chosen = self._further(part.question, hits, leans_on, part.within, said, rounds)
            timings.add("compose", t)
            if not chosen:
                answers.append(nothing_more(part.question, earlier))
                continue
            answer = compose_answer(part.question, hits, chosen)
            quoted = {hits[c.hit].rank for c in chosen}
            answers.append(replace(answer, citations=[c for c in answer.citations if c.n in quoted]))
        if all(not a.citations for a in answers):
            return nothing_more(message, earlier)
        merged = answers[0] if len(parts) == 1 else merge_answers(message, [p.question for p in parts], answers)
        return replace(merged, question=message, read_with=earlier)

    def _further(self, question: str, hits: list[Hit], history: tuple[str, ...], within: str, said: list[str],
                 rounds: int) -> list[Candidate]:
        """The sentences an answer to ``question`` would quote next: ``rounds`` picks, each past ``said`` (what
        was quoted before it, to which it adds)."""
        candidates_ = candidate_sentences(hits, self.index, passages=len(hits))
        subject = self._spelt(self.subject(question), hits, question)
        chosen: list[Candidate] = []
        for _ in range(rounds):
            left = [c for c in candidates_ if not any(c.text in text for text in said)]
            if not left:
                return []
            left, similarity, coverage = self.sentence_inputs(question, hits, history, left, within)
            chosen = select_sentences(left, similarity, hits, coverage, overlap=self.overlap(left),
                                      bonus=self.sentence_bonus(left, hits, subject, detect_language(question)))
            said.append(" ".join(c.text for c in chosen))
        return chosen

    def _leans_back(self, text: str, history: tuple[str, ...]) -> bool:
        """A follow-up that points back ("Кого она тревожит?") or only asks ("Why?", «Қашан?»): its subject is in
        the question it is read with, so the corpus need not hold any word of its own."""
        return self.follow_up(text, history).leans and (refers_back(text, self.casing) or only_asks(text))

    def sentence_inputs(self, text: str, hits: list[Hit], history: tuple[str, ...] = (),
                        candidates_: list[Candidate] | None = None, within: str = "",
                        ) -> tuple[list[Candidate], np.ndarray, np.ndarray]:
        """The sentences an answer may quote, their similarity to the question and their share of its rare words."""
        follow_up = self.follow_up(text, history)
        vector = self.query_vector(text, follow_up, within)
        candidates_ = candidate_sentences(hits, self.index) if candidates_ is None else candidates_
        coverage = self.index.lexical.text_coverage(self.lexical_query(text, follow_up), [c.text for c in candidates_],
                                                    detect_language(text))
        return candidates_, self.similarity(vector, candidates_, self.centres), coverage

    def subject(self, text: str, terms: Sequence[str] | None = None) -> tuple[str, ...]:
        """The names a "who is X?" or "what is known about X?" question asks about, () for any other question
        (evidence.asks_about, with this corpus' reading of names): "Who is Rizzat Tasym?": the name is its meaning.
        ``terms``: the question's key terms, when the caller has them."""
        return asks_about(text, self.index, self.word_kind, terms)

    def _spelt(self, subject: tuple[str, ...], hits: list[Hit], text: str) -> tuple[str, ...]:
        """``subject`` as the cited passages write it, for the sentences an answer leads with: "Any news on China?"
        quotes the sentences naming «Китаем» first (``_topic_spelling``); a name it cannot pair stays as asked."""
        return self._topic_spelling(subject, [h.passage for h in hits[:VOUCHING]], text) or subject

    def _place_topic(self, text: str, terms: Sequence[str], hits: list[Hit]) -> tuple[str, ...]:
        """The names of a topical question about a country or capital the corpus writes otherwise ("What do the
        articles say about China?": «Китаем»), when the cited passages name that place (evidence.place_vouched);
        else (). Like a name the corpus spells (``subject``), it is the question's whole meaning."""
        if not self.places or not topical_shape(text):
            return ()
        topic = topic_terms(text, self.index, self.word_kind, terms)
        unspelt = [term for term in topic if not spelt(term, self.index, not shouted(text))]
        return topic if place_vouched(unspelt, [h.passage for h in hits[:VOUCHING]], full_names_in(text)) else ()

    def sentence_bonus(self, candidates_: list[Candidate], hits: list[Hit], subject: tuple[str, ...],
                       lang: str) -> np.ndarray | None:
        """What each candidate sentence gains beyond its closeness: naming the subject of a "who is X?" question,
        less ``same_language`` when written in the question's language ``lang``; None when nothing."""
        bonus = self.subject_bonus(candidates_, subject)
        if self.same_language:
            same = np.array([hits[c.hit].passage.lang == lang for c in candidates_], dtype=float)
            bonus = (0.0 if bonus is None else bonus) - self.same_language * same
        return bonus

    def subject_bonus(self, candidates_: list[Candidate], subject: tuple[str, ...],
                      weight: float = SUBJECT_WEIGHT) -> np.ndarray | None:
        """What a sentence naming the subject of a "who is X?" question gains (None for other questions)."""
        if not subject or not weight:
            return None
        return weight * naming([c.text for c in candidates_], subject, self.index)

    def overlap(self, candidates_: list[Candidate]) -> np.ndarray | None:
        """How far each candidate sentence says what another does (answer.SentenceCentres.overlap), so an
        answer does not quote one fact twice; None for a build without sentence centres or alone vectors."""
        if self.centres is None or self.index.sentences_alone is None:
            return None
        rows = np.array([c.row for c in candidates_], dtype=np.int64)
        return self.centres.overlap(self.index.sentences_alone.rows(rows))

    def _closeness(self, candidates_: list[Candidate]) -> Callable[[str], float]:
        """How near the best of ``candidates_`` comes to a text: what the near-miss check weighs a term by."""
        return lambda text: float(self.similarity(self.embed_question(text), candidates_).max())

    def similarity(self, vector: np.ndarray, candidates_: list[Candidate],
                   centres: SentenceCentres | None = None) -> np.ndarray:
        """Each candidate sentence's closeness to ``vector``.

        The cosine with the late-chunked sentence vector (the sentence in its
        passage's context) mixed with the sentence embedded alone (what it says
        itself), where the build has both. With ``centres`` (choosing an answer's
        sentences), less how close each sits to every question (answer.HUB_WEIGHT).
        """
        rows = np.array([c.row for c in candidates_], dtype=np.int64)
        late = vector if centres is None else centres.query(vector, "late")
        similarity = self.index.sentence_vectors.rows(rows) @ late
        if self.index.sentences_alone is not None:
            alone = vector if centres is None else centres.query(vector, "alone")
            similarity = (1 - ALONE_MIX) * similarity + ALONE_MIX * (self.index.sentences_alone.rows(rows) @ alone)
        return similarity

    def confident(self, hits: list[Hit]) -> bool:
        """Whether the corpus holds an answer: some retrieved passage is close enough in meaning."""
        return any((h.dense or 0.0) >= self.min_score for h in hits)


def _asked_before(history: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], int] | None:
    """The chat's last question that did not itself ask for more, with the chat before it, and how many times
    more has been asked of it, this time included; None when every message asked for more."""
    asked = [i for i, h in enumerate(history) if not asks_for_more(h)]
    if not asked:
        return None
    return (history[asked[-1]], history[:asked[-1]]), len(history) - asked[-1]


def _same_basis(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and np.array_equal(a, b))


def uses_latent_terms(embedder: QueryEncoder, index: LoadedIndex) -> bool:
    """Whether questions get latent terms: the build has them from this encoder's head, in several languages.

    On a one-language corpus they would only ever be zeroed (they count across
    languages alone), so the head is not run at all.
    """
    head = getattr(embedder, "head", None)
    return (head is not None and index.latent is not None and head.fingerprint == index.latent.fingerprint
            and index.multilingual)


def open_engine(settings, notify: Callable[[str], None] = lambda _msg: None, build_if_missing: bool = True) -> Engine:
    """Load the question encoder and the index named by ``settings``; build the index first if there is none.

    Questions go through the ONNX encoder, so this path imports torch only when
    it must build (or export the model, once per machine).
    """
    from .embed import lazy_embedder, load_query_encoder
    from .store import IndexFormatError, IndexMissingError, load_index

    embedder = load_query_encoder(settings.embedding_model, settings.model_cache_dir, settings.query_encoder,
                                  settings.onnx_threads, notify, settings.latent_terms, settings.follow_up_int8)
    try:
        index = load_index(settings.index_dir, embedder.fingerprint, milvus=settings.milvus())
    except (IndexMissingError, IndexFormatError) as exc:
        if not build_if_missing:
            raise
        from .build import build_index

        what = "No index" if isinstance(exc, IndexMissingError) else "An index from another corpusbot version"
        notify(f"{what} at {settings.index_dir}; building it from {settings.corpus_dir} first…")
        builder = lazy_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size,
                                settings.latent_terms, settings.sentences_alone)
        build_index(settings.corpus_dir, settings.index_dir, builder, language_debias=settings.language_debias,
                    max_document_bytes=settings.max_document_bytes, faiss_index=settings.faiss_index,
                    milvus=settings.milvus())
        index = load_index(settings.index_dir, embedder.fingerprint, milvus=settings.milvus())
    if getattr(embedder, "head", None) is not None and index.latent is None and index.multilingual:
        notify(f"The index at {settings.index_dir} has no latent terms (built before them or with LATENT_TERMS=false): "
               "questions across languages are answered without them; `corpusbot index build` adds them")
    return Engine(embedder, index, settings.min_score, settings.max_question_chars, settings.retrieval_mode,
                  clock=settings.clock())
