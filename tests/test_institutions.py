"""The table of institution words in the near-miss check (index/institutions.py, evidence.spelt)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from index.evidence import spelt
from index.institutions import kinds, written


def test_an_institution_word_is_read_in_four_languages_with_its_case_ending() -> None:
    forces = kinds("forces")
    assert forces and kinds("Forces") == forces and kinds("Күчтөрүн") == forces and kinds("Күштерді") == forces
    assert kinds("Кеңесінің") == kinds("Совета") == kinds("Кеңешинин") == kinds("Council")
    assert not kinds("Forcesx") and not kinds("Токаев") and not kinds("сотрудничество")
    assert not kinds("Соту")  # a short word is read whole: «сот» begins too many words


def test_every_entry_has_words_in_the_four_languages() -> None:
    data = json.loads(resources.files("index").joinpath("data", "institutions.json").read_text(encoding="utf-8"))
    for entry in data["institutions"]:
        assert all(entry[lang] and all(w == w.lower() for w in entry[lang]) for lang in ("en", "ru", "kk", "ky"))


def test_an_institution_is_written_where_the_corpus_writes_it_in_another_language(seed_index) -> None:
    """The Russian article's «Воздушно-космических сил» writes Forces; «банктын» writes Bank; nothing writes a Senate."""
    lexical = seed_index.lexical
    assert not lexical.spells("Forces") and spelt("Forces", seed_index) and spelt("Bank", seed_index)
    assert spelt("Кеңесінің", seed_index)  # the Federation Council: «Совета Федерации»
    assert not spelt("Senate", seed_index) and not spelt("Госдума", seed_index)
    assert not written("Токаев", lexical.spells, lexical.begins)  # no institution word at all


def test_a_short_word_is_not_found_at_the_start_of_unrelated_words(seed_index) -> None:
    """The analyzer keeps five letters: «думать» begins as «дума» does, «банктын» is no token of «банк»."""
    analyzer = seed_index.lexical.analyzer
    corpus = {t for word in ("думать", "банктын", "политика") for t in analyzer.tokens(word)}
    spells = lambda word: all(t in corpus for t in analyzer.tokens(word))  # noqa: E731
    begins = lambda word: any(c.startswith(t) for t in analyzer.tokens(word) for c in corpus)  # noqa: E731
    assert not written("Duma", spells, begins)
    assert written("Bank", spells, begins)  # the table lists «банктын», as Kyrgyz writes the National Bank's
    assert not kinds("Police")  # «полиция» and «политика» share their five letters: left out of the table


@pytest.mark.parametrize("question", [
    "Which fighters of the Russian Aerospace Forces met Tokayev's plane?",
    "According to Tokayev, whom did Nazarbayev summon besides the prime minister and the National Bank chairman?",
])
def test_a_question_naming_an_institution_in_english_is_answered_from_another_language(engine, question) -> None:
    """It was "the corpus does not mention «Forces»" (dev_terms t-en02, dev_institutions)."""
    reply = engine.ask(question)
    assert reply.verdict == "answer", reply.answer


def test_an_institution_the_corpus_never_names_is_still_missing(engine) -> None:
    reply = engine.ask("Что Госдума заявила о визите Токаева в Москву?")
    assert reply.verdict == "not_stated" and "«Госдума»" in reply.answer, reply.answer
