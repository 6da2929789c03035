"""``corpusbot``: build the index, ask questions, evaluate retrieval, run the Telegram bot.

A thin shell: every command turns options into ``Settings``, calls the core,
and prints text or (with ``--json``) one JSON object. Errors are one line on
stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Callable

import click

from index.settings import Settings, SettingsError, load_settings

EXIT_ERROR = 1
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_ERROR, kind: str = "error", as_json: bool = False) -> None:
    """One line on stderr and an exit code; with ``--json`` also ``{"error": {"kind", "message"}}`` on stdout."""
    click.echo(f"error: {message}", err=True)
    if as_json:
        click.echo(json.dumps({"error": {"kind": kind, "message": message}}, ensure_ascii=False))
    sys.exit(code)


def emit_json(obj: object) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def common_options(func: Callable) -> Callable:
    """--corpus and --index-dir override the settings on every command."""

    @click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=None,
                  help="Corpus directory (overrides CORPUS_DIR).")
    @click.option("--index-dir", "index_dir", type=click.Path(path_type=Path), default=None,
                  help="Index directory (overrides INDEX_DIR).")
    @functools.wraps(func)
    def wrapper(*args, corpus_dir: Path | None, index_dir: Path | None, **kwargs):
        try:
            settings = load_settings(corpus_dir=corpus_dir, index_dir=index_dir)
        except SettingsError as exc:
            fail(str(exc), EXIT_USAGE, "setting", bool(kwargs.get("as_json")))
        return func(*args, settings=settings, **kwargs)

    return wrapper


def handle_errors(func: Callable) -> Callable:
    """Known failures become one clear line; anything else is reported without a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from index.embed import ModelError
        from index.engine import QuestionError
        from index.evaluate import GoldFormatError
        from index.store import StoreError
        from index.vectors.cluster import ClusterError

        as_json = bool(kwargs.get("as_json"))
        try:
            return func(*args, **kwargs)
        except QuestionError as exc:
            fail(str(exc), EXIT_USAGE, exc.kind, as_json)
        except ModelError as exc:
            fail(str(exc), EXIT_ERROR, "model", as_json)
        except StoreError as exc:
            fail(str(exc), EXIT_ERROR, "index", as_json)
        except GoldFormatError as exc:
            fail(str(exc), EXIT_ERROR, "gold", as_json)
        except ClusterError as exc:
            fail(str(exc), EXIT_ERROR, "cluster", as_json)
        except (FileNotFoundError, ValueError) as exc:
            fail(str(exc), EXIT_ERROR, "input", as_json)
        except BrokenPipeError:  # `corpusbot ask … | head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second complaint at exit
            sys.exit(0)
        except OSError as exc:  # unwritable INDEX_DIR, a full disk, a path through a file
            where = f"cannot use {exc.filename}: " if exc.filename else ""
            fail(f"{where}{exc.strerror or exc}", EXIT_ERROR, "os", as_json)
        except KeyboardInterrupt:
            fail("interrupted", 130, "interrupted", as_json)

    return wrapper


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="corpusbot")
def main() -> None:
    """Ask questions of a multilingual news corpus (ru, kk, ky, en) and get answers with citations."""


@main.group("index")
def index_group() -> None:
    """Build and inspect the passage index."""


@index_group.command("build")
@common_options
@click.option("--full", is_flag=True, help="Re-embed every passage instead of reusing earlier embeddings.")
@click.option("--dry-run", is_flag=True, help="Only say what would be added, changed, removed and embedded.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
              help="Embed on a Ray cluster: alone, a local one on this machine; with ADDRESS "
                   "(ray://head:10001, auto), a running one. Default: BUILD_CLUSTER.")
@click.option("--workers", type=click.IntRange(1, 4096), default=None,
              help="Ray workers (one CPU each); default: every CPU of the cluster.")
