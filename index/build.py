"""Corpus → passages → embeddings + BM25 → published index, embedding only what changed.

Documents are compared with the current build by content hash; passages whose
text was embedded before (by the same model) take their vectors from the
embedding cache, so adding or editing one document embeds that document's
passages alone. The lexical index is rebuilt whole every time: it is cheap
and its statistics (IDF) depend on every passage.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import numpy as np

from .answer import SentenceCentres
from .cache import Embedded, EmbeddingCache, passage_key
from .casing import NameDirection, learn_name_direction, name_words
from .chunk import MAX_WORDS, MIN_WORDS, TARGET_WORDS, Passage, chunk_corpus
from .corpus import Document, Problem, corpus_fingerprint, load_corpus
from .embed import Embedder, LazyEmbedder
from .hashing import sha256_text
from .language_subspace import estimate_basis, project, reference_text
from .lexical import LexicalIndex, lexical_text, own_titles
from .passage_table import DocumentTable
from .store import PASSAGES, StoreError, build_lock, current_build, read_manifest, write_index
from .vectors.latent import KEEP as LATENT_KEEP, stack as latent_stack

if TYPE_CHECKING:
    from .candidates.milvus import MilvusConnection
    from .vectors.cluster import RayEncoder

CACHE_FILE = Path("cache") / "embeddings.sqlite"
# Embeddings are committed to the cache every this many passages (about 10 s of work here), so an
# interrupted build loses at most that much, and a build without a terminal reports progress as lines.
CHECKPOINT_PASSAGES = 256


@dataclass
class Changes:
    """Documents of the corpus against the current build, by doc id and content hash."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def to_dict(self, ids: int = 100) -> dict:
        """Counts, and the first ``ids`` document ids of each kind of change."""
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed),
                "unchanged": len(self.unchanged), "added_ids": self.added[:ids],
                "changed_ids": self.changed[:ids], "removed_ids": self.removed[:ids]}

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass
class BuildReport:
    path: Path | None  # None for a dry run
    documents: int
    passages: int
    embedded: int  # passages run through the model
    reused: int  # passages whose vectors came from the cache
    changes: Changes
    seconds: float
    embed_seconds: float
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    removed: dict[str, list[str]] = field(default_factory=dict)  # doc_id → paragraphs cleaning took

    def to_dict(self) -> dict:
        return {
            "index": str(self.path) if self.path else None, "dry_run": self.dry_run,
            "documents": self.documents, "passages": self.passages,
            "embedded": self.embedded, "reused": self.reused, "changes": self.changes.to_dict(),
            "seconds": round(self.seconds, 3), "embed_seconds": round(self.embed_seconds, 3),
            "passages_per_second": round(self.embedded / self.embed_seconds, 1) if self.embed_seconds else None,
            "problems": [{"source": p.source, "reason": p.reason} for p in self.problems],
            "cleaning": {"documents": len(self.removed), "paragraphs_removed": sum(map(len, self.removed.values())),
                         "removed": self.removed},
        }


def previous_documents(index_dir: Path) -> dict[str, str]:
    """doc_id → content hash of the current build; empty when there is none or it cannot be read."""
    try:
        table = DocumentTable(current_build(index_dir) / PASSAGES)
        try:
            return table.content_hashes()
        finally:
            table.close()
    except (StoreError, OSError, sqlite3.Error):
        return {}


def diff_documents(docs: list[Document], previous: dict[str, str]) -> Changes:
    changes = Changes()
    for doc in docs:
        if doc.doc_id not in previous:
            changes.added.append(doc.doc_id)
        elif previous[doc.doc_id] != doc.content_hash:
            changes.changed.append(doc.doc_id)
        else:
            changes.unchanged.append(doc.doc_id)
    current = {d.doc_id for d in docs}
    changes.removed = sorted(d for d in previous if d not in current)
    return changes


