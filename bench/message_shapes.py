"""Questions written the way people write to a chat bot, read whole (as before message.py) and question by question.

    .venv/bin/python bench/message_shapes.py [--out docs/results/message-shapes.json]

Every gold question is asked in eight shapes: as written; after a neutral
sentence ("I have a question about the news."); after a greeting ("Hi!");
followed by "Thanks."; typed in capitals (its history too); typed in lower case without a closing
"?" (its history too, ``typed_sets.typed``); with another
question of the same set before it, and after it (the other is the answerable
question seven places on); and, for a follow-up, with its earlier question in
the same message instead of the chat's history. Kazakh questions are also
asked in Kazakh's 2021 Latin alphabet (``kazakh_in_latin_letters``) and typed
without their own letters, as on a Russian keyboard (``kazakh_without_its_letters``:
ә ғ қ ң ө ұ ү һ і as а г к н о у у х и); compare with the same questions as
written, ``kazakh_as_written``. The fixed sentences are one per language, written before
any output was seen and never varied. Both the dev sets and the frozen test
splits are reported; nothing here chooses a setting.

For a message of two questions, ``answer_hit`` asks whether the reply holds
the gold question's fact anywhere, and the reply answers both questions (up
to twice the text); its recall@k is over the interleaved ranking, where the
other question's passages take every other place.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import reading_whole, seeds_engine  # noqa: E402
from typed_sets import typed  # noqa: E402
from report import emit  # noqa: E402

from index.evaluate import GoldQuestion, evaluate, load_gold  # noqa: E402
from index.kazakh_letters import without_letters  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SETS = {"dev": ["gold.jsonl", "names.jsonl", "dev_paraphrase.jsonl", "dev_nearmiss.jsonl", "followups_dev.jsonl"],
        "test": ["test.jsonl", "followups_test.jsonl"]}
BEFORE = {"en": "I have a question about the news.", "ru": "У меня вопрос по новостям.",
          "kk": "Жаңалықтар туралы сұрағым бар.", "ky": "Жаңылыктар боюнча суроом бар."}
HELLO = {"en": "Hi!", "ru": "Здравствуйте!", "kk": "Сәлеметсіз бе!", "ky": "Саламатсызбы!"}
THANKS = {"en": "Thanks.", "ru": "Спасибо.", "kk": "Рақмет.", "ky": "Рахмат."}
OTHER = 7  # the other question of a two-question message: the answerable one this many places on
# Kazakh's official Latin alphabet of 2021 (letter by letter; ъ and ь dropped)
LATIN_2021 = str.maketrans({
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch",
    "ш": "ş", "щ": "şş", "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
})


def in_latin(text: str) -> str:
    """Kazakh Cyrillic in the 2021 Latin alphabet, a capital kept where the word had one."""
    return " ".join(word.lower().translate(LATIN_2021).capitalize() if word[:1].isupper()
                    else word.translate(LATIN_2021) for word in text.split(" "))


def shapes(gold: list[GoldQuestion]) -> dict[str, list[GoldQuestion]]:
    answerable = [q for q in gold if q.answerable and not q.history]
    other = {q.id: answerable[(i + OTHER) % len(answerable)].question for i, q in enumerate(answerable)}
    out = {
        "as_written": gold,
        **({"kazakh_as_written": [q for q in gold if q.lang == "kk"]} if any(q.lang == "kk" for q in gold) else {}),
        "after_a_sentence": [replace(q, question=f"{BEFORE[q.lang]} {q.question}") for q in gold],
        "after_a_greeting": [replace(q, question=f"{HELLO[q.lang]} {q.question}") for q in gold],
        "then_thanks": [replace(q, question=f"{q.question} {THANKS[q.lang]}") for q in gold],
        "in_capitals": [replace(q, question=q.question.upper(), history=tuple(h.upper() for h in q.history))
                        for q in gold],
        "in_lower_case": [replace(q, question=typed(q.question), history=tuple(typed(h) for h in q.history))
                          for q in gold],
    }
    if len(answerable) > OTHER:
        out["second_of_two_questions"] = [replace(q, question=f"{other[q.id]} {q.question}") for q in answerable]
        out["first_of_two_questions"] = [replace(q, question=f"{q.question} {other[q.id]}") for q in answerable]
    kazakh = [q for q in gold if q.lang == "kk"]
    if kazakh:
        out["kazakh_in_latin_letters"] = [replace(q, question=in_latin(q.question),
                                                  history=tuple(in_latin(h) for h in q.history)) for q in kazakh]
        out["kazakh_without_its_letters"] = [
            replace(q, question=without_letters(q.question), history=tuple(without_letters(h) for h in q.history))
            for q in kazakh]
    follow_ups = [q for q in gold if q.history]
    if follow_ups:
        out["follow_up_in_one_message"] = [replace(q, question=f"{q.history[-1]} {q.question}", history=q.history[:-1])
                                           for q in follow_ups]
    return out


def score(engine, gold: list[GoldQuestion]) -> dict:
    report = evaluate(gold, lambda q, h: engine.retrieve(q, 10, history=h), engine.confident, engine.min_score, 10,
                      answer=lambda q, hits, h: engine.compose(q, hits[:5], history=h))
    abstention = report["abstention"]
    verdicts = abstention.get("verdicts_unanswerable") or {}
    row = {"n": len(gold)}
    if report.get("n"):
        row.update({k: report[k] for k in ("recall@1", "recall@5", "recall@10", "mrr@10", "answer_hit")})
        row["answerables_declined"] = abstention["declined_answerable"]
    if sum(verdicts.values()):
        row["unanswerables_declined"] = round(1 - verdicts.get("answer", 0) / sum(verdicts.values()), 4)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    engine = seeds_engine()
    whole = reading_whole(engine)
    report: dict = {"note": __doc__.split("\n\n", 2)[2].strip()}
    for split, names in SETS.items():
        for name in names:
            for shape, gold in shapes(load_gold(DATA / name)).items():
                report.setdefault(split, {}).setdefault(name, {})[shape] = {
                    "whole": score(whole, gold), "question_by_question": score(engine, gold)}
    emit(report, args.out)


if __name__ == "__main__":
    main()
