"""Follow-up questions: the question alone, naive concatenation, and corpusbot's method, on both splits.

    .venv/bin/python bench/followups.py [--sweep] [--out docs/results/followups.json]

Splits: tests/data/followups_dev.jsonl (tune here; ``--sweep`` compares ways to
make a follow-up's vector on it and on nothing else; its follow-ups rewritten by hand
as standalone questions, followups_dev_resolved.jsonl, give the method's ceiling) and
tests/data/followups_test.jsonl (frozen before any output was seen; report
here). Each split is scored on its follow-ups and, separately, on its topic changes (a standalone question after an unrelated
history), which must not lose anything against the question alone. The main
gold sets (gold.jsonl, test.jsonl) are also run with an unrelated history in
front of every question. Latency: a warm follow-up (its history already
embedded, as in a chat) against the same question asked standalone.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import emit  # noqa: E402

import index.engine as engine_module  # noqa: E402
from dev_indexes import reading_whole, seeds_engine  # noqa: E402

from index.conversation import FollowUp, mix  # noqa: E402
from index.engine import Embedded, frozen  # noqa: E402
from index.language_subspace import project  # noqa: E402
from index.vectors.latent import KEEP, LatentTerms  # noqa: E402
from index.evaluate import evaluate, load_gold  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
KEYS = ("n", "recall@1", "recall@5", "recall@10", "mrr@10", "answer_hit", "answer_lead_hit")
WEIGHTS = [0.5, 1.0, 1.5, 2.0]  # of the pair's vector, mixed with the question's own, one weight for both uses
RETRIEVAL_WEIGHTS = [1.5, 2.0, 3.0]  # retrieval's own weight, answer sentences' kept at 1.0 (shipped: 1.0 / 1.0)


def asked_alone(engine) -> tuple:
    """Retrieve and answer a question as if it were the chat's first, whatever its history."""
    return lambda q, h: engine.retrieve(q, 10), lambda q, hits, h: engine.compose(q, hits[:5])


def variants(engine) -> dict:
    """How each variant retrieves and answers a (question, history) pair."""
    alone = asked_alone(engine)
    whole = reading_whole(engine)  # the concatenation read as one text, not question by question (index/message.py)
    concat = (lambda q, h: whole.retrieve(" ".join([*h, q]), 10),
              lambda q, hits, h: whole.compose(" ".join([*h, q]), hits[:5]))
    method = (lambda q, h: engine.retrieve(q, 10, history=h), lambda q, hits, h: engine.compose(q, hits[:5], history=h))
    return {"question_alone": alone, "concatenation": concat, "corpusbot": method}


def score(engine, gold: list) -> dict:
    out = {}
    for name, (retrieve, answer) in variants(engine).items():
        # each variant embeds afresh: the concatenation's text is the follow-up's pair, which the method
        # embeds as context (int8) and must not find cached from the concatenation's full-precision run
        engine.forget_vectors()
        report = evaluate(gold, retrieve, answer=answer)
        out[name] = {**summary(report),
                     "by_lang": {lang: {k: m.get(k) for k in ("n", "recall@5", "mrr@10", "answer_hit")}
                                 for lang, m in report["by_lang"].items()}}
    return out


def summary(report: dict) -> dict:
    """What the results file keeps of an ``evaluate`` report."""
    return {**{k: report.get(k) for k in KEYS}, "misses": report["misses"],
            "answer_misses": report.get("answer_misses"), "ci95": report["ci95"]}


def split_report(engine, path: Path) -> dict:
    gold = load_gold(path)
    report = {"follow_ups": score(engine, [q for q in gold if q.kind == "follow_up"]),
              "topic_changes": score(engine, [q for q in gold if q.kind == "topic_change"])}
    resolved = path.with_name(f"{path.stem}_resolved.jsonl")
    if resolved.exists():
        report["follow_ups"]["resolved_by_hand"] = resolved_by_hand(engine, load_gold(resolved))
    return report


def resolved_by_hand(engine, gold: list) -> dict:
    """The follow-ups as a person rewrote them, standalone (``*_resolved.jsonl``), asked with no history:
    what the method could reach if it read every follow-up as well as a person, and ranked no better."""
    engine.forget_vectors()
    retrieve, answer = asked_alone(engine)
    return summary(evaluate(gold, retrieve, answer=answer))


def with_unrelated_history(gold: list, histories: list) -> list:
    """Each question behind the history of a follow-up item about another document."""
    out = []
    for q in gold:
        docs = {r.doc for r in q.relevant}
        history = next((h for h, hdocs in histories if not docs & hdocs), histories[0][0])
        out.append(replace(q, history=history))
    return out