def build_index(corpus_dir: Path, index_dir: Path, embedder: Embedder | LazyEmbedder, show_progress: bool = False,
                language_debias: bool | str = "auto", full: bool = False,
                max_document_bytes: int | None = None, notify: Callable[[str], None] = lambda _m: None,
                faiss_index: str = "auto", cluster: "RayEncoder | None" = None,
                milvus: "MilvusConnection | None" = None) -> BuildReport:
    """Build and publish an index; ``full`` ignores what earlier builds embedded.

    ``cluster`` embeds the new passages on a Ray cluster instead of here
    (vectors/cluster.py); everything else, the cache included, is the same.
    ``milvus`` keeps the vectors in a Milvus collection instead of FAISS files (candidates/milvus.py).
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    with build_lock(index_dir):
        docs, problems, changes, passages, keys = _read_corpus(corpus_dir, index_dir, full, max_document_bytes)
        if not docs:
            raise ValueError(f"corpus directory {corpus_dir} has no readable documents")
        head = embedder.head.fingerprint if embedder.head is not None else None
        cache = EmbeddingCache(index_dir / CACHE_FILE, embedder.fingerprint, embedder.dim, head,
                               embedder.sentences_alone)
        try:
            if cache.reset:
                notify("the embedding cache was damaged and has been started afresh")
            known = {} if full else cache.get(keys)
            todo = [i for i, key in enumerate(keys) if key not in known]
            t0 = time.perf_counter()
            pending = [passages[i] for i in todo]
            batches = cluster.stream(pending) if cluster else _local_batches(embedder, pending, show_progress)
            done = 0
            for batch in batches:
                fresh = {keys[todo[j]]: vectors for j, vectors in batch}
                cache.put(fresh)  # committed now: a build killed later resumes from here
                known.update(fresh)
                done += len(batch)
                if not show_progress:
                    notify(_progress(done, len(todo), time.perf_counter() - t0))
            embed_seconds = time.perf_counter() - t0
            mixed = len({d.lang for d in docs}) > 1
            basis = _language_basis(embedder, cache, full) if language_debias is True or (
                language_debias == "auto" and mixed) else None
            cache.keep_only(set(keys))
        finally:
            cache.close()
        vectors = project(np.stack([known[k].vector for k in keys]), basis)
        none = [np.zeros((0, embedder.dim), np.float32)]
        sentence_vectors = project(np.concatenate([known[k].sentences for k in keys] or none), basis)
        sentences_alone = project(np.concatenate([known[k].alone for k in keys] or none), basis) \
            if embedder.sentences_alone else None
        latent = None if head is None else latent_stack([known[k].terms for k in keys])
        centres = SentenceCentres.of(sentence_vectors, sentences_alone)
        started_names = time.perf_counter()
        names, names_reused = _name_direction(passages, embedder, index_dir, full)
        name_seconds = time.perf_counter() - started_names
        titles = own_titles(docs)
        lexical = LexicalIndex.for_passages([lexical_text(p, titles) for p in passages], [p.lang for p in passages])
        meta = {
            "model_id": embedder.model_id,
            "model_fingerprint": embedder.fingerprint,
            "corpus_dir": str(Path(corpus_dir).resolve()),
            "corpus_fingerprint": corpus_fingerprint(docs),
            "chunking": {"target_words": TARGET_WORDS, "max_words": MAX_WORDS, "min_words": MIN_WORDS},
            "language_debias": {"setting": language_debias, "enabled": basis is not None,
                                "directions": 0 if basis is None else int(basis.shape[0])},
            "lexical": {"analyzer": lexical.analyzer.to_dict()},
            "changes": changes.to_dict(),
            "latent_terms": None if head is None else {"head": head, "features": embedder.head.features,
                                                       "keep": LATENT_KEEP},
            "sentences_alone": embedder.sentences_alone,
            # unseen opening words told apart (casing.py): learned from this corpus' own words
            "name_direction": None if names is None else {**names.to_dict(), "seconds": round(name_seconds, 3),
                                                                  "reused": names_reused},
            # how generic a sentence is, taken from its closeness to a question when answers quote (answer.py)
            "sentence_centres": None if centres is None else centres.to_dict(),
            "embedded": len(todo),
            "embedded_on": {"where": "ray", "workers": cluster.workers} if cluster else {"where": "local"},
            "build_seconds": round(time.perf_counter() - started, 3),
        }
        path = write_index(index_dir, docs, passages, vectors, sentence_vectors, lexical, meta, basis, faiss_index,
                           milvus=milvus, keys=keys, full=full, latent=latent, sentences_alone=sentences_alone)
    return BuildReport(path, len(docs), len(passages), len(todo), len(passages) - len(todo), changes,
                       time.perf_counter() - started, embed_seconds, problems, removed=_removed(docs))


def _name_direction(passages: list[Passage], embedder: Embedder | LazyEmbedder, index_dir: Path, full: bool,
                    ) -> tuple[NameDirection | None, bool]:
    """The corpus' name direction, and whether the current build's was reused.

    Embedding its two thousand words was most of a rebuild that changed little;
    the same words, or nearly (casing.REUSE_OVERLAP), under the same model learn
    the same boundary, or one a hair away.
    """
    words = name_words([p.text for p in passages])
    if words is None:
        return None, False
    if not full:
        previous = _previous_name_direction(index_dir)
        if previous is not None and previous.serves(words, embedder.fingerprint):
            return previous, True
    return learn_name_direction(words, embedder.encode_words, embedder.fingerprint), False


def _previous_name_direction(index_dir: Path) -> NameDirection | None:
    try:
        return NameDirection.from_dict(read_manifest(current_build(index_dir)).get("name_direction"))
    except (StoreError, OSError, KeyError, TypeError, ValueError):
        return None  # no build yet, or one this one replaces anyway: learn afresh


def _read_corpus(corpus_dir: Path, index_dir: Path, full: bool, max_document_bytes: int | None,
                 ) -> tuple[list[Document], list[Problem], Changes, list[Passage], list[str]]:
    """Documents, what was skipped, the diff against the current build, passages and their cache keys."""
    docs, problems = load_corpus(Path(corpus_dir), max_document_bytes)
    changes = diff_documents(docs, {} if full else previous_documents(index_dir))
    passages = chunk_corpus(docs)
    return docs, problems, changes, passages, [passage_key(p.text, p.sentences) for p in passages]


def _progress(done: int, total: int, seconds: float) -> str:
    rate = done / seconds if seconds > 0 else 0.0
    left = f", about {(total - done) / rate:.0f} s left" if rate and done < total else ""
    return f"embedded {done}/{total} passages ({rate:.1f}/s{left})"


def _local_batches(embedder: Embedder | LazyEmbedder, passages: list[Passage], show_progress: bool,
                   ) -> Iterator[list[tuple[int, Embedded]]]:
    """(position, vectors) pairs, a checkpoint's worth of passages at a time."""
    for start in range(0, len(passages), CHECKPOINT_PASSAGES):
        chunk = passages[start:start + CHECKPOINT_PASSAGES]
        vectors, sentences, alone, terms = embedder.encode_passages_with_sentences(
            [p.text for p in chunk], [list(p.sentences) for p in chunk], show_progress=show_progress)
        yield [(i, Embedded(*e)) for i, e in
               enumerate(zip(vectors, sentences, alone or [None] * len(chunk), terms or [None] * len(chunk)), start)]


