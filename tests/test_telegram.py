"""The Telegram bot end to end: the real Application, model and index against a local Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json

import pytest
import pytest_asyncio
from click.testing import CliRunner

from bot.cli import main
from fake_telegram import BOT_ID, BOT_USERNAME, FakeTelegram, polling_bot
from index.settings import Settings

TOKEN = "123456789:" + "A" * 35
_users = itertools.count(5000)


@contextlib.asynccontextmanager
async def running_bot(engine, tmp_path, **overrides):
    server = FakeTelegram(TOKEN)
    await server.start()
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN, telegram_base_url=server.base_url,
                        **{"index_dir": tmp_path / "index", **overrides})
    try:
        async with polling_bot(settings, engine, tmp_path / "bot-state.pickle"):
            yield server
    finally:
        await server.stop()


@pytest_asyncio.fixture(scope="module")
async def tg(engine, tmp_path_factory):
    async with running_bot(engine, tmp_path_factory.mktemp("bot"), rate_limit_per_minute=5) as server:
        yield server


async def ask(tg: FakeTelegram, text: str | None, *, lang: str = "en", count: int = 1, user: int | None = None,
              **kw) -> list:
    user = user or next(_users)
    chat = kw.pop("chat_id", user)
    before = len(tg.messages_to(chat))
    tg.message(text, user_id=user, chat_id=chat, lang=lang, **kw)
    return await tg.replies(chat, before, count)


def buttons(sent) -> list[dict]:
    return [b for row in sent.params.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def test_start_commands_and_typing(tg):
    assert tg.calls["setMyCommands"] >= 1 and tg.calls["getMe"] >= 1
    (reply,) = await ask(tg, "/start", lang="ru")
    assert "Я отвечаю" in reply.result["text"] and "5 документов" in reply.result["text"]
    assert "2025-09-18" in reply.result["text"] and "2025-12-28" in reply.result["text"]
    (reply,) = await ask(tg, "/help", lang="de")  # not one of ours: English
    assert reply.result["text"].startswith("I answer questions")
    assert f"type @{BOT_USERNAME} and a question" in reply.result["text"]  # inline mode


@pytest.mark.parametrize("question,lang,doc_title", [
    ("Who is Samat Abish?", "en", "Putin holds ‘private’ talks"),
    ("Кто такой Самат Абиш?", "ru", "Putin holds ‘private’ talks"),
    ("Риззат Тасым кім және ол қай басылымға сұхбат берді?", "kk", "Жыл соңында Президент"),
    ("Назарбаевдин басма сөз катчысы ким?", "ky", "Орусиянын президенти Владимир Путин"),
])
async def test_question_in_each_language(tg, question, lang, doc_title):
    (reply,) = await ask(tg, question, lang=lang)
    text = reply.result["text"]
    assert "[1]" in text and doc_title in text
    assert reply.params["parse_mode"] == "HTML"
    assert any(s.method == "sendChatAction" for s in tg.sent)
    data = [b["callback_data"] for b in buttons(reply)]
    assert data[0].startswith("p|") and data[-3].startswith("m|")
    key = data[-3].split("|")[1]  # the answer key is random and may itself contain "m"
    assert data[-2:] == [f"v|{key}|+", f"v|{key}|-"]


async def test_citation_button_opens_the_passage(tg, engine):
    (reply,) = await ask(tg, "How many civilians died in the January 2022 protests in Kazakhstan?")
    first = buttons(reply)[0]["callback_data"]
    chat = int(reply.params["chat_id"])
    before = len(tg.messages_to(chat))
    tg.press(first, reply.result, user_id=chat)
    (passage_msg,) = await tg.replies(chat, before)
    pid = first.split("|", 1)[1]
    passage = next(p for p in engine.index.passages if p.passage_id.endswith(pid))
    assert passage.text.split("\n\n")[0][:60] in passage_msg.result["text"]
    assert passage.doc_id in passage_msg.result["text"]
    assert tg.calls["answerCallbackQuery"] >= 1


async def test_more_results_pages_on(tg):
    (reply,) = await ask(tg, "When did Putin meet Nazarbayev?")
    more = next(b["callback_data"] for b in buttons(reply) if b["callback_data"].startswith("m|"))
    chat = int(reply.params["chat_id"])
    before = len(tg.messages_to(chat))
    tg.press(more, reply.result, user_id=chat)
    (page,) = await tg.replies(chat, before)
    assert "[6]" in page.result["text"] and "[1]" not in page.result["text"]
    assert buttons(page)[0]["callback_data"].startswith("p|")


async def test_a_message_of_two_questions_gets_both_answers_and_pages_on_past_their_sources(tg):
    (reply,) = await ask(tg, "Who is Samat Abish? Who is Aidos Ukibay?")
    text = reply.result["text"]
    assert "Who is Samat Abish? — " in text and text.index("Who is Samat Abish? — ") < text.index(
        "Who is Aidos Ukibay? — ")
    cited = [b["callback_data"] for b in buttons(reply) if b["callback_data"].startswith("p|")]
    assert len(cited) > 5  # both questions' sources, one number each
    more = next(b["callback_data"] for b in buttons(reply) if b["callback_data"].startswith("m|"))
    chat = int(reply.params["chat_id"])
    before = len(tg.messages_to(chat))
    tg.press(more, reply.result, user_id=chat)
    (page,) = await tg.replies(chat, before)
    paged = [b["callback_data"] for b in buttons(page) if b["callback_data"].startswith("p|")]
    assert paged and not set(paged) & set(cited)  # never a source the answer already cited
    assert f"[{len(cited) + 1}]" in page.result["text"] and "[1]" not in page.result["text"]


async def test_sources_and_about(tg, engine):
    (reply,) = await ask(tg, "/sources")
    assert all(d.doc_id in reply.result["text"] for d in engine.index.documents)
    (reply,) = await ask(tg, "/about")
    assert f"{engine.index.manifest['passage_count']} passages" in reply.result["text"]


async def test_kazakh_typed_without_its_letters_is_answered_and_says_how_it_was_read(tg):
    (reply,) = await ask(tg, "Токаев Маскеуге кашан барады?", lang="kk")
    first, *rest = reply.result["text"].split("\n")
    assert first == "Былай оқылды: «Токаев Мәскеуге қашан барады?»"  # the user's language, the question as read
    assert "[1]" in reply.result["text"] and "Жыл соңында Президент" in reply.result["text"]


async def test_unanswerable_is_honest(tg):
    (reply,) = await ask(tg, "What is the capital of Peru?")
    assert reply.result["text"] == "I could not find an answer to this in the corpus."
    assert not buttons(reply)


async def test_last_week_is_read_on_the_bots_clock(tg):
    """The bot asks on the day it is running: this week, which no article of the seeds is from, is declined by name."""
    from datetime import date, timedelta

    from index.period import Period

    today = date.today()
    week = Period(None, None, ((today - timedelta(days=today.weekday())).isoformat(), today.isoformat()))
    (reply,) = await ask(tg, "What was written this week about Tokayev's trip to Moscow?")
    assert f"The corpus holds no article from {week.label('en')}" in reply.result["text"]


@pytest.mark.parametrize("kind,expected", [
    ({"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1,
                  "is_animated": False, "is_video": False}}, "only read text"),
    ({"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}, "only read text"),
    ({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 1}}, "only read text"),
])
async def test_non_text_messages(tg, kind, expected):
    (reply,) = await ask(tg, None, **kind)
    assert expected in reply.result["text"]


@pytest.mark.parametrize("text,expected", [
    ("x " * 1200, "too long"), ("/frobnicate", "don't know that command"), ("/ask", "Please write a question"),
    ("?", "no words in that message"), ("🙂🙂🙂", "no words in that message"),
    ("托卡耶夫访问莫斯科了吗？", "I read questions in English, Russian, Kazakh and Kyrgyz"),
    ("lorem ipsum dolor sit amet", "could not find an answer"),
])
async def test_bad_text_inputs(tg, text, expected):
    (reply,) = await ask(tg, text)
    assert expected in reply.result["text"]


async def test_group_behaviour(tg):
    group = -100123
    user = next(_users)
    before = len(tg.messages_to(group))
    tg.message("Who is Samat Abish?", user_id=user, chat_id=group, chat_type="supergroup")
    await asyncio.sleep(2)
    assert len(tg.messages_to(group)) == before  # plain chatter is ignored
    (reply,) = await ask(tg, f"@{BOT_USERNAME} Who is Samat Abish?", user=user, chat_id=group, chat_type="supergroup")
    assert "Abish" in reply.result["text"]
    bot_msg = {"message_id": reply.result["message_id"], "date": 0, "chat": {"id": group, "type": "supergroup"},
               "from": {"id": BOT_ID, "is_bot": True, "first_name": "Corpus"}, "text": "x"}
    (reply,) = await ask(tg, "And how many civilians died in January 2022?", user=user, chat_id=group,
                         chat_type="supergroup", reply_to=bot_msg)
    assert "238" in reply.result["text"]
    (reply,) = await ask(tg, "/ask Кто такой Джон Хербст?", user=user, chat_id=group, chat_type="supergroup")
    assert "Хербст" in reply.result["text"]


async def test_rate_limit(tg):
    user = next(_users)
    for _ in range(5):
        await ask(tg, "Who is Samat Abish?", user=user)
    (reply,) = await ask(tg, "Who is Samat Abish?", user=user)
    assert "faster than I can keep up" in reply.result["text"]
    first = tg.messages_to(user)[0]
    more = next(b["callback_data"] for b in buttons(first) if b["callback_data"].startswith("m|"))
    before, answered = len(tg.messages_to(user)), len([s for s in tg.sent if s.method == "answerCallbackQuery"])
    tg.press(more, first.result, user_id=user)  # "More results" is a retrieval too: limited alike
    for _ in range(100):
        alerts = [s for s in tg.sent if s.method == "answerCallbackQuery"][answered:]
        if alerts:
            break
        await asyncio.sleep(0.1)
    assert alerts and "faster than I can keep up" in alerts[0].params.get("text", "")
    assert len(tg.messages_to(user)) == before


async def test_survives_429_and_handler_errors(tg):
    tg.failures["sendMessage"].append(429)
    (reply,) = await ask(tg, "Who is Samat Abish?")
    assert "Abish" in reply.result["text"]
    tg.failures["sendMessage"].extend([500, 500, 500])  # every retry fails: the handler gives up
    (reply,) = await ask(tg, "Who is Samat Abish?")
    assert "something went wrong" in reply.result["text"]
    (reply,) = await ask(tg, "Who is Samat Abish?")  # and the bot keeps going
    assert "Abish" in reply.result["text"]


async def test_twenty_chats_at_once(tg):
    users = [next(_users) for _ in range(20)]
    before = {u: len(tg.messages_to(u)) for u in users}
    for u in users:
        tg.message("How many civilians died in the January 2022 protests?", user_id=u)
    for u in users:
        (reply,) = await tg.replies(u, before[u], timeout=120)
        assert "238" in reply.result["text"]


async def test_inline_mode_offers_the_answer_with_its_sources_to_post_anywhere(tg):
    sent = await tg.inline_answer(tg.inline("Who is Samat Abish?", user_id=7001))
    (article,) = sent.params["results"]
    posted = article["input_message_content"]
    assert article["type"] == "article" and posted["parse_mode"] == "HTML"
    assert posted["message_text"].startswith("<b>Who is Samat Abish?</b>")
    assert "[1]" in posted["message_text"] and "Putin holds ‘private’ talks" in posted["message_text"]
    assert "Abish" in article["title"] and len(article["title"]) <= 100 and article["description"]
    assert posted["link_preview_options"] == {"is_disabled": True}
    again = await tg.inline_answer(tg.inline("Who is  Samat Abish?", user_id=7002))
    assert again.params["results"][0]["id"] == article["id"]  # the same question, the same result for Telegram's cache
    declined = await tg.inline_answer(tg.inline("When will Tokayev visit Tokyo?", user_id=7001))
    assert "does not mention «Tokyo»" in declined.params["results"][0]["input_message_content"]["message_text"]
    for typing in ("Wh", "hi", "?!", "What is the capital of Peru?"):  # still typing, small talk, nothing found
        assert (await tg.inline_answer(tg.inline(typing, user_id=7003))).params["results"] == []
    budget = [(await tg.inline_answer(tg.inline("Who is Samat Abish?", user_id=7004))).params["results"]
              for _ in range(3 * 5 + 1)]  # three times the fixture's five messages a minute
    assert all(budget[:-1]) and budget[-1] == []


async def test_allow_list_refuses_politely(engine, tmp_path):
    async with running_bot(engine, tmp_path, telegram_allowed_users=[1]) as server:
        server.message("Who is Samat Abish?", user_id=99)
        (reply,) = await server.replies(99, 0)
        assert "private" in reply.result["text"] and "Samat" not in reply.result["text"]
        server.message("Who is Samat Abish?", user_id=1)
        (reply,) = await server.replies(1, 0)
        assert "Abish" in reply.result["text"]
        refused = await server.inline_answer(server.inline("Who is Samat Abish?", user_id=99))
        assert refused.params["results"] == []  # inline, nothing from the corpus either
        assert (await server.inline_answer(server.inline("Who is Samat Abish?", user_id=1))).params["results"]


@pytest.mark.parametrize("token,fragment", [(None, "not set"), ("12345:short", "malformed")])
def test_serve_checks_the_token(monkeypatch, token, fragment):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    env = {"TELEGRAM_BOT_TOKEN": token} if token else {}
    result = CliRunner().invoke(main, ["serve"], env=env)
    assert result.exit_code == 2 and fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    if token:
        assert token not in result.output


async def test_a_failed_typing_action_never_costs_the_answer(tg):
    tg.failures["sendChatAction"].extend([500, 502])
    (reply,) = await ask(tg, "Who is Samat Abish?")
    assert "Abish" in reply.result["text"]
    (reply,) = await ask(tg, "Who is Samat Abish?")
    assert "Abish" in reply.result["text"]


async def test_transient_send_failures_are_retried(tg):
    tg.failures["sendMessage"].extend([500, 502])  # two failed attempts, the third goes through
    (reply,) = await ask(tg, "Who is Samat Abish?")
    assert "Abish" in reply.result["text"]


async def test_token_never_reaches_the_logs(tg, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        tg.failures["sendChatAction"].append(500)  # an error path logs a traceback too
        (reply,) = await ask(tg, "Who is Samat Abish?")
        (reply,) = await ask(tg, "Who is Samat Abish?")
    assert caplog.records and TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


async def test_buttons_work_after_a_restart(engine, tmp_path):
    async with running_bot(engine, tmp_path) as server:
        server.message("When did Putin meet Nazarbayev?", user_id=7)
        (reply,) = await server.replies(7, 0)
    async with running_bot(engine, tmp_path) as server:  # a new process would see the same state file
        data = [b["callback_data"] for b in buttons(reply)]
        server.press(data[0], reply.result, user_id=7)
        server.press(next(d for d in data if d.startswith("m|")), reply.result, user_id=7)
        passage, page = await server.replies(7, 0, count=2)
        texts = passage.result["text"] + page.result["text"]
        assert "[6]" in texts and "expired" not in texts and "no longer" not in texts


async def test_saved_state_is_private_and_an_unreadable_one_is_set_aside(engine, tmp_path, caplog):
    """The state file holds users' questions: owner-only; a damaged one never stops the bot and is kept."""
    state = tmp_path / "bot-state.pickle"
    async with running_bot(engine, tmp_path) as server:
        server.message("When did Putin meet Nazarbayev?", user_id=7)
        await server.replies(7, 0)
    assert state.stat().st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob("*.partial"))  # written aside, then swapped in
    state.write_bytes(b"\x80\x05 not a pickle")
    state.chmod(0o644)
    async with running_bot(engine, tmp_path) as server:
        server.message("When did Putin meet Nazarbayev?", user_id=8)
        (reply,) = await server.replies(8, 0)
    assert "Dec. 19" in reply.result["text"] or "19" in reply.result["text"]
    assert (tmp_path / "bot-state.pickle.unreadable").read_bytes() == b"\x80\x05 not a pickle"
    assert state.stat().st_mode & 0o777 == 0o600
    assert "unreadable; starting afresh" in caplog.text


