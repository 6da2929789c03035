"""Is any int8 question encoder lossless? Speed and retrieval quality of quantized variants against fp32 ONNX.

    .venv/bin/python bench/quantize.py [--out docs/results/quantize.json]

The index stays fp32 (built by torch); only the question side changes, as it
would if we shipped the variant. Each variant is an ONNX Runtime quantization
of the exported encoder graph:

* ``dynamic_all``: dynamic int8 on every MatMul (weights per tensor);
* ``dynamic_all_per_channel``: the same, weights per output channel;
* ``dynamic_ffn``: only the feed-forward MatMuls (2/3 of the FLOPs), attention
  projections kept fp32 (the sensitive part, by the usual account);
* ``dynamic_ffn_late``: feed-forward MatMuls of the upper six layers only;
* ``static_ffn``: static QDQ int8 on the feed-forward MatMuls, activations
  calibrated on corpus passages and questions (not the gold questions).

Lossless means every metric (recall@1/5/10, MRR@10) within 0.005 of fp32 ONNX
on the seeds gold set, the names set and the whole KazQAD pool. The verdict
names the fastest lossless variant, or none.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kazqad import prepare  # noqa: E402
from report import emit  # noqa: E402

from index.build import build_index  # noqa: E402
from index.chunk import chunk_corpus  # noqa: E402
from index.corpus import load_corpus  # noqa: E402
from index.embed import load_embedder, load_query_encoder, onnx_dir  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import evaluate, load_gold  # noqa: E402
from index.settings import load_settings  # noqa: E402
from index.store import load_index  # noqa: E402
from index.vectors.onnx import ENCODER_FILE, OnnxEncoder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 0.005
METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10")


def matmuls(graph_path: Path, part: str, layers: range | None = None) -> list[str]:
    import onnx

    model = onnx.load(str(graph_path), load_external_data=False)
    names = [n.name for n in model.graph.node if n.op_type == "MatMul" and part in n.name]
    if layers is not None:
        names = [n for n in names if any(f"/layer.{i}/" in n for i in layers)]
    return names


class _Calibration:
    """Feeds the static quantizer real inputs: corpus passages and questions that are not in any gold set."""

    def __init__(self, encoder: OnnxEncoder, texts: list[str]) -> None:
        self.batches = []
        for text in texts:
            ids = np.array([encoder._tokenize(text)], dtype=np.int64)
            self.batches.append({"inputs_embeds": np.asarray(encoder._table[ids], dtype=np.float32),
                                 "attention_mask": np.ones_like(ids)})
        self._iter = iter(self.batches)

    def get_next(self):
        return next(self._iter, None)

    def rewind(self) -> None:
        self._iter = iter(self.batches)


def make_variants(source: Path, work: Path, calibration_texts: list[str], base: OnnxEncoder) -> dict[str, Path]:
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_dynamic, quantize_static

    graph = source / ENCODER_FILE
    ffn = matmuls(graph, "intermediate/dense") + matmuls(graph, "output/dense")
    ffn = [n for n in ffn if "attention" not in n]
    ffn_late = [n for n in ffn if any(f"/layer.{i}/" in n for i in range(6, 12))]
    plans = {
        "dynamic_all": dict(per_channel=False, nodes=None),
        "dynamic_all_per_channel": dict(per_channel=True, nodes=None),
        "dynamic_ffn": dict(per_channel=True, nodes=ffn),
        "dynamic_ffn_late": dict(per_channel=True, nodes=ffn_late),
    }
    out = {}
    for name, plan in plans.items():
        folder = _variant_folder(source, work / name)
        quantize_dynamic(str(graph), str(folder / ENCODER_FILE), weight_type=QuantType.QInt8,
                         per_channel=plan["per_channel"], nodes_to_quantize=plan["nodes"],
                         op_types_to_quantize=["MatMul"])
        out[name] = folder
    folder = _variant_folder(source, work / "static_ffn")
    quantize_static(str(graph), str(folder / ENCODER_FILE), _Calibration(base, calibration_texts),
                    quant_format=QuantFormat.QDQ, per_channel=True, nodes_to_quantize=ffn,
                    op_types_to_quantize=["MatMul"], activation_type=QuantType.QInt8,
                    weight_type=QuantType.QInt8)
    out["static_ffn"] = folder
    return out


def _variant_folder(source: Path, folder: Path) -> Path:
    """The export folder with another graph: same tokenizer, same embedding table (linked, not copied)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for item in source.iterdir():
        if item.name == ENCODER_FILE:
            continue
        (folder / item.name).symlink_to(item.resolve())
    return folder