def latency(engine, gold: list, rounds: int = 3) -> dict:
    """Wall time of a warm follow-up against the same question standalone, and the CPU time each used.

    The wall time is what a user waits; the CPU time what the question costs a loaded bot.
    """
    follow, alone, follow_cpu, alone_cpu = [], [], [], []
    for _ in range(rounds):
        for q in gold:
            engine.forget_vectors()
            engine.embed_questions(list(q.history))  # asked earlier in the chat: already embedded
            t, c = time.perf_counter(), time.process_time()
            engine.ask(q.question, 5, history=q.history)
            follow.append((time.perf_counter() - t) * 1000)
            follow_cpu.append((time.process_time() - c) * 1000)
            engine.forget_vectors()
            t, c = time.perf_counter(), time.process_time()
            engine.ask(q.question, 5)
            alone.append((time.perf_counter() - t) * 1000)
            alone_cpu.append((time.process_time() - c) * 1000)
    p50_f, p50_a = statistics.median(follow), statistics.median(alone)
    cpu_f, cpu_a = statistics.median(follow_cpu), statistics.median(alone_cpu)
    embedding = embedding_latency(engine, gold, rounds)
    return {"follow_up_p50_ms": round(p50_f, 2), "standalone_p50_ms": round(p50_a, 2),
            "ratio": round(p50_f / p50_a, 3), "follow_up_cpu_p50_ms": round(cpu_f, 2),
            "standalone_cpu_p50_ms": round(cpu_a, 2), "cpu_ratio": round(cpu_f / cpu_a, 3),
            "embedding_alone_p50_ms": embedding, "questions": len(gold), "rounds": rounds}


def embedding_latency(engine, gold: list, rounds: int) -> dict:
    """The encoder alone on each follow-up: its question; question and pair as one padded batch, side by
    side in full precision, or side by side with the pair through the int8 graph (shipped); and the one
    pass that reads the question in the pair (measured, not shipped)."""
    encoder = engine.embedder
    follow_ups = [(q.question, f.pair(q.question)) for q in gold if (f := engine.follow_up(q.question, q.history)).leans]
    apart = getattr(encoder, "encode_queries_apart", None)
    ways = {"question": lambda q, p: encoder.encode_queries([q]),
            "padded_batch": lambda q, p: encoder.encode_queries([q, p]),
            "side_by_side": lambda q, p: (apart or encoder.encode_queries)([q, p]),
            "side_by_side_int8_pair": lambda q, p: apart([q, p], context=[False, True]) if apart else None,
            "in_context": lambda q, p: in_context(encoder, q, p)}
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(rounds):
        for question, pair in follow_ups:
            for name, encode in ways.items():  # interleaved, so the machine's drift hits them all alike
                t = time.perf_counter()
                encode(question, pair)
                times[name].append((time.perf_counter() - t) * 1000)
    return {name: round(statistics.median(v), 2) for name, v in times.items()}


def in_context(encoder, question: str, pair: str):
    """One forward pass of the pair, the question's vector pooled over its own tokens inside it (late
    chunking, as the build pools sentences), and the pair's latent terms. ONNX encoder only."""
    prompt = encoder.spec.query_prompt
    tokens, (row,), _ = encoder._hidden([prompt + pair], encoder._session)
    skip = 1 + encoder._prompt_tokens  # BOS and the prompt; the last token is EOS
    own = encoder._tokenize(prompt + question)[skip:-1]
    span = slice(len(row) - 1 - len(own), len(row) - 1)  # the question's tokens, just before the pair's EOS
    assert row[span] == own, question
    vector = tokens[0, span].mean(axis=0)
    terms = encoder.head(tokens[0, skip:len(row) - 1]) if encoder.head is not None else None
    return vector / np.linalg.norm(vector), terms


SHIPPED = engine_module.Engine.query
SHIPPED_VECTOR = engine_module.Engine.query_vector


def own_vector(self, question: str, follow_up: FollowUp = FollowUp()) -> np.ndarray:
    """``Engine.query_vector`` (what answer sentences are chosen with) from the question alone, history or not."""
    return self.embedded([question])[0].vector


def read_in_context(self, question: str, follow_up: FollowUp = FollowUp(), weight: float | None = None) -> Embedded:
    """``Engine.query`` with a follow-up read in context (one pass) instead of two runs mixed (no weight)."""
    if not follow_up.leans:
        return SHIPPED(self, question, follow_up)
    vector, terms = in_context(self.embedder, question, follow_up.pair(question))
    return Embedded(frozen(project(vector, self.index.language_basis)), terms if self.latent else None)


def with_anchor(weight: float):
    """``Engine.query`` with no pair at all: the question's vector mixed with its anchor's (embedded when the anchor
    was asked, so one run of the question alone), and their latent terms merged, the anchor's scaled by ``weight``."""
    def query(self, question: str, follow_up: FollowUp = FollowUp(), _: float | None = None) -> Embedded:
        if not follow_up.leans:
            return SHIPPED(self, question, follow_up)
        alone, anchor = self.embedded([question, follow_up.anchor])
        terms = merged(alone.terms, anchor.terms, weight) if alone.terms is not None else None
        return Embedded(mix(alone.vector, anchor.vector, weight), terms)
    return query


