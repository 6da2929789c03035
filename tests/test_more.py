"""'Tell me more' answers the last question again past what its answer quoted, with the real model and index."""

from __future__ import annotations

import pytest

from index.answer import quotes
from index.more import asks_for_more

FIRST = "Who is Samat Abish?"


def _quoted(text: str) -> set[str]:
    return {sentence for sentence, _ in quotes(text)}


@pytest.mark.parametrize("message,more", [
    ("Tell me more", True), ("More details, please!", True), ("What else?", True), ("Подробнее", True),
    ("А что ещё?", True), ("Толығырақ айтшы", True), ("Тағы не бар?", True), ("Кененирээк айтып берчи", True),
    ("Tell me more about Abish", False), ("Ещё вопрос: кто такой Абиш?", False), ("more than 2", False),
])
def test_asking_for_more_is_read_only_when_it_is_all_the_message_says(message, more):
    assert asks_for_more(message) is more


def test_more_quotes_what_the_answer_left_out_and_again_further(engine):
    first = engine.ask(FIRST)
    more = engine.ask("Tell me more", history=(FIRST,))
    again = engine.ask("Tell me more", history=(FIRST, "Tell me more"))
    assert more.verdict == again.verdict == "answer" and more.read_with == again.read_with == FIRST
    assert not _quoted(first.answer) & _quoted(more.answer)
    assert not (_quoted(first.answer) | _quoted(more.answer)) & _quoted(again.answer)
    cited = {c.n for c in more.citations}  # the passages quoted, under the numbers of their rank
    assert cited == {n for _, n in quotes(more.answer)} and max(cited) <= 10


def test_more_after_a_message_of_two_questions_continues_each(engine):
    message = "Who is Samat Abish? Who is Aidos Ukibay?"
    first, more = engine.ask(message), engine.ask("Подробнее", history=(message,))
    assert len(more.parts) == 2 and not _quoted(first.answer) & _quoted(more.answer)


def test_more_after_a_declined_question_is_declined_and_alone_it_is_not_found(engine):
    declined = engine.ask("Tell me more", history=("What is the capital of Peru?",))
    assert declined.verdict == "not_found" and declined.read_with == "What is the capital of Peru?"
    assert engine.ask("Tell me more").verdict == "not_found"


def test_more_runs_out(engine):
    history: tuple[str, ...] = ("Когда Путин встретился с Назарбаевым?",)
    for _ in range(12):
        reply = engine.ask("Ещё", history=history)
        if reply.verdict != "answer":
            break
        history += ("Ещё",)
    assert reply.answer == "Больше, чем я процитировал, в корпусе об этом нет." and not reply.citations
