"""``corpusbot index verify``: is the published index whole, self-consistent and up to date with the corpus?"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .build import diff_documents
from .corpus import load_corpus
from .store import StoreError, load_index


@dataclass
class Verification:
    index: str
    checks: list[str] = field(default_factory=list)  # what passed
    problems: list[str] = field(default_factory=list)  # what did not, each a specific message

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"index": self.index, "ok": self.ok, "checks": self.checks, "problems": self.problems}


def verify_index(index_dir: Path, corpus_dir: Path, model_fingerprint: str | None,
                 max_document_bytes: int | None = None, milvus=None) -> Verification:
    """Files against the manifest, counts across FAISS or Milvus/metadata/BM25, the model, then the corpus."""
    result = Verification(str(index_dir))
    try:
        index = load_index(index_dir, model_fingerprint, checksums=True, milvus=milvus)  # hashes, sizes, counts
    except StoreError as exc:
        result.problems.append(str(exc))
        return result
    result.index = str(index.path)
    result.checks.append(f"{len(index.manifest['files'])} files match their manifest sizes and sha256")
    if model_fingerprint:
        result.checks.append("built with the configured embedding model")
    if index.store_kind == "milvus":
        source = index.source
        result.checks.append(f"Milvus collection {source.name} serves {source.count()} rows of build {source.seq} = "
                             f"{len(index.passages)} passages = {index.lexical.size} BM25 rows; "
                             f"{len(index.sentence_vectors)} sentence vectors")
        sample = [index.passages[row].passage_id for row in range(0, len(index.passages),
                                                                   max(1, len(index.passages) // 200))]
        served = source.sample(sample)
        absent = [pid for pid in sample if pid not in served]
        if absent:
            result.problems.append(f"Milvus collection {source.name} lacks passages of the build: "
                                   f"{', '.join(absent[:5])}; run `corpusbot index build --full`")
        else:
            result.checks.append(f"{len(sample)} sampled passages are served by Milvus")
    else:
        result.checks.append(f"{index.vectors.ntotal} vectors = {len(index.passages)} passages = "
                             f"{index.lexical.size} BM25 rows; {len(index.sentence_vectors)} sentence vectors")
    hashes = index.documents.content_hashes()
    doc_ids = set(hashes)
    orphans = sorted(index.passages.doc_ids() - doc_ids)
    if len(doc_ids) != index.manifest.get("doc_count"):
        result.problems.append(f"manifest says {index.manifest.get('doc_count')} documents, the index holds {len(doc_ids)}")
    if orphans:
        result.problems.append(f"passages of documents missing from the index: {', '.join(orphans[:5])}")
    try:
        docs, _ = load_corpus(Path(corpus_dir), max_document_bytes)
    except FileNotFoundError as exc:
        result.problems.append(str(exc))
        return result
    changes = diff_documents(docs, hashes)
    if changes.any:
        parts = [f"{label} {', '.join(ids[:5])}{' …' if len(ids) > 5 else ''}"
                 for label, ids in (("added", changes.added), ("changed", changes.changed),
                                    ("removed", changes.removed)) if ids]
        result.problems.append(f"the corpus at {corpus_dir} differs from the index ({'; '.join(parts)}); "
                               "run `corpusbot index build`")
    else:
        result.checks.append(f"all {len(docs)} corpus documents are indexed, unchanged")
    return result
