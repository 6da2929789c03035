"""What an operator watches: Prometheus metrics and a health check, on a local port of ``corpusbot serve``.

``GET /metrics`` (prometheus-client's text format) and ``GET /healthz``
(JSON; 200 while the bot serves an index, 503 otherwise) from a small
threaded HTTP server bound to ``METRICS_LISTEN:METRICS_PORT`` (127.0.0.1
by default; ``METRICS_PORT=0`` turns it off). The registry belongs to one
``BotMetrics`` object, not to the process, so tests and a second bot never
share counters.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

OUTCOMES = ("answer", "not_stated", "not_found", "small_talk", "refused", "failed")


class BotMetrics:
    """Counters the handlers bump, and gauges read from the engine being served at scrape time."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.questions = Counter("corpusbot_questions", "Questions handled, by outcome", ["outcome"],
                                 registry=self.registry)
        for outcome in OUTCOMES:
            self.questions.labels(outcome)
        self.latency = Histogram("corpusbot_answer_seconds", "Time to answer a question (retrieval and reply)",
                                 buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=self.registry)
        self.api_errors = Counter("corpusbot_bot_api_errors", "Bot API calls that failed, by error type", ["type"],
                                  registry=self.registry)
        self.votes = Counter("corpusbot_answer_votes", "Votes on answers, by direction", ["vote"],
                             registry=self.registry)
        self.reloads = Counter("corpusbot_index_reloads", "New index builds swapped in while running",
                               registry=self.registry)
        self._engine: Callable[[], object] | None = None
        Gauge("corpusbot_index_passages", "Passages in the index being served", registry=self.registry
              ).set_function(lambda: self._manifest().get("passage_count", 0))
        Gauge("corpusbot_index_age_seconds", "Seconds since the served index was built", registry=self.registry
              ).set_function(self._age)

    def observe(self, engine: Callable[[], object]) -> None:
        """Where the served engine is found (it changes on hot reload)."""
        self._engine = engine

    def _manifest(self) -> dict:
        engine = self._engine() if self._engine else None
        return getattr(getattr(engine, "index", None), "manifest", None) or {}

    def _age(self) -> float:
        built = self._manifest().get("built_at")
        return time.time() - datetime.fromisoformat(built).timestamp() if built else float("nan")

    def health(self) -> tuple[int, dict]:
        engine = self._engine() if self._engine else None
        index = getattr(engine, "index", None)
        if index is None:
            return 503, {"status": "starting"}
        manifest = index.manifest
        return 200, {"status": "ok", "index_build": index.path.name, "built_at": manifest.get("built_at"),
                     "passages": manifest.get("passage_count"), "age_seconds": round(self._age(), 1)}

    def serve(self, listen: str, port: int) -> ThreadingHTTPServer:
        """Start the HTTP endpoint in a daemon thread; returns the server (``shutdown()`` stops it)."""
        metrics = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path.split("?")[0] == "/metrics":
                    self._send(200, generate_latest(metrics.registry), CONTENT_TYPE_LATEST)
                elif self.path.split("?")[0] == "/healthz":
                    code, body = metrics.health()
                    self._send(code, json.dumps(body).encode(), "application/json")
                else:
                    self._send(404, b"not found\n", "text/plain")

            def _send(self, code: int, body: bytes, kind: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:  # scrapes every few seconds are not log lines
                pass

        server = ThreadingHTTPServer((listen, port), Handler)
        threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
        return server