async def test_hundred_chats_at_once_lose_no_answer_under_faults(tg):
    """100 chats ask together while the Bot API answers 429s, 5xx and drops connections: every chat is answered."""
    from fake_telegram import DROP

    users = [next(_users) for _ in range(100)]
    before = {u: len(tg.messages_to(u)) for u in users}
    tg.failures["sendMessage"].extend([429, 500, DROP, 502, 503, DROP] * 5)  # an outage burst of 30 failures
    tg.failures["sendChatAction"].extend([500, DROP] * 10)
    for u in users:
        tg.message("How many civilians died in the January 2022 protests?", user_id=u)
    for u in users:
        (reply,) = await tg.replies(u, before[u], timeout=300)
        assert "238" in reply.result["text"], reply.result["text"]
    assert not tg.failures["sendMessage"], "the injected faults were all hit"


FIRST = "What did Valentina Matviyenko say about Tokayev's visit?"
FOLLOW_UP = "What is her position?"
FACT = "Совета Федерации"  # only found when "her" is read as Matviyenko


async def _say(server, user: int, text: str, chat: int | None = None) -> str:
    chat = chat or user
    before = len(server.messages_to(chat))
    server.message(text, user_id=user, chat_id=chat)
    (reply,) = await server.replies(chat, before)
    return reply


