"""Offline retrieval evaluation against a gold set (JSONL).

Each line: ``{"id", "question", "lang", "relevant": [{"doc", "contains"?}], "kind"?, "history"?, "answers"?,
"aspects"?, "asked"?}``,
``history`` being the chat's earlier questions, oldest first, used exactly as the bot uses them, and
``answers`` the phrases a composed answer should state when they are not the ``contains`` phrases
(a reading-comprehension set such as KazQAD, where any passage of the document is a hit but only
the answer span answers), and ``aspects`` the things a question asking several at once wants, each a list
of phrases any one of which states it ("When did X arrive and what did he sign?"), and ``asked`` the day
(YYYY-MM-DD) the question is asked, which "last month" or «вчера» counts from (handed to ``evaluate``'s
callbacks as ``asked=``, so a set that has it needs callbacks that take it).
A retrieved passage is a hit when it belongs to ``doc`` and, if ``contains`` is
given, its text contains it (case-insensitive, whitespace folded). An empty
``relevant`` list marks a question the corpus cannot answer.

Given the engine's whole reply (``answer``), the answer itself is scored too:
``answer_hit`` is the share of answerable questions whose composed answer
text contains a gold phrase (same folding), ``answer_lead_hit`` the share whose
first sentence does, ``answer_complete`` (questions with ``aspects``) the share that states every aspect,
and abstention is scored as the precision and recall of
declining ("not found" or "the corpus does not say") on unanswerable against
answerable questions.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

import numpy as np

from .answer import Answer
from .chunk import Passage
from .search import Hit
from .text import fold

CUTOFFS = (1, 5, 10)


@dataclass(frozen=True)
class Relevant:
    doc: str
    contains: str | None = None


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    lang: str
    relevant: tuple[Relevant, ...]
    kind: str = ""
    history: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()  # what the answer should state; the ``contains`` phrases when empty
    aspects: tuple[tuple[str, ...], ...] = ()  # a question asking several things: phrases stating each
    asked: date | None = None  # the day it is asked, for periods said from it ("last month"); None: the clock's

    @property
    def answerable(self) -> bool:
        return bool(self.relevant)


class GoldFormatError(ValueError):
    pass


def load_gold(path: Path) -> list[GoldQuestion]:
    out: list[GoldQuestion] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise GoldFormatError(f"gold file {path} does not exist") from None
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            relevant = tuple(Relevant(r["doc"], r.get("contains")) for r in row.get("relevant", []))
            history = row.get("history") or []
            if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
                raise TypeError("history must be a list of earlier questions")
            answers = row.get("answers") or []
            if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
                raise TypeError("answers must be a list of phrases")
            aspects = row.get("aspects") or []
            if not isinstance(aspects, list) or not all(
                    isinstance(a, list) and a and all(isinstance(p, str) and p.strip() for p in a) for a in aspects):
                raise TypeError("aspects must be a list of lists of phrases")
            asked = date.fromisoformat(row["asked"]) if row.get("asked") is not None else None
            out.append(GoldQuestion(str(row["id"]), row["question"], row.get("lang", "?"), relevant,
                                    str(row.get("kind", "")), tuple(history), tuple(answers),
                                    tuple(tuple(a) for a in aspects), asked))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError, ValueError) as exc:
            raise GoldFormatError(f"{path}:{lineno}: not a gold record ({type(exc).__name__}: {exc})") from None
    if not out:
        raise GoldFormatError(f"gold file {path} has no questions")
    return out


def is_hit(passage: Passage, relevant: tuple[Relevant, ...]) -> bool:
    return any(
        passage.doc_id == r.doc and (r.contains is None or fold(r.contains) in fold(passage.text))
        for r in relevant
    )


def first_hit_rank(hits: list[Hit], relevant: tuple[Relevant, ...]) -> int | None:
    """1-based rank of the first relevant hit; a near-duplicate folded into a hit counts with it."""
    for position, hit in enumerate(hits, 1):
        if any(is_hit(p, relevant) for p in (hit.passage, *hit.also)):
            return position
    return None


def _metrics(ranks: list[int | None]) -> dict:
    n = len(ranks)
    if n == 0:
        return {"n": 0}
    out: dict = {"n": n}
    for k in CUTOFFS:
        out[f"recall@{k}"] = round(sum(1 for r in ranks if r is not None and r <= k) / n, 4)
    out["mrr@10"] = round(sum(1 / r for r in ranks if r is not None and r <= 10) / n, 4)
    return out


def answer_hit(answer: Answer, question: GoldQuestion) -> bool:
    """The composed answer (not only a cited passage) states a gold phrase: an ``answers`` one, else a ``contains``."""
    return answer.verdict == "answer" and _states(fold(answer.answer), _phrases(question))


def lead_hit(answer: Answer, question: GoldQuestion) -> bool:
    """The answer's first sentence states a gold phrase: the fact comes first, where a reader looks."""
    return answer.verdict == "answer" and _states(fold(answer.lead), _phrases(question))


