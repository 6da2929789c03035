"""Compose a short extractive answer with numbered citations from retrieved passages.

The answer is made only of sentences that stand in the cited passages, so it
can never say something the corpus does not. Sentences are ranked by their
embedding similarity to the question (which works across languages) plus a
little of their passage's own score, so a sentence from a strong passage wins
a tie. Sentence vectors come from the index (made at build time), so
composing an answer runs no model.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np

from .lang import detect_language
from .period import Period
from .search import Hit
from .small_talk import SmallTalk
from .store import LoadedIndex
from .text import asks, fold

# Chosen on the dev questions for answer_hit (gold.jsonl + names.jsonl first; then with dev_paraphrase,
# followups_dev and KazQAD's dev half, bench/answer_sweep.py): the fact often sits in the 4th or 5th cited
# passage, and a further sentence close to the best is often the one holding it.
ANSWER_PASSAGES = 5  # sentences are drawn from this many top passages
MAX_SENTENCES = 5
SENTENCE_MARGIN = 0.12  # a further sentence must score within this of the best (the plateau starts here)
PASSAGE_WEIGHT = 0.15  # share of the passage score in a sentence's score
MAX_ANSWER_CHARS = 800
LEXICAL_WEIGHT = 0.1  # weight of the sentence's share of the question's IDF mass
# The answer spreads over the cited passages: a sentence loses SPREAD_PENALTY when its passage is already
# quoted, and RANK_PRIOR per rank of its passage (the fused ranking knows more than a sentence's cosine).
# Together with the 800-character budget they lifted dev answer_hit on four of the five sets (0.750 → 0.777);
# at 600 characters they did not (bench/answer_sweep.py).
SPREAD_PENALTY = 0.02
RANK_PRIOR = 0.005
# A sentence's similarity to the question is this mix of its cosine embedded alone and its late-chunked cosine
# (engine.sentence_inputs). Late chunking carries the passage's topic into every sentence, so the sentence that
# names the topic and the one that holds the fact look alike; embedded alone they differ. Chosen on the dev
# sets (bench/answer_signals.py): 0.5 lifted mean dev answer_hit on top of the spread, no set down.
ALONE_MIX = 0.5
# A few sentences sit close to every question about their article (the ledes: one was quoted in 39 of 259
# answered dev questions). Sentence choice scores each sentence against the question with this much of the
# corpus' mean sentence direction taken away (SentenceCentres), the hubness correction of cross-lingual word
# retrieval (CSLS) in its cheapest form. Chosen on the answer sweep's dev sets (bench/sentence_hubs.py):
# mean dev answer_hit 0.812 -> 0.826, no set down.
HUB_WEIGHT = 0.5
# A sentence that restates one already quoted adds nothing ("1227 ж. Шыңғыс хан қайтыс болды." beside "1227 жылы
# Шыңғысхан қайтыс болды.") and is skipped, its place going to the next: its alone vector, the corpus' mean
# direction taken away (SentenceCentres.overlap), has at least this cosine with a chosen one, and it holds no
# number the chosen one lacks (parallel sentences of different facts reach 0.8 too: "Күйік хан ... (1246—1248)",
# "Мөңке хан ... (1251—1259)"). e5's raw cosines sit above 0.85 for any two sentences on one topic. Chosen on the
# answer sweep's dev sets (bench/restatements.py): the lowest threshold at which no dev set loses an answer;
# at 0.7 ("Матвиенко подтвердила, что разговор ... носил доверительный характер" beside Tokayev's own words,
# 0.70) a KazQAD dev answer is lost. None: none skipped.
RESTATES: float | None = 0.8
# A "who is X?" or "what is known about X?" question (evidence.asks_about) asks about X alone: a sentence naming X
# gains this much, more than SENTENCE_MARGIN, so others are quoted only when no sentence naming X scores near them.
# Chosen on the who-is dev questions (bench/who_is.py): sentences naming the subject 0.50 -> 1.00 of those quoted,
# answer_hit unchanged.
SUBJECT_WEIGHT = 0.2
# A sentence written in the question's own language sits nearer it than its meaning alone would put it (e5's
# same-language bias; the learned passage ranker pays -2.61 x the same feature), so English questions quoted the
# English article first while the fact stood in a Russian or Kazakh sentence. Such a sentence loses this much.
# Chosen on the dev sets (bench/answer_language.py): mean dev answer_hit 0.774 -> 0.781 (no set down), the first
# sentence holding the fact 0.564 -> 0.577 (gold 0.707 -> 0.760, dev_paraphrase 0.538 -> 0.615); 0: none.
SAME_LANGUAGE = 0.03
_NUMBER = re.compile(r"\d+")

NOT_FOUND = {
    "en": "I could not find an answer to this in the corpus.",
    "ru": "В корпусе не нашлось ответа на этот вопрос.",
    "kk": "Корпустан бұл сұраққа жауап табылмады.",
    "ky": "Корпустан бул суроого жооп табылган жок.",
}


# The corpus is about the question's subject but never mentions one of its key terms (evidence.py):
# say so, and show the nearest passages as related reading rather than as the answer.
NOT_STATED = {
    "en": "The corpus does not mention {terms}, so it does not answer this. Related passages:",
    "ru": "В корпусе не упоминается {terms}, поэтому ответа на этот вопрос в нём нет. Близкие фрагменты:",
    "kk": "Корпуста {terms} туралы ештеңе айтылмайды, сондықтан бұл сұраққа жауап жоқ. Жақын үзінділер:",
    "ky": "Корпуста {terms} жөнүндө эч нерсе айтылбайт, ошондуктан бул суроого жооп жок. Жакын үзүндүлөр:",
}

# The question asks something of a person (their family, birth, schooling, pay: attributes.py) that no sentence
# about them says: name what was asked, and show the nearest passages as related reading.
NOT_SAID = {
    "en": "The passages naming {terms} say nothing of this ({asked}), so the corpus does not answer it. Related "
          "passages:",
    "ru": "Во фрагментах, где упоминается {terms}, об этом ({asked}) ничего не сказано, поэтому ответа в корпусе "
          "нет. Близкие фрагменты:",
    "kk": "{terms} аталатын үзінділерде бұл ({asked}) туралы ештеңе айтылмайды, сондықтан бұл сұраққа жауап жоқ. "
          "Жақын үзінділер:",
    "ky": "{terms} аталган үзүндүлөрдө бул ({asked}) тууралуу эч нерсе айтылбайт, ошондуктан бул суроого жооп жок. "
          "Жакын үзүндүлөр:",
}

# "Tell me more" after an answer that quoted every sentence its passages hold for the question (engine.more):
NOTHING_MORE = {
    "en": "The corpus says nothing more on this than I quoted.",
    "ru": "Больше, чем я процитировал, в корпусе об этом нет.",
    "kk": "Корпуста бұл туралы мен келтіргеннен артық ештеңе жоқ.",
    "ky": "Корпуста бул тууралуу мен келтиргенден ашык эч нерсе жок.",
}
# The question scopes its articles by when they came out (period.py), and none came out then nor names it:
NO_ARTICLES = {
    "en": "The corpus holds no article from {period}, so it does not answer this. Related passages:",
    "ru": "В корпусе нет статей за {period}, поэтому ответа на этот вопрос в нём нет. Близкие фрагменты:",
    "kk": "Корпуста {period} кезеңіндегі мақала жоқ, сондықтан бұл сұраққа жауап жоқ. Жақын үзінділер:",
    "ky": "Корпуста {period} мезгилиндеги макала жок, ошондуктан бул суроого жооп жок. Жакын үзүндүлөр:",
}


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    passage_id: str
    title: str
    date: str | None
    lang: str
    text: str
    score: float  # what ranked it: a cosine (dense), BM25 (bm25) or a fused score that may pass 1 (hybrid)
    similarity: float | None = None  # cosine of passage and question, comparable across modes
    also_in: tuple[str, ...] = ()  # documents holding a near-identical copy of this passage
    url: str | None = None  # the article's address, when the corpus gives one (corpus.web_url)


Verdict = str  # "answer" | "not_stated" (related passages, but none says it) | "not_found" | "small_talk" (no question)


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    citations: list[Citation]
    verdict: Verdict = "answer"
    # A follow-up: the earlier question it was read with, and the names it borrowed from it (None, (): it stood alone).
    # Shown so that a person or a script can see when the chat's history shaped the answer.
    read_with: str | None = None
    carried: tuple[str, ...] = ()
    # A question that points at someone with no earlier question to say who ("her" in a chat's first
    # "What is her position?"): the word, so the reply can ask for the name instead of passing a guess off.
    unresolved: str | None = None
    # The question as it was read, when that rewrote what was typed (Kazakh in Latin letters or without its own
    # letters, message.Part.typed): shown so that a misreading is seen, as ``read_with`` is. None: read as typed.
    read_as: str | None = None
    # The period the question scoped its articles by (period.py): its articles were cited first. None: no period.
    period: Period | None = None
    # A message of several questions (message.py): each question, how it went, and the citations it drew on.
    parts: tuple["AnswerPart", ...] = ()
    # The first sentence quoted, the one a reader takes for the answer ("" when declined): eval asks whether it
    # holds the fact (answer_lead_hit), since an answer of five sentences can hold it in its last.
    lead: str = ""
    # A greeting, thanks, a goodbye or "who are you?" (small_talk.py): its kind and language; the reply is its own.
    talk: SmallTalk | None = None

    def to_dict(self) -> dict:
        return {"question": self.question, "answer": self.answer, "verdict": self.verdict,
                "citations": [asdict(c) for c in self.citations], "read_with": self.read_with,
                "carried": list(self.carried), "unresolved": self.unresolved, "read_as": self.read_as,
                "period": None if self.period is None else self.period.to_dict(),
                "parts": [asdict(p) for p in self.parts],
                "talk": None if self.talk is None else asdict(self.talk)}


@dataclass(frozen=True)
class AnswerPart:
    question: str
    verdict: Verdict
    cited: tuple[int, ...]  # citation numbers


@dataclass(frozen=True)
class SentenceCentres:
    """The mean direction of the index's sentence vectors, late-chunked and embedded alone (unit length).

    A sentence's closeness to it is how generic the sentence is; sentence choice
    takes ``HUB_WEIGHT`` of it away (``query``), so a sentence close to every question
    must be closer to this one to be quoted.
    """

    late: np.ndarray
    alone: np.ndarray | None

    @classmethod
    def of(cls, late: np.ndarray, alone: np.ndarray | None) -> "SentenceCentres | None":
        if not len(late):
            return None
        mean = lambda vectors: _unit(vectors.mean(axis=0, dtype=np.float64))  # noqa: E731
        return cls(mean(late), None if alone is None else mean(alone))

    def query(self, vector: np.ndarray, which: str, weight: float = HUB_WEIGHT) -> np.ndarray:
        """``vector`` with ``weight`` of the centre taken away: its cosine with a sentence is the cosine
        with the question less ``weight`` times the sentence's closeness to the centre."""
        centre = self.late if which == "late" or self.alone is None else self.alone
        return (vector - weight * centre).astype(np.float32)

    def overlap(self, alone: np.ndarray) -> np.ndarray | None:
        """Pairwise cosines of sentences embedded alone, the mean direction taken away: how far one says
        what another does. None without an alone centre (the build's sentences were not embedded alone)."""
        if self.alone is None:
            return None
        centred = alone.astype(np.float32) - self.alone
        centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)
        return centred @ centred.T

    def to_dict(self) -> dict:
        return {"late": [round(float(x), 6) for x in self.late],
                "alone": None if self.alone is None else [round(float(x), 6) for x in self.alone]}

    @classmethod
    def from_dict(cls, data: dict | None) -> "SentenceCentres | None":
        """None for a build made before them: its sentences are scored as they were."""
        if not data:
            return None
        alone = data.get("alone")
        return cls(np.asarray(data["late"], dtype=np.float32),
                   None if alone is None else np.asarray(alone, dtype=np.float32))


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage that may go into the answer."""

    hit: int  # index into the hits list
    text: str
    row: int  # the sentence's vector in the index (LoadedIndex.sentence_vectors)


def candidate_sentences(hits: list[Hit], index: LoadedIndex, passages: int = ANSWER_PASSAGES) -> list[Candidate]:
    seen: set[str] = set()
    out: list[Candidate] = []
    for i, hit in enumerate(hits[:passages]):
        text = hit.passage.text
        for (start, end), row in zip(hit.passage.sentences, index.sentence_rows(hit.row)):
            sentence = " ".join(text[start:end].split())
            key = fold(sentence)
            if key not in seen:
                seen.add(key)
                out.append(Candidate(i, sentence, row))
    return out


def select_sentences(candidates: list[Candidate], similarity: np.ndarray, hits: list[Hit],
                     coverage: np.ndarray | None = None, *, margin: float = SENTENCE_MARGIN,
                     max_sentences: int = MAX_SENTENCES, max_chars: int = MAX_ANSWER_CHARS,
                     spread: float = SPREAD_PENALTY, rank_prior: float = RANK_PRIOR,
                     scores: np.ndarray | None = None, overlap: np.ndarray | None = None,
                     restates: float | None = RESTATES, bonus: np.ndarray | None = None) -> list[Candidate]:
    """The best sentence, then further ones that score nearly as well, in the order picked, within ``max_chars``.

    ``coverage`` (share of the question's rare words in the sentence) lifts the
    sentence that names what was asked about. Each pick costs the other
    sentences of its passage ``spread``, so a second passage's best sentence
    can come before a first passage's second best. A sentence too long for
    what is left of the budget is skipped, not the end: a shorter one just
    below it is often the one that holds the fact. So is one whose ``overlap``
    (candidates × candidates, ``SentenceCentres.overlap``) with a chosen
    sentence reaches ``restates`` and that adds no number: it would say the
    same thing twice. ``bonus`` (per candidate) is added to its score.
    """
    if not candidates:
        return []
    stated = [i for i, c in enumerate(candidates) if not asks(c.text)]
    lexical = coverage if coverage is not None else np.zeros(len(candidates))
    scores = scores if scores is not None else np.array([
        (1 - PASSAGE_WEIGHT) * float(sim) + PASSAGE_WEIGHT * float(hits[c.hit].dense or 0.0)
        + LEXICAL_WEIGHT * float(cov) - rank_prior * c.hit
        for c, sim, cov in zip(candidates, similarity, lexical)
    ])
    if bonus is not None:
        scores = scores + bonus
    left = stated or list(range(len(candidates)))  # a question quoted as an answer answers nothing
    chosen: list[Candidate] = []
    picked: list[int] = []
    quoted: set[int] = set()
    best = None
    length = 0
    while left and len(chosen) < max_sentences:
        adjusted = [scores[i] - (spread if candidates[i].hit in quoted else 0.0) for i in left]
        pick = int(np.argmax(adjusted))  # the first of equals, as a stable sort would
        index = left.pop(pick)
        candidate = candidates[index]
        best = adjusted[pick] if best is None else best
        if adjusted[pick] < best - margin:
            break
        if chosen and length + len(candidate.text) > max_chars:
            continue
        if overlap is not None and restates is not None and _restates(index, picked, candidates, overlap, restates):
            continue
        chosen.append(candidate)
        picked.append(index)
        quoted.add(candidate.hit)
        length += len(candidate.text)
    return chosen


def _restates(index: int, picked: list[int], candidates: list[Candidate], overlap: np.ndarray,
              restates: float) -> bool:
    """Whether candidate ``index`` says what a picked one does: close in meaning, and no number of its own
    ("1 г май ... 39,1 кДж" beside "1 г көмірсулар ... 17,2 кДж" is another fact in the same words)."""
    numbers = set(_NUMBER.findall(candidates[index].text))
    return any(overlap[index, j] >= restates and numbers <= set(_NUMBER.findall(candidates[j].text))
               for j in picked)


# compose_answer writes each quoted sentence followed by its source's number ("… [2] … [1]").
_QUOTE = re.compile(r" \[(\d+)\](?:\s+|$)")


def quotes(text: str) -> list[tuple[str, int]]:
    """The sentences an answer's text quotes, each with its source's number, in order (compose_answer's format; a
    message of several questions opens each paragraph with its question)."""
    pieces = _QUOTE.split(text)
    return [(sentence, int(n)) for sentence, n in zip(pieces[::2], pieces[1::2])]


def compose_answer(question: str, hits: list[Hit], chosen: list[Candidate]) -> Answer:
    text = " ".join(f"{c.text} [{hits[c.hit].rank}]" for c in chosen)
    return Answer(question, text, cite(hits), lead=chosen[0].text if chosen else "")


def cite(hits: list[Hit]) -> list[Citation]:
    return [
        Citation(h.rank, h.passage.doc_id, h.passage.passage_id, h.passage.title, h.passage.date,
                 h.passage.lang, h.passage.text, round(h.score, 4),
                 None if h.dense is None else round(float(h.dense), 4),
                 tuple(dict.fromkeys(p.doc_id for p in h.also if p.doc_id != h.passage.doc_id)), h.passage.url)
        for h in hits
    ]


def not_stated(question: str, hits: list[Hit], missing: tuple[str, ...]) -> Answer:
    terms = ", ".join(f"«{t}»" for t in missing)
    return Answer(question, NOT_STATED[detect_language(question)].format(terms=terms), cite(hits), "not_stated")


def not_said(question: str, hits: list[Hit], terms: tuple[str, ...], asked: str) -> Answer:
    names = ", ".join(f"«{t}»" for t in terms)
    return Answer(question, NOT_SAID[detect_language(question)].format(terms=names, asked=asked), cite(hits),
                  "not_stated")


def no_articles(question: str, hits: list[Hit], period: Period) -> Answer:
    lang = detect_language(question)
    return Answer(question, NO_ARTICLES[lang].format(period=period.label(lang)), cite(hits), "not_stated", period=period)


def small_talk_reply(message: str, talk: SmallTalk) -> Answer:
    return Answer(message, talk.reply, [], "small_talk", talk=talk)


def nothing_more(message: str, earlier: str) -> Answer:
    return Answer(message, NOTHING_MORE[detect_language(earlier)], [], "not_found", read_with=earlier)


def not_found(question: str) -> Answer:
    return Answer(question, NOT_FOUND[detect_language(question)], [], "not_found")


def merge_answers(message: str, questions: list[str], answers: list[Answer]) -> Answer:
    """One reply to a message of several questions: each question, then its answer; every citation once.

    The answers' citations were numbered across the message already (a passage two
    questions cite has one number), so they only need collecting. Each question opens its
    paragraph as it was read, so the reply needs no ``read_as``.
    """
    text = "\n\n".join(f"{q} — {a.answer}" for q, a in zip(questions, answers))
    citations = sorted({c.n: c for a in answers for c in a.citations}.values(), key=lambda c: c.n)
    verdicts = {a.verdict for a in answers}
    verdict = "answer" if "answer" in verdicts else "not_stated" if "not_stated" in verdicts else "not_found"
    parts = tuple(AnswerPart(q, a.verdict, tuple(c.n for c in a.citations)) for q, a in zip(questions, answers))
    return Answer(message, text, citations, verdict,
                  read_with=next((a.read_with for a in answers if a.read_with), None),
                  carried=tuple(dict.fromkeys(n for a in answers for n in a.carried)),
                  unresolved=next((a.unresolved for a in answers if a.unresolved), None), parts=parts,
                  period=next((a.period for a in answers if a.period), None),
                  lead=next((a.lead for a in answers if a.lead), ""))
