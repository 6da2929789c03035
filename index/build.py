"""Corpus → passages → embeddings → published index, in one function."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .chunk import MAX_WORDS, MIN_WORDS, TARGET_WORDS, chunk_corpus
from .corpus import Problem, corpus_fingerprint, load_corpus
from .embed import Embedder
from .language_subspace import estimate_basis, project
from .store import build_lock, write_index


@dataclass
class BuildReport:
    path: Path
    documents: int
    passages: int
    seconds: float
    embed_seconds: float
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "index": str(self.path), "documents": self.documents, "passages": self.passages,
            "seconds": round(self.seconds, 3), "embed_seconds": round(self.embed_seconds, 3),
            "passages_per_second": round(self.passages / self.embed_seconds, 1) if self.embed_seconds else None,
            "problems": [{"source": p.source, "reason": p.reason} for p in self.problems],
        }


def build_index(corpus_dir: Path, index_dir: Path, embedder: Embedder, show_progress: bool = False,
                language_debias: bool = True) -> BuildReport:
    started = time.perf_counter()
    with build_lock(Path(index_dir)):
        docs, problems = load_corpus(Path(corpus_dir))
        if not docs:
            raise ValueError(f"corpus directory {corpus_dir} has no readable documents")
        passages = chunk_corpus(docs)
        t0 = time.perf_counter()
        vectors = embedder.encode_passages([p.text for p in passages], show_progress=show_progress)
        embed_seconds = time.perf_counter() - t0
        basis = estimate_basis(embedder.encode_queries, embedder.encode_passages) if language_debias else None
        vectors = project(vectors, basis)
        meta = {
            "model_id": embedder.model_id,
            "model_fingerprint": embedder.fingerprint,
            "corpus_dir": str(Path(corpus_dir).resolve()),
            "corpus_fingerprint": corpus_fingerprint(docs),
            "chunking": {"target_words": TARGET_WORDS, "max_words": MAX_WORDS, "min_words": MIN_WORDS},
            "language_debias": {"enabled": basis is not None,
                                "directions": 0 if basis is None else int(basis.shape[0])},
            "build_seconds": round(time.perf_counter() - started, 3),
        }
        path = write_index(Path(index_dir), docs, passages, vectors, meta, basis)
    return BuildReport(path, len(docs), len(passages), time.perf_counter() - started, embed_seconds, problems)