@handle_errors
def index_build(settings: Settings, full: bool, dry_run: bool, as_json: bool, ray_address: str | None,
                workers: int | None) -> None:
    """Build the index of the corpus directory, embedding only new and changed documents."""
    from contextlib import nullcontext

    from index.build import build_index, plan_build
    from index.embed import latent_fingerprint, lazy_embedder, model_fingerprint

    if dry_run:
        report = plan_build(settings.corpus_dir, settings.index_dir,
                            model_fingerprint(settings.embedding_model, settings.model_cache_dir), full,
                            settings.max_document_bytes,
                            latent_fingerprint(settings.embedding_model) if settings.latent_terms else None,
                            settings.sentences_alone)
    else:
        address = ray_address or settings.build_cluster
        cluster = nullcontext(None)
        if address:  # reach the cluster before loading the model: an unreachable one fails in a second
            from index.vectors.cluster import RayEncoder

            cluster = RayEncoder(settings.embedding_model, settings.model_cache_dir,
                                 None if address == "local" else address, workers or settings.build_workers,
                                 settings.embed_batch_size, latent_terms=settings.latent_terms,
                                 sentences_alone=settings.sentences_alone)
        with cluster as on_ray:
            embedder = lazy_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size,
                                     settings.latent_terms, settings.sentences_alone)
            report = build_index(settings.corpus_dir, settings.index_dir, embedder,
                                 show_progress=not as_json and sys.stderr.isatty() and on_ray is None,
                                 language_debias=settings.language_debias, full=full,
                                 max_document_bytes=settings.max_document_bytes, notify=_say,
                                 faiss_index=settings.faiss_index, cluster=on_ray, milvus=settings.milvus())
    for problem in report.problems:
        _say(f"skipped {problem.source}: {problem.reason}")
    if as_json:
        emit_json(report.to_dict())
        return
    c = report.changes
    summary = (f"{len(c.added)} added, {len(c.changed)} changed, {len(c.removed)} removed, "
               f"{len(c.unchanged)} unchanged documents; {report.embedded} passages "
               f"{'to embed' if report.dry_run else 'embedded'}, {report.reused} reused")
    if report.dry_run:
        click.echo(f"Dry run: {summary}. Nothing was written.")
    else:
        click.echo(f"Indexed {report.documents} documents as {report.passages} passages in {report.seconds:.1f}s "
                   f"(embedding {report.embed_seconds:.1f}s): {summary} → {report.path}")
    for label, ids in (("added", c.added), ("changed", c.changed), ("removed", c.removed)):
        if ids:
            click.echo(f"  {label}: {', '.join(ids[:20])}{' …' if len(ids) > 20 else ''}")
    if report.removed:
        click.echo(f"  cleaning removed {sum(map(len, report.removed.values()))} paragraphs of page furniture "
                   f"from {len(report.removed)} documents (--json lists them)")


@index_group.command("verify")
@common_options
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
@handle_errors
def index_verify(settings: Settings, as_json: bool) -> None:
    """Check the index against its manifest, the model and the corpus; exit 1 on any mismatch."""
    from index.embed import model_fingerprint
    from index.verify import verify_index

    result = verify_index(settings.index_dir, settings.corpus_dir,
                          model_fingerprint(settings.embedding_model, settings.model_cache_dir),
                          settings.max_document_bytes, settings.milvus())
    if as_json:
        emit_json(result.to_dict())
    else:
        for check in result.checks:
            click.echo(f"ok    {check}")
        for problem in result.problems:
            click.echo(f"FAIL  {problem}")
    if not result.ok:
        sys.exit(EXIT_ERROR)


