"""Which FAISS index serves the dense side, chosen by the number of passages.

Exact search (a flat inner-product scan) costs time linear in the corpus: under
a millisecond at 10k passages, tens of milliseconds at a million on 2 cores
(bench/scale.py). Above ``EXACT_BELOW`` passages an approximate index proposes
candidates and every candidate fusion sees is re-scored exactly from the
stored vectors, so the approximation only decides *which* passages are looked
at, never their scores. The kind and its parameters go into the manifest, and
the serving side reads them from there.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Literal

import faiss
import numpy as np

Kind = Literal["auto", "flat", "ivf", "hnsw"]
KINDS: tuple[str, ...] = ("auto", "flat", "ivf", "hnsw")
# Chosen with bench/scale.py on dev questions: search + fusion p50 was 5.0 ms flat vs 4.5 ms IVF at 10k
# passages, 32 ms vs 4.9 ms at 100k. Below this the exact scan costs a few milliseconds and is exact.
EXACT_BELOW = 20_000
# ANN candidates asked for per query, at least: re-scoring a few hundred rows exactly costs well under a millisecond.
MIN_CANDIDATES = 200
TRAIN_PER_LIST = 64  # k-means sample: FAISS warns below 39 points per centroid


@dataclass(frozen=True)
class AnnSpec:
    kind: str  # "flat", "ivf" or "hnsw"
    nlist: int = 0  # ivf: inverted lists (k-means centroids)
    nprobe: int = 0  # ivf: lists scanned per query
    m: int = 0  # hnsw: graph neighbours per node
    ef_search: int = 0  # hnsw: search breadth

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v or k == "kind"}

    @classmethod
    def from_dict(cls, data: dict | None) -> "AnnSpec":
        return cls(**data) if data else cls("flat")


def choose(n: int, kind: str = "auto") -> AnnSpec:
    """The index for ``n`` passages; ``auto`` is exact below ``EXACT_BELOW``, IVF above."""
    if kind not in KINDS:
        raise ValueError(f"unknown FAISS index {kind!r}; choose one of {', '.join(KINDS)}")
    if kind == "auto":
        kind = "flat" if n < EXACT_BELOW else "ivf"
    if kind == "ivf":
        nlist = max(1, min(2 ** round(math.log2(max(1.0, 4 * math.sqrt(n)))), n // TRAIN_PER_LIST or 1))
        # nlist/16 lists (at least 32) gave ANN recall@10 0.97 at 100k on dev questions, as fast as 8 lists:
        # the scan is not where the time goes.
        return AnnSpec("ivf", nlist=nlist, nprobe=min(nlist, max(32, nlist // 16), 256))
    if kind == "hnsw":
        return AnnSpec("hnsw", m=32, ef_search=128)
    return AnnSpec("flat")


def build(vectors: np.ndarray, spec: AnnSpec, seed: int = 1234) -> faiss.Index:
    """A trained and filled index over unit ``vectors`` (inner product = cosine)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = int(vectors.shape[1])
    if spec.kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif spec.kind == "ivf":
        # SQ8 codes: a quarter of float32; the exact scores come from the stored vectors anyway.
        index = faiss.index_factory(dim, f"IVF{spec.nlist},SQ8", faiss.METRIC_INNER_PRODUCT)
        sample = vectors
        if len(vectors) > spec.nlist * TRAIN_PER_LIST:
            sample = vectors[np.random.default_rng(seed).choice(len(vectors), spec.nlist * TRAIN_PER_LIST,
                                                                replace=False)]
        index.cp.seed = seed
        index.train(sample)
    elif spec.kind == "hnsw":
        index = faiss.index_factory(dim, f"HNSW{spec.m},SQ8", faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
    else:
        raise ValueError(f"unknown FAISS index kind {spec.kind!r}")
    if len(vectors):
        index.add(vectors)
    return index


def configure(index: faiss.Index, spec: AnnSpec) -> faiss.Index:
    """Set the search-time parameters the manifest recorded (they are not all saved in the file)."""
    if spec.kind == "ivf":
        faiss.extract_index_ivf(index).nprobe = spec.nprobe
    elif spec.kind == "hnsw":
        faiss.downcast_index(index).hnsw.efSearch = spec.ef_search
    return index


def read(path: str, spec: AnnSpec) -> faiss.Index:
    """Memory-mapped where FAISS can (flat codes, inverted lists): loading costs no copy of the vectors."""
    return configure(faiss.read_index(path, faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY), spec)


def candidates_wanted(spec: AnnSpec, k: int) -> int:
    """How many rows to ask the index for so that the exact top ``k`` is almost surely among them."""
    return k if spec.kind == "flat" else max(k, MIN_CANDIDATES)
