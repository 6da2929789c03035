"""The question encoder without torch: onnxruntime + a memory-mapped embedding table + numpy pooling.

``export`` runs once per model (at conversion time for the bundled default,
on first use for any other sentence-transformers model) and needs torch;
``OnnxEncoder`` never imports it. The exported graph is the transformer
*encoder* only: the word-embedding lookup is a numpy gather from a
memory-mapped ``.npy``, so the 384 MB table costs only the pages a question
touches, and onnxruntime opens an 86 MB graph instead of a 470 MB one.
Pooling and normalisation follow the model's own sentence-transformers
modules (mean or CLS, optional Normalize), so the vectors are the torch
path's to within float rounding; ``export`` checks that before it publishes.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..files import publish_folder
from .unigram import UnsupportedTokenizer, export_tokenizer, load_tokenizer

if TYPE_CHECKING:
    from .latent import LatentHead, LatentTerms

_log = logging.getLogger("corpusbot.encoder")

EXPORT_MARKER = "export.json"  # written last: a folder without it is incomplete
ENCODER_FILE = "encoder.onnx"
# The same graph with its MatMul weights in int8, per output channel: a run takes about half the time.
# Only for texts that lend a question context (a follow-up's pair, docs/benchmarks.md §8), never for
# the question itself nor for anything stored in an index.
CONTEXT_FILE = "encoder-int8.onnx"
MIN_CONTEXT_FIDELITY = 0.98  # worst cosine with the full graph over the probes (seen: 0.99 on questions)
EMBEDDINGS_FILE = "word_embeddings.npy"
TOKENIZER_DIR = "tokenizer"
MIN_FIDELITY = 0.99999  # cosine with the torch path on every probe text, or the export is refused
OPSET = 17
PROBES = [  # the four corpus languages, numbers, names across scripts, odd spacing, one long text
    "When did Putin meet Nazarbayev?",
    "Путин встретился с Назарбаевым в Москве, переговоры длились около трёх часов.",
    "Жыл соңында Президент Қасым-Жомарт Тоқаев Мәскеуге мемлекеттік сапармен барады.",
    "Орусиянын президенти Владимир Путин Казакстандын мурдагы президенти менен жолукту.",
    "Ｆｕｌｌｗｉｄｔｈ  double   spaces\tand a ﬁ ligature — 238 civilians, Су-35, 30 млрд.",
    "x",
    " ".join(["Қазақстан Республикасының Президенті Астанада шетелдік делегацияны қабылдады."] * 60),
]


class ExportError(RuntimeError):
    """The model cannot be served by the ONNX path; the message says why (the caller falls back to torch)."""


@dataclass(frozen=True)
class ExportSpec:
    """What the exported folder needs besides the graph: prompts, pooling, and where it came from."""

    model_id: str
    fingerprint: str
    dim: int
    max_length: int
    pad_id: int
    pooling: str  # "mean" or "cls"
    normalize: bool
    query_prompt: str
    document_prompt: str
    tokenizer: str  # "unigram" (ours, light) or "tokenizers" (the library, any model)
    fidelity: float = 0.0

    @classmethod
    def read(cls, folder: Path) -> "ExportSpec":
        return cls(**json.loads((folder / EXPORT_MARKER).read_text(encoding="utf-8")))

    def write(self, folder: Path) -> None:
        (folder / EXPORT_MARKER).write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")


def is_exported(folder: Path) -> bool:
    return (Path(folder) / EXPORT_MARKER).is_file()


class OnnxEncoder:
    """Questions → unit vectors, the same as ``Embedder.encode_queries`` without torch."""

    def __init__(self, folder: Path, threads: int = 0, head: "LatentHead | None" = None,
                 context_graph: Path | None = None) -> None:
        folder = Path(folder)
        self.spec = ExportSpec.read(folder)
        self.model_id = self.spec.model_id
        self.fingerprint = self.spec.fingerprint
        self.dim = self.spec.dim
        self.texts_encoded = 0
        self._table = np.load(folder / EMBEDDINGS_FILE, mmap_mode="r")
        if self.spec.tokenizer == "unigram":
            self._tokenize = load_tokenizer(folder / TOKENIZER_DIR).encode
        else:
            from tokenizers import Tokenizer

            library = Tokenizer.from_file(str(folder / TOKENIZER_DIR / "tokenizer.json"))
            library.no_padding()
            library.enable_truncation(max_length=self.spec.max_length)
            self._tokenize = lambda text: library.encode(text).ids
        self._graph = folder / ENCODER_FILE
        self._session = _open_session(self._graph, threads)
        self._threads = threads
        self.head = head  # latent terms from the same forward pass (latent.py); None: vectors only
        self._prompt_tokens = len(self._tokenize(self.spec.query_prompt + "x")) - len(self._tokenize("x"))
        self.context_graph = context_graph  # int8 graph for context texts (export_context_graph); None: the full one
        self._side: tuple[object, object, ThreadPoolExecutor] | None = None  # see encode_queries_apart
        self._side_lock = threading.Lock()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.spec.query_prompt + t for t in texts])

    def encode_queries_with_terms(self, texts: list[str], apart: bool = False, wanted: list[bool] | None = None,
                                  context: list[bool] | None = None,
                                  ) -> tuple[np.ndarray, list["LatentTerms | None"]]:
        """Vectors and latent terms of questions, from one forward pass each (``apart``: as ``encode_queries_apart``).

        ``wanted`` (per text; default all): a text whose terms the caller will not use skips the
        head and gets None, as a follow-up's question does (only the pair's terms rank).
        """
        if self.head is None:
            raise ValueError("this encoder has no latent-terms head")
        wanted = [True] * len(texts) if wanted is None else list(wanted)
        if apart:
            return self._apart(texts, terms=wanted, context=context)
        self.texts_encoded += len(texts)
        return self._vectors([self.spec.query_prompt + t for t in texts], self._session, terms=wanted)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.spec.document_prompt + t for t in texts])

    def encode_queries_apart(self, texts: list[str], context: list[bool] | None = None) -> np.ndarray:
        """``encode_queries``, each text in a run of its own, side by side on one core each.

        A follow-up embeds two short texts of unequal length (the question, and
        the earlier question + the question). One padded batch costs about twice
        a question; two single-threaded runs at once about 1.6 times, the longer
        pair's run being the wait. ``context`` (per text) marks the texts that only
        lend context, the pair: they run through the int8 graph where the encoder
        has one, which brings the wait to about 1.25 times (docs/benchmarks.md §8).
        The other vectors are the batch's to float rounding.
        """
        return self._apart(texts, terms=None, context=context)

    @property
    def _side_by_side(self) -> bool:
        """Whether runs apart go one per core (else they go as one batch through the main session)."""
        return self._threads != 1 and (os.cpu_count() or 1) >= 2

    @property
    def quick_context(self) -> bool:
        """Whether texts marked as context run through the int8 graph (and so come out approximate)."""
        return self.context_graph is not None and self._side_by_side

    def _apart(self, texts: list[str], terms: list[bool] | None, context: list[bool] | None = None):
        """Each text in its own run (``terms``: per text, whether to run the head; None: vectors only)."""
        prompted = [self.spec.query_prompt + t for t in texts]
        self.texts_encoded += len(texts)
        if len(texts) < 2 or not self._side_by_side:
            return self._vectors(prompted, self._session, terms)
        full, quick, threads = self._side_runner()
        context = [False] * len(texts) if context is None else list(context)
        session = lambda i: quick if context[i] and quick is not None else full  # noqa: E731
        one = (lambda i: None) if terms is None else (lambda i: [terms[i]])
        longest = max(range(len(texts)), key=lambda i: len(texts[i]))  # runs here, while the others start
        later = {i: threads.submit(self._vectors, [t], session(i), one(i)) for i, t in enumerate(prompted)
                 if i != longest}
        rows = {longest: self._vectors([prompted[longest]], session(longest), one(longest))}
        rows.update((i, f.result()) for i, f in later.items())
        if terms is None:
            return np.concatenate([rows[i] for i in range(len(texts))])
        return (np.concatenate([rows[i][0] for i in range(len(texts))]),
                [rows[i][1][0] for i in range(len(texts))])

    def _side_runner(self):
        """Single-threaded sessions (the full graph; the int8 one for context, or None) and a thread to run
        them from; made on first use. One thread each: the calling thread does the work, so runs go side by side.
        """
        with self._side_lock:
            if self._side is None:
                self._side = (_open_session(self._graph, 1), self._context_session(),
                              ThreadPoolExecutor(max_workers=1, thread_name_prefix="onnx-side"))
            return self._side

    def _context_session(self):
        """The int8 session, or None: a damaged copy costs a follow-up its speed, never its answer."""
        if self.context_graph is None:
            return None
        try:
            return _open_session(self.context_graph, 1)
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types for a damaged file
            _log.warning("cannot open the int8 copy of the encoder at %s (%s); follow-ups use the full encoder. "
                         "Delete that file and it is made again", self.context_graph, type(exc).__name__)
            self.context_graph = None
            return None

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.texts_encoded += len(texts)
        return self._vectors(texts, self._session)

    def _vectors(self, texts: list[str], session, terms: list[bool] | None = None):
        """Pooled vectors of prompted ``texts``; with ``terms`` (per text), also the latent terms of those it marks."""
        if not texts:
            empty = np.zeros((0, self.dim), dtype=np.float32)
            return empty if terms is None else (empty, [])
        tokens, ids, mask = self._hidden(texts, session)
        vectors = pool(tokens, mask, self.spec.pooling, self.spec.normalize)
        if terms is None:
            return vectors
        skip = 1 + self._prompt_tokens  # BOS and the prompt; the last real token is EOS
        return vectors, [self.head(tokens[i, skip:len(row) - 1]) if want else None
                         for i, (row, want) in enumerate(zip(ids, terms))]

    def _hidden(self, texts: list[str], session) -> tuple[np.ndarray, list[list[int]], np.ndarray]:
        """The last hidden states of prompted ``texts`` as one padded batch, with their token ids and mask."""
        ids = [self._tokenize(t) for t in texts]
        width = max(map(len, ids))
        batch = np.full((len(ids), width), self.spec.pad_id, dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for i, row in enumerate(ids):
            batch[i, : len(row)] = row
            mask[i, : len(row)] = 1
        embeds = np.asarray(self._table[batch], dtype=np.float32)
        return session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})[0], ids, mask


def _open_session(graph: Path, threads: int):
    """An onnxruntime session over ``graph`` with ``threads`` intra-op threads (0: one per core)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    if threads:
        options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Spinning threads burn the other core while the bot waits for Telegram; a question is a
    # few milliseconds of work, so wake-up latency costs less than a busy-waiting core.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])


