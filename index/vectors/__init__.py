"""Texts → vectors.

Two encoders with one interface (``encode_queries``, ``fingerprint``, ``dim``):

* ``index.embed.Embedder``: sentence-transformers on torch, for builds (it also
  pools the late-chunked sentence vectors from the same forward pass);
* ``onnx.OnnxEncoder``: onnxruntime + numpy for questions, exported once from
  the same weights, so answering a question never imports torch.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np


class QueryEncoder(Protocol):
    """What answering needs of an encoder; both ``Embedder`` and ``OnnxEncoder`` provide it."""

    model_id: str
    fingerprint: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_in_context(self, context: str, text: str) -> tuple[np.ndarray, object]:
        """``text``'s vector read after ``context`` (a follow-up after its anchor), and the pair's latent terms."""
        ...


def tail_rows(ids: list[int], tail: list[int]) -> slice | None:
    """Where ``tail`` (a text's own tokens) sits at the end of ``ids`` (a longer text's, ending in EOS).

    None when it does not: the longer text was truncated, or the tokenizer split
    across the join. A follow-up's question is read inside "anchor question" by
    pooling these rows, as build-time late chunking pools a sentence's.
    """
    end = len(ids) - 1
    start = end - len(tail)
    if not tail or start < 1 or list(ids[start:end]) != list(tail):
        return None
    return slice(start, end)
