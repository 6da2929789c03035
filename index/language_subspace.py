"""Remove the directions that encode *which language* a text is in from its embedding.

Multilingual e5 places a Russian question closer to every Russian passage than
to a Kazakh passage saying the same thing: the vectors share a language
component on top of their meaning. We estimate that component from a small
parallel reference set shipped with the package (the same everyday sentences
in en/ru/kk/ky, far from the news topics), as the spread of the per-language
mean vectors, separately for the ``query:`` and ``passage:`` encodings, and
project it out of both queries and passages (after Yang et al. 2021, "language
information removal"). Because the set is parallel, the difference of the
language means is language, not topic. On a one-language corpus the projection
is close to a no-op. Measured effect on tests/data/gold.jsonl: README.
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np

REFERENCE = "language_reference.json"


def reference_text() -> str:
    return resources.files("index").joinpath("data", REFERENCE).read_text(encoding="utf-8")


def reference_sentences() -> dict[str, list[str]]:
    return json.loads(reference_text())["sentences"]


def language_basis(query_means: dict[str, np.ndarray], passage_means: dict[str, np.ndarray]) -> np.ndarray:
    """Orthonormal rows spanning the language directions of both encodings."""
    centred = [
        vec - np.mean(list(means.values()), axis=0)
        for means in (query_means, passage_means)
        for vec in means.values()
    ]
    _, singular, vt = np.linalg.svd(np.array(centred, dtype=np.float64), full_matrices=False)
    rank = int((singular > singular[0] * 1e-6).sum())
    return vt[:rank].astype(np.float32)


def estimate_basis(encode_queries, encode_passages) -> np.ndarray:
    """Embed the reference set with the given encoder and return its language basis."""
    sentences = reference_sentences()
    query_means = {lang: encode_queries(texts).mean(axis=0) for lang, texts in sentences.items()}
    passage_means = {lang: encode_passages(texts).mean(axis=0) for lang, texts in sentences.items()}
    return language_basis(query_means, passage_means)


def project(vectors: np.ndarray, basis: np.ndarray | None) -> np.ndarray:
    """Vectors with the basis' directions removed, renormalised to unit length."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if basis is None or basis.size == 0:
        return vectors
    single = vectors.ndim == 1
    matrix = vectors.reshape(1, -1) if single else vectors
    out = matrix - (matrix @ basis.T) @ basis
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return np.ascontiguousarray(out[0] if single else out, dtype=np.float32)
