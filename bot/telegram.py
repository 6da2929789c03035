"""The Telegram shell: python-telegram-bot handlers around the same Engine the CLI uses.

Small handlers, one job each, wired in ``build_application``. Retrieval runs in
a thread pool so one slow question never stalls other chats; Telegram's own
flood limits (429) are handled by ``AIORateLimiter``; every unexpected error
reaches one error handler that logs it (with the token redacted) and tells the
user something went wrong, and the bot keeps running.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import re
import secrets
import time
from collections import OrderedDict, defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from telegram import (BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResultArticle,
                      InputTextMessageContent, LinkPreviewOptions, Message, Update)
from telegram.constants import ChatAction, ParseMode
from telegram.error import NetworkError, TelegramError
from telegram.ext import (AIORateLimiter, Application, ApplicationBuilder, ApplicationHandlerStop,
                          CallbackQueryHandler, CommandHandler, ContextTypes, Defaults, InlineQueryHandler,
                          MessageHandler,
                          TypeHandler, filters)
from telegram.request import HTTPXRequest

from index.answer import compose_answer
from index.conversation import Conversation
from index.engine import Engine, QuestionError, validate_question
from index.settings import Settings
from index.small_talk import SmallTalk

from . import render
from .metrics import BotMetrics
from .feedback import FILE as FEEDBACK_FILE, FeedbackStore
from .messages import EXAMPLES, say
from .reload import IndexReloader
from .state import BotState

log = logging.getLogger("corpusbot.telegram")
TOKEN_RE = re.compile(r"^\d{5,12}:[A-Za-z0-9_-]{30,}$")
RECENT_ANSWERS = 500  # answers whose "more results" button keeps working (persisted across restarts)
SOURCES_LISTED = 40  # /sources lists this many of the newest documents
# Inline mode ("@bot question" in any chat): a query shorter than this is still being typed; typing sends a query
# at each pause, so a user gets this many times the per-minute budget of messages; Telegram may cache an answer
# this many seconds; a result's title and description are cut to this length.
INLINE_MIN_CHARS, INLINE_BUDGET, INLINE_CACHE, INLINE_TITLE = 4, 3, 300, 100
COMMANDS = [("help", "How to ask, with examples"), ("ask", "Ask a question (in groups)"),
            ("new", "Start a new conversation (forget earlier questions)"),
            ("sources", "The indexed documents"), ("about", "Index status")]


def redact(text: str, secrets_: list[str]) -> str:
    """``text`` with every secret (bot token, webhook secret) replaced; empty secrets are skipped."""
    for secret in secrets_:
        if secret:
            text = text.replace(secret, "<redacted>")
    return text


class RedactSecrets(logging.Filter):
    """Replace the bot token wherever it would appear in a log line (httpx logs request URLs)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret and self.secret in message:
            record.msg, record.args = redact(message, [self.secret]), ()
        return True


