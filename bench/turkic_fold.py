"""Would e5 match Kazakh and Kyrgyz questions to other languages better with their own letters folded? Dev only.

    .venv/bin/python bench/turkic_fold.py [--work DIR] [--out docs/results/turkic-fold-dev.json]

Kyrgyz questions rank worst of the four languages on every seeds dev set, most of their
misses asking facts of the Russian articles. The analyzer already folds ә ғ қ ң ө ұ ү һ і
to their Russian neighbours for BM25 (lexical.py); this asks whether the encoder gains from
the same folding: each Kazakh and/or Kyrgyz question (by its detected language) is embedded
with its letters folded, everything else as shipped, over the answerable questions of
every seeds dev set (``dev_answers.SEEDS_SETS``). Recall@1/5/10 and MRR@10 per language.
No test split is read.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_answers import SEEDS_SETS  # noqa: E402
from dev_indexes import ROOT, dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.evaluate import _metrics, first_hit_rank, load_gold  # noqa: E402
from index.kazakh_letters import without_letters  # noqa: E402
from index.lang import detect_language  # noqa: E402

VARIANTS = {"shipped": frozenset(), "fold_kk_ky": frozenset({"kk", "ky"}), "fold_ky": frozenset({"ky"})}


class FoldingEncoder:
    """The question encoder, with the questions of ``langs`` folded before they are embedded."""

    def __init__(self, encoder, langs: frozenset[str]) -> None:
        self._encoder, self._langs = encoder, langs

    def _fold(self, texts: list[str]) -> list[str]:
        # the analyzer's folding (lexical.py), upper case too, as a Russian keyboard types it
        return [without_letters(t) if detect_language(t) in self._langs else t for t in texts]

    def encode_queries(self, texts, *args, **kwargs):
        return self._encoder.encode_queries(self._fold(texts), *args, **kwargs)

    def encode_queries_with_terms(self, texts, *args, **kwargs):
        return self._encoder.encode_queries_with_terms(self._fold(texts), *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._encoder, name)


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    questions = [q for name in SEEDS_SETS for q in load_gold(ROOT / "tests" / "data" / f"{name}.jsonl") if q.answerable]
    report: dict = {"benchmark": "turkic_fold", "questions": len(questions)}
    for variant, langs in VARIANTS.items():
        engine = Engine(FoldingEncoder(built.encoder, langs), built.seeds)
        ranks: dict[str, list] = defaultdict(list)
        for q in questions:
            rank = first_hit_rank(engine.retrieve(q.question, 10, history=tuple(q.history)), q.relevant)
            ranks[q.lang].append(rank)
            ranks["all"].append(rank)
        report[variant] = {lang: _metrics(r) for lang, r in sorted(ranks.items())}
    emit(report, args.out)


if __name__ == "__main__":
    main()