def _language_basis(embedder: Embedder | LazyEmbedder, cache: EmbeddingCache, full: bool) -> np.ndarray:
    """The model's language directions; a property of the model, so computed once and cached."""
    name = "language_basis:" + sha256_text(reference_text())
    basis = None if full else cache.get_array(name)
    if basis is None:
        basis = estimate_basis(embedder.encode_queries, embedder.encode_passages)
        cache.put_array(name, basis)
    return basis


def _removed(docs: list[Document]) -> dict[str, list[str]]:
    return {d.doc_id: list(d.removed) for d in docs if d.removed}


def plan_build(corpus_dir: Path, index_dir: Path, model_fingerprint: str, full: bool = False,
               max_document_bytes: int | None = None, head: str | None = None,
               sentences_alone: bool = True) -> BuildReport:
    """What ``build_index`` would do, without loading the model or writing anything (``--dry-run``)."""
    started = time.perf_counter()
    index_dir = Path(index_dir)
    docs, problems, changes, passages, keys = _read_corpus(corpus_dir, index_dir, full, max_document_bytes)
    known: set[str] = set()
    if not full and (index_dir / CACHE_FILE).exists():
        cache = EmbeddingCache(index_dir / CACHE_FILE, model_fingerprint, 0, head, sentences_alone)
        try:
            known = cache.has(keys)
        finally:
            cache.close()
    embedded = sum(1 for k in keys if k not in known)
    return BuildReport(None, len(docs), len(passages), embedded, len(passages) - embedded, changes,
                       time.perf_counter() - started, 0.0, problems, dry_run=True, removed=_removed(docs))