def merged(own: LatentTerms, other: LatentTerms, weight: float) -> LatentTerms:
    """The strongest activation of each feature of two texts, ``other``'s scaled, the top KEEP kept."""
    features = np.concatenate([own.features, other.features])
    values = np.concatenate([own.values, weight * other.values])
    order = np.argsort(-values, kind="stable")
    _, first = np.unique(features[order], return_index=True)  # each feature at its strongest
    keep = order[first][np.argsort(-values[order[first]], kind="stable")][:KEEP]
    out = LatentTerms.empty()
    out.features[:len(keep)], out.values[:len(keep)] = features[keep], values[keep]
    return out


def sweep(engine, path: Path) -> dict:
    """How a follow-up's vector is made, dev split only: two runs mixed at each weight (the pair through the
    int8 graph, shipped, or in full precision), one pass in context, or no pair (the question's vector mixed
    with its anchor's)."""
    gold = [q for q in load_gold(path) if q.kind == "follow_up"]
    retrieve, answer = variants(engine)["corpusbot"]
    shipped = engine_module.HISTORY_WEIGHT, engine_module.ANSWER_HISTORY_WEIGHT
    out = {}
    engine.forget_vectors()
    try:  # the cache holds the two texts' own vectors; the weight mixes them per call
        for weight in WEIGHTS:
            engine_module.HISTORY_WEIGHT = engine_module.ANSWER_HISTORY_WEIGHT = weight
            out[f"two_runs_weight_{weight}"] = evaluate(gold, retrieve, answer=answer)
        engine_module.ANSWER_HISTORY_WEIGHT = 1.0
        for weight in RETRIEVAL_WEIGHTS:
            engine_module.HISTORY_WEIGHT = weight
            out[f"two_runs_retrieval_{weight}_answer_1.0"] = evaluate(gold, retrieve, answer=answer)
        engine_module.HISTORY_WEIGHT, engine_module.ANSWER_HISTORY_WEIGHT = shipped
        engine_module.Engine.query = read_in_context
        out["in_context"] = evaluate(gold, retrieve, answer=answer)
        for weight in WEIGHTS[:2]:
            engine_module.Engine.query = with_anchor(weight)
            out[f"anchor_vector_weight_{weight}"] = evaluate(gold, retrieve, answer=answer)
        engine_module.Engine.query_vector = own_vector  # answer sentences chosen with the question's own vector
        out["anchor_vector_weight_1.0_sentences_own"] = evaluate(gold, retrieve, answer=answer)
        engine_module.Engine.query = SHIPPED
        out["two_runs_shipped_sentences_own"] = evaluate(gold, retrieve, answer=answer)
        engine_module.Engine.query_vector = SHIPPED_VECTOR
        graph = getattr(engine.embedder, "context_graph", None)
        if graph is not None:
            engine.embedder.context_graph = None  # the pair in full precision, as before the int8 graph
            engine.forget_vectors()
            try:
                out["two_runs_weight_1.0_full_precision_pair"] = evaluate(gold, retrieve, answer=answer)
            finally:
                engine.embedder.context_graph = graph
                engine.forget_vectors()
    finally:
        engine_module.HISTORY_WEIGHT, engine_module.ANSWER_HISTORY_WEIGHT = shipped
        engine_module.Engine.query = SHIPPED
        engine_module.Engine.query_vector = SHIPPED_VECTOR
    return {name: {k: report.get(k) for k in KEYS} for name, report in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--sweep", action="store_true", help="compare ways to make a follow-up's vector, dev split only")
    args = parser.parse_args()
    engine = seeds_engine()
    dev, test = DATA / "followups_dev.jsonl", DATA / "followups_test.jsonl"
    if args.sweep:
        emit({"benchmark": "how a follow-up's vector is made, dev split only", "split": dev.name,
              "sweep": sweep(engine, dev)}, args.out)
        return
    followups = [q for q in load_gold(test) if q.kind == "follow_up"]
    histories = [(q.history, {r.doc for r in q.relevant}) for q in followups]
    main_sets = {}
    for name in ("gold.jsonl", "test.jsonl"):
        gold = load_gold(DATA / name)
        main_sets[name] = {}
        for label, questions in (("no_history", gold), ("unrelated_history", with_unrelated_history(gold, histories))):
            report = evaluate(questions, lambda q, h: engine.retrieve(q, 10, history=h),
                              answer=lambda q, hits, h: engine.compose(q, hits[:5], history=h))
            main_sets[name][label] = {k: report.get(k) for k in KEYS}
    report = {"benchmark": "follow-up questions", "history_weight": engine_module.HISTORY_WEIGHT,
              "answer_history_weight": engine_module.ANSWER_HISTORY_WEIGHT,
              "dev": split_report(engine, dev), "test": split_report(engine, test),
              "main_gold_sets": main_sets, "latency": latency(engine, followups)}
    emit(report, args.out)


if __name__ == "__main__":
    main()
