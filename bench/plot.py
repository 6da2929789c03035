"""Recall@k of dense, bm25 and hybrid on both benchmarks, one PNG for the docs.

    .venv/bin/python bench/plot.py   # reads docs/results/{seeds,kazqad}.json, writes docs/recall_at_k.png
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "results"
PANELS = [("seeds.json", "Seeds gold set (75 questions, 57 cross-lingual)"),
          ("kazqad.json", "KazQAD validation (764 Kazakh questions, 697 contexts)")]
STYLE = {"dense": ("tab:blue", "-"), "bm25": ("tab:orange", "--"), "hybrid": ("tab:green", "-")}


def main() -> None:
    fig, axes = plt.subplots(1, len(PANELS), figsize=(11, 4.2), sharey=True)
    for ax, (name, title) in zip(axes, PANELS):
        report = json.loads((RESULTS / name).read_text(encoding="utf-8"))
        for mode, result in report["modes"].items():
            curve = {int(k): v for k, v in result["recall_curve"].items()}
            ks = sorted(curve)
            color, line = STYLE[mode]
            ax.plot(ks, [curve[k] for k in ks], line, color=color, marker="o", markersize=3,
                    label=f"{mode} (R@5 {result['recall@5']:.2f}, MRR@10 {result['mrr@10']:.2f})")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("k (passages retrieved)")
        ax.set_xticks([1, 5, 10, 15, 20])
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
    axes[0].set_ylabel("recall@k")
    axes[0].set_ylim(0, 1.0)
    fig.tight_layout()
    out = ROOT / "docs" / "recall_at_k.png"
    fig.savefig(out, dpi=120)
    print(json.dumps({"written": str(out.relative_to(ROOT))}))


if __name__ == "__main__":
    main()
