"""The embedded store at 10k, 100k and 1M passages: build, disk, load, memory, latency, ANN recall.

Embedding a million passages takes about a day here, so the large corpora are
synthesised around real ones (stated in docs/benchmarks.md, "Scale"):

* real material: the KazQAD validation pool and the seeds, built and embedded
  for real (the encoder's passage and sentence vectors, cached between runs);
* a synthetic passage joins the sentences of two real passages A and B (the
  first half of A's, the second half of B's, so texts and BM25 statistics are
  real language); its vector is ``normalise(w·a + (1-w)·b + noise)`` with
  ``w ~ U(0.3, 0.7)`` and isotropic noise of norm 0.25, and each sentence keeps
  its real sentence vector plus noise of norm 0.1;
* questions are real: KazQAD's test-half questions and the seeds' frozen test
  questions, embedded by the query encoder once, up front.

Every size is written by the product's own ``write_index`` and served by a
fresh process (``--serve``) that opens it as the bot does (``load_index`` plus
the ONNX query encoder), so load time and RSS are those of a real serving
process. Latency is ``Engine.retrieve`` with the question's vector given:
search + fusion without the embedding; then ``Engine.compose`` on the five it
retrieves (the answer: sentence choice and the near-miss check), its warm pass
with the question and its names already embedded. ANN recall@10 compares the dense top 10
the index serves (after exact re-scoring) with an exact scan of all vectors.

    python bench/scale.py --out docs/results/scale.json   # 10k, 100k, 1M (make bench; ~15 min)
    python bench/scale.py --sizes 10000,100000 --kinds flat,ivf,hnsw
    python bench/scale.py --sizes 100000 --nprobe 16,32,64 --split dev   # tune on dev questions
    python bench/scale.py --store milvus --sizes 10000,100000 --out docs/results/scale-milvus.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import emit  # noqa: E402

from index import ann  # noqa: E402
from index.chunk import Passage  # noqa: E402
from index.corpus import Document  # noqa: E402

NOISE, SENTENCE_NOISE = 0.25, 0.1
MILVUS_COLLECTION = "scale"


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _noise(rng: np.random.Generator, shape: tuple[int, ...], norm: float) -> np.ndarray:
    return rng.standard_normal(shape, dtype=np.float32) * np.float32(norm / np.sqrt(shape[-1]))


def real_material(work: Path) -> tuple[Path, dict]:
    """Build (and embed, once) the real corpus the synthetic ones are made of; returns its index dir."""
    import kazqad

    from index.build import build_index
    from index.embed import load_embedder

    corpus_dir, _, contexts, _ = kazqad.prepare(work / "real")
    for seed in (ROOT / "seeds").glob("*.txt"):
        shutil.copy(seed, corpus_dir / seed.name)
    index_dir = work / "real" / "index"
    report = build_index(corpus_dir, index_dir, load_embedder())
    return index_dir, {"kazqad_contexts": contexts, "documents": report.documents, "passages": report.passages}


def questions(work: Path, split: str, limit: int) -> tuple[list[str], np.ndarray]:
    """Real questions and their vectors (embedded once, here, so no serving process pays for it)."""
    from index.embed import load_query_encoder
    from index.evaluate import load_gold
    from index.store import load_index

    gold = load_gold(work / "real" / f"gold-{split}.jsonl")
    seeds = load_gold(ROOT / "tests" / "data" / ("test.jsonl" if split == "test" else "gold.jsonl"))
    texts = [q.question for q in seeds] + [q.question for q in gold]
    texts = texts[:limit]
    encoder = load_query_encoder()
    from index.language_subspace import project

    basis = load_index(work / "real" / "index").language_basis
    return texts, np.stack([project(v, basis) for v in encoder.encode_queries(texts)]).astype(np.float32)


def synthesise(real_dir: Path, n: int, seed: int = 7):
    """``n`` passages recombined from the real ones, with their vectors (see the module docstring)."""
    from index.store import load_index

    real = load_index(real_dir)
    base = list(real.passages)
    vectors = real.passage_vectors.read_all()
    sentence_vectors = real.sentence_vectors.read_all()
    starts = np.asarray(real.sentence_start)
    rng = np.random.default_rng(seed)
    a = rng.integers(0, len(base), n)
    b = rng.integers(0, len(base), n)
    w = rng.uniform(0.3, 0.7, n).astype(np.float32)[:, None]
    passage_vectors = _unit(w * vectors[a] + (1 - w) * vectors[b] + _noise(rng, (n, vectors.shape[1]), NOISE))
    passages: list[Passage] = []
    sentence_rows: list[np.ndarray] = []
    docs: list[Document] = []
    for i in range(n):
        pa, pb = base[a[i]], base[b[i]]
        take_a = list(range(max(1, len(pa.sentences) // 2)))[: len(pa.sentences)]
        take_b = list(range(len(pb.sentences) // 2, len(pb.sentences)))
        parts, spans, pos = [], [], 0
        for p, picks, row0 in ((pa, take_a, starts[a[i]]), (pb, take_b, starts[b[i]])):
            for j in picks:
                s, e = p.sentences[j]
                sentence = p.text[s:e]
                spans.append((pos, pos + len(sentence)))
                parts.append(sentence)
                pos += len(sentence) + 1
                sentence_rows.append(np.array([row0 + j]))
        text = " ".join(parts)
        doc_id = f"syn{i // 4:07d}"  # four passages a document, as in a news archive
        date = f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        passages.append(Passage(f"{doc_id}:{i % 4}", doc_id, 0, len(text), text, pa.title, date, pa.lang,
                                tuple(spans)))
        if i % 4 == 0:
            docs.append(Document(doc_id, pa.title, text, date, pa.lang, source="synthetic"))
    rows = np.concatenate(sentence_rows) if sentence_rows else np.zeros(0, dtype=np.int64)
    sentences = np.empty((len(rows), vectors.shape[1]), dtype=np.float16)
    for start in range(0, len(rows), 500_000):  # in slices: a million passages hold ~5M sentences
        part = rows[start:start + 500_000]
        sentences[start:start + len(part)] = _unit(
            sentence_vectors[part] + _noise(rng, (len(part), vectors.shape[1]), SENTENCE_NOISE))
    return docs, passages, passage_vectors, sentences, real.language_basis, real.manifest


def build(real_dir: Path, out: Path, n: int, kind: str, milvus=None) -> dict:
    """Write a synthetic build of ``n`` passages; with ``milvus`` (a connection) into its collection."""
    from index.cache import passage_key
    from index.lexical import LexicalIndex, lexical_text, own_titles
    from index.store import write_index

    t0 = time.perf_counter()
    docs, passages, vectors, sentences, basis, real_manifest = synthesise(real_dir, n)
    synth_s = time.perf_counter() - t0
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    titles = own_titles(docs)
    lexical = LexicalIndex.for_passages([lexical_text(p, titles) for p in passages], [p.lang for p in passages])
    lexical_s = time.perf_counter() - t0
    meta = {k: real_manifest[k] for k in ("model_id", "model_fingerprint")}
    meta |= {"corpus_dir": "synthetic", "corpus_fingerprint": f"synthetic-{n}"}
    keys = [passage_key(p.text, p.sentences) for p in passages] if milvus else None
    path = write_index(out, docs, passages, vectors, sentences, lexical, meta, basis, kind, milvus=milvus, keys=keys)
    build_s = time.perf_counter() - t0
    if milvus:  # the exact scan needs the vectors, which the build folder does not keep with Milvus
        np.save(out / "exact-vectors.npy", np.asarray(vectors, dtype=np.float32))
    files = json.loads((path / "manifest.json").read_text())["files"]
    return {"synthesis_seconds": round(synth_s, 1), "lexical_seconds": round(lexical_s, 1),
            "build_seconds": round(build_s, 1),
            "disk_mb": round(sum(f["bytes"] for f in files.values()) / 2**20, 1),
            "sentences": int(len(sentences))}


def serve(index_dir: Path, query_file: Path, exact: bool, milvus_uri: str | None = None) -> dict:
    """Run in a fresh process: open the build as the bot does, time questions, measure memory and recall."""
    from index.candidates.milvus import MilvusConnection
    from index.embed import load_query_encoder
    from index.engine import Engine
    from index.period import read_period
    from index.row_file import RowFile
    from index.store import load_index

    encoder = load_query_encoder()
    t0 = time.perf_counter()
    index = load_index(index_dir, milvus=MilvusConnection(milvus_uri, collection=MILVUS_COLLECTION)
                       if milvus_uri else None)
    load_s = time.perf_counter() - t0
    data = np.load(query_file)
    texts, vectors = json.loads(str(data["texts"])), data["vectors"]
    engine = Engine(encoder, index)
    passes, composing = [], []
    for _ in range(2):  # the first pass reads the rows from disk unless the page cache has them; the second is warm
        times, answers = [], []
        for text, vector in zip(texts, vectors):
            t = time.perf_counter()
            hits = engine.retrieve(text, 5, vector=vector)
            times.append((time.perf_counter() - t) * 1000)
            # The answer from those hits: sentence choice and the near-miss check, which reads passages of the
            # whole archive (how it writes a word, an acronym). The first pass also embeds the question and its
            # names (cached for the second).
            t = time.perf_counter()
            engine.compose(text, hits)
            answers.append((time.perf_counter() - t) * 1000)
        passes.append(times)
        composing.append(answers)
    first, times = passes
    # A question scoped by a period (period.py): the store also proposes the period's best passages. The synthetic
    # documents are dated in January, May or September of 2010–2024 (``synthesise``), so September 2015 holds
    # about 1/15 of the archive and September of any year about a third.
    scoped = {}
    for label, phrase in (("month_of_a_year", "written in September 2015"),
                          ("month_of_any_year", "written in September")):
        took = []
        for text, vector in zip(texts, vectors):
            t = time.perf_counter()
            engine.retrieve(f"{text} ({phrase})", 5, vector=vector)
            took.append((time.perf_counter() - t) * 1000)
        rows = len(index.passages.rows_dated(engine.dated(read_period(f"What was {phrase}?"))))
        scoped[label] = {"period_rows": rows, "p50_ms": round(float(np.percentile(took, 50)), 2),
                         "p95_ms": round(float(np.percentile(took, 95)), 2)}
    # RSS counts the pages of mapped files a query touched (page cache, shared and reclaimable) as well as
    # the process's own memory (RssAnon); both are reported.
    out = {"load_seconds": round(load_s, 2), "rss_mb": _rss("VmRSS"), "peak_rss_mb": _rss("VmHWM"),
           "rss_anon_mb": _rss("RssAnon"), "rss_file_mb": _rss("RssFile"),
           "p50_ms": round(float(np.percentile(times, 50)), 2), "p95_ms": round(float(np.percentile(times, 95)), 2),
           "first_pass_p50_ms": round(float(np.percentile(first, 50)), 2),
           "first_pass_p95_ms": round(float(np.percentile(first, 95)), 2),
           "compose_p50_ms": round(float(np.percentile(composing[1], 50)), 2),
           "compose_p95_ms": round(float(np.percentile(composing[1], 95)), 2),
           "compose_max_ms": round(float(np.max(composing[1])), 2),
           "first_pass_compose_p50_ms": round(float(np.percentile(composing[0], 50)), 2),
           "first_pass_compose_p95_ms": round(float(np.percentile(composing[0], 95)), 2),
           "first_pass_compose_max_ms": round(float(np.max(composing[0])), 2),
           "faiss_index": index.manifest["faiss_index"], "store": index.manifest["store"],
           "period_scoped": scoped}
    if exact:
        t = time.perf_counter()
        stored = index.passage_vectors or RowFile(Path(index_dir) / "exact-vectors.npy")
        truth = _exact_top(stored, vectors, 10)
        scan_ms = (time.perf_counter() - t) * 1000 / len(vectors)
        hits = [len(set(index.source.dense_top(vector, 10)[0].tolist()) & set(top.tolist())) / 10
                for vector, top in zip(vectors, truth)]
        out |= {"ann_recall@10": round(float(np.mean(hits)), 4), "exact_scan_ms_per_question": round(scan_ms, 1)}
    return out


def _exact_top(vectors, queries: np.ndarray, k: int) -> np.ndarray:
    """The exact top ``k`` rows per question: every stored vector scored, 200k rows at a time."""
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_rows = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(vectors), 200_000):
        stop = min(start + 200_000, len(vectors))
        scores = (vectors.spans(np.array([start]), np.array([stop])) @ queries.T).T
        scores = np.concatenate([best_scores, scores], axis=1)
        rows = np.concatenate([best_rows, np.broadcast_to(np.arange(start, stop), (len(queries), stop - start))], axis=1)
        keep = np.argpartition(-scores, min(k, scores.shape[1] - 1), axis=1)[:, :k]
        best_scores, best_rows = np.take_along_axis(scores, keep, 1), np.take_along_axis(rows, keep, 1)
    order = np.argsort(-best_scores, axis=1, kind="stable")
    return np.take_along_axis(best_rows, order, 1)


def _rss(field: str, pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--kinds", default="auto", help="FAISS_INDEX values to build at every size")
    parser.add_argument("--nprobe", default="", help="IVF nprobe values to serve each IVF build with (a sweep)")
    parser.add_argument("--split", choices=("dev", "test"), default="test", help="whose questions time and score")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "scale")
    parser.add_argument("--keep", action="store_true", help="keep the builds (they take GBs)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--store", choices=("faiss", "milvus"), default="faiss",
                        help="milvus: a Milvus engine (milvus-lite 2.5.1's native server) started on 127.0.0.1")
    parser.add_argument("--milvus-uri", help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--query-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--exact", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(serve(args.serve, args.query_file, args.exact, args.milvus_uri)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    if args.store == "milvus":
        sys.path.insert(0, str(ROOT / "tests"))
        from milvus_server import milvus_server

        with milvus_server(args.work / "milvus") as engine:
            run_sizes(args, engine)
    else:
        run_sizes(args, None)


def run_sizes(args: argparse.Namespace, engine) -> None:
    from index.candidates.milvus import MilvusConnection

    milvus = MilvusConnection(engine.uri, collection=MILVUS_COLLECTION) if engine else None
    real_dir, real = real_material(args.work)
    texts, vectors = questions(args.work, args.split, args.questions)
    query_file = args.work / f"questions-{args.split}.npz"
    np.savez(query_file, texts=json.dumps(texts, ensure_ascii=False), vectors=vectors)
    report: dict = {"benchmark": "scale", "method": "synthetic passages around real embeddings (see docstring)",
                    "real_material": real, "questions": {"split": args.split, "n": len(texts)}, "runs": []}
    for n in [int(s) for s in args.sizes.split(",")]:
        for kind in args.kinds.split(","):
            out = args.work / f"index-{n}-{kind}"
            ivf = kind == "ivf" or (kind == "auto" and n >= ann.EXACT_BELOW)
            probes = [int(p) for p in args.nprobe.split(",") if p and ivf] or [None]
            built = build(real_dir, out, n, kind, milvus)
            for nprobe in probes:
                if nprobe:  # a sweep point: serve the same build with another nprobe (not a checksummed file)
                    manifest_path = out / "current" / "manifest.json"
                    manifest = json.loads(manifest_path.read_text())
                    (manifest["store"]["index"] if milvus else manifest["faiss_index"])["nprobe"] = nprobe
                    manifest_path.write_text(json.dumps(manifest))
                proc = subprocess.run([sys.executable, __file__, "--serve", str(out), "--query-file", str(query_file),
                                       "--exact", *(["--milvus-uri", milvus.uri] if milvus else [])],
                                      capture_output=True, text=True, env=os.environ.copy())
                if proc.returncode != 0:
                    raise SystemExit(f"serving {out} failed: {proc.stderr.strip()[-2000:]}")
                run = {"passages": n, "setting": kind, "store": args.store, **built, **json.loads(proc.stdout)}
                if engine:  # the engine's own memory, beside the client's
                    run["milvus_server_rss_mb"] = _rss("VmRSS", engine.pid)
                    run["milvus_disk_mb"] = round(sum(f.stat().st_size for f in (args.work / "milvus").rglob("*")
                                                      if f.is_file()) / 2**20, 1)
                report["runs"].append(run)
                print(json.dumps(run), file=sys.stderr, flush=True)
            if not args.keep:
                shutil.rmtree(out, ignore_errors=True)
    emit(report, args.out)


if __name__ == "__main__":
    main()
