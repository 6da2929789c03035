"""The evaluation's own arithmetic, on figures whose answer is known without the model."""

from __future__ import annotations

from index.evaluate import intervals


def test_a_figure_every_question_agrees_on_has_no_spread():
    ci = intervals([1] * 40, hits=[True] * 40, declined_unanswerable=[False] * 10, declined_answerable=[False] * 40)
    assert ci["recall@1"] == ci["mrr@10"] == ci["answer_hit"] == [1.0, 1.0]
    assert ci["declined_unanswerable"] == ci["declined_answerable"] == [0.0, 0.0]


def test_half_of_a_hundred_questions_is_known_to_about_a_tenth_either_way():
    ranks = [1] * 50 + [None] * 50
    lo, hi = intervals(ranks)["recall@5"]
    assert 0.38 <= lo <= 0.42 and 0.58 <= hi <= 0.62  # the binomial's ±1.96·√(.25/100) = ±0.098
    assert intervals(ranks) == intervals(ranks)  # seeded: a report re-run prints the same interval


def test_mrr_counts_only_the_first_ten_ranks_and_unanswerables_are_resampled_apart():
    ci = intervals([2] * 10 + [11] * 10, declined_unanswerable=[True] * 5)
    assert ci["mrr@10"][0] < 0.25 < ci["mrr@10"][1] and ci["mrr@10"][1] <= 0.5
    assert ci["declined_unanswerable"] == [1.0, 1.0]  # not diluted by the 20 answerable draws
    assert "answer_hit" not in ci and "declined_answerable" not in ci


def test_the_lead_is_scored_apart_from_the_whole_answer():
    """An answer of five sentences can hold the fact in its last; answer_lead_hit asks of the first alone."""
    from index.answer import Answer
    from index.evaluate import GoldQuestion, Relevant, answer_hit, lead_hit

    question = GoldQuestion("q1", "Сколько длилось видео?", "ru", (Relevant("000", "сегиз секунд"),))
    late = Answer(question.question, "Путин менен Назарбаев жолукту. [1] Сегиз секунддук видеодо… [1]", [],
                  lead="Путин менен Назарбаев жолукту.")
    first = Answer(question.question, "Сегиз секунддук видеодо… [1]", [], lead="Сегиз секунддук видеодо…")
    assert answer_hit(late, question) and not lead_hit(late, question)
    assert answer_hit(first, question) and lead_hit(first, question)
    declined = Answer(question.question, "Сегиз секунд", [], "not_found", lead="Сегиз секунд")
    assert not answer_hit(declined, question) and not lead_hit(declined, question)


def test_figures_are_broken_down_by_kind_of_question():
    """Facts, lists, dates, "why": eval says which kind the system is weak on, answers scored per kind too."""
    from index.answer import Answer
    from index.chunk import Passage
    from index.evaluate import GoldQuestion, Relevant, evaluate
    from index.search import Hit

    passage = Passage("d:1", "d", 0, 30, "Армения быйыл мүчөлүгүн токтотту.", "t", None, "ky")
    hits = [Hit(passage, 0.9, 1, 0, dense=0.9)]
    gold = [GoldQuestion("l1", "Which members?", "en", (Relevant("d", "Армения"),), "list"),
            GoldQuestion("f1", "Which member left?", "en", (Relevant("d", "Армения"),), "fact"),
            GoldQuestion("f2", "Who else?", "en", (Relevant("x"),), "fact")]
    reply = lambda q, found, history: Answer(q, "Армения быйыл мүчөлүгүн токтотту. [1]", [], lead="Армения…")  # noqa: E731
    report = evaluate(gold, lambda q, h: hits, answer=reply)
    assert report["by_kind"]["list"] == {"n": 1, "recall@1": 1.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 1.0,
                                         "answer_hit": 1.0, "answer_lead_hit": 1.0}
    assert report["by_kind"]["fact"]["n"] == 2 and report["by_kind"]["fact"]["recall@5"] == 0.5
    assert report["by_kind"]["fact"]["answer_hit"] == 0.5
    one_kind = evaluate(gold[1:], lambda q, h: hits)
    assert "by_kind" not in one_kind  # nothing to compare


def test_a_question_asking_two_things_is_complete_only_when_both_are_stated(tmp_path):
    import json

    import pytest

    from index.answer import Answer
    from index.evaluate import GoldFormatError, answer_complete, answer_hit, load_gold

    row = {"id": "a", "lang": "en", "question": "When did he arrive and what did he sign?",
           "relevant": [{"doc": "d", "contains": "11 ноября"}], "aspects": [["11 ноября"], ["соглашение", "agreement"]]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False), "utf-8")
    question = load_gold(path)[0]
    assert question.aspects == (("11 ноября",), ("соглашение", "agreement"))
    half = Answer(question.question, "11 ноября Токаев прибыл. [1]", [], lead="11 ноября Токаев прибыл.")
    both = Answer(question.question, "11 ноября Токаев прибыл. [1] Подписано СОГЛАШЕНИЕ. [1]", [], lead="11 ноября…")
    assert answer_hit(half, question) and not answer_complete(half, question)
    assert answer_complete(both, question)
    assert not answer_complete(Answer(question.question, both.answer, [], "not_found"), question)
    path.write_text(json.dumps({**row, "aspects": [["11 ноября"], []]}), "utf-8")
    with pytest.raises(GoldFormatError, match="aspects"):
        load_gold(path)
