"""Kazakh stems on the lexical side: what the table holds, what it must never take, and that it travels with the index."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import SEEDS

from index.chunk import chunk_corpus
from index.corpus import load_corpus
from index.lexical import Analyzer, LexicalIndex
from index.stems import stem_table


def test_hunspell_joins_the_forms_of_a_short_stem():
    table = stem_table(["жылдың", "сапарды", "барады", "оны", "жыл"])
    assert table["жылдың"] == "жыл"
    assert table["сапарды"] == "сапар"
    assert table["барады"] == "бару"
    assert "оны" not in table, "a two-letter stem («он», ten) says too little"
    assert "жыл" not in table, "a word that is its own stem is not written down"


def test_stems_never_take_a_token_another_language_holds():
    texts = ["Жыл соңында Қасым-Жомарт Тоқаев Мәскеуге барады. Оның сапары маңызды.",
             "Они встретились: Касым-Жомарт Токаев прибыл в Москву.",
             "Жылдын аягында Токаев Москвага барды."]
    langs = ["kk", "ru", "ky"]
    lexical = LexicalIndex.for_passages(texts, langs)
    stems, plain = lexical.analyzer.stems, Analyzer()
    assert stems.get("барады") == "бару"
    assert "қасым" not in stems, "the name must keep meeting Russian «Касым»"
    assert "оның" not in stems, "«оны» is the token of Russian «они»"
    for text in texts[1:]:
        assert lexical.analyzer.tokens(text) == plain.tokens(text)


@pytest.fixture(scope="module")
def seed_lexical() -> tuple[LexicalIndex, list]:
    docs, _ = load_corpus(SEEDS)
    passages = chunk_corpus(docs)
    return LexicalIndex.for_passages([p.text for p in passages], [p.lang for p in passages]), passages


def test_the_seed_index_carries_the_table_its_corpus_gives(seed_lexical, seed_index):
    lexical, passages = seed_lexical
    assert lexical.analyzer.stems, "the Kazakh article has words Hunspell stems"
    assert seed_index.lexical.analyzer.stems == lexical.analyzer.stems
    assert seed_index.lexical.analyzer == lexical.analyzer
    shared = {t for p in passages if p.lang != "kk" for t in Analyzer().tokens(p.text)}
    for word, stem in lexical.analyzer.stems.items():
        assert not set(Analyzer().tokens(word) + Analyzer().tokens(stem)) & shared, word


def test_the_table_is_saved_checked_and_optional(seed_lexical, tmp_path):
    lexical, _ = seed_lexical
    folder = tmp_path / "lexical"
    lexical.save(folder)
    loaded = LexicalIndex.load(folder)
    assert loaded.analyzer == lexical.analyzer and loaded.analyzer.stems == lexical.analyzer.stems
    text = "Жыл соңында Президент Мәскеуге барады"
    assert loaded.analyzer.tokens(text) == lexical.analyzer.tokens(text) != Analyzer().tokens(text)

    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    (damaged / LexicalIndex.STEMS_FILE).write_text(json.dumps({"барады": "бар"}), encoding="utf-8")
    with pytest.raises(ValueError, match="does not match"):
        LexicalIndex.load(damaged)

    older = tmp_path / "older"  # a build from before the stems: no table, no digest
    shutil.copytree(folder, older)
    (older / LexicalIndex.STEMS_FILE).unlink()
    settings = json.loads((older / LexicalIndex.ANALYZER_FILE).read_text(encoding="utf-8"))
    del settings["stems_digest"]
    (older / LexicalIndex.ANALYZER_FILE).write_text(json.dumps(settings), encoding="utf-8")
    assert LexicalIndex.load(older).analyzer == Analyzer()