@index_group.command("status")
@common_options
@click.option("--json", "as_json", is_flag=True, help="Print status as JSON.")
@handle_errors
def index_status(settings: Settings, as_json: bool) -> None:
    """Show what the index holds and whether the corpus changed since it was built."""
    from index.status import index_status as status_of

    status = status_of(settings.index_dir, settings.corpus_dir, settings.milvus())
    if as_json:
        emit_json(status)
        return
    if not status["exists"]:
        click.echo(f"No index at {settings.index_dir}. Run `corpusbot index build`.")
        sys.exit(EXIT_ERROR)
    langs = ", ".join(f"{k} {v}" for k, v in status["languages"].items())
    click.echo("\n".join([
        f"index:       {status['path']}",
        f"documents:   {status['documents']} ({langs})",
        f"passages:    {status['passages']}",
        f"vectors:     {_describe_store(status)}",
        f"model:       {status['model']} (dim {status['dims']})",
        f"latent terms: {'yes' if status['latent_terms'] else 'no — the build has none; rebuild to add them'}",
        f"sentences alone: {'yes' if status['sentences_alone'] else 'no — answers use late-chunked sentence vectors; rebuild with SENTENCES_ALONE=true to add them'}",
        f"name direction: {_describe_names(status['name_direction'])}",
        f"sentence centres: {'yes' if status['sentence_centres'] else 'no — answers do not discount generic sentences; rebuild to add them'}",
        f"built at:    {status['built_at']}",
        f"corpus:      {status['corpus_dir']} ({status['corpus_fingerprint'][:12]})",
        f"stale:       {'yes — run `corpusbot index build`' if status['stale'] else 'no'}",
    ]))


def _describe_names(names: dict | None) -> str:
    if not names:
        return "no — a question's unseen first word is read as an ordinary word; rebuild to add it"
    learned = f"learned from {names['names']} names and {names['words']} ordinary words of the corpus"
    return learned + (" (reused from the build before: it learned from this corpus' words, or nearly)"
                      if names.get("reused") else "")


def _describe_store(status: dict) -> str:
    store = status["store"]
    if store["kind"] != "milvus":
        return f"FAISS {_describe_ann(status['faiss_index'])}"
    return (f"Milvus collection {store['collection']} at {store['uri']}, build {store['seq']}: "
            f"{store.get('rows_served', '?')} rows served, {store['index']['index_type']}")


def _describe_ann(spec: dict) -> str:
    params = ", ".join(f"{k} {v}" for k, v in spec.items() if k not in ("kind", "setting", "seconds"))
    exact = "exact" if spec["kind"] == "flat" else "approximate, re-scored exactly"
    return f"{spec['kind']} ({exact}{', ' + params if params else ''}; FAISS_INDEX={spec['setting']})"


MODE_OPTION = click.option("--mode", type=click.Choice(["dense", "bm25", "hybrid"]), default=None,
                           help="Retrieval: dense (embeddings), bm25 (words) or hybrid (both, fused; "
                                "the default, RETRIEVAL_MODE).")


TODAY_OPTION = click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                            help="Ask as if on this day (YYYY-MM-DD): what \"last month\" or «вчера» means. "
                                 "Default: the clock.")


def _day(today: datetime | None) -> date | None:
    return today.date() if today is not None else None


@main.command("ask")
@click.argument("question")
@click.option("--top-k", "-k", type=click.IntRange(1, 50), default=None, help="How many passages to cite (TOP_K).")
@MODE_OPTION
@click.option("--history", "-H", multiple=True, metavar="EARLIER",
              help="An earlier question of the conversation, oldest first (repeatable): QUESTION may lean on it.")
@TODAY_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@common_options
@handle_errors
def ask(question: str, top_k: int | None, mode: str | None, history: tuple[str, ...], today: datetime | None,
        as_json: bool, settings: Settings) -> None:
    """Answer QUESTION from the corpus, citing the passages it comes from."""
    from index.engine import open_engine, validate_question

    validate_question(question, settings.max_question_chars)  # before loading the model
    engine = open_engine(settings, notify=_say).asked_on(_day(today))
    answer = engine.ask(question, top_k or settings.top_k, mode, history=history)
    if as_json:
        emit_json(answer.to_dict())
        return
    print_answer(answer)


def print_answer(answer) -> None:
    """An answer as people read it in a terminal: the text, then its numbered sources."""
    if answer.read_as:
        click.echo(f"(read as “{answer.read_as}”)")
    if answer.read_with:
        click.echo(f"(read as a follow-up to “{answer.read_with}”)")
    if answer.unresolved:
        click.echo(f"(“{answer.unresolved}” points at no earlier question: name whom or what you mean)")
    if answer.period and answer.verdict == "answer":
        click.echo(f"(articles from {answer.period.label('en')} first)")
    click.echo(answer.answer)
    if answer.citations:
        click.echo("\nSources:")
    for c in answer.citations:
        also = f"; also in {', '.join(c.also_in)}" if c.also_in else ""
        score = f"similarity {c.similarity:.3f}" if c.similarity is not None else f"BM25 {c.score:.2f}"
        click.echo(f"[{c.n}] {c.title} — {c.date or 'undated'}, {c.lang}, {c.doc_id} ({score}{also})")
        if c.url:
            click.echo(f"    {c.url}")
        for paragraph in c.text.split("\n\n"):
            click.echo(click.wrap_text(paragraph, width=100, initial_indent="    ", subsequent_indent="    "))


