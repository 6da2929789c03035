"""A small Telegram Bot API server on 127.0.0.1 for end-to-end tests.

It speaks the real HTTP protocol python-telegram-bot uses (``/bot<token>/<method>``,
form or JSON parameters, ``{"ok": ..., "result": ...}`` answers) and enforces the
limits that matter to us: 4096-character messages, 64-byte callback data, and
Telegram's HTML entity parsing errors. Tests push user updates in, read what the
bot sent, and can make the next calls of a method fail with 429 or 5xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

from aiohttp import web

BOT_ID = 777000111
BOT_USERNAME = "corpus_test_bot"
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "tg-spoiler", "span", "blockquote", "tg-emoji"}


class EntityError(ValueError):
    pass


class _TelegramHTML(HTMLParser):
    """Parse like Telegram: only its tags, every tag closed, text length counted after entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            raise EntityError(f'Unsupported start tag "{tag}"')
        href = dict(attrs).get("href") or ""
        if tag == "a" and not href.startswith(("http://", "https://", "tg://")):  # Telegram refuses other links
            raise EntityError(f'Unsupported URL protocol in "{href}"')
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            raise EntityError(f'Unexpected end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text: str) -> str:
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    return "".join(parser.text)


DROP = 0  # a "failure code" that aborts the connection instead of answering


@dataclass
class Sent:
    method: str
    params: dict
    result: dict


@dataclass
class FakeTelegram:
    token: str
    updates: list[dict] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    port: int = 0
    webhook: dict | None = None  # the last setWebhook call's parameters
    # The longest a getUpdates call is held (None: its own timeout). Telegram may answer a long poll early
    # with no updates; a short hold makes a changed token or failure reach the bot at its next call.
    max_hold: float | None = None

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._new_update = asyncio.Event()
        self._new_sent = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._closing = False

    # ---- server ----------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Answer the long polls still held (their bot may be gone), so the shutdown does not wait them out."""
        self._closing = True
        self._new_update.set()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        self.calls[method] += 1
        if self.failures[method]:
            code = self.failures[method].pop(0)
            if code == DROP:  # the connection dies mid-request, as on a flaky network
                request.transport.abort()
                return web.Response(status=500)
            if code == 429:
                return web.json_response({"ok": False, "error_code": 429,
                                          "description": "Too Many Requests: retry after 1",
                                          "parameters": {"retry_after": 1}}, status=429)
            return _error(code, "Internal Server Error")
        handler = getattr(self, f"m_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params)
        except EntityError as exc:
            return _error(400, f"Bad Request: can't parse entities: {exc}")
        except ValueError as exc:
            return _error(400, f"Bad Request: {exc}")
        if method not in ("getUpdates", "getMe"):
            self.sent.append(Sent(method, params, result if isinstance(result, dict) else {}))
            self._new_sent.set()
        return web.json_response({"ok": True, "result": result})

    # ---- Bot API methods ---------------------------------------------------------------
    async def m_getMe(self, p):
        return {"id": BOT_ID, "is_bot": True, "first_name": "Corpus", "username": BOT_USERNAME,
                "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}

    async def m_getUpdates(self, p):
        offset, timeout = int(p.get("offset") or 0), float(p.get("timeout") or 0)
        deadline = time.monotonic() + (timeout if self.max_hold is None else min(timeout, self.max_hold))
        while True:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if self.updates or time.monotonic() >= deadline or self._closing:
                return self.updates[: int(p.get("limit") or 100)]
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), max(0.01, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                pass

    async def m_deleteWebhook(self, p):
        return True

    async def m_setWebhook(self, p):
        self.webhook = dict(p)
        self._new_sent.set()
        return True

    async def m_setMyCommands(self, p):
        return True

    async def m_sendChatAction(self, p):
        return True

    async def m_answerCallbackQuery(self, p):
        return True

    async def m_sendMessage(self, p):
        text = str(p.get("text", ""))
        plain = parse_html(text) if p.get("parse_mode") == "HTML" else text
        if not plain.strip():
            raise ValueError("message text is empty")
        if len(plain) > 4096:
            raise ValueError("message is too long")
        markup = p.get("reply_markup")
        if markup:
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(data.encode()) <= 64:
                        raise ValueError("BUTTON_DATA_INVALID")
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": int(p["chat_id"]), "type": "private" if int(p["chat_id"]) > 0 else "group"},
                "from": await self.m_getMe({}), "text": plain,
                **({"reply_markup": markup} if markup else {})}

    async def m_answerInlineQuery(self, p):
        """Checked as Telegram checks it: at most 50 results, ids of 1–64 bytes, each message well-formed."""
        results = p.get("results") or []
        if len(results) > 50:
            raise ValueError("RESULTS_TOO_MUCH")
        for result in results:
            if not 1 <= len(str(result.get("id", "")).encode()) <= 64:
                raise ValueError("RESULT_ID_INVALID")
            content = result.get("input_message_content") or {}
            text = str(content.get("message_text", ""))
            plain = parse_html(text) if content.get("parse_mode") == "HTML" else text
            if not plain.strip() or len(plain) > 4096:
                raise ValueError("MESSAGE_EMPTY" if not plain.strip() else "MESSAGE_TOO_LONG")
        return True

    async def m_editMessageText(self, p):
        return await self.m_sendMessage(p)

    # ---- test helpers ------------------------------------------------------------------
    def push(self, update: dict) -> int:
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, **update})
        self._new_update.set()
        return update_id

    def message(self, text: str | None, user_id: int = 42, chat_id: int | None = None, chat_type: str = "private",
                lang: str = "en", reply_to: dict | None = None, **extra) -> int:
        chat_id = chat_id if chat_id is not None else user_id
        msg = {"message_id": next(self._message_ids), "date": int(time.time()),
               "chat": {"id": chat_id, "type": chat_type, **({"title": "group"} if chat_type != "private" else {})},
               "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}", "language_code": lang},
               **extra}
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            elif f"@{BOT_USERNAME}" in text:
                msg["entities"] = [{"type": "mention", "offset": text.index("@"), "length": len(BOT_USERNAME) + 1}]
        if reply_to:
            msg["reply_to_message"] = reply_to
        return self.push({"message": msg})

    def press(self, data: str, message: dict, user_id: int = 42, lang: str = "en") -> int:
        return self.push({"callback_query": {
            "id": str(next(self._message_ids)), "chat_instance": "ci", "data": data, "message": message,
            "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}", "language_code": lang}}})

    def inline(self, query: str, user_id: int = 42, lang: str = "en") -> str:
        """A user typing "@bot query" in some chat; the inline query's id, which its answer carries."""
        query_id = str(next(self._message_ids))
        self.push({"inline_query": {"id": query_id, "query": query, "offset": "",
                                    "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}",
                                             "language_code": lang}}})
        return query_id

    async def inline_answer(self, query_id: str, timeout: float = 60.0) -> Sent:
        answered = lambda: next((s for s in self.sent if s.method == "answerInlineQuery"  # noqa: E731
                                 and s.params.get("inline_query_id") == query_id), None)
        return await self._sent_when(answered, timeout, lambda: f"inline query {query_id} was not answered")

    def messages_to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.method == "sendMessage" and int(s.params["chat_id"]) == chat_id]

    async def replies(self, chat_id: int, after: int, count: int = 1, timeout: float = 60.0) -> list[Sent]:
        """Wait for ``count`` messages to ``chat_id`` beyond the first ``after``."""
        arrived = lambda: self.messages_to(chat_id)[after:] if len(self.messages_to(chat_id)) >= after + count \
            else None  # noqa: E731
        return await self._sent_when(arrived, timeout, lambda: (
            f"chat {chat_id}: {len(self.messages_to(chat_id)) - after} of {count} replies"))

    async def _sent_when(self, ready, timeout: float, failure):
        """``ready()``'s answer once it is not None, checked whenever the bot sends; AssertionError(``failure()``)
        after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while (found := ready()) is None:
            if time.monotonic() > deadline:
                raise AssertionError(failure())
            self._new_sent.clear()
            try:
                await asyncio.wait_for(self._new_sent.wait(), 0.5)
            except asyncio.TimeoutError:
                pass
        return found


def _error(code: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": code, "description": description}, status=code)


async def _params(request: web.Request) -> dict:
    if request.content_type == "application/json":
        raw = await request.json()
    else:
        raw = dict(await request.post()) if request.can_read_body else {}
        raw.update(request.query)
    out = {}
    for key, value in raw.items():
        if isinstance(value, str) and key in ("reply_markup", "allowed_updates", "commands", "entities",
                                                 "link_preview_options", "results", "button"):
            value = json.loads(value)
        out[key] = value
    return out


@contextlib.asynccontextmanager
async def polling_bot(settings, engine, state_file):
    """The real Application, long-polling ``settings.telegram_base_url`` (a FakeTelegram), stopped on exit."""
    from bot.telegram import build_application

    app = build_application(settings, engine, state_file=state_file)
    await app.initialize()
    await app.post_init(app)
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.post_stop(app)
        await app.shutdown()

