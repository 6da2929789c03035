"""Should the near-miss check read a question's opening word as a name? Dev questions only.

    .venv/bin/python bench/opening_names.py [--out docs/results/opening-names-dev.json]

The check (index/evidence.py) looked only at names inside a sentence, so
"Меркель Назарбаевтың сапары туралы не айтты?" or "Лукашенко ҰҚШҰ әскерлері
туралы не деді?" asked about someone the corpus never mentions and got a
neighbouring fact as its answer. Three readings of the opening word, per dev
question: ``inside`` (not read: the check before), ``casing`` (read as the
follow-up reader reads it, conversation.opening_name: a name unless a question
or referring word or one the corpus writes in lower case; a word the corpus
never writes mid-sentence counts), ``opening`` (shipped: the same, except that a
word the corpus never writes mid-sentence is read by the build's name direction,
casing.NameDirection). Per set, answerables and unanswerables declined under
each, and every question whose verdict they disagree on. Dev sets: the seeds'
gold, names, dev_nearmiss, dev_paraphrase, followups_dev, dev_terms, dev_terms2,
and KazQAD's dev half (answerables only: what the change may wrongly decline).
The frozen test splits are not read.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

import index.engine as engine_module  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import load_gold  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SEEDS = ("gold.jsonl", "names.jsonl", "dev_nearmiss.jsonl", "dev_paraphrase.jsonl", "followups_dev.jsonl",
         "dev_terms.jsonl", "dev_terms2.jsonl")


def verdicts(engine: Engine, gold: list) -> dict[str, dict[str, str]]:
    """Each question's verdict: opening words not read (``inside``, before), read by the corpus' casing
    alone (``casing``), and by the casing or else the build's name direction (``opening``, shipped)."""
    shipped = engine_module.weigh
    hits = {q.id: engine.retrieve(q.question, 5, history=q.history) for q in gold}
    out: dict[str, dict[str, str]] = {q.id: {} for q in gold}
    ways = {"inside": lambda *args: shipped(*args[:5]), "casing": lambda *args: shipped(*args[:5], engine.casing),
            "opening": shipped}  # the engine passes its word_kind: the casing, else the build's name direction
    for label, weigh in ways.items():
        engine_module.weigh = weigh
        try:
            for q in gold:
                out[q.id][label] = engine.compose(q.question, hits[q.id], history=q.history).verdict
        finally:
            engine_module.weigh = shipped
    return out


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    sets = {name: (built.seeds, load_gold(DATA / name)) for name in SEEDS}
    sets["kazqad_dev"] = (built.kazqad, [q for q in load_gold(built.kazqad_dev) if q.answerable])
    report: dict = {"sets": {}, "moved": []}
    for name, (index, gold) in sets.items():
        engine = Engine(built.encoder, index)
        found = verdicts(engine, gold)
        row: dict = {}
        for kind, chosen in (("answerable", [q for q in gold if q.answerable]),
                             ("unanswerable", [q for q in gold if not q.answerable])):
            row[kind] = len(chosen)
            for label in ("inside", "casing", "opening"):
                row[f"{kind}_declined_{label}"] = sum(found[q.id][label] != "answer" for q in chosen)
        report["sets"][name] = row
        report["moved"] += [{"set": name, "id": q.id, "answerable": q.answerable, "question": q.question,
                             **found[q.id]} for q in gold if len(set(found[q.id].values())) > 1]
    total = lambda key: sum(r[key] for r in report["sets"].values())  # noqa: E731
    report["all_dev"] = {key: total(key) for key in next(iter(report["sets"].values()))}
    emit(report, args.out)


if __name__ == "__main__":
    main()
