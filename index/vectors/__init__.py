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
