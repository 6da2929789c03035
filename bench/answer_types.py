"""Does a when-question's answer read better led by a dated sentence, a how-many question's by a number? Dev only.

    .venv/bin/python bench/answer_types.py [--out docs/results/answer-types-dev.json]

A sentence matching the type of answer the question asks (a date for "when",
a number for "how many / how much / how long") gains ``w`` in sentence choice,
on top of what the product adds (``answer_sweep.production_bonus``); ``w`` = 0
is the product. Scored on the answer sweep's five dev sets: answer_hit and the
first sentence ("lead", what a reader takes for the answer), and on
tests/data/dev_types.jsonl, written for the cue's second rule. No test split is read.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer_sweep import answer_sets, prepared  # noqa: E402
from dev_indexes import ROOT, dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.answer import select_sentences  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import load_gold  # noqa: E402
from index.text import fold  # noqa: E402

WEIGHTS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.08)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

_WHEN = frozenset("when когда қашан качан".split())
_WHICH = frozenset("what which каком какого какой какие қай кайсы".split())
_TIME = ("year", "date", "day", "month", "году", "года", "числа", "день", "месяц", "жыл", "күн", "ай")
_HOW_MANY = frozenset("сколько қанша неше канча нече".split())
_HOW = frozenset("many much long old".split())
# Month names: English whole or abbreviated ("Dec."), Russian, Kazakh and Kyrgyz (which writes Russian's) by stem.
_MONTH_WORDS = frozenset("january february march april may june july august september october november december "
                         "jan feb mar apr jun jul aug sep sept oct nov dec май мая мае".split())
_MONTH_STEMS = tuple("январ феврал март апрел июн июл август сентябр октябр ноябр декабр "
                     "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қараша желтоқсан".split())
_YEAR = re.compile(r"\b(1\d{3}|20\d{2})\b")
_NUMBER_WORDS = frozenset("""
one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred hundreds
thousand thousands million millions billion billions dozen dozens
один одна одно два две двух двум три трех трёх четыре четырех пять пяти шесть семь восемь девять десять
двадцать тридцать сорок пятьдесят сто двести тысяча тысячи тысяч миллион миллиона миллионов млн миллиард
миллиарда миллиардов млрд
бір екі үш төрт бес алты жеті сегіз тоғыз он жиырма отыз қырық елу жүз мың миллион миллиард
бир эки үч беш жети сегиз тогуз жыйырма отуз кырк элүү миң
""".split())


def asked_type(question: str) -> str | None:
    """"date" for a when-question, "number" for a how-many one, else None."""
    words = [w.lower() for w in _WORD.findall(question)]
    for i, w in enumerate(words):
        if w in _WHEN or (w in _WHICH and i + 1 < len(words) and words[i + 1].startswith(_TIME)):
            return "date"
        if w in _HOW_MANY or (w == "how" and i + 1 < len(words) and words[i + 1] in _HOW):
            return "number"
    return None


def matches(sentence: str, kind: str) -> bool:
    low = sentence.lower()
    if kind == "date":
        return bool(_YEAR.search(low)) or any(w in _MONTH_WORDS or w.startswith(_MONTH_STEMS)
                                              for w in _WORD.findall(low))
    return any(c.isdigit() for c in low) or any(w in _NUMBER_WORDS for w in _WORD.findall(low))


def score(sets: dict, questions: dict, weight: float, means: bool = True) -> dict:
    row: dict = {}
    for name, items in sets.items():
        hits = leads = 0
        for q, item in zip(questions[name], items):
            if item is None:
                continue
            candidates, similarity, found, coverage, phrases, overlap, bonus = item
            kind = asked_type(q.question)
            if kind and weight:
                cue = weight * np.array([matches(c.text, kind) for c in candidates], dtype=float)
                bonus = cue if bonus is None else bonus + cue
            chosen = select_sentences(candidates, similarity, found, coverage, overlap=overlap, bonus=bonus)
            hits += any(p in fold(" ".join(c.text for c in chosen)) for p in phrases)
            leads += bool(chosen) and any(p in fold(chosen[0].text) for p in phrases)
        row[name] = {"answer_hit": round(hits / len(items), 4), "lead": round(leads / len(items), 4)}
    if means:
        row["mean_answer_hit"] = round(float(np.mean([row[n]["answer_hit"] for n in sets])), 4)
        row["mean_lead"] = round(float(np.mean([row[n]["lead"] for n in sets])), 4)
    return row


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    questions: dict = {}

    def items(engine, gold, name):
        questions[name] = [q for q in gold if q.answerable]
        return prepared(engine, gold)

    sets = answer_sets(built, items)
    # Written for the cue's second rule (tests/data/dev_types.jsonl): scored beside the five, not in their means.
    types = load_gold(ROOT / "tests" / "data" / "dev_types.jsonl")
    checks = {"dev_types": items(Engine(built.encoder, built.seeds), types, "dev_types")}
    typed = {name: {kind: sum(asked_type(q.question) == kind for q in qs) for kind in ("date", "number")}
             for name, qs in questions.items()}
    rows = {str(w): {**score(sets, questions, w), **score(checks, questions, w, means=False)} for w in WEIGHTS}
    emit({"asked": typed, "rows": rows}, args.out)


if __name__ == "__main__":
    main()
