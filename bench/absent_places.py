"""Decline a question naming a country or capital the corpus never names, whatever the translated-term rule says?
Dev only; not shipped.

    .venv/bin/python bench/absent_places.py [--work DIR] [--out docs/results/absent-places-dev.json]

Every dev question of ``bench/dev_answers.py`` answered twice, by the product and
by the engine with ``absent_places`` (index/places.py: the table of countries and
capitals in index/data/places.json, written by bench/places_table.py). Two rules,
each fixed before its run. The first (9b224ef): tests/data/dev_absent_places.jsonl's
near misses declined up by at least 3; it failed, that set's baseline declining ten
of twelve. The second (d46b9ef), scored here: of the near misses the product answers
on tests/data/dev_absent_places2.jsonl (8 of 16, measured before the rule), at least
half declined; for both, none of the set's answerables declined, and on the other
sets no answerable newly declined and no near miss newly answered. No test split is read.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_answers import dump  # noqa: E402
from dev_indexes import ROOT, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

FRESH = "dev_absent_places2"  # the second rule's set (d46b9ef); the first's, dev_absent_places (9b224ef), is among the others


def declined(rows: dict, answerable: bool) -> list[str]:
    return sorted(q for q, r in rows.items() if r["answerable"] == answerable and r["verdict"] != "answer")


def main() -> None:
    args = sweep_arguments(__doc__)
    before, after = dump(args.work), dump(args.work, {"absent_places": True})
    sets = {}
    for name in before:
        counts = {kind: (len(declined(before[name], answerable)), len(declined(after[name], answerable)),
                         sum(r["answerable"] == answerable for r in before[name].values()))
                  for kind, answerable in (("near_misses_declined", False), ("answerables_declined", True))}
        sets[name] = {**counts,
                      "near_misses_newly_declined": sorted(set(declined(after[name], False))
                                                           - set(declined(before[name], False))),
                      "answerables_newly_declined": sorted(set(declined(after[name], True))
                                                           - set(declined(before[name], True))),
                      "near_misses_newly_answered": sorted(set(declined(before[name], False))
                                                           - set(declined(after[name], False)))}
    fresh = sets[FRESH]
    others = [s for n, s in sets.items() if n != FRESH]
    answered = fresh["near_misses_declined"][2] - fresh["near_misses_declined"][0]
    rule = {"fresh_near_misses_answered_before": answered,
            "fresh_near_misses_gain": fresh["near_misses_declined"][1] - fresh["near_misses_declined"][0],
            "fresh_answerables_lost": len(fresh["answerables_newly_declined"]),
            "other_answerables_lost": sum(len(s["answerables_newly_declined"]) for s in others),
            "other_near_misses_answered": sum(len(s["near_misses_newly_answered"]) for s in others)}
    rule["passes"] = (2 * rule["fresh_near_misses_gain"] >= answered and rule["fresh_answerables_lost"] == 0
                      and rule["other_answerables_lost"] == 0 and rule["other_near_misses_answered"] == 0)
    emit({"rule": rule, "sets": sets}, args.out)


if __name__ == "__main__":
    main()