async def test_follow_ups_lean_on_the_chat_and_chats_are_independent(engine, tmp_path):
    async with running_bot(engine, tmp_path) as server:
        first = (await _say(server, 11, FIRST)).result["text"]
        follow = (await _say(server, 11, FOLLOW_UP)).result["text"]
        assert FACT in follow and FIRST in follow.split("\n")[0] and FIRST not in first  # says what it leaned on
        other = (await _say(server, 12, FOLLOW_UP)).result["text"]  # another chat: no history
        assert FACT not in other and "“her” points at no earlier question" in other.split("\n")[0]
        assert "points at no earlier question" not in follow
        await _say(server, 11, FIRST)
        (new,) = [await _say(server, 11, "/new")]
        assert "new conversation" in new.result["text"]
        assert FACT not in (await _say(server, 11, FOLLOW_UP)).result["text"]  # /new forgot it
        await _say(server, 13, FIRST)
    async with running_bot(engine, tmp_path) as server:  # a restart keeps the conversation
        assert FACT in (await _say(server, 13, FOLLOW_UP)).result["text"]


async def test_a_new_name_or_a_correction_asks_the_last_question_again_and_says_how(engine, tmp_path):
    async with running_bot(engine, tmp_path) as server:
        await _say(server, 37, "Who is Peskov?")
        corrected = (await _say(server, 37, "No, I meant Matviyenko")).result["text"]
        assert corrected.split("\n")[0] == "Read as “Who is Matviyenko?”" and FACT in corrected
        again = (await _say(server, 37, "And Aidos Ukibay?")).result["text"]  # the correction, read in turn
        assert again.split("\n")[0] == "Read as “Who is Aidos Ukibay?”" and "басма сөз катчысы" in again


