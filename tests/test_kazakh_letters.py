"""Kazakh typed without its own letters has them written back; Russian, Kyrgyz and written Kazakh never change."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer import NOT_FOUND, NOT_STATED
from index.evaluate import load_gold
from index.kazakh_letters import dictionary_spelling, name_spelling, without_letters, written_back
from index.lang import detect_language

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("typed, meant", [
    ("Токаев Маскеуге кашан барады?", "Токаев Мәскеуге қашан барады?"),
    ("Ресей Казакстанга канша Су-35 сатады?", "Ресей Қазақстанға қанша Су-35 сатады?"),
    ("ТОКАЕВ Маскеуге кашан барады?", "ТОКАЕВ Мәскеуге қашан барады?"),  # each letter keeps its case
    ("УКШУ туралы не жазылган?", "ҰҚШҰ туралы не жазылған?"),  # the acronym table's Kazakh form
    ("Токаевтын сапары кашан болды?", "Токаевтың сапары қашан болды?"),  # a name's genitive ending
])
def test_kazakh_typed_without_its_letters_gets_them_back(typed, meant):
    assert written_back(typed) == meant
    assert detect_language(written_back(typed)) == "kk"


@pytest.mark.parametrize("text", [
    "Когда Токаев поедет в Москву?",  # Russian
    "Токаев Москвага качан барат?",  # Kyrgyz, which needs none of ә ғ қ ұ һ і
    "Самат Абиш ким?",  # Kyrgyz as typed, or Kazakh without its letters: nothing tells, so as typed
    "Жолугушууда Токаев Путинди ким деп атаган?",  # Kyrgyz long vowels
    "Бишкекте метро барбы?",
    "Тоқаев Мәскеуге қашан барады?",  # Kazakh with its letters
    "When will Tokayev visit Moscow?",
])
def test_other_text_is_left_as_typed(text):
    assert written_back(text) == text


def test_a_word_the_dictionary_knows_two_ways_equally_stays_as_typed():
    assert dictionary_spelling("кол", lambda w: w in {"қол", "көл"}) == "кол"
    assert dictionary_spelling("кол", lambda w: w in {"қол"}) == "қол"
    assert dictionary_spelling("абвгд", lambda w: False) is None
    assert name_spelling("Ресейдин") == "Ресейдің" and name_spelling("Путин") == "Путин"


def _questions(names: list[str]):
    return [q for name in names for q in load_gold(DATA / f"{name}.jsonl")]


DEV = ["gold", "names", "dev_nearmiss", "dev_paraphrase", "followups_dev", "dev_terms", "dev_topics", "dev_entities",
       "dev_places", "dev_when", "dev_acronyms", "dev_institutions"]


def test_dev_questions_as_written_are_never_rewritten_and_folded_kazakh_mostly_is():
    """Over a dozen dev sets: no question as written changes (Kyrgyz ones included), nor a Kyrgyz one typed
    without ң ө ү; most Kazakh ones typed without their letters read as Kazakh again."""
    rows = _questions(DEV)
    assert [q.id for q in rows if written_back(q.question) != q.question] == []
    kyrgyz = [without_letters(q.question) for q in rows if q.lang == "ky"]
    assert [q for q in kyrgyz if written_back(q) != q] == []
    kazakh = [without_letters(q.question) for q in rows if q.lang == "kk"]
    kazakh = [q for q in kazakh if written_back(q) != q or detect_language(q) != "kk"]  # had a letter to lose
    read = sum(detect_language(written_back(q)) == "kk" for q in kazakh) / len(kazakh)
    assert len(kazakh) > 100 and read >= 0.75, read


def test_the_engine_reads_a_folded_kazakh_question_as_its_written_form(engine):
    written = "Тоқаев Мәскеуге қашан барады?"
    folded = without_letters(written)
    assert engine.read(folded)[0].question == "Токаев Мәскеуге қашан барады?"  # the name as Russian writes it
    first = engine.retrieve(folded, 5)[0].passage.passage_id
    assert first == engine.retrieve(written, 5)[0].passage.passage_id


def test_the_reply_says_how_the_question_was_read(engine):
    assert engine.ask("Токаев Маскеуге кашан барады?").read_as == "Токаев Мәскеуге қашан барады?"
    assert engine.ask("Тоқаев Мәскеуге қашан барады?").read_as is None
    assert engine.ask("Самат Абиш ким?").read_as is None  # Kyrgyz, or Kazakh without its letters: read as typed


def test_a_declined_folded_kazakh_question_is_declined_in_kazakh(engine):
    reply = engine.ask("Токаев Токиога кашан барады?")  # Tokyo: the corpus never names it
    assert reply.verdict != "answer"
    assert reply.answer == NOT_FOUND["kk"] or reply.answer.startswith(NOT_STATED["kk"].split("{")[0])


def test_a_long_message_of_made_up_words_tries_a_bounded_number_of_spellings():
    """On the open internet a message may be 2,000 characters of words with a dozen ambiguous letters each."""
    from index.kazakh_letters import MESSAGE_SPELLINGS

    import itertools

    asked = []
    words = ["кагын" + "".join(c) + "ки" for c in itertools.product("гкн", repeat=4)]  # 81 words, 1,024 spellings each
    written_back("кашан " + " ".join(words), lambda word: asked.append(word) or False)
    assert 0 < len(asked) <= MESSAGE_SPELLINGS
    assert written_back("кашан ﬁ ǅ İstanbul Маскеуге") == "қашан ﬁ ǅ İstanbul Мәскеуге"  # letters it cannot spell kept


def test_a_kazakh_message_with_some_of_its_letters_is_left_as_typed():
    """Writing its bare words back would load the dictionary for every Kazakh question (test_onnx)."""
    assert written_back("Тоқаев Мәскеуге кашан барады?") == "Тоқаев Мәскеуге кашан барады?"