def answer_complete(answer: Answer, question: GoldQuestion) -> bool:
    """The answer states every one of the question's ``aspects`` (one phrase of each); answer_hit without them."""
    if not question.aspects:
        return answer_hit(answer, question)
    text = fold(answer.answer)
    return answer.verdict == "answer" and all(_states(text, aspect) for aspect in question.aspects)


def _phrases(question: GoldQuestion) -> tuple[str, ...]:
    return question.answers or tuple(r.contains for r in question.relevant if r.contains)


def _states(folded: str, phrases: tuple[str, ...]) -> bool:
    """Whether the folded text holds one of ``phrases`` (folded the same way)."""
    return any(fold(p) in folded for p in phrases)


def evaluate(
    gold: list[GoldQuestion],
    retrieve: Callable[..., list[Hit]],
    confident: Callable[[list[Hit]], bool] | None = None,
    threshold: float | None = None,
    depth: int = 10,
    answer: Callable[..., Answer] | None = None,
) -> dict:
    """Recall@1/5/10 and MRR@10 over answerable questions, overall and per language.

    ``retrieve`` returns at least 10 ranked hits for a question and its history (and ``asked=``, the day, for
    a question that has one: ``Engine.asked_on``). With
    ``confident`` (the engine's answer/abstain decision), also how often that
    decision is right. With ``answer`` (the engine's reply composed from those
    hits), also ``answer_hit`` and abstention precision/recall, where the
    reply's verdict is the decision.
    """
    ranks: dict[str, int | None] = {}
    top_scores: dict[str, float] = {}
    answered: dict[str, bool] = {}
    replies: dict[str, Answer] = {}
    latencies: list[float] = []
    for q in gold:
        t = time.perf_counter()
        day = {"asked": q.asked} if q.asked is not None else {}
        hits = retrieve(q.question, q.history, **day)
        if answer is not None:
            replies[q.id] = answer(q.question, hits, q.history, **day)
        latencies.append((time.perf_counter() - t) * 1000)
        top_scores[q.id] = max((h.dense for h in hits if h.dense is not None), default=float("-inf"))
        if answer is not None:
            answered[q.id] = replies[q.id].verdict == "answer"
        elif confident is not None:
            answered[q.id] = confident(hits)
        if q.answerable:
            ranks[q.id] = first_hit_rank(hits[:depth], q.relevant)
    answerable = [q for q in gold if q.answerable]
    report = _metrics([ranks[q.id] for q in answerable])
    report["by_lang"] = {
        lang: _metrics([ranks[q.id] for q in answerable if q.lang == lang])
        for lang in sorted({q.lang for q in answerable})
    }
    kinds = sorted({q.kind for q in answerable if q.kind})
    if len(kinds) > 1:  # facts, lists, dates, numbers, "why": which kind of question the system is weak on
        report["by_kind"] = {kind: _metrics([ranks[q.id] for q in answerable if q.kind == kind]) for kind in kinds}
    unanswerable = [q for q in gold if not q.answerable]
    if answer is not None:
        hits_ = {q.id: answer_hit(replies[q.id], q) for q in answerable}
        leads = {q.id: lead_hit(replies[q.id], q) for q in answerable}
        share = lambda qs, of=hits_: round(sum(of[q.id] for q in qs) / len(qs), 4) if qs else None  # noqa: E731
        report["answer_hit"] = share(answerable)
        report["answer_lead_hit"] = share(answerable, leads)
        groups = [*((m, [q for q in answerable if q.lang == lang]) for lang, m in report["by_lang"].items()),
                  *((m, [q for q in answerable if q.kind == kind]) for kind, m in report.get("by_kind", {}).items())]
        for metrics, group in groups:
            metrics["answer_hit"] = share(group)
            metrics["answer_lead_hit"] = share(group, leads)
        asking_more = [q for q in answerable if q.aspects]
        if asking_more:
            report["answer_complete"] = share(asking_more, {q.id: answer_complete(replies[q.id], q) for q in asking_more})
        report["abstention"] = abstention(gold, answered, replies)
        report["answer_misses"] = [q.id for q in answerable if not hits_[q.id]]
    if unanswerable and (confident is not None or answer is not None):
        correct = sum(1 for q in gold if answered[q.id] == q.answerable)
        report["no_answer_accuracy"] = round(correct / len(gold), 4)
        report["no_answer"] = {
            "threshold": threshold,
            "unanswerable": len(unanswerable),
            "abstained_on_unanswerable": sum(1 for q in unanswerable if not answered[q.id]),
            "abstained_on_answerable": sum(1 for q in answerable if not answered[q.id]),
        }
    report["latency_ms"] = {"p50": round(float(np.percentile(latencies, 50)), 2),
                            "p95": round(float(np.percentile(latencies, 95)), 2)}
    report["recall_curve"] = {k: round(sum(1 for q in answerable if (ranks[q.id] or depth + 1) <= k) / len(answerable), 4)
                              for k in range(1, depth + 1)} if answerable else {}
    report["misses"] = [q.id for q in answerable if ranks[q.id] is None or ranks[q.id] > 5]
    report["ci95"] = intervals([ranks[q.id] for q in answerable],
                               [hits_[q.id] for q in answerable] if answer is not None else None,
                               [not answered[q.id] for q in unanswerable] if answered else None,
                               [not answered[q.id] for q in answerable] if answered else None)
    report["_ranks"] = ranks
    report["_top_scores"] = top_scores
    report["_replies"] = replies
    return report


