"""Rendering rules for Telegram, without a network: escaping, the 4096 limit, callback data size."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.render import (CALLBACK_LIMIT, MESSAGE_LIMIT, answer_blocks, esc, keyboard, pack, passage_data,
                        passage_message, split_plain, ui_lang)
from fake_telegram import EntityError, parse_html
from index.answer import Answer, AnswerPart, Citation


def _citation(n: int, title: str = "Title <b>&", text: str = "Body") -> Citation:
    return Citation(n, "000_f84121460bca48ab", f"000_f84121460bca48ab:{n:012d}", title, None, "ky", text, 0.9)


def test_corpus_and_user_text_are_escaped():
    answer = Answer("<script>", "A < B & C > D [1]", [_citation(1)])
    html = "\n\n".join(answer_blocks(answer, "en"))
    assert "<script>" not in html and "A &lt; B &amp; C &gt; D" in html
    assert "Title &lt;b&gt;&amp;" in html
    assert parse_html(html)  # Telegram would accept it


def test_a_source_with_an_address_links_its_title_and_telegram_accepts_it():
    url = "https://example.kz/news/1?a=1&b=\"2\""
    cited = replace(_citation(1, title="Тоқаев <i>"), url=url)
    html = "\n\n".join(answer_blocks(Answer("q", "Answer [1]", [cited, _citation(2)]), "en"))
    assert '<a href="https://example.kz/news/1?a=1&amp;b=&quot;2&quot;"><b>Тоқаев &lt;i&gt;</b></a>' in html
    assert "[2] <b>Title" in html  # no address, no link
    assert "Тоқаев <i>" in parse_html(html)
    (message,) = passage_message("T", None, "kk", "doc", "Body", "en", url)
    assert message.startswith('<a href="https://example.kz/news/1?a=1&amp;b=&quot;2&quot;"><b>T</b></a>')
    with pytest.raises(EntityError):  # the fake server refuses what Telegram refuses
        parse_html('<a href="javascript:alert(1)">x</a>')


def test_split_prefers_sentence_ends():
    text = " ".join(f"Sentence number {i} ends here." for i in range(400))
    pieces = split_plain(text, 500)
    assert all(len(p) <= 500 for p in pieces)
    assert all(p.endswith("ends here.") for p in pieces)
    assert " ".join(pieces) == text


def test_split_handles_a_giant_word_run():
    pieces = split_plain("word " * 3000, 1000)
    assert all(len(p) <= 1000 for p in pieces) and len(pieces) >= 15


def test_pack_never_splits_a_block():
    blocks = [f"<b>{i}</b> " + "x" * 900 for i in range(12)]
    messages = pack(blocks)
    assert all(len(m) <= MESSAGE_LIMIT for m in messages) and len(messages) >= 3
    for m in messages:
        parse_html(m)  # every message is well-formed on its own
    assert sum(m.count("<b>") for m in messages) == 12


def test_long_passage_becomes_several_valid_messages():
    text = "\n\n".join("Абзац " + "слово " * 700 for _ in range(3))
    messages = passage_message("T", "2025-01-01", "ru", "doc", text, "ru")
    assert len(messages) >= 2 and all(len(parse_html(m)) <= MESSAGE_LIMIT for m in messages)


def test_callback_data_fits_64_bytes():
    rows = keyboard([_citation(n) for n in range(1, 11)], "AbCdEf12", 1, "kk")
    data = [b.data for row in rows for b in row]
    assert all(len(d.encode()) <= CALLBACK_LIMIT for d in data)
    assert len(rows) == 4 and rows[-2][0].text.startswith("Тағы") and [b.text for b in rows[-1]] == ["👍", "👎"]
    later_page = [b.text for row in keyboard([_citation(1)], "AbCdEf12", 2, "kk") for b in row]
    assert "👍" not in later_page and "👎" not in later_page  # votes belong under the answer only
    assert len(passage_data("x" * 100).encode()) <= CALLBACK_LIMIT


def test_fake_server_rejects_bad_html():
    with pytest.raises(EntityError):
        parse_html("<b>open")
    with pytest.raises(EntityError):
        parse_html("<div>x</div>")
    assert parse_html(esc("<div>")) == "<div>"


@pytest.mark.parametrize("code,lang", [("ru", "ru"), ("kk", "kk"), ("ky-KG", "ky"), ("en-GB", "en"), ("de", "en"),
                                       (None, "en")])
def test_ui_language(code, lang):
    assert ui_lang(code) == lang


def test_a_follow_up_says_which_earlier_question_shaped_it_in_the_users_language():
    answer = Answer("Где он был послом?", "Answer [1]", [_citation(1)], read_with="Кто такой <Джон> Хербст?")
    for lang, words in (("en", "earlier question"), ("ru", "прошлым вопросом"), ("kk", "Алдыңғы"), ("ky", "Мурунку")):
        first = answer_blocks(answer, lang)[0]
        assert words in first and "Кто такой &lt;Джон&gt; Хербст?" in first and "/new" in first
        assert parse_html(first)
    assert answer_blocks(Answer("q", "Answer [1]", [_citation(1)]), "en")[0] == "Answer [1]"  # it stood alone


def test_a_question_read_otherwise_than_typed_says_how_in_the_users_language():
    answer = Answer("Токаев Маскеуге <кашан> барады?", "Answer [1]", [_citation(1)],
                    read_as="Токаев Мәскеуге <қашан> барады?")
    for lang, words in (("en", "Read as"), ("ru", "Прочитано как"), ("kk", "Былай оқылды"), ("ky", "Мындайча")):
        first = answer_blocks(answer, lang)[0]
        assert words in first and "Мәскеуге &lt;қашан&gt;" in first and first.startswith("<i>") and parse_html(first)
    assert answer_blocks(answer, "en")[1] == "Answer [1]"
    long = answer_blocks(Answer("q", "Answer [1]", [_citation(1)], read_as="қашан " * 100), "en")[0]
    assert "…" in long and len(long) < 260  # a 2,000-character message is not quoted whole


def test_a_reply_scoped_by_a_period_says_so_in_the_users_language():
    from index.period import Period

    answer = Answer("Что писали в сентябре?", "Answer [1]", [_citation(1)], period=Period(2025, 9))
    for lang, words in (("en", "Articles from September 2025 first"), ("ru", "Сначала статьи за сентябрь 2025 г."),
                        ("kk", "Алдымен 2025 ж. қыркүйек"), ("ky", "Адегенде 2025-ж. сентябрь")):
        first = answer_blocks(answer, lang)[0]
        assert words in first and first.startswith("<i>") and parse_html(first)
    declined = Answer("q", "В корпусе нет статей за сентябрь 2025 г.", [_citation(1)], "not_stated",
                      period=Period(2025, 9))
    assert not answer_blocks(declined, "ru")[0].startswith("<i>")  # the decline says it already


def test_a_pronoun_with_no_chat_behind_it_asks_for_the_name_in_the_users_language():
    answer = Answer("What is <her> position?", "Answer [1]", [_citation(1)], unresolved="<her>")
    for lang, words in (("en", "no earlier question"), ("ru", "прошлому вопросу"), ("kk", "алдыңғы сұраққа"),
                        ("ky", "мурунку суроого")):
        first = answer_blocks(answer, lang)[0]
        assert words in first and "&lt;her&gt;" in first and first.startswith("<i>") and parse_html(first)
    assert answer_blocks(answer, "en")[1] == "Answer [1]"  # the answer still follows


def test_each_question_of_a_message_opens_its_paragraph_in_bold():
    parts = (AnswerPart("Who is <Abish>?", "answer", (1,)), AnswerPart("And Ukibay?", "not_found", ()))
    answer = Answer("Who is <Abish>? And Ukibay?", "Who is <Abish>? — A nephew [1]\n\nAnd Ukibay? — Not found.",
                    [_citation(1)], parts=parts)
    blocks = answer_blocks(answer, "en")
    assert blocks[:2] == ["<b>Who is &lt;Abish&gt;?</b> — A nephew [1]", "<b>And Ukibay?</b> — Not found."]
    assert all(parse_html(b) for b in blocks)
