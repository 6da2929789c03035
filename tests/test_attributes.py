"""A question asking a person's family, birth, schooling or pay is answered only from a sentence that says it."""

from __future__ import annotations

import pytest

from index.attributes import asked, says


@pytest.mark.parametrize("question,kind,word", [
    ("Who is Tokayev's wife?", "spouse", "wife"), ("Кто муж Матвиенко?", "spouse", "муж"),
    ("Токаевдин балдары барбы?", "children", "балдары"), ("Назарбаевтың жиені кім?", "nephews", "жиені"),
    ("How old is Rizzat Tasym?", "birth", "How old"), ("Сколько лет Риззату Тасыму?", "birth", "Сколько лет"),
    ("Укибай неше жаста?", "birth", "жаста"), ("Тоқаев қай жерде оқыған?", "schooling", "оқыған"),
    ("What is Nazarbayev's salary?", "pay", "salary"), ("Кто внук Назарбаева?", "grandchildren", "внук"),
    ("Назарбаевдин небереси ким?", "grandchildren", "небереси"), ("Who is Putin's cousin?", "other kin", "cousin"),
    ("Назарбаевтың туыстары туралы не айтылады?", "relatives", "туыстары"),
])
def test_the_attribute_a_question_asks_is_read_in_four_languages(question: str, kind: str, word: str) -> None:
    attribute, named = asked(question)
    assert (attribute.name, named) == (kind, word)


@pytest.mark.parametrize("question", [
    "Сколько лет Назарбаев был президентом?",  # a length of time, not an age
    "Что такое мужество?",  # «муж» is a word of the table, not a stem
    "Қаңтар оқиғасы туралы не жазылды?",  # «оқиға», an event, is no «оқыған»
    "When did Tokayev visit Moscow?",
])
def test_other_questions_ask_no_attribute(question: str) -> None:
    assert asked(question) is None


def test_a_kind_of_family_is_said_by_its_own_words_in_any_language() -> None:
    kin, _ = asked("Who is Nazarbayev's nephew?")
    spouse, _ = asked("Who is Nazarbayev's wife?")
    sentence = "According to UlysMedia’s undisclosed sources, … Samat Abish, … Nazarbayev’s nephew."
    assert says(sentence, kin) and says("Самат Абиш — племянник Назарбаева.", kin)
    assert not says(sentence, spouse)  # a nephew says nothing of a wife
    grandson, _ = asked("Who is Nazarbayev's grandson?")
    relatives, _ = asked("Who are Nazarbayev's relatives?")
    assert not says(sentence, grandson)  # nor of a grandson
    assert says(sentence, relatives)  # a nephew is a relative
    lifted = "… which lifted the legal immunity provided to the former president’s relatives."
    assert says(lifted, relatives) and not says(lifted, grandson) and not says(lifted, kin)
    assert not says("Из родника текла вода.", relatives)  # «родник», a spring, is no «родня»


@pytest.mark.parametrize("question", ["Who is Tokayev's wife?", "Назарбаев қай жылы туған?",
                                      "Which university did Tokayev graduate from?", "Токаевдин аялы ким?",
                                      "Назарбаевдин небереси ким?"])
def test_an_attribute_no_sentence_says_is_declined_with_the_related_passages(engine, question: str) -> None:
    """Each was answered with sentences about Tokayev's visit or the January events (stop 53)."""
    answer = engine.ask(question)
    assert answer.verdict == "not_stated" and answer.citations


def test_an_attribute_a_sentence_says_is_answered(engine) -> None:
    answer = engine.ask("Who is Nazarbayev's nephew?")
    assert answer.verdict == "answer" and "Samat Abish" in answer.answer


def test_a_follow_up_asks_the_attribute_of_the_person_its_earlier_question_named(engine) -> None:
    """"Who is his wife?" after "Who is Aidos Ukibay?" quoted the earlier answer (stop 53)."""
    answer = engine.ask("Who is his wife?", history=("Who is Aidos Ukibay?",))
    assert answer.verdict == "not_stated" and "«Aidos», «Ukibay»" in answer.answer
    answer = engine.ask("Whose nephew is he?", history=("Who is Samat Abish?",))
    assert answer.verdict == "answer" and "nephew" in answer.answer