def pool(tokens: np.ndarray, mask: np.ndarray, mode: str, normalize: bool) -> np.ndarray:
    """sentence-transformers' Pooling (mean over real tokens, or the first token) and Normalize."""
    if mode == "cls":
        vectors = tokens[:, 0, :]
    else:
        weights = mask[..., None].astype(np.float32)
        vectors = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    if normalize:
        vectors = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
    return np.ascontiguousarray(vectors, dtype=np.float32)


def export(model, dest: Path, model_id: str, fingerprint: str, tokenizer_json: Path | None) -> Path:
    """Write ``dest`` (atomically) from a loaded ``SentenceTransformer``, after checking fidelity."""
    import torch

    pooling, normalize = _pooling_of(model)
    transformer = model[0]
    auto = transformer.auto_model
    if hasattr(auto, "set_attn_implementation"):  # the eager kernel traces to plain ONNX ops
        auto.set_attn_implementation("eager")
    else:  # pragma: no cover - older transformers
        auto.config._attn_implementation = "eager"
    auto.eval()

    class _Encoder(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, inputs_embeds, attention_mask):
            return self.inner(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".onnx-", dir=dest.parent))
    try:
        table = auto.get_input_embeddings().weight.detach().float().numpy()
        np.save(work / EMBEDDINGS_FILE, table)
        sample = torch.from_numpy(table[[0, 10, 20, 2, 1]][None, :, :].repeat(2, axis=0).copy())
        mask = torch.tensor([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]], dtype=torch.int64)
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on the legacy exporter; fidelity is checked below
            torch.onnx.export(
                _Encoder(auto), (sample, mask), str(work / ENCODER_FILE),
                input_names=["inputs_embeds", "attention_mask"], output_names=["token_embeddings"],
                dynamic_axes={name: {0: "batch", 1: "tokens"}
                              for name in ("inputs_embeds", "attention_mask", "token_embeddings")},
                opset_version=OPSET, dynamo=False,
            )
        tokenizer_kind = "tokenizers"
        (work / TOKENIZER_DIR).mkdir()
        max_length = int(model.max_seq_length or 512)
        if tokenizer_json is None or not tokenizer_json.is_file():
            raise ExportError("the model folder has no tokenizer.json (a fast tokenizer is needed)")
        try:
            export_tokenizer(tokenizer_json, work / TOKENIZER_DIR, max_length)
            tokenizer_kind = "unigram"
        except UnsupportedTokenizer:
            shutil.copy(tokenizer_json, work / TOKENIZER_DIR / "tokenizer.json")
        spec = ExportSpec(
            model_id=model_id, fingerprint=fingerprint, dim=_dimension(model),
            max_length=max_length, pad_id=int(transformer.tokenizer.pad_token_id or 0), pooling=pooling,
            normalize=normalize, query_prompt=model.prompts.get("query", ""),
            document_prompt=model.prompts.get("document", ""), tokenizer=tokenizer_kind,
        )
        spec.write(work)  # the encoder reads it: measure the graph exactly as it will be served
        fidelity = _fidelity(model, OnnxEncoder(work))
        if fidelity < MIN_FIDELITY:
            raise ExportError(f"the ONNX graph reproduces the model only to cosine {fidelity:.6f}")
        replace(spec, fidelity=round(fidelity, 7)).write(work)
        work.chmod(0o755)  # mkdtemp makes it 0700; a bot running as another user must read it
        publish_folder(work, dest)
    except ExportError:
        raise
    except Exception as exc:  # torch.onnx and the model zoo raise many types; all mean "cannot export"
        raise ExportError(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest


def export_context_graph(folder: Path) -> Path:
    """Write ``folder``/CONTEXT_FILE once (atomically): the exported graph with its MatMuls in int8.

    Dynamic quantization, weights per output channel: no calibration data, a few
    seconds on two cores, the same file on every machine. Refused (ExportError)
    if it strays from the full graph by more than MIN_CONTEXT_FIDELITY on the probes.
    """
    folder = Path(folder)
    target = folder / CONTEXT_FILE
    if target.is_file():
        return target
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:  # onnx missing: the quantizer needs it
        raise ExportError(f"onnxruntime's quantizer cannot load ({exc})") from None
    work = Path(tempfile.mkdtemp(prefix=".int8-", dir=folder))
    try:
        # The quantizer logs advice through logging.warning(), which also gives the root logger a stderr
        # handler if it has none: every library's debug lines (bm25s') would print from then on.
        root = logging.getLogger()
        level, handlers = root.level, list(root.handlers)
        root.setLevel(logging.ERROR)
        try:
            quantize_dynamic(str(folder / ENCODER_FILE), str(work / CONTEXT_FILE), weight_type=QuantType.QInt8,
                             per_channel=True, op_types_to_quantize=["MatMul"])
        finally:
            root.handlers[:] = handlers
            root.setLevel(level)
        encoder = OnnxEncoder(folder, threads=1)
        probes = [encoder.spec.query_prompt + p for p in PROBES]
        quick = encoder._vectors(probes, _open_session(work / CONTEXT_FILE, 1))
        fidelity = float((encoder._vectors(probes, encoder._session) * quick).sum(axis=1).min())
        if fidelity < MIN_CONTEXT_FIDELITY:
            raise ExportError(f"the int8 graph reproduces the encoder only to cosine {fidelity:.4f}")
        (work / CONTEXT_FILE).chmod(0o644)
        os.replace(work / CONTEXT_FILE, target)
    except ExportError:
        raise
    except Exception as exc:  # the quantizer raises many types; all mean "cannot make it"
        raise ExportError(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _dimension(model) -> int:
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


def _pooling_of(model) -> tuple[str, bool]:
    """Which pooling the model's modules do; anything but Transformer → Pooling [→ Normalize] is refused."""
    names = [type(module).__name__ for module in model]
    if names not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise ExportError(f"modules {' → '.join(names)} are not Transformer → Pooling [→ Normalize]")
    config = model[1].get_config_dict()
    mode = config.get("pooling_mode")
    if mode is None:  # sentence-transformers 5 spells it as flags
        flags = [k for k, v in config.items() if k.startswith("pooling_mode_") and v]
        mode = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}.get(
            flags[0] if len(flags) == 1 else "", "other")
    if mode not in ("mean", "cls") or config.get("include_prompt") is False:
        raise ExportError(f"pooling {mode!r} (include_prompt={config.get('include_prompt')}) is not supported")
    return mode, names[-1] == "Normalize"


def _fidelity(model, encoder: OnnxEncoder) -> float:
    """The worst cosine between the torch and the ONNX vectors over the probes, queries and passages."""
    ref_q = model.encode_query(PROBES, normalize_embeddings=True, show_progress_bar=False)
    ref_p = model.encode_document(PROBES, normalize_embeddings=True, show_progress_bar=False)
    ours_q, ours_p = encoder.encode_queries(PROBES), encoder.encode_passages(PROBES)
    unit = lambda m: m / np.linalg.norm(m, axis=1, keepdims=True)  # noqa: E731
    cosines = np.concatenate([(unit(ref_q) * unit(ours_q)).sum(1), (unit(ref_p) * unit(ours_p)).sum(1)])
    return float(cosines.min())