def quality(encoder, indexes: dict[str, tuple[Path, Path]], fingerprint: str) -> dict:
    out = {}
    for name, (index_dir, gold_path) in indexes.items():
        engine = Engine(encoder, load_index(index_dir, fingerprint))
        report = evaluate(load_gold(gold_path), lambda q, h: engine.retrieve(q, 10, history=h), engine.confident, engine.min_score)
        out[name] = {k: report[k] for k in METRICS}
    return out


def speed(encoder, questions: list[str], rounds: int = 3) -> dict:
    encoder.encode_queries(questions[:5])
    times = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            encoder.encode_queries([q])
            times.append((time.perf_counter() - started) * 1000)
    return {"p50": round(float(np.percentile(times, 50)), 2), "p95": round(float(np.percentile(times, 95)), 2)}


def verdict(report: dict) -> dict:
    """Ship the fastest variant that is lossless *and* at least 5% faster than fp32; else none."""
    base = report["fp32_onnx"]["query_ms"]["p50"]
    names = [n for n, v in report.items() if isinstance(v, dict) and "delta" in v]
    lossless = [n for n in names if report[n]["lossless"]]
    faster = [n for n in lossless if report[n]["query_ms"]["p50"] <= 0.95 * base]
    best = min(faster, key=lambda n: report[n]["query_ms"]["p50"], default=None)
    return {"lossless": lossless, "lossless_and_faster": faster,
            "ship": best or "none: fp32 (no variant is both lossless and faster)"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "quantize")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    settings = load_settings()
    embedder = load_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size)
    base = load_query_encoder(settings.embedding_model, settings.model_cache_dir)
    source = onnx_dir(settings.embedding_model, settings.model_cache_dir)
    seeds_index = args.work / "seeds-index"
    build_index(ROOT / "seeds", seeds_index, embedder)
    corpus_dir, kazqad_gold, _, _ = prepare(args.work / "kazqad", smoke=None)
    build_index(corpus_dir, args.work / "kazqad-index", embedder)
    indexes = {"seeds_gold": (seeds_index, ROOT / "tests" / "data" / "gold.jsonl"),
               "seeds_names": (seeds_index, ROOT / "tests" / "data" / "names.jsonl"),
               "kazqad": (args.work / "kazqad-index", kazqad_gold)}
    # Calibrate on text the evaluation never asks: seed passages and KazQAD contexts beyond the pool's questions.
    calibration = [p.text for p in chunk_corpus(load_corpus(ROOT / "seeds")[0])][:40]
    questions = [q.question for q in load_gold(ROOT / "tests" / "data" / "gold.jsonl")]
    variants = make_variants(source, args.work / "variants", calibration, base)

    reference = quality(base, indexes, base.fingerprint)
    report = {"tolerance": TOLERANCE, "fp32_onnx": {"query_ms": speed(base, questions), "quality": reference}}
    probe = questions + [p for p in calibration[:10]]
    ref_vectors = base.encode_queries(probe)
    for name, folder in variants.items():
        encoder = OnnxEncoder(folder)
        got = quality(encoder, indexes, base.fingerprint)
        deltas = {s: {k: round(got[s][k] - reference[s][k], 4) for k in METRICS} for s in got}
        worst = min(d for s in deltas.values() for d in s.values())
        cosines = (encoder.encode_queries(probe) * ref_vectors).sum(1)
        report[name] = {"query_ms": speed(encoder, questions), "quality": got, "delta": deltas,
                        "worst_delta": worst, "lossless": worst >= -TOLERANCE,
                        "cosine_vs_fp32": {"min": round(float(cosines.min()), 5),
                                           "mean": round(float(cosines.mean()), 5)},
                        "graph_mb": round((folder / ENCODER_FILE).stat().st_size / 2**20, 1)}
    report["verdict"] = verdict(report)
    emit(report, args.out)
    print(json.dumps(report["verdict"]), file=sys.stderr)


if __name__ == "__main__":
    main()