class RedactingFormatter(logging.Formatter):
    """Redacts secrets in the *formatted* line, so exception text and tracebacks are covered too.

    A filter only sees the message; python-telegram-bot puts the token into
    exception messages (InvalidToken) and URLs inside tracebacks.
    """

    def __init__(self, secrets_: list[str], fmt: str | None = None, tracebacks: bool = False) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets_ if s]
        self.tracebacks = tracebacks

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        """Below DEBUG an exception is one line (its type and message): an outage is not 90 lines a poll."""
        if self.tracebacks:
            return super().formatException(ei)
        return f"{ei[0].__name__}: {ei[1]}"

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str, secrets_: list[str]) -> None:
    """One root handler on stderr whose every line, tracebacks included, has the secrets removed."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(secrets_, LOG_FORMAT, tracebacks=level == "DEBUG"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)


def webhook_config(settings: Settings) -> dict:
    """``run_webhook`` arguments: listen on the webhook URL's own path, and require Telegram's secret header."""
    from urllib.parse import urlparse

    url = settings.telegram_webhook_url or ""
    secret = (settings.telegram_webhook_secret.get_secret_value() if settings.telegram_webhook_secret
              else secrets.token_urlsafe(32))
    return {"listen": settings.telegram_webhook_listen, "port": settings.telegram_webhook_port,
            "url_path": urlparse(url).path.strip("/"), "webhook_url": url, "secret_token": secret,
            "allowed_updates": Update.ALL_TYPES}


class CorpusBot:
    """The handlers and the state they share (engine, executor, per-user rate windows)."""

    def __init__(self, engine: Engine, settings: Settings, executor: ThreadPoolExecutor | None = None,
                 metrics: BotMetrics | None = None, outage: OutageLog | None = None,
                 feedback: FeedbackStore | None = None) -> None:
        self.engine = engine
        self.feedback = feedback
        self._pruned_at = 0.0
        self.settings = settings
        self.executor = executor or ThreadPoolExecutor(max_workers=2, thread_name_prefix="retrieval")
        self.allowed = set(settings.telegram_allowed_users)
        self.recent: dict[int, deque[float]] = defaultdict(deque)
        self.recent_inline: dict[int, deque[float]] = defaultdict(deque)  # typing sends several: a budget of its own
        self.metrics = metrics or BotMetrics()
        self.metrics.observe(lambda: self.engine)
        self.outage = outage

    def use_engine(self, engine: Engine) -> None:
        """Serve a new index from the next question on (in-flight ones keep the engine they started with)."""
        self.engine = engine
        self.metrics.reloads.inc()

    # ---- gates -------------------------------------------------------------------------
    async def check_allowed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not self.allowed or (user and user.id in self.allowed):
            return
        lang = render.ui_lang(user.language_code if user else None)
        if update.callback_query:
            await update.callback_query.answer(say(lang, "refused", uid=user.id if user else "?"), show_alert=True)
        elif update.inline_query:  # no chat to write to: no results, and Telegram stops waiting for them
            await update.inline_query.answer([], cache_time=0, is_personal=True)
        elif update.effective_message and update.effective_chat.type == "private":
            self.metrics.questions.labels("refused").inc()
            await update.effective_message.reply_text(say(lang, "refused", uid=user.id if user else "?"))
        raise ApplicationHandlerStop

    def _rate_limited(self, user_id: int, inline: bool = False) -> int:
        """Seconds to wait, or 0 when the user may ask now (sliding one-minute window)."""
        window, now = (self.recent_inline if inline else self.recent)[user_id], time.monotonic()
        limit = self.settings.rate_limit_per_minute * (INLINE_BUDGET if inline else 1)
        while window and now - window[0] >= 60:
            window.popleft()
        if len(window) >= limit:
            return max(1, int(60 - (now - window[0])) + 1)
        window.append(now)
        return 0

    # ---- commands ----------------------------------------------------------------------
    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(self._help_text(_lang(update), context.bot.username),
                                                  parse_mode=ParseMode.HTML)

    def _help_text(self, lang: str, bot: str) -> str:
        docs = self.engine.index.documents
        dates = docs.date_range() or ("?", "?")
        langs = ", ".join(render.LANG_NAMES.get(code, code) for code in docs.languages())
        examples = "\n".join(f"• {render.esc(text)}" for text in EXAMPLES.values())
        return say(lang, "help", docs=len(docs), langs=render.esc(langs), first=render.esc(dates[0]),
                   last=render.esc(dates[-1]), examples=examples, bot=render.esc(bot))

    async def sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        lang = _lang(update)
        docs = self.engine.index.documents
        lines = [f"• {render.linked(d.title, d.url)} — {render.esc(d.date or render.TEXTS[lang]['undated'])}, "
                 f"{render.LANG_NAMES.get(d.lang, d.lang)} (<code>{render.esc(d.doc_id)}</code>)"
                 for d in docs.latest(SOURCES_LISTED)]
        if len(docs) > SOURCES_LISTED:  # an archive is listed by its newest articles, not in a hundred messages
            lines.insert(0, say(lang, "newest", shown=SOURCES_LISTED, docs=len(docs)))
        for text in render.pack(lines, sep="\n"):
            await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)

    async def about(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        m = self.engine.index.manifest
        await update.effective_message.reply_text(say(
            _lang(update), "about", built=m["built_at"], docs=m["doc_count"], passages=m["passage_count"],
            model=m["model_id"]))

    async def ask_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.answer(update, context, " ".join(context.args or []))

    async def new_conversation(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _conversation(update, context).turns.clear()
        await update.effective_message.reply_text(say(_lang(update), "new"))

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(say(_lang(update), "unknown"))

    # ---- messages ----------------------------------------------------------------------
    async def private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.answer(update, context, update.effective_message.text or "")

    async def group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In groups, only a mention of the bot or a reply to it is a question."""
        message, me = update.effective_message, context.bot
        mention = f"@{me.username}".lower() if me.username else None
        text = message.text or ""
        replied = message.reply_to_message and message.reply_to_message.from_user \
            and message.reply_to_message.from_user.id == me.id
        if mention and mention in text.lower():
            text = re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE)
        elif not replied:
            return
        await self.answer(update, context, text)

    async def not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(say(_lang(update), "not_text"))

    async def answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
        message, lang = update.effective_message, _lang(update)
        try:
            validate_question(question, self.settings.max_question_chars)
        except QuestionError as exc:
            await message.reply_text(say(lang, exc.kind, example=EXAMPLES[lang], chars=len(question),
                                         limit=self.settings.max_question_chars))
            return
        wait = self._rate_limited(update.effective_user.id)
        if wait:
            await message.reply_text(say(lang, "slow_down", limit=self.settings.rate_limit_per_minute, wait=wait))
            return
        try:  # "typing…" is a courtesy: never worth losing the answer over
            await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
        except TelegramError as exc:
            log.warning("typing action failed (%s); answering anyway", type(exc).__name__)
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        conversation, now = _conversation(update, context), time.time()
        history = conversation.history(now, self.settings.conversation_ttl)
        result = await loop.run_in_executor(self.executor, functools.partial(
            self.engine.ask, question, self.settings.top_k, history=history))
        if result.talk is not None:  # "hi", «спасибо»: a reply of its own, and no question for a follow-up to lean on
            await self.small_talk(message, result.talk)
            self.metrics.questions.labels(result.verdict).inc()
            return
        conversation.add(question, now)
        self._forget_idle_chats(context.application, now)
        key = _remember(context.bot_data, {"q": question, "lang": lang, "history": list(history),
                                           "cited": [c.passage_id for c in result.citations]}) \
            if result.citations else None
        markup = _markup(render.keyboard(result.citations, key, 1, lang))  # None when nothing is cited
        texts = render.pack(render.answer_blocks(result, lang))
        for i, text in enumerate(texts):
            await with_retries(lambda i=i, text=text: message.reply_text(
                text, parse_mode=ParseMode.HTML, reply_markup=markup if i == len(texts) - 1 else None,
                do_quote=i == 0))
        self.metrics.latency.observe(time.perf_counter() - started)
        self.metrics.questions.labels(result.verdict).inc()

    async def small_talk(self, message: Message, talk: SmallTalk) -> None:
        """A greeting, thanks or goodbye in the message's own language; "who are you?" gets /help in it."""
        text = self._help_text(talk.lang, message.get_bot().username) if talk.kind == "identity" \
            else render.esc(talk.reply)
        await with_retries(lambda: message.reply_text(text, parse_mode=ParseMode.HTML))

    # ---- inline mode -------------------------------------------------------------------
    async def inline_query(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """"@bot question" in any chat: the answer with its sources, as one result to post there.

        Telegram sends a query each time the user pauses typing, so a query too short to be a
        question, one refused like a message, small talk or nothing found gets no result rather than
        a reply nobody would post; the rest are answered as a first question, since an inline
        query has no conversation to lean on.
        """
        query, lang = update.inline_query, _lang(update)
        text = " ".join(query.query.split())
        try:
            validate_question(text, self.settings.max_question_chars)
        except QuestionError:
            text = ""
        if len(text) < INLINE_MIN_CHARS or self._rate_limited(query.from_user.id, inline=True):
            await query.answer([], cache_time=0, is_personal=True)
            return
        result = await asyncio.get_running_loop().run_in_executor(self.executor, functools.partial(
            self.engine.ask, text, self.settings.top_k))
        self.metrics.questions.labels(result.verdict).inc()
        if result.verdict not in ("answer", "not_stated"):
            await query.answer([], cache_time=INLINE_CACHE, is_personal=False)
            return
        posted = render.pack([f"<b>{render.esc(text)}</b>", *render.answer_blocks(result, lang)])[0]
        article = InlineQueryResultArticle(
            id=hashlib.sha256(f"{self.engine.index.manifest['built_at']}\n{text}".encode()).hexdigest()[:32],
            title=render.shortened(result.lead or result.answer, INLINE_TITLE),
            description=render.shortened(", ".join(dict.fromkeys(c.title for c in result.citations)), INLINE_TITLE),
            input_message_content=InputTextMessageContent(posted, parse_mode=ParseMode.HTML))
        await query.answer([article], cache_time=INLINE_CACHE, is_personal=False)

    # ---- buttons -----------------------------------------------------------------------
    async def show_passage(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, lang = update.callback_query, _lang(update)
        wanted = query.data.split("|", 1)[1]
        passage = self.engine.index.passages.find(wanted)
        if passage is None:
            await query.answer(render.TEXTS[lang]["gone"], show_alert=True)
            return
        await query.answer()
        for text in render.passage_message(passage.title, passage.date, passage.lang, passage.doc_id,
                                           passage.text, lang, passage.url):
            await query.message.reply_text(text, parse_mode=ParseMode.HTML)

    async def more_results(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        _, key, page_text = query.data.split("|")
        saved = context.bot_data.get("answers", {}).get(key)
        lang = _lang(update)
        if saved is None:
            await query.answer(render.TEXTS[lang]["expired"], show_alert=True)
            return
        wait = self._rate_limited(update.effective_user.id)  # a page is a retrieval too
        if wait:
            await query.answer(say(lang, "slow_down", limit=self.settings.rate_limit_per_minute, wait=wait),
                               show_alert=True)
            return
        await query.answer()
        page, k = int(page_text), self.settings.top_k
        cited = set(saved.get("cited", ()))  # the answer's own (a message of several questions cites more than k)
        loop = asyncio.get_running_loop()
        hits = await loop.run_in_executor(self.executor, functools.partial(
            self.engine.retrieve, saved["q"], k * (page + 1) + len(cited) + 1,
            history=tuple(saved.get("history", ()))))
        rest = [c for c in compose_answer(saved["q"], hits, []).citations if c.passage_id not in cited]
        # numbered on from the answer's own citations, so a number never names two passages
        shown = [replace(c, n=len(cited) + k * (page - 1) + i) for i, c in enumerate(rest[k * (page - 1): k * page], 1)]
        has_more = len(rest) > k * page
        if not shown:
            await query.message.reply_text(render.TEXTS[lang]["no_more"])
            return
        text = render.pack([render.source_line(c, lang) for c in shown], sep="\n")[0]
        markup = _markup(render.keyboard(shown, key, page + 1 if has_more else None, lang))
        await query.message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def vote(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, lang = update.callback_query, _lang(update)
        _, key, sign = query.data.split("|")
        saved = context.bot_data.get("answers", {}).get(key)
        if saved is None or self.feedback is None:
            await query.answer(render.TEXTS[lang]["expired"], show_alert=True)
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.executor, functools.partial(
            self.feedback.vote, key, update.effective_user.id, 1 if sign == "+" else -1, saved["q"],
            saved.get("history", []), saved.get("cited", [])))
        self.metrics.votes.labels("up" if sign == "+" else "down").inc()
        await query.answer(say(lang, "voted"))

    def _forget_idle_chats(self, application: Application, now: float) -> None:
        """Drop the saved data of chats whose conversations have all expired (at most once a minute)."""
        if now - self._pruned_at < 60:
            return
        self._pruned_at = now
        ttl = self.settings.conversation_ttl
        for chat_id, data in list(application.chat_data.items()):
            if all(c.expired(now, ttl) for c in data.get("conversations", {}).values()):
                application.drop_chat_data(chat_id)

    async def unknown_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer(render.TEXTS[_lang(update)]["expired"], show_alert=True)

    # ---- errors ------------------------------------------------------------------------
    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update is None and isinstance(context.error, NetworkError) and self.outage is not None:
            self.metrics.api_errors.labels(type(context.error).__name__).inc()
            self.outage.failed(context.error)  # a failed poll: python-telegram-bot retries it with backoff
            return
        log.error("update failed: %s", type(context.error).__name__, exc_info=context.error)
        if isinstance(context.error, TelegramError):
            self.metrics.api_errors.labels(type(context.error).__name__).inc()
        if isinstance(update, Update) and update.effective_message and update.effective_message.text:
            self.metrics.questions.labels("failed").inc()
        if isinstance(update, Update) and update.effective_message:
            try:
                await update.effective_message.reply_text(say(_lang(update), "error"))
            except Exception:  # noqa: BLE001 - the network may be what failed
                log.warning("could not tell the user about the error")


SEND_ATTEMPTS = 3


async def with_retries(send, attempts: int = SEND_ATTEMPTS, delay: float = 0.5):
    """Send, retrying transient Bot API failures (5xx, dropped connections, timeouts) with backoff.

    429s are AIORateLimiter's; a 4xx other than that is our own mistake and is not retried.
    """
    for attempt in range(1, attempts + 1):
        try:
            return await send()
        except NetworkError as exc:  # TimedOut is one; BadRequest and Forbidden are not
            if attempt == attempts:
                raise
            log.warning("sending failed (%s); retry %d of %d", type(exc).__name__, attempt, attempts - 1)
            await asyncio.sleep(delay * 2 ** (attempt - 1))


def _lang(update: Update) -> str:
    user = update.effective_user
    return render.ui_lang(user.language_code if user else None)


def _markup(rows: list[list[render.Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in rows])


def _conversation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    """This chat's conversation; in a group, each member's own (per forum topic)."""
    chat, message = update.effective_chat, update.effective_message
    key = 0 if chat.type == "private" else (update.effective_user.id, message.message_thread_id or 0)
    return context.chat_data.setdefault("conversations", {}).setdefault(key, Conversation())


def _remember(bot_data: dict, entry: dict) -> str:
    answers = bot_data.setdefault("answers", OrderedDict())
    key = secrets.token_urlsafe(6)
    answers[key] = entry
    while len(answers) > RECENT_ANSWERS:
        answers.popitem(last=False)
    return key


class OutageLog:
    """A Bot API outage is one episode in the log: a line when polls start failing, one when they succeed again.

    python-telegram-bot already retries failed polls with backoff (up to 30 s
    apart); without this every retry would be its own error line.
    """

    def __init__(self) -> None:
        self.since: float | None = None
        self.failures = 0

    def failed(self, exc: BaseException) -> None:
        self.failures += 1
        if self.since is None:
            self.since = time.monotonic()
            log.warning("Bot API unreachable (%s: %s); polling retries with backoff", type(exc).__name__, exc)

    def succeeded(self) -> None:
        if self.since is not None:
            log.warning("Bot API reachable again after %.0f s (%d failed polls)",
                        time.monotonic() - self.since, self.failures)
            self.since, self.failures = None, 0


POLLING_TASK = "Updater:start_polling:polling_task"  # the name python-telegram-bot gives its polling task


class PollRequest(HTTPXRequest):
    """The getUpdates connection, telling ``OutageLog`` when a poll got through again.

    It also shows the watchdog python-telegram-bot's polling task: each poll
    runs while that task waits on it, so the first poll finds it alive, before
    any answer (a 401 among them) can end it. The watchdog's own first look
    came a second late: a token revoked within it left a silent zombie.
    """

    def __init__(self, outage: OutageLog, watchdog: "PollingWatchdog | None" = None) -> None:
        super().__init__(connection_pool_size=1)  # what python-telegram-bot uses for polling
        self.outage = outage
        self.watchdog = watchdog

    async def do_request(self, *args, **kwargs) -> tuple[int, bytes]:
        if self.watchdog is not None and self.watchdog.polling is None:
            self.watchdog.polling = next((t for t in asyncio.all_tasks() if t.get_name() == POLLING_TASK), None)
        code, payload = await super().do_request(*args, **kwargs)
        if code < 500:
            self.outage.succeeded()
        return code, payload


class PollingWatchdog:
    """Ends the process when polling has died for good, instead of leaving a silent zombie.

    python-telegram-bot stops its polling task when the token is rejected
    (revoked while the bot runs) but keeps the application alive, so a
    supervisor never learns of it. This watches that task and stops the
    application; ``failure`` then tells the shell to exit non-zero.
    """

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.failure: BaseException | None = None
        self._task: asyncio.Task | None = None
        self.polling: asyncio.Task | None = None  # found by PollRequest; held on to (all_tasks() lists live ones)

    def start(self, application: Application) -> None:
        self._task = asyncio.create_task(self._watch(application), name="corpusbot:polling-watchdog")

    async def stop(self) -> None:
        if self._task and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _watch(self, application: Application) -> None:
        while True:
            await asyncio.sleep(self.interval)
            task = self.polling
            if task is not None and task.done() and not task.cancelled() and task.exception() is not None:
                self.failure = task.exception()
                log.error("polling stopped for good (%s); shutting down", type(self.failure).__name__)
                application.stop_running()
                return


def run_polling(application: Application, watchdog: PollingWatchdog) -> None:
    """``run_polling``, but a polling failure the watchdog caught ends in a clean shutdown and is re-raised.

    When the updater's task died, python-telegram-bot's own shutdown stops at
    ``updater.stop()`` (which re-raises that task's error) and skips stopping
    the application, so pending tasks would be destroyed with noise at exit.
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        try:
            application.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)
        except TelegramError:
            if watchdog.failure is None:
                raise
            for step in (application.stop() if application.running else None,
                         application.post_stop(application) if application.post_stop else None,
                         application.shutdown()):
                if step is not None:
                    with contextlib.suppress(TelegramError, RuntimeError):
                        loop.run_until_complete(step)
        if watchdog.failure is not None:
            raise watchdog.failure
    finally:
        loop.close()


async def post_init(application: Application, reloader: IndexReloader | None = None,
                    watchdog: PollingWatchdog | None = None) -> None:
    await application.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
    if reloader:
        reloader.start()
    if watchdog:
        watchdog.start(application)


async def post_stop(application: Application, reloader: IndexReloader | None = None,
                    watchdog: PollingWatchdog | None = None) -> None:
    if reloader:
        await reloader.stop()
    if watchdog:
        await watchdog.stop()


def build_application(settings: Settings, engine: Engine, state_file: Path | None = None,
                      watchdog: PollingWatchdog | None = None, metrics: BotMetrics | None = None) -> Application:
    """The whole bot, wired in one place."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets(token))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    state_file = state_file or settings.index_dir.parent / "bot-state.pickle"
    state_file.parent.mkdir(parents=True, exist_ok=True)
    outage = OutageLog()
    app = (ApplicationBuilder().token(token)
           .base_url(settings.telegram_base_url).base_file_url(settings.telegram_base_file_url)
           .get_updates_request(PollRequest(outage, watchdog))
           .rate_limiter(AIORateLimiter(max_retries=3))
           .persistence(BotState(state_file))
           .concurrent_updates(True)
           # sources link to their articles: five previews under an answer would bury it
           .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
           .build())
    feedback = FeedbackStore(state_file.with_name(FEEDBACK_FILE))
    bot = CorpusBot(engine, settings, metrics=metrics, outage=outage, feedback=feedback)
    reloader = IndexReloader(lambda: bot.engine, bot.use_engine, settings.index_dir, settings.reload_interval,
                             settings.milvus())
    app.post_init = functools.partial(post_init, reloader=reloader, watchdog=watchdog)
    app.post_stop = functools.partial(post_stop, reloader=reloader, watchdog=watchdog)
    private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
    app.add_handler(TypeHandler(Update, bot.check_allowed), group=-1)
    app.add_handler(CommandHandler(["start", "help"], bot.help))
    app.add_handler(CommandHandler("sources", bot.sources))
    app.add_handler(CommandHandler("about", bot.about))
    app.add_handler(CommandHandler("new", bot.new_conversation))
    app.add_handler(CommandHandler("ask", bot.ask_command))
    app.add_handler(MessageHandler(filters.COMMAND, bot.unknown_command))
    app.add_handler(MessageHandler(private & filters.TEXT, bot.private_text))
    app.add_handler(MessageHandler(groups & filters.TEXT, bot.group_text))
    app.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, bot.not_text))
    app.add_handler(InlineQueryHandler(bot.inline_query))
    app.add_handler(CallbackQueryHandler(bot.show_passage, pattern=r"^p\|[^|]{1,62}$"))
    app.add_handler(CallbackQueryHandler(bot.more_results, pattern=r"^m\|[\w-]{1,40}\|\d{1,4}$"))
    app.add_handler(CallbackQueryHandler(bot.vote, pattern=r"^v\|[\w-]{1,40}\|[+-]$"))
    app.add_handler(CallbackQueryHandler(bot.unknown_button))  # forged or outdated data: answered, never run
    app.add_error_handler(bot.on_error)
    return app


def check_token(settings: Settings) -> str:
    """The token, or a ValueError with one clear line (never echoing the token)."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set; get one from @BotFather and put it in .env")
    token = settings.telegram_bot_token.get_secret_value().strip()
    if not TOKEN_RE.match(token):
        raise ValueError("TELEGRAM_BOT_TOKEN is malformed (expected <digits>:<35 letters> from @BotFather)")
    return token