async def test_tell_me_more_quotes_what_the_answer_left_out_and_pages_its_question(engine, tmp_path):
    async with running_bot(engine, tmp_path) as server:
        first = (await _say(server, 35, FIRST)).result["text"]
        more = await _say(server, 35, "Tell me more")
        text = more.result["text"]
        assert text.split("\n")[0] == f"Read with your earlier question “{FIRST}” (/new to ask afresh)"
        body = text.split("\n", 1)[1].split("Sources")[0]
        assert "[" in body and not {s for s in body.split(". ") if len(s) > 40} & {s for s in first.split(". ")}
        paging = next(b["callback_data"] for b in buttons(more) if b["callback_data"].startswith("m|"))
        before = len(server.messages_to(35))
        server.press(paging, more.result, user_id=35)
        (page,) = await server.replies(35, before)  # the sources of the earlier question, paged on
        assert page.result["text"].startswith("[") and "Tell me more" not in page.result["text"]


async def test_small_talk_gets_its_own_reply_and_leaves_the_chat_as_it_was(engine, tmp_path):
    async with running_bot(engine, tmp_path) as server:
        await _say(server, 31, FIRST)
        before = len(server.messages_to(31))
        server.message("Thanks!", user_id=31, chat_id=31)
        (thanks,) = await server.replies(31, before)
        assert thanks.result["text"] == "You're welcome! Ask another question whenever you like."
        assert not buttons(thanks)  # nothing cited, nothing to vote on
        assert (await _say(server, 31, "ok")).result["text"] == "Ask another question whenever you like."
        assert FACT in (await _say(server, 31, FOLLOW_UP)).result["text"]  # the follow-up still leans on FIRST
        before = len(server.messages_to(32))
        server.message("Кто ты?", user_id=32, chat_id=32, lang="en")
        (who,) = await server.replies(32, before)
        assert who.result["text"].startswith("Я отвечаю на вопросы") and "5 документов" in who.result["text"]
        assert "Сәлеметсіз бе!" in (await _say(server, 33, "Сәлем!")).result["text"]


