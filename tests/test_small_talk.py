"""Small talk is read before retrieval, and only when every word of the message is small talk."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from index.lang import LANGS
from index.phrases import folded, typed
from index.small_talk import KINDS, PHRASES, REPLIES, TABLE, SmallTalk, small_talk

DATA = ROOT / "tests" / "data"


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("row", _rows("dev_small_talk.jsonl") + _rows("dev_small_talk2.jsonl"), ids=lambda r: r["id"])
def test_dev_messages_are_read_as_their_kind_in_their_language(row):
    talk = small_talk(row["message"])
    if row["talk"] is None:
        assert talk is None  # a question holding small talk's words is answered as a question
    else:
        assert talk == SmallTalk(row["talk"], row["lang"])


def test_no_gold_question_or_history_is_small_talk():
    texts = [text for path in sorted(DATA.glob("*.jsonl")) if "small_talk" not in path.name
             for row in _rows(path.name) for text in (row.get("question"), *row.get("history", ())) if text]
    assert len(texts) > 1500
    assert [t for t in texts if small_talk(t)] == []


@pytest.mark.parametrize("message", ["very much", "Бот!", "очень", "thanks 2", "Hi, Tokayev?", "help me find Putin",
                                     "Кто ты, Самат Абиш?", "спасибо Путину"])
def test_fillers_alone_digits_and_other_words_are_no_small_talk(message):
    assert small_talk(message) is None


@pytest.mark.parametrize("message,kind,lang", [
    ("Hi, who are you?", "identity", "en"),  # the last kind but a greeting
    ("Thanks, bye!", "farewell", "en"),
    ("ok thanks 👍", "thanks", "en"),
    ("Спасибо, бот!", "thanks", "ru"),
    ("Салеметсиз бе", "greeting", "kk"),  # Kazakh typed without its own letters
    ("Жарайды, рахмет!", "thanks", "kk"),
    ("Рахмат", "thanks", "ky"),
    ("Сиз кимсиңер?", None, None),
    ("Кимсиз?", "identity", "ky"),  # Kyrgyz as written, though Kazakh «Кімсіз» folds to it
    ("Кімсіз?", "identity", "kk"),
    ("WHAT'S UP", "greeting", "en"),
    ("ok", "ok", "en"), ("Понятно, спасибо!", "thanks", "ru"), ("Жарайды", "ok", "kk"), ("Ok, bye", "farewell", "en"),
])
def test_phrases_fillers_and_spellings(message, kind, lang):
    assert small_talk(message) == (SmallTalk(kind, lang) if kind else None)


def test_the_table_is_one_kind_a_phrase_and_every_reply_is_written():
    kinds: dict[tuple[str, ...], set[str]] = {}
    for kind, by_lang in PHRASES.items():
        for phrases in by_lang.values():
            for phrase in phrases.split("|"):
                kinds.setdefault(folded(typed(phrase)), set()).add(kind)
    assert {words: k for words, k in kinds.items() if len(k) > 1} == {}
    assert len(TABLE.table) == len(kinds)
    assert all(REPLIES[kind][lang] for kind in KINDS for lang in LANGS)
