"""Would declining when the question's names never meet in one retrieved passage catch near misses? Dev only.

    .venv/bin/python bench/cooccurrence_decline.py [--out docs/results/cooccurrence-decline-dev.json]

The near-miss check (index/evidence.py) declines when a name or number of the
question occurs nowhere in the corpus. Near misses that slip through name only
what the corpus knows ("When will Putin visit Almaty?": both are in it), but
perhaps never together: no retrieved passage holds both. This measures that
rule before anyone ships it. A passage *holds* a key term when every analyzer
token of the term is among the passage's tokens (the analyzer folds Cyrillic
and Latin spellings), or when one of the passage's names embeds within the
shipped ``name_match`` of the term and may spell it (the same test the
near-miss check uses). A question with at least ``min_terms`` key terms is
declined when no passage of its top ``k`` holds ``share`` of them.

Counted on the seeds' dev questions (gold, names, dev_nearmiss, dev_paraphrase),
only those the product answers today: what the rule would add. The frozen test
split is not read.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import seeds_engine  # noqa: E402
from report import emit  # noqa: E402

from index.evaluate import load_gold  # noqa: E402
from index.evidence import _may_spell, _names_in, _initial, key_terms  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = ("gold.jsonl", "names.jsonl", "dev_nearmiss.jsonl", "dev_paraphrase.jsonl")
KS = (3, 5)
MIN_TERMS = (2, 3)
SHARES = (1.0, 0.75, 0.5)


def held(engine, question: str) -> tuple[list[str], list[list[bool]]] | None:
    """The question's key terms and, per passage of its top five, which it holds; None when declined today."""
    hits = engine.retrieve(question, 5)
    if engine.compose(question, hits).verdict != "answer":
        return None
    index = engine.index
    analyzer = index.lexical.analyzer
    terms = list(dict.fromkeys(key_terms(" ".join(question.split()))))
    table = []
    for hit in hits[:max(KS)]:
        tokens = set(analyzer.tokens(hit.passage.text))
        names = sorted(_names_in(hit.passage.text, hit.passage.sentences))
        initial = {w: _initial(analyzer, w) for w in terms + names}
        row = []
        for term in terms:
            if all(t in tokens for t in analyzer.tokens(term)):
                row.append(True)
                continue
            spellings = [n for n in names if _may_spell(term, n, initial)]
            if not spellings:
                row.append(False)
                continue
            vectors = engine.embed_terms([term] + spellings)
            row.append(bool((vectors[1:] @ vectors[0]).max() >= engine.name_match))
        table.append(row)
    return terms, table


def declined(terms: list[str], table: list[list[bool]], min_terms: int, share: float) -> bool:
    if len(terms) < min_terms:
        return False
    return not any(sum(row) >= share * len(terms) - 1e-9 for row in table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    engine = seeds_engine()
    questions = [(name, q) for name in SETS for q in load_gold(DATA / name)]
    answered = [(q, h) for _, q in questions if (h := held(engine, q.question)) is not None]
    report: dict = {"sets": list(SETS), "rules": [], "answered_today": {
        "answerable": sum(1 for q, _ in answered if q.answerable),
        "unanswerable": sum(1 for q, _ in answered if not q.answerable),
        "near_misses": sum(1 for q, _ in answered if q.kind == "near_miss")}}
    for k in KS:
        for min_terms, share in itertools.product(MIN_TERMS, SHARES):
            caught = [q for q, (terms, table) in answered if declined(terms, table[:k], min_terms, share)]
            report["rules"].append({
                "k": k, "min_terms": min_terms, "share": share,
                "answerables_declined": sum(1 for q in caught if q.answerable),
                "unanswerables_declined": sum(1 for q in caught if not q.answerable),
                "near_misses_declined": sum(1 for q in caught if q.kind == "near_miss"),
                "declined": [q.id for q in caught]})
    emit(report, args.out)


if __name__ == "__main__":
    main()