async def test_a_follow_up_naming_another_month_keeps_asking_what_was_written(engine, tmp_path):
    async with running_bot(engine, tmp_path) as server:
        await _say(server, 15, "What was written in November about Tokayev's visit to Moscow?")
        switched = (await _say(server, 15, "And in September?")).result["text"]
        assert "Articles from September first" in switched and "— 2025-09-18" in switched


async def test_history_expires_after_the_idle_time(engine, tmp_path):
    async with running_bot(engine, tmp_path, conversation_ttl=1.0) as server:
        await _say(server, 21, FIRST)
        await asyncio.sleep(1.5)
        assert FACT not in (await _say(server, 21, FOLLOW_UP)).result["text"]


async def test_votes_are_stored_changed_and_exported(engine, tmp_path, monkeypatch):
    from bot.feedback import FeedbackStore

    async with running_bot(engine, tmp_path) as server:
        await _say(server, 31, FIRST)
        reply = await _say(server, 31, FOLLOW_UP)
        up, down = [b for b in buttons(reply) if b["text"] in ("👍", "👎")]
        for button in (up, down):  # the second vote replaces the first
            before = server.calls["answerCallbackQuery"]
            server.press(button["callback_data"], reply.result, user_id=31)
            while server.calls["answerCallbackQuery"] == before:
                await asyncio.sleep(0.05)
    (vote,) = FeedbackStore(tmp_path / "feedback.sqlite").export()
    assert vote["question"] == FOLLOW_UP and vote["history"] == [FIRST] and vote["vote"] == "down"
    assert vote["cited"] and all(":" in p for p in vote["cited"])
    import sqlite3

    rows = sqlite3.connect(tmp_path / "feedback.sqlite").execute("SELECT * FROM votes").fetchall()
    assert len(rows) == 1 and "31" not in {str(value) for value in rows[0]}  # the user id only hashed
    assert (tmp_path / "feedback.sqlite").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))
    result = CliRunner().invoke(main, ["feedback", "export", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == [vote]
