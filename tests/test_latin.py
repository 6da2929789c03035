"""Kazakh typed in Latin letters is read in Cyrillic before it is embedded; English never is."""

from __future__ import annotations

import pytest

from index.latin import in_cyrillic_if_kazakh, kazakh_in_latin


@pytest.mark.parametrize("text", [
    "Toqaev Mäskeuge qaşan barady?",  # 2021 alphabet
    "Toqaev Máskeýge qashan barady?",  # 2018's acutes
    "Putin Nazarbaevqa qandai syilyq berdi?",  # no marks, but a Kazakh question word
])
def test_kazakh_in_latin_letters_is_recognised(text):
    assert kazakh_in_latin(text)


@pytest.mark.parametrize("text", [
    "What did Erdoğan say about Tokayev?",  # a Turkish name in an English question
    "Who is Samat Abish?", "Кто такой Самат Абиш?", "Tokaev Moskvaga kachan barat?", "Tokyo",
])
def test_other_text_is_left_alone(text):
    assert not kazakh_in_latin(text) and in_cyrillic_if_kazakh(text) == text


def test_words_go_to_cyrillic_and_so_do_names_spelt_the_kazakh_way():
    assert in_cyrillic_if_kazakh("Toqaev Mäskeuge qaşan barady?") == "Тоқаев Мәскеуге қашан барады?"
    assert in_cyrillic_if_kazakh("Putin Nazarbaevqa qandai syilyq berdi?") == (
        "Putin Nazarbaevqa қандаи сыилық берди?".replace("Nazarbaevqa", "Назарбаевқа"))
    assert in_cyrillic_if_kazakh("Samat Abish kim? Ol qaida?").startswith("Samat Abish ")  # names as typed
    ordinary = {"ол"}.__contains__  # the corpus writes «ол» as an ordinary word: the opening "Ol" is «Ол»
    assert in_cyrillic_if_kazakh("Ol qaşan boldy?", lambda w: ordinary(w.lower())) == "Ол қашан болды?"


def test_a_kazakh_question_in_latin_letters_finds_what_its_cyrillic_spelling_finds(engine):
    """gold kk02 and followups_dev fd-kk13 in the 2021 alphabet: read as typed, the first found nothing in
    its top 10 and the second was not found at all."""
    latin = engine.ask("Toqaevtyñ ūşağyn Resei äue keñıstıgınde qandai joiğyş ūşaqtar alyp jürdı?")
    cyrillic = engine.ask("Тоқаевтың ұшағын Ресей әуе кеңістігінде қандай жойғыш ұшақтар алып жүрді?")
    assert latin.verdict == cyrillic.verdict == "answer" and "Су-35" in latin.answer
    assert latin.citations[0].doc_id == cyrillic.citations[0].doc_id == "001_0e6c78818ac585cd"
    follow = engine.ask("Ony kım habarlady?", history=("Putin Toqaevqa ne turaly aitty?",))
    assert follow.verdict == "answer" and "Песков" in follow.answer
