"""A country or capital the corpus never names (index/places.py; measured, not shipped: bench/absent_places.py)."""

from __future__ import annotations

from index.places import absent_place, names


def test_a_place_name_is_read_with_its_case_ending() -> None:
    assert names("германияга", "германия") and names("тегеранға", "тегеран") and names("канаду", "канада")
    assert not names("германиядағылардың", "германия")  # more than a case ending
    assert not names("рим", "рим")  # too short to tell from the start of other words


def test_only_a_place_the_corpus_never_names_is_absent() -> None:
    corpus = ("пекина", "китаем", "вашингтоне")
    spells = lambda word: any(w.startswith(word.lower()[:4]) for w in corpus)  # noqa: E731  (a crude stem)
    assert absent_place("Германияга", spells) and absent_place("Канаду", spells)
    assert not absent_place("Бейжіңнің", spells)  # Beijing: the corpus writes «Пекина»
    assert not absent_place("Кытай", spells)  # China: «Китаем»
    assert not absent_place("Токаев", spells)  # no place at all


def test_the_engine_declines_an_absent_place_when_asked_to(embedder, seed_index) -> None:
    from index.engine import Engine

    engine = Engine(embedder, seed_index, absent_places=True)
    answer = engine.ask("Токаев Германияга качан барат?")
    assert answer.verdict == "not_stated" and "Германияга" in answer.answer
