"""Would late interaction (MaxSim over token vectors) help the learned ranker? Dev only.

    .venv/bin/python bench/maxsim_feature.py [--out docs/results/maxsim-feature-dev.json]

MaxSim added to the fused score by a fixed weight was tried before the learned
ranker and not shipped (docs/benchmarks.md: KazQAD dev MRR rose, recall@10
fell). As one more feature of the ranker, its weight is learned with the
others and it only re-orders the fused top 30, so the question is new. The
token vectors are the encoder's last hidden states of each passage (passage
prompt) and of the question as retrieval reads it (a follow-up: the pair of
its anchor and itself), each token unit-length and language-projected like the
vectors; MaxSim is the mean over question tokens of the best passage token.
Here they are computed on the fly; shipping them would mean storing them at
build time (``tokens × 384`` values a passage), so they are also measured reduced to
``RANKS`` principal directions of the passages' own tokens (what int8 storage of those would cost).

Scored exactly as bench/learned_ranking.py (each dev set held out of the fit in
turn, same objective). No test split is read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import learned_ranking as lr  # noqa: E402
from dev_indexes import OBJECTIVE, dev_indexes, retrieval_sets, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.evaluate import is_hit  # noqa: E402
from index.language_subspace import project  # noqa: E402

BATCH = 16
# Compressed token vectors: each index's passage tokens reduced to this many principal directions
# (fit on the passages alone, no question read), renormalised; what storing them would cost in int8.
RANKS = (32, 64, 128)


def token_states(encoder, texts: list[str], prompt: str, basis) -> list[np.ndarray]:
    """Per text, its tokens' last hidden states without BOS, prompt and EOS: unit length, projected,
    rounded through float16 as storing them would."""
    skip = 1 + len(encoder._tokenize(prompt + "x")) - len(encoder._tokenize("x"))
    out = []
    for start in range(0, len(texts), BATCH):
        tokens, ids, _ = encoder._hidden([prompt + t for t in texts[start:start + BATCH]], encoder._session)
        for i, row in enumerate(ids):
            states = _unit(tokens[i, skip:len(row) - 1])
            out.append(project(states, basis).astype(np.float16).astype(np.float32))
    return out


def maxsim(question: np.ndarray, passage: np.ndarray) -> float:
    """Mean over the question's tokens of their best cosine among the passage's tokens."""
    return float((question @ passage.T).max(axis=1).mean())


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-12)


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    encoder = built.encoder
    indexes = {"seeds": built.seeds, "kazqad": built.kazqad}
    engines = {name: Engine(encoder, index) for name, index in indexes.items()}
    passage_tokens, row_of = {}, {}
    for name, index in indexes.items():
        passages = list(index.passages.many(range(len(index.passages))))
        row_of[name] = {p.passage_id: i for i, p in enumerate(passages)}
        passage_tokens[name] = token_states(encoder, [p.text for p in passages], encoder.spec.document_prompt,
                                            index.language_basis)
    compressed = {}
    for name, tokens in passage_tokens.items():
        stacked = np.concatenate(tokens)
        _, _, vt = np.linalg.svd(stacked - stacked.mean(0), full_matrices=False)
        for rank in RANKS:
            basis = vt[:rank]
            compressed[name, rank] = (basis, [_unit(t @ basis.T) for t in tokens])
    data: dict[str, list] = {}
    for set_name, (which, questions) in retrieval_sets(built).items():
        answerable = [q for q in questions if q.answerable]
        rows = []
        for q in answerable:
            table, hits = lr.features(engines[which], q.question, tuple(q.history))
            text = " ".join(q.question.split())
            follow = engines[which].follow_up(text, tuple(q.history))
            asked = follow.pair(text) if follow.leans else text
            (question,) = token_states(encoder, [asked], encoder.spec.query_prompt, indexes[which].language_basis)
            rows_of_hits = [row_of[which][p.passage_id] for p in hits]
            columns = [np.array([maxsim(question, passage_tokens[which][r]) for r in rows_of_hits])]
            for rank in RANKS:
                basis, tokens = compressed[which, rank]
                small = _unit(question @ basis.T)
                columns.append(np.array([maxsim(small, tokens[r]) for r in rows_of_hits]))
            labels = np.array([is_hit(p, q.relevant) for p in hits])
            rows.append((np.hstack([table] + [(c - c.max())[:, None] for c in columns]), labels, 1.0 / len(answerable)))
        data[set_name] = rows
    names = lr.NAMES + ("maxsim",) + tuple(f"maxsim_{rank}" for rank in RANKS)
    columns = lambda chosen: {n: [(t[:, [names.index(c) for c in chosen]], lab, w) for t, lab, w in rows]  # noqa: E731
                              for n, rows in data.items()}
    report: dict = {"objective": OBJECTIVE, "depth": lr.DEPTH, "shipped_features": list(lr.FEATURES)}
    for c in lr.C_VALUES:
        report[f"C={c}"] = {
            "shipped": lr._held_out(columns(lr.FEATURES), c),
            "shipped_and_maxsim": lr._held_out(columns(lr.FEATURES + ("maxsim",)), c),
            "maxsim_for_sentence_features": lr._held_out(
                columns(("fused", "coverage", "same_language", "log_rank", "maxsim")), c)}
        for rank in RANKS:
            report[f"C={c}"][f"shipped_and_maxsim_{rank}_dims"] = lr._held_out(
                columns(lr.FEATURES + (f"maxsim_{rank}",)), c)
    at = names.index("maxsim")
    report["maxsim_alone_as_the_ranking"] = {n: lr._score([(t[:, [at]], lab, w) for t, lab, w in rows], np.ones(1))
                                             for n, rows in data.items()}
    sizes = [len(t) for tokens in passage_tokens.values() for t in tokens]
    report["storage_if_shipped"] = {"tokens_per_passage_mean": round(float(np.mean(sizes)), 1),
                                    "kb_per_passage_float16": round(float(np.mean(sizes)) * 384 * 2 / 1024, 1),
                                    **{f"kb_per_passage_int8_{rank}_dims": round(float(np.mean(sizes)) * rank / 1024, 1)
                                       for rank in RANKS}}
    emit(report, args.out)


if __name__ == "__main__":
    main()
