"""`corpusbot serve` as a real process against a local Bot API server: start-up failures and the webhook's gate.

Everything listens on 127.0.0.1; every process started here is stopped by its PID.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from conftest import ROOT, SEEDS
from fake_telegram import DROP, FakeTelegram

TOKEN = "987654321:" + "Zq8" * 12  # realistic shape: digits, colon, 36 token characters
OTHER = "123456789:" + "B" * 35
SERVE = [sys.executable, "-c", "from bot.cli import main; main()", "serve"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def serve_env(seed_index_dir, model_cache) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    return {**keep, "INDEX_DIR": str(seed_index_dir), "CORPUS_DIR": str(SEEDS), "MODEL_CACHE_DIR": str(model_cache),
            "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": TOKEN, "RELOAD_INTERVAL": "0", "METRICS_PORT": "0"}


async def _run_to_exit(env: dict[str, str], timeout: float = 120) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(*SERVE, env=env, cwd=ROOT / "tests",
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return proc.returncode, out.decode("utf-8", "replace")


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
@pytest.mark.parametrize("failure", ["token_rejected", "api_unreachable"])
async def test_start_up_failures_are_one_line_and_never_show_the_token(serve_env, level, failure):
    server = FakeTelegram(OTHER)  # knows another token: getMe answers 401, as Telegram does for a revoked one
    await server.start()
    base = server.base_url if failure == "token_rejected" else f"http://127.0.0.1:{_free_port()}/bot"
    try:
        code, output = await _run_to_exit({**serve_env, "LOG_LEVEL": level, "TELEGRAM_BASE_URL": base})
    finally:
        await server.stop()
    assert code == 1, output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
    if level == "INFO":  # at DEBUG tracebacks are wanted, redacted like everything else
        assert "Traceback" not in output, output[-3000:]
    last = output.strip().splitlines()[-1]
    assert last.startswith("error: ") and ("rejected" in last if failure == "token_rejected" else "reach" in last)


async def _stop(proc: asyncio.subprocess.Process) -> None:
    """SIGTERM, as a supervisor stops the bot; SIGKILL if it has not exited in 30 s."""
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()


async def _wait_for(predicate, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.1)


def _update(update_id: int, user: int, chat: int, text: str) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": "u", "language_code": "en"}}}


async def test_webhook_refuses_forged_updates_and_answers_genuine_ones(serve_env, tmp_path):
    server = FakeTelegram(TOKEN)
    await server.start()
    port = _free_port()
    env = {**serve_env, "TELEGRAM_BASE_URL": server.base_url, "TELEGRAM_ALLOWED_USERS": "777",
           "TELEGRAM_WEBHOOK_URL": "https://bot.example.invalid/tg/hook", "TELEGRAM_WEBHOOK_PORT": str(port),
           "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1", "INDEX_DIR": serve_env["INDEX_DIR"]}
    log = open(tmp_path / "serve.log", "wb")
    proc = await asyncio.create_subprocess_exec(*SERVE, env=env, cwd=ROOT / "tests", stdout=log,
                                                stderr=asyncio.subprocess.STDOUT)
    hook = f"http://127.0.0.1:{port}/tg/hook"
    try:
        await _wait_for(lambda: server.webhook is not None)
        secret = server.webhook.get("secret_token")
        assert secret and len(secret) >= 32 and server.webhook["url"] == "https://bot.example.invalid/tg/hook"
        async with aiohttp.ClientSession() as http:
            async def post(url: str, body: dict, header: str | None) -> int:
                headers = {"X-Telegram-Bot-Api-Secret-Token": header} if header is not None else {}
                for _ in range(100):  # the listener may come up a moment after setWebhook
                    try:
                        async with http.post(url, json=body, headers=headers) as response:
                            return response.status
                    except aiohttp.ClientConnectorError:
                        await asyncio.sleep(0.1)
                raise AssertionError("webhook listener never came up")

            # an allowed sender id with an attacker's chat, without or with a wrong secret: refused
            forged = _update(1, user=777, chat=666, text="Who is Samat Abish?")
            assert await post(hook, forged, None) == 403
            assert await post(hook, forged, "not-the-secret") == 403
            assert await post(f"http://127.0.0.1:{port}/", forged, secret) in (403, 404)
            # the genuine update, on the URL's own path with Telegram's header: answered
            assert await post(hook, _update(2, user=777, chat=777, text="Who is Samat Abish?"), secret) == 200
            (reply,) = await server.replies(777, 0)
            assert "Abish" in reply.result["text"]
            # an unknown sender with the right secret still meets the allow-list
            assert await post(hook, _update(3, user=555, chat=555, text="Who is Samat Abish?"), secret) == 200
            (refusal,) = await server.replies(555, 0)
            assert "Abish" not in refusal.result["text"]
            # forged callback data is answered and runs nothing
            press = {"update_id": 4, "callback_query": {
                "id": "cb1", "chat_instance": "ci", "data": "m|x",
                "from": {"id": 777, "is_bot": False, "first_name": "u", "language_code": "en"},
                "message": reply.result | {"chat": {"id": 777, "type": "private"}}}}
            before = server.calls["answerCallbackQuery"]
            assert await post(hook, press, secret) == 200
            await _wait_for(lambda: server.calls["answerCallbackQuery"] > before, 30)
        await asyncio.sleep(0.5)
        assert not server.messages_to(666), "a forged update reached the attacker's chat"
        assert proc.returncode is None, "the bot died"
    finally:
        await _stop(proc)
        log.close()
        await server.stop()
    output = Path(tmp_path / "serve.log").read_text("utf-8", "replace")
    assert TOKEN not in output and secret not in output and "Traceback" not in output, output[-3000:]


async def test_token_revoked_while_polling_ends_the_process(serve_env, tmp_path):
    """No zombie: the process exits 1 with one line a supervisor can act on, and never shows the token.

    Polls are held half a second, so the revocation meets the bot within its
    first second of polling, before the watchdog's first look used to come.
    """
    server = FakeTelegram(TOKEN, max_hold=0.5)
    await server.start()
    env = {**serve_env, "TELEGRAM_BASE_URL": server.base_url}
    proc = await asyncio.create_subprocess_exec(*SERVE, env=env, cwd=ROOT / "tests", stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT)
    try:
        await _wait_for(lambda: server.calls["getUpdates"] > 0)
        server.message("Who is Samat Abish?", user_id=4242)
        await server.replies(4242, 0)  # alive and answering
        server.token = OTHER  # revoked: every call with the old token now gets 401
        out, _ = await asyncio.wait_for(proc.communicate(), 90)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await server.stop()
    output = out.decode("utf-8", "replace")
    assert proc.returncode == 1, output[-2000:]
    assert output.strip().splitlines()[-1].startswith("error: Telegram rejected TELEGRAM_BOT_TOKEN")
    assert TOKEN not in output and TOKEN.split(":")[1] not in output and "Traceback" not in output


async def test_an_outage_is_one_line_per_episode_not_a_traceback_per_poll(serve_env, tmp_path):
    """Polls failing with 502s and dropped connections: one line when it starts, one when it ends, answers resume."""
    server = FakeTelegram(TOKEN)
    await server.start()
    log = open(tmp_path / "serve.log", "wb")
    proc = await asyncio.create_subprocess_exec(*SERVE, env={**serve_env, "TELEGRAM_BASE_URL": server.base_url},
                                                cwd=ROOT / "tests", stdout=log, stderr=asyncio.subprocess.STDOUT)
    try:
        await _wait_for(lambda: server.calls["getUpdates"] > 0)
        server.failures["getUpdates"] = [502, DROP, 502]  # python-telegram-bot backs off 1, 1.5, 2.25 s
        server.message("Who is Samat Abish?", user_id=4242)  # ends the running long poll; the next three fail
        await server.replies(4242, 0)
        await _wait_for(lambda: not server.failures["getUpdates"])
        server.message("Who is Samat Abish?", user_id=4343)
        (reply,) = await server.replies(4343, 0)  # polling came back by itself
        assert "Abish" in reply.result["text"]
    finally:
        await _stop(proc)
        log.close()
        await server.stop()
    output = Path(tmp_path / "serve.log").read_text("utf-8", "replace")
    assert output.count("Bot API unreachable") == 1, output[-3000:]
    assert output.count("Bot API reachable again") == 1 and "(3 failed polls)" in output, output[-3000:]
    assert "Traceback" not in output and "update failed" not in output and TOKEN not in output, output[-3000:]


async def test_metrics_and_health_endpoints(serve_env):
    """/healthz names the build being served; /metrics counts answers, their latency and the index."""
    server = FakeTelegram(TOKEN)
    await server.start()
    port = _free_port()
    env = {**serve_env, "TELEGRAM_BASE_URL": server.base_url, "METRICS_PORT": str(port)}
    proc = await asyncio.create_subprocess_exec(*SERVE, env=env, cwd=ROOT / "tests", stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    try:
        await _wait_for(lambda: server.calls["getUpdates"] > 0)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                health = await response.json()
                assert response.status == 200 and health["status"] == "ok" and health["passages"] == 33
                assert health["index_build"] == Path(serve_env["INDEX_DIR"], "current").resolve().name
            server.message("Who is Samat Abish?", user_id=4343)
            await server.replies(4343, 0)
            server.message("lorem ipsum dolor sit amet", user_id=4344)
            await server.replies(4344, 0)
            await asyncio.sleep(0.3)
            async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                text = await response.text()
            async with http.get(f"http://127.0.0.1:{port}/other") as response:
                assert response.status == 404
        assert 'corpusbot_questions_total{outcome="answer"} 1.0' in text
        assert 'corpusbot_questions_total{outcome="not_found"} 1.0' in text
        assert "corpusbot_answer_seconds_count 2.0" in text and "corpusbot_index_passages 33.0" in text
        assert "corpusbot_index_age_seconds" in text and TOKEN not in text
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 30)
        await server.stop()
