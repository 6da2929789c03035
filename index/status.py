"""What the index holds and whether the corpus has moved on since it was built."""

from __future__ import annotations

from pathlib import Path

from .corpus import corpus_fingerprint, load_corpus
from .store import IndexMissingError, current_build, load_index


def index_status(index_dir: Path, corpus_dir: Path, milvus=None) -> dict:
    """A JSON-ready summary; ``exists`` is false when there is no index yet (``milvus``: the connection)."""
    try:
        current_build(index_dir)
    except IndexMissingError:
        return {"exists": False, "path": str(index_dir)}
    index = load_index(index_dir, milvus=milvus)  # checks files (and Milvus' row count); no model needed
    manifest = index.manifest
    try:
        docs, _ = load_corpus(corpus_dir)
        current = corpus_fingerprint(docs)
    except FileNotFoundError:
        current = None
    dates = index.documents.date_range()
    return {
        "exists": True,
        "path": str(index.path),
        "documents": manifest["doc_count"],
        "passages": manifest["passage_count"],
        "languages": index.documents.languages(),
        "date_range": list(dates) if dates else None,
        "store": {**manifest.get("store", {"kind": "faiss"}),
                  **({"rows_served": index.source.counted} if index.store_kind == "milvus" else {})},
        "faiss_index": manifest["faiss_index"],
        "model": manifest["model_id"],
        "model_fingerprint": manifest["model_fingerprint"],
        "dims": manifest["dim"],
        # None: built without them (LATENT_TERMS=false, another model, or an older corpusbot): rebuild to add them
        "latent_terms": manifest.get("latent_terms"),
        # the second sentence vectors answers choose with; False: SENTENCES_ALONE=false or an older corpusbot
        "sentences_alone": index.sentences_alone is not None,
        # what the near-miss check reads an unseen opening word with (casing.py); None: an older corpusbot
        "name_direction": {k: v for k, v in (manifest.get("name_direction") or {}).items()
                           if k not in ("weights", "sample")}
                          or None,
        # how answers tell a generic sentence (answer.SentenceCentres); False: an older corpusbot, rebuild to add
        "sentence_centres": bool(manifest.get("sentence_centres")),
        "built_at": manifest["built_at"],
        "corpus_dir": str(corpus_dir),
        "corpus_fingerprint": manifest["corpus_fingerprint"],
        "stale": current != manifest["corpus_fingerprint"],
    }