def intervals(ranks: list[int | None], hits: list[bool] | None = None, declined_unanswerable: list[bool] | None = None,
              declined_answerable: list[bool] | None = None, draws: int = 2000, seed: int = 0,
              ) -> dict[str, list[float]]:
    """95% percentile-bootstrap intervals of each headline figure, resampling the questions.

    On a set of 100 questions one question is 0.01 and the set itself is a draw:
    a target missed or met by less than the interval's half-width is not yet a
    difference. Answerable and unanswerable questions are resampled apart, as
    the set was written; a fixed seed keeps a report reproducible.
    """
    rng = np.random.default_rng(seed)
    rank = np.array([r if r is not None else 10**6 for r in ranks], dtype=float)
    columns: dict[str, np.ndarray] = {f"recall@{k}": (rank <= k).astype(float) for k in CUTOFFS}
    columns["mrr@10"] = np.where(rank <= 10, 1 / rank, 0.0)
    if hits is not None:
        columns["answer_hit"] = np.array(hits, dtype=float)
    if declined_answerable is not None:
        columns["declined_answerable"] = np.array(declined_answerable, dtype=float)
    out: dict[str, list[float]] = {}
    groups = [(columns, len(rank))]
    if declined_unanswerable:
        groups.append(({"declined_unanswerable": np.array(declined_unanswerable, dtype=float)},
                       len(declined_unanswerable)))
    for group, n in groups:
        if n == 0:
            continue
        picks = rng.integers(0, n, size=(draws, n))
        for name, values in group.items():
            means = values[picks].mean(axis=1)
            out[name] = [round(float(np.percentile(means, 2.5)), 4), round(float(np.percentile(means, 97.5)), 4)]
    return out


def abstention(gold: list[GoldQuestion], answered: dict[str, bool], replies: dict[str, Answer]) -> dict:
    """How well declining separates unanswerable from answerable questions, and which grade it took."""
    unanswerable = [q for q in gold if not q.answerable]
    answerable = [q for q in gold if q.answerable]
    declined = [q for q in gold if not answered[q.id]]
    right = sum(1 for q in declined if not q.answerable)
    grades = lambda qs: {v: sum(1 for q in qs if replies[q.id].verdict == v)  # noqa: E731
                         for v in ("answer", "not_stated", "not_found")}
    return {
        "unanswerable": len(unanswerable), "answerable": len(answerable),
        "precision": round(right / len(declined), 4) if declined else None,
        "recall": round(right / len(unanswerable), 4) if unanswerable else None,
        "declined_answerable": round((len(declined) - right) / len(answerable), 4) if answerable else None,
        "verdicts_unanswerable": grades(unanswerable), "verdicts_answerable": grades(answerable),
        "declined_answerable_ids": [q.id for q in answerable if not answered[q.id]],
        "answered_unanswerable_ids": [q.id for q in unanswerable if answered[q.id]],
    }
