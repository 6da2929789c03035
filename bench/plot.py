"""Recall@k of dense, bm25 and hybrid on both benchmarks' frozen test splits, one PNG for the docs.

    .venv/bin/python bench/plot.py   # reads docs/results/{seeds,kazqad}.json, writes docs/recall_at_k.png

The claims are the test splits, so the curves are; hybrid on the dev split
is drawn dotted beside them, so the dev-to-test gap shows too.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "results"
STYLE = {"dense": ("tab:blue", "-"), "bm25": ("tab:orange", "--"), "hybrid": ("tab:green", "-")}


def seeds_panel(report: dict) -> tuple[str, dict, dict]:
    test, dev = report["splits"]["test"], report["splits"]["dev_paraphrase"]
    title = (f"Seeds, frozen test split ({test['answerable']} questions, {test['cross_lingual']} cross-lingual)")
    return title, {mode: test[mode] for mode in STYLE}, dev["hybrid"] | {"label": "dev_paraphrase"}


def kazqad_panel(report: dict) -> tuple[str, dict, dict]:
    modes = report["modes"]
    title = f"KazQAD, test half ({modes['hybrid']['test']['n']} Kazakh questions, {report['contexts']} contexts pooled)"
    return title, {mode: modes[mode]["test"] for mode in STYLE}, modes["hybrid"]["dev"] | {"label": "dev half"}


PANELS = [("seeds.json", seeds_panel), ("kazqad.json", kazqad_panel)]


def _curve(result: dict) -> tuple[list[int], list[float]]:
    curve = {int(k): v for k, v in result["recall_curve"].items()}
    ks = sorted(curve)
    return ks, [curve[k] for k in ks]


def main() -> None:
    fig, axes = plt.subplots(1, len(PANELS), figsize=(11, 4.2), sharey=True)
    for ax, (name, panel) in zip(axes, PANELS):
        title, modes, dev = panel(json.loads((RESULTS / name).read_text(encoding="utf-8")))
        for mode, result in modes.items():
            color, line = STYLE[mode]
            ax.plot(*_curve(result), line, color=color, marker="o", markersize=3,
                    label=f"{mode} (R@5 {result['recall@5']:.2f}, MRR@10 {result['mrr@10']:.2f})")
        ax.plot(*_curve(dev), ":", color=STYLE["hybrid"][0], alpha=0.7,
                label=f"hybrid, {dev['label']} (R@5 {dev['recall@5']:.2f}, MRR@10 {dev['mrr@10']:.2f})")
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
