"""Whether the retrieved sentences take up a key term the corpus never spells: dev questions only.

    .venv/bin/python bench/term_vouching.py [--out docs/results/term-vouching-dev.json]

The near-miss check (index/evidence.py) declines a question whose name or
number occurs nowhere in the corpus in any spelling. A term the corpus holds
only as a translation (Батыс for Запад, ВКС for Воздушно-космических сил,
Бейжің for Пекин) was declined the same way. For every dev question the check
declines by spelling, this prints Δ, how much nearer the best retrieved
sentence comes to the question with the terms than without them, and what the
shipped rule (decline only when Δ ≤ TAKEN_UP_MARGIN, 0.001) does to each dev set: answerables
declined and near misses declined, by spelling alone and with the rule.

Dev sets: gold.jsonl, names.jsonl, dev_paraphrase.jsonl, dev_nearmiss.jsonl,
followups_dev.jsonl and dev_terms.jsonl (written for this check: 22 answerable
questions naming a translated term, 16 near misses naming an absent one),
dev_terms2.jsonl (a second such set) and dev_topics.jsonl (topical questions:
"What happened in Bishkek?", "Батыс туралы не делінген?"; nothing is left of
them without the term but "what happened in", so Δ measures the term alone).
The frozen test split is never read here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import seeds_engine  # noqa: E402
from report import emit  # noqa: E402

import index.engine as engine_module  # noqa: E402
from index.answer import candidate_sentences  # noqa: E402
from index.evaluate import load_gold  # noqa: E402
from index.evidence import weigh, without  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = ("gold.jsonl", "names.jsonl", "dev_paraphrase.jsonl", "dev_nearmiss.jsonl", "followups_dev.jsonl",
        "dev_terms.jsonl", "dev_terms2.jsonl", "dev_topics.jsonl")
# The lead from the round the margin was chosen in: Δ over how far the terms move the question
# (1 − cosine of the question with and without them). Its line, 0.1, was read off the first dev sets;
# dev_terms2.jsonl, written after, decides between it and the margin.
NORMALISED_LINE = 0.1


def delta(engine, text: str, missing: tuple[str, ...], hits) -> float:
    closeness = engine._closeness(candidate_sentences(hits, engine.index))  # what the engine's rule weighs
    return round(closeness(text) - closeness(without(text, missing)), 5)


def movement(engine, text: str, missing: tuple[str, ...]) -> float:
    """How far taking the terms out moves the question itself: 1 − cosine of the two question vectors."""
    return round(1 - float(engine.embed_question(text) @ engine.embed_question(without(text, missing))), 5)


def declining(engine, gold: list) -> tuple[dict, dict]:
    """Per question: its hits, and its verdict with the rule and with spelling alone (the rule moves no hit)."""
    shipped = engine_module.taken_up
    hits = {q.id: engine.retrieve(q.question, 5, history=q.history) for q in gold}
    out = {}
    for label, rule in (("rule", shipped), ("spelling", lambda *_: False)):
        engine_module.taken_up = rule
        try:
            for q in gold:
                out.setdefault(q.id, {})[label] = engine.compose(q.question, hits[q.id], history=q.history).verdict
        finally:
            engine_module.taken_up = shipped
    return hits, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    engine = seeds_engine()
    sets, cases = {}, []
    for name in SETS:
        gold = load_gold(DATA / name)
        hits, verdicts = declining(engine, gold)
        answerable = [q for q in gold if q.answerable]
        near = [q for q in gold if not q.answerable]
        share = lambda qs, how: round(sum(verdicts[q.id][how] != "answer" for q in qs) / len(qs), 4) if qs else None  # noqa: E731
        sets[name] = {"answerable": len(answerable), "unanswerable": len(near),
                      **{f"declined_answerable_{how}": share(answerable, how) for how in ("spelling", "rule")},
                      **{f"declined_unanswerable_{how}": share(near, how) for how in ("spelling", "rule")}}
        for q in gold:
            if verdicts[q.id]["spelling"] != "not_stated":
                continue
            text = " ".join(q.question.split())
            missing = weigh(text, hits[q.id], engine.index, engine.embed_terms, engine.name_match, engine.word_kind).missing
            change, move = delta(engine, text, missing, hits[q.id]), movement(engine, text, missing)
            cases.append({"set": name, "id": q.id, "answerable": q.answerable, "question": text,
                          "missing": list(missing), "delta": change, "movement": move,
                          "normalised": round(change / move, 4) if move > 0 else None,
                          "verdict": verdicts[q.id]["rule"],
                          "verdict_normalised": "answer" if move > 0 and change / move > NORMALISED_LINE
                          else "not_stated"})
    answerable = [c for c in cases if c["answerable"]]
    near = [c for c in cases if not c["answerable"]]

    def answered(chosen: list[dict], key: str) -> dict:
        return {"answerable": sum(c[key] == "answer" for c in chosen if c["answerable"]),
                "unanswerable": sum(c[key] == "answer" for c in chosen if not c["answerable"])}

    by_set = {}
    for name in SETS:
        chosen = [c for c in cases if c["set"] == name]
        by_set[name] = {"declined_by_spelling": {"answerable": sum(c["answerable"] for c in chosen),
                                                 "unanswerable": sum(not c["answerable"] for c in chosen)},
                        "answered_margin": answered(chosen, "verdict"),
                        "answered_normalised": answered(chosen, "verdict_normalised")}
    emit({"benchmark": "key terms taken up in meaning by the retrieved sentences, dev sets only",
          "rule": "decline a question naming a term the corpus never spells only when delta <= TAKEN_UP_MARGIN (0.001)",
          "declined_by_spelling": {"answerable": len(answerable), "unanswerable": len(near)},
          "answered_with_the_rule": answered(cases, "verdict"),
          "normalised_form": f"answer when delta / movement > {NORMALISED_LINE} (not shipped; the lead under test)",
          "answered_with_the_normalised_form": answered(cases, "verdict_normalised"),
          "declined_by_spelling_per_set": by_set,
          "sets": sets, "cases": sorted(cases, key=lambda c: c["delta"])}, args.out)


if __name__ == "__main__":
    main()
