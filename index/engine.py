"""The question-answering engine both shells (CLI, Telegram) call: model + index → answer."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .answer import Answer, candidate_sentences, compose_answer, not_found, select_sentences
from .embed import Embedder
from .language_subspace import project
from .search import Hit, dense_search
from .store import LoadedIndex

# Below this top-1 cosine the corpus is taken not to hold an answer. Calibrated
# on tests/gold.jsonl for multilingual-e5-small (see README, "No-answer threshold");
# another model needs its own value (MIN_SCORE).
DEFAULT_MIN_SCORE = 0.80


class QuestionError(ValueError):
    """The question itself is unusable; ``kind`` ("empty", "too_long") lets a shell word it for its user."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def validate_question(question: str, max_chars: int) -> str:
    text = " ".join(question.split())
    if not text:
        raise QuestionError("empty", "the question is empty")
    if len(question) > max_chars:
        raise QuestionError("too_long",
                            f"the question is too long ({len(question)} characters; the limit is {max_chars})")
    return text


@dataclass
class Timings:
    """Where the time of one question went, in milliseconds."""

    parts: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.parts[name] = self.parts.get(name, 0.0) + (now - since) * 1000
        return now


class Engine:
    def __init__(self, embedder: Embedder, index: LoadedIndex, min_score: float | None = None,
                 max_question_chars: int = 2000) -> None:
        self.embedder = embedder
        self.index = index
        self.min_score = DEFAULT_MIN_SCORE if min_score is None else min_score
        self.max_question_chars = max_question_chars

    def retrieve(self, question: str, k: int, timings: Timings | None = None) -> list[Hit]:
        return self._retrieve(question, k, timings or Timings())[1]

    def _retrieve(self, question: str, k: int, timings: Timings) -> tuple[np.ndarray, list[Hit]]:
        t = time.perf_counter()
        vector = project(self.embedder.encode_queries([question])[0], self.index.language_basis)
        t = timings.add("embed_query", t)
        hits = dense_search(self.index, vector, k)
        timings.add("dense_search", t)
        return vector, hits

    def ask(self, question: str, k: int = 5, timings: Timings | None = None) -> Answer:
        timings = timings or Timings()
        text = validate_question(question, self.max_question_chars)
        vector, hits = self._retrieve(text, k, timings)
        t = time.perf_counter()
        if not hits or hits[0].score < self.min_score:
            timings.add("compose", t)
            return not_found(question)
        candidates = candidate_sentences(hits)
        similarity = (project(self.embedder.encode_passages([c.text for c in candidates]),
                              self.index.language_basis) @ vector
                      if candidates else np.zeros(0))
        answer = compose_answer(question, hits, select_sentences(candidates, similarity, hits))
        timings.add("compose", t)
        return answer


def open_engine(settings, notify: Callable[[str], None] = lambda _msg: None, build_if_missing: bool = True) -> Engine:
    """Load the model and the index named by ``settings``; build the index first if there is none."""
    from .build import build_index
    from .embed import load_embedder
    from .store import IndexMissingError, load_index

    embedder = load_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size)
    try:
        index = load_index(settings.index_dir, embedder.fingerprint)
    except IndexMissingError:
        if not build_if_missing:
            raise
        notify(f"No index at {settings.index_dir}; building it from {settings.corpus_dir} first…")
        build_index(settings.corpus_dir, settings.index_dir, embedder, language_debias=settings.language_debias)
        index = load_index(settings.index_dir, embedder.fingerprint)
    return Engine(embedder, index, settings.min_score, settings.max_question_chars)