@main.command("chat")
@click.option("--top-k", "-k", type=click.IntRange(1, 50), default=None, help="How many passages to cite (TOP_K).")
@click.option("--json", "as_json", is_flag=True,
              help="Read one question per line from stdin, print one JSON object per line (for scripts).")
@TODAY_OPTION
@common_options
@handle_errors
def chat(top_k: int | None, as_json: bool, today: datetime | None, settings: Settings) -> None:
    """A conversation in the terminal: follow-ups lean on your earlier questions. /new, /help, /quit; Ctrl-D ends."""
    from index.engine import open_engine

    from .chat import ChatSession

    engine = open_engine(settings, notify=_say).asked_on(_day(today))
    session = ChatSession(engine, top_k or settings.top_k, settings.conversation_ttl)
    if as_json:
        session.run_json(sys.stdin, emit_line=lambda obj: click.echo(json.dumps(obj, ensure_ascii=False)))
    else:
        session.run_terminal(settings.index_dir.parent / "chat-history", show=print_answer)


@main.command("eval")
@click.option("--gold", "gold_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Gold questions, JSONL.")
@click.option("--json", "as_json", is_flag=True, help="Print metrics as one JSON object.")
@click.option("--per-question", is_flag=True, help="Also report each question's rank and top score.")
@click.option("--curve", is_flag=True, help="Also report recall@k for k = 1…20.")
@MODE_OPTION
@TODAY_OPTION
@common_options
@handle_errors
def eval_cmd(gold_path: Path, as_json: bool, per_question: bool, curve: bool, mode: str | None,
             today: datetime | None, settings: Settings) -> None:
    """Measure retrieval (recall@1/5/10, MRR@10), answers (answer_hit) and declining on a gold set.

    A question with an ``asked`` day is asked on it; the others on --today, or today."""
    from index.engine import open_engine
    from index.evaluate import evaluate, load_gold

    gold = load_gold(gold_path)
    engine = open_engine(settings, notify=_say).asked_on(_day(today))
    depth = 20 if curve else 10
    started = time.perf_counter()
    top_k = settings.top_k
    report = evaluate(gold, lambda q, h, asked=None: engine.asked_on(asked).retrieve(q, depth, mode, history=h),
                      engine.confident, engine.min_score, depth,
                      answer=lambda q, hits, h, asked=None: engine.asked_on(asked).compose(q, hits[:top_k], history=h))
    report = {"mode": mode or engine.mode, **report}
    if not curve:
        report.pop("recall_curve")
    report["seconds"] = round(time.perf_counter() - started, 2)
    replies = report.pop("_replies")
    details = {"ranks": report.pop("_ranks"), "top_scores": report.pop("_top_scores"),
               "verdicts": {qid: r.verdict for qid, r in replies.items()},
               "answers": {qid: r.answer for qid, r in replies.items()}}
    if per_question:
        report["per_question"] = details
    if as_json:
        emit_json(report)
        return
    if report["n"]:
        click.echo(f"{report['mode']}: {report['n']} answerable questions · recall@1 {report['recall@1']:.3f} · "
                   f"recall@5 {report['recall@5']:.3f} · recall@10 {report['recall@10']:.3f} · "
                   f"MRR@10 {report['mrr@10']:.3f}")
        ci = report["ci95"]
        shown = [(k, k.replace("mrr", "MRR")) for k in ("recall@5", "mrr@10", "answer_hit") if k in ci]
        click.echo("  95% interval over the questions: "
                   + " · ".join(f"{label} {ci[k][0]:.3f}–{ci[k][1]:.3f}" for k, label in shown))
    else:
        click.echo(f"{report['mode']}: no answerable questions (a set of questions the corpus cannot answer)")
    for lang, m in report["by_lang"].items():
        click.echo(f"  {lang}: n={m['n']} recall@5 {m['recall@5']:.3f} MRR@10 {m['mrr@10']:.3f}")
    if report.get("answer_hit") is not None:
        by_lang = ", ".join(f"{lang} {m['answer_hit']:.3f}" for lang, m in report["by_lang"].items())
        click.echo(f"answer holds a gold phrase: {report['answer_hit']:.3f} ({by_lang}); "
                   f"its first sentence: {report['answer_lead_hit']:.3f}")
        if report.get("answer_complete") is not None:
            click.echo(f"  questions asking several things: every one stated {report['answer_complete']:.3f}")
        if report.get("by_kind"):
            click.echo("  by kind of question: " + ", ".join(
                f"{kind} (n={m['n']}) recall@5 {m['recall@5']:.3f}, answer {m['answer_hit']:.3f}"
                for kind, m in report["by_kind"].items()))
    a = report.get("abstention") or {}
    if a.get("unanswerable"):
        number = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
        click.echo(f"declining: recall {number(a['recall'])} on {a['unanswerable']} unanswerable, precision "
                   f"{number(a['precision'])}; {number(a['declined_answerable'])} of answerable declined")
    click.echo(f"latency p50 {report['latency_ms']['p50']} ms, p95 {report['latency_ms']['p95']} ms")
    if report["misses"]:
        click.echo(f"not in top 5: {', '.join(report['misses'])}")


