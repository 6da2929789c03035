"""A follow-up that puts a new name in its earlier question's place ("And Tokayev?") is read as that question."""

from __future__ import annotations

import pytest

from index.substitution import resolve, substituted


@pytest.mark.parametrize("anchor,question,read", [
    ("Who is Samat Abish?", "What about Aidos Ukibay?", "Who is Aidos Ukibay?"),
    ("What is Peskov's job?", "And Matviyenko's?", "What is Matviyenko's job?"),
    ("Кто такой Артур Сулейманов?", "А Джон Хербст?", "Кто такой Джон Хербст?"),
    ("Песков кім?", "Ал Матвиенко ше?", "Матвиенко кім?"),
    ("Самат Абиш ким?", "Айдос Укибай чы?", "Айдос Укибай ким?"),
    # the name standing by the same word is the one replaced, and "himself" goes with the new one
    ("How long did Putin and Tokayev talk according to Peskov?", "And according to Tokayev himself?",
     "How long did Putin and Tokayev talk according to Tokayev himself?"),
    ("Тоқаевтың ұшағын қандай ұшақтар алып жүрді?", "Ал Путиннің ұшағын ше?",
     "Путиннің ұшағын қандай ұшақтар алып жүрді?"),
    # else the first name; a surname ends one ("Песков Путин менен…" is two people)
    ("Песков Путин менен Токаевдин сүйлөшүүсү тууралуу эмне деди?", "Матвиенко чы?",
     "Матвиенко Путин менен Токаевдин сүйлөшүүсү тууралуу эмне деди?"),
    ("What was written in 2025 about Tokayev?", "And in 2024?", "What was written in 2024 about Tokayev?"),
    # a correction: its frame's words ("No", «Жоқ», «Мен») are no names, and a comma parts a run of capitals
    ("What did Peskov say about the talks?", "No, I meant Matviyenko", "What did Matviyenko say about the talks?"),
    ("Риззат Тасым кім?", "Жоқ, Артур Сулейманов туралы", "Артур Сулейманов кім?"),
    ("Тоқаевтың ұшағын қандай ұшақтар алып жүрді?", "Мен Путиннің ұшағын айттым",
     "Путиннің ұшағын қандай ұшақтар алып жүрді?"),
    ("Самат Абиш ким?", "Кечиресиз, Айдос Укибай жөнүндө сурадым", "Айдос Укибай ким?"),
])
def test_the_new_name_takes_the_place_of_one_of_the_earlier_question(anchor: str, question: str, read: str) -> None:
    assert substituted(question, anchor) == read


@pytest.mark.parametrize("anchor,question", [
    ("Who is Samat Abish?", "What did Tokayev sign in Moscow?"),  # a question of its own: no frame
    ("Who is Samat Abish?", "And what did Tokayev sign in Moscow?"),  # words the earlier question lacks
    ("Who is Tokayev?", "And Tokayev?"),  # the same name: nothing to put it in place of
    ("What did they sign?", "And Tokayev?"),  # the earlier question names nobody
    ("When did Nazarbayev meet Xi?", "And Putin and Tokayev?"),  # two names, neither standing by a word
    ("Что писали в ноябре о визите Токаева?", "А в марте 2024 года?"),  # a period: period.py reads it
    ("What is C5+1?", "What does C5+1 mean?"),  # "mean" asks here: "does" is the question's own word
    ("Who is Samat Abish?", "No, what did Tokayev sign?"),  # "no", then a question of its own
    ("Who is Peskov?", "And 2019?"),  # a number stands for a number, not for a person
])
def test_other_follow_ups_are_left_to_the_usual_reading(anchor: str, question: str) -> None:
    assert substituted(question, anchor) is None


def test_the_earlier_question_is_the_last_that_names_someone_resolved_in_turn() -> None:
    assert resolve("And Ukibay?", ["Who is Peskov?", "And Matviyenko?"]) == "Who is Ukibay?"
    assert resolve("And Matviyenko?", ["Hi! Who is Peskov? What is his job?"]) == "Who is Matviyenko?"
    assert resolve("And Matviyenko?", []) is None


def test_a_substitution_is_answered_as_the_question_it_reads_as_and_says_so(engine) -> None:
    """Read as a pronoun follow-up, "And Matviyenko's?" carried Peskov into the query with her; read as the
    earlier question about her, it is answered with her post, and the reply says how it was read."""
    answer = engine.ask("And Matviyenko's?", history=("What is Peskov's job?",))
    assert answer.read_as == "What is Matviyenko's job?"
    assert answer.verdict == "answer" and "Совета Федерации" in answer.answer
    hits = engine.retrieve("А Джон Хербст?", 5, history=("Кто такой Артур Сулейманов?",))
    assert "Хербст" in hits[0].passage.text


@pytest.mark.parametrize("use", [True, False])
def test_a_name_with_a_particle_of_its_own_is_read_only_with_the_reading(embedder, seed_index, use: bool) -> None:
    """«Артур Сулейманов ше?» ("And Arthur Suleymanov?") names its own subject and does not refer back, so
    it was read alone and, short, declined; read as «Артур Сулейманов кім?», it is answered."""
    from index.engine import Engine

    engine = Engine(embedder, seed_index, substitutions=use)
    answer = engine.ask("Артур Сулейманов ше?", history=("Риззат Тасым кім?",))
    assert (answer.read_as == "Артур Сулейманов кім?") is use
    assert (answer.verdict == "answer" and "политолог" in answer.answer) is use


def test_a_correction_is_answered_as_the_question_it_corrects(engine) -> None:
    """"No, I meant Matviyenko" was "not found": read as the earlier question about her, it is answered."""
    answer = engine.ask("No, I meant Matviyenko", history=("What did Peskov say about the talks between Putin "
                                                         "and Tokayev?",))
    assert answer.read_as == "What did Matviyenko say about the talks between Putin and Tokayev?"
    assert answer.verdict == "answer" and "Матвиенко" in answer.lead
