"""Does every part of a question find itself in the retrieved passages? A near-miss signal, dev only.

    .venv/bin/python bench/token_coverage.py [--out docs/results/token-coverage-dev.json]

A near miss names what the corpus knows and asks what it does not ("Какую
награду Путин вручил Назарбаеву?"): its names find their tokens in the retrieved
passages, its predicate ("награду", "вручил") may not. Each question token's
best cosine among the tokens of the top passages (the encoder's contextual
token states, as bench/maxsim_feature.py computes them) is a per-token
coverage; its floor (the lowest, the mean of the lowest three, the 10th
percentile) should be lower for a near miss than for an answerable question,
if contextual tokens align across languages well enough. Scored as the AUC of
answerable above unanswerable on the seeds dev questions the system answers
today, beside the top cosine's. No test split is read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import seeds_engine  # noqa: E402
from maxsim_feature import token_states  # noqa: E402
from report import emit  # noqa: E402

from index.evaluate import load_gold  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = ("gold.jsonl", "names.jsonl", "dev_nearmiss.jsonl", "dev_paraphrase.jsonl", "dev_terms.jsonl",
        "dev_terms2.jsonl")
TOPS = (1, 3, 5)


def floors(per_token: np.ndarray) -> dict[str, float]:
    low = np.sort(per_token)
    return {"min": float(low[0]), "low3": float(low[:3].mean()), "p10": float(np.percentile(per_token, 10)),
            "mean": float(per_token.mean())}


def auc(positive: list[float], negative: list[float]) -> float:
    """Probability that an answerable question scores above an unanswerable one (ties half)."""
    pos, neg = np.array(positive)[:, None], np.array(negative)[None, :]
    return round(float(((pos > neg) + 0.5 * (pos == neg)).mean()), 4)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    engine = seeds_engine()
    index, encoder = engine.index, engine.embedder
    passages = list(index.passages.many(range(len(index.passages))))
    row_of = {p.passage_id: i for i, p in enumerate(passages)}
    tokens = token_states(encoder, [p.text for p in passages], encoder.spec.document_prompt, index.language_basis)
    rows = []
    for name in SETS:
        for q in load_gold(DATA / name):
            answer = engine.ask(q.question, 5)
            if answer.verdict != "answer":
                continue  # declined already: the signal is for what gets through
            hits = engine.retrieve(q.question, 5)
            (question,) = token_states(encoder, [" ".join(q.question.split())], encoder.spec.query_prompt,
                                       index.language_basis)
            row = {"set": name, "id": q.id, "answerable": q.answerable,
                   "top_cosine": max(h.dense for h in hits if h.dense is not None)}
            for top in TOPS:
                pool = np.concatenate([tokens[row_of[h.passage.passage_id]] for h in hits[:top]])
                for stat, value in floors((question @ pool.T).max(axis=1)).items():
                    row[f"top{top}_{stat}"] = round(value, 4)
            rows.append(row)
    signals = [k for k in rows[0] if k not in ("set", "id", "answerable")]
    result = {s: auc([r[s] for r in rows if r["answerable"]], [r[s] for r in rows if not r["answerable"]])
              for s in signals}
    emit({"answered_answerable": sum(r["answerable"] for r in rows),
          "answered_unanswerable": sum(not r["answerable"] for r in rows),
          "auc": dict(sorted(result.items(), key=lambda kv: -kv[1])), "rows": rows}, args.out)


if __name__ == "__main__":
    main()