@main.group("feedback")
def feedback() -> None:
    """Votes users gave answers in Telegram (👍/👎)."""


@feedback.command("export")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array instead of JSON lines.")
@common_options
@handle_errors
def feedback_export(as_json: bool, settings: Settings) -> None:
    """Print the votes as gold-set candidates: {"question", "history", "cited", "vote"}, one per line."""
    from .feedback import FILE, FeedbackStore

    path = settings.index_dir.parent / FILE
    votes = FeedbackStore(path).export() if path.exists() else []
    if as_json:
        emit_json(votes)
        return
    for vote in votes:
        click.echo(json.dumps(vote, ensure_ascii=False))
    if not votes:
        _say(f"no votes yet ({path})")


@main.command("serve")
@common_options
@handle_errors
def serve(settings: Settings) -> None:
    """Run the Telegram bot (long polling; webhook when TELEGRAM_WEBHOOK_URL is set)."""
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.metrics import BotMetrics
    from bot.telegram import (PollingWatchdog, build_application, check_token, configure_logging, redact,
                              run_polling, webhook_config)
    from index.engine import open_engine

    try:
        token = check_token(settings)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    webhook = webhook_config(settings) if settings.telegram_webhook_url else None
    configure_logging(settings.log_level, [token, webhook["secret_token"] if webhook else ""])
    engine = open_engine(settings, notify=_say)
    watchdog = None if webhook else PollingWatchdog()
    metrics = BotMetrics()
    app = build_application(settings, engine, watchdog=watchdog, metrics=metrics)
    if settings.metrics_port:
        try:
            metrics.serve(settings.metrics_listen, settings.metrics_port)
        except OSError as exc:
            fail(f"cannot serve metrics on {settings.metrics_listen}:{settings.metrics_port}: {exc.strerror} "
                 f"(set METRICS_PORT, or 0 to turn it off)")
    _say(f"corpusbot: serving {engine.index.manifest['passage_count']} passages "
         f"via {'webhook' if webhook else 'long polling'}")
    try:
        if webhook:
            app.run_webhook(**webhook)
        else:
            run_polling(app, watchdog)
    except InvalidToken:
        fail("Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped); get a valid one from @BotFather")
    except NetworkError as exc:
        fail(f"cannot reach the Bot API at {settings.telegram_base_url.split('/bot')[0]}: "
             f"{redact(str(exc), [token])}")
    except TelegramError as exc:
        fail(f"the Bot API refused to start the bot: {redact(str(exc), [token])}")


if __name__ == "__main__":  # pragma: no cover
    main()
