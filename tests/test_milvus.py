"""VECTOR_STORE=milvus against a real Milvus engine on 127.0.0.1: same answers as FAISS, builds in place,
visible atomically, a killed build harmless, and the CLI and the bot's reload working through it."""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from pymilvus.client.connection_manager import ConnectionManager

from bot.cli import main
from index import ann
from index.build import build_index
from index.candidates.milvus import MilvusConnection
from index.engine import Engine
from index.evaluate import evaluate, load_gold
from index.fuse import FusionParams
from index.period import read_period
from index.store import load_index
from test_lifecycle import EDITED, NEW_DOC, NEW_QUESTION, NEW_TEXT, REMOVED  # the same corpus changes

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


@pytest.fixture()
def index_dir(tmp_path, seed_index_dir) -> Path:
    """An empty index folder holding the session's embedding cache: builds here embed only new text."""
    shutil.copytree(seed_index_dir / "cache", tmp_path / "index" / "cache")
    return tmp_path / "index"


def _rows_in_collection(connection: MilvusConnection) -> int:
    (row,) = connection.client().query(connection.passages, filter="", output_fields=["count(*)"])
    return int(row["count(*)"])


@pytest.fixture()
def connection(milvus_uri, request) -> MilvusConnection:
    """A collection of its own for each test, on the session's engine."""
    return MilvusConnection(milvus_uri, collection=f"t_{request.node.name[:40]}".replace("-", "_").replace("[", "_")
                            .replace("]", "_"))


@pytest.fixture(scope="session")
def milvus_seed_index(tmp_path_factory, embedder, milvus_uri):
    index_dir = tmp_path_factory.mktemp("milvus-seed-index")
    build_index(ROOT / "seeds", index_dir, embedder, milvus=MilvusConnection(milvus_uri, collection="seeds"))
    return load_index(index_dir, embedder.fingerprint, milvus=MilvusConnection(milvus_uri, collection="seeds"))


def _report(engine: Engine, gold_file: str) -> dict:
    gold = load_gold(DATA / gold_file)
    report = evaluate(gold, lambda q, h: engine.retrieve(q, 10, history=h), engine.confident, engine.min_score, 10,
                      answer=lambda q, hits, h: engine.compose(q, hits[:5], history=h))
    report["verdicts"] = {qid: r.verdict for qid, r in report.pop("_replies").items()}
    return report


@pytest.mark.parametrize("gold_file", ["gold.jsonl", "test.jsonl", "names.jsonl", "followups_test.jsonl"])
def test_milvus_gives_the_faiss_answers(gold_file, engine, embedder, milvus_seed_index):
    assert milvus_seed_index.store_kind == "milvus" and milvus_seed_index.vectors is None
    faiss_report = _report(engine, gold_file)
    milvus = engine.with_index(milvus_seed_index)  # the same basis: questions are embedded once, for both stores
    milvus_report = _report(milvus, gold_file)
    for metric in ("recall@1", "recall@5", "recall@10", "mrr@10", "answer_hit"):
        assert abs(milvus_report[metric] - faiss_report[metric]) <= 0.005, (metric, milvus_report, faiss_report)
    assert milvus_report["_ranks"] == faiss_report["_ranks"]  # the same rank for every question
    assert milvus_report["verdicts"] == faiss_report["verdicts"]  # and the same answer or decline


def test_candidates_carry_the_faiss_scores(engine, embedder, milvus_seed_index):
    question = "Кто такой Самат Абиш?"
    vector = engine.query_vector(question)
    local = engine.index.source.propose(vector, question, "ru", 100)
    remote = milvus_seed_index.source.propose(vector, question, "ru", 100)
    assert remote.rows.tolist() == local.rows.tolist()
    assert abs(remote.cosine - local.cosine).max() < 1e-5
    assert abs(remote.bm25 - local.bm25).max() < 1e-4 * max(1.0, float(local.bm25.max()))
    assert abs(remote.coverage - local.coverage).max() < 1e-9


def test_a_periods_passages_are_proposed_by_the_date_field_as_by_faiss(engine, milvus_seed_index):
    """A question scoped by a period: each store also proposes its top rows among the period's (period.py)."""
    question = "Что писали в сентябре о визите Токаева в Москву?"
    vector = engine.query_vector(question)
    dated = engine.dated(read_period(question))
    assert dated == (("2025-09-", "2025-09-~"),)
    local, remote = (store.propose(vector, question, "ru", 5, dated) for store in
                     (engine.index.source, milvus_seed_index.source))
    assert remote.rows.tolist() == local.rows.tolist()
    plain = engine.index.source.propose(vector, question, "ru", 5)
    september = {int(r) for r in engine.index.passages.rows_dated(dated)}
    assert not september & set(plain.rows.tolist())  # five each: the November articles fill them
    assert len(september & set(local.rows.tolist())) >= 5  # and the period's best five join them
    assert Engine(engine.embedder, milvus_seed_index, fusion=replace(FusionParams(), depth=5)).ask(
        question).citations[0].date == "2025-09-18"
    yesterday = "Что писали вчера о визите Токаева в Москву?"  # a span of days: the filter's bounds are whole dates
    day = engine.asked_on(date(2025, 9, 19)).dated(read_period(yesterday, date(2025, 9, 19)))
    assert day == (("2025-09-18", "2025-09-19"),)
    local, remote = (store.propose(vector, yesterday, "ru", 5, day) for store in
                     (engine.index.source, milvus_seed_index.source))
    assert remote.rows.tolist() == local.rows.tolist()
    plain = set(engine.index.source.propose(vector, yesterday, "ru", 5).rows.tolist())
    assert not september & plain and september & set(remote.rows.tolist())  # the day's passages join the five


def test_builds_change_the_collection_in_place_and_show_atomically(seeds_copy, index_dir, embedder, vectors_only,
                                                                   connection):
    build_index(seeds_copy, index_dir, vectors_only, milvus=connection)
    before = load_index(index_dir, embedder.fingerprint, milvus=connection)
    (seeds_copy / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    edited = seeds_copy / f"{EDITED}.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("238 civilians", "239 civilians"), encoding="utf-8")
    removed_passages = sum(1 for p in before.passages if p.doc_id == REMOVED)
    (seeds_copy / f"{REMOVED}.txt").unlink()

    report = build_index(seeds_copy, index_dir, vectors_only, milvus=connection)

    after = load_index(index_dir, embedder.fingerprint, milvus=connection)
    store = after.manifest["store"]
    assert store["seq"] == before.manifest["store"]["seq"] + 1
    assert store["inserted"] == report.embedded  # only the new and the edited passages went in
    assert store["retired"] == removed_passages + 1  # the removed document's and the edited passage's old row
    assert after.source.count() == len(after.passages)
    new_engine, old_engine = Engine(embedder, after), Engine(embedder, before)
    assert new_engine.retrieve(NEW_QUESTION, 1)[0].passage.doc_id == "900_solar"
    assert "412 megawatts" in new_engine.ask(NEW_QUESTION).answer
    assert all(h.passage.doc_id != REMOVED for h in new_engine.retrieve("Айдос Укибай Назарбаев", 10))
    # The build before is still whole (a bot that has not reloaded yet answers from it), and sees nothing new.
    assert before.source.count() == len(before.passages)
    assert any(h.passage.doc_id == REMOVED for h in old_engine.retrieve("Айдос Укибай Назарбаев", 10))
    assert all(h.passage.doc_id != "900_solar" for h in old_engine.retrieve(NEW_QUESTION, 10))

    build_index(seeds_copy, index_dir, vectors_only, milvus=connection)  # nothing changed: rows retired twice ago go
    latest = load_index(index_dir, embedder.fingerprint, milvus=connection)
    assert latest.manifest["store"]["inserted"] == 0 and _rows_in_collection(connection) == len(latest.passages)
    full = build_index(seeds_copy, index_dir, vectors_only, milvus=connection, full=True)
    rewritten = load_index(index_dir, embedder.fingerprint, milvus=connection).manifest["store"]
    assert rewritten["inserted"] == full.passages == rewritten["retired"]


def test_crossing_to_an_approximate_index_writes_a_new_generation(seeds_copy, index_dir, embedder, vectors_only,
                                                                  connection, monkeypatch):
    """A corpus that outgrows the exact index gets IVF in a fresh collection: the served one keeps answering,
    untouched, while the build runs, and goes once no build that can be served reads it."""
    build_index(seeds_copy, index_dir, vectors_only, milvus=connection)
    served = load_index(index_dir, embedder.fingerprint, milvus=connection)
    assert served.manifest["store"]["index"]["index_type"] == "FLAT"
    engine = Engine(embedder, served)
    questions = [q.question for q in load_gold(DATA / "gold.jsonl") if q.answerable][:25]
    expected = {q: [h.passage.passage_id for h in engine.retrieve(q, 5)] for q in questions}
    monkeypatch.setattr(ann, "EXACT_BELOW", 10)  # the seeds now count as a corpus that needs IVF
    failures: list[str] = []
    building = threading.Event()

    def ask_while_building() -> None:  # what a bot that has not reloaded yet does meanwhile
        while not building.is_set():
            for question, want in expected.items():
                try:
                    got = [h.passage.passage_id for h in engine.retrieve(question, 5)]
                except Exception as exc:  # noqa: BLE001 - any failure of the served build is the finding
                    failures.append(repr(exc)[:200])
                    continue
                if got != want:
                    failures.append(f"{question}: {got} != {want}")

    asker = threading.Thread(target=ask_while_building)
    asker.start()
    try:
        build_index(seeds_copy, index_dir, vectors_only, milvus=connection)
    finally:
        building.set()
        asker.join()
    assert failures == []
    assert connection.client().describe_index(connection.passages, "dense")["index_type"] == "FLAT"  # untouched

    after = load_index(index_dir, embedder.fingerprint, milvus=connection)
    store = after.manifest["store"]
    assert store["index"]["index_type"] == "IVF_FLAT" and store["collection"] == connection.generation_name(1)
    assert store["inserted"] == len(after.passages) == after.source.count() and store["retired"] == 0
    question = questions[0]
    assert [h.passage.passage_id for h in Engine(embedder, after).retrieve(question, 5)] == expected[question]
    assert connection.passages in connection.client().list_collections()  # the build before still reads it
    build_index(seeds_copy, index_dir, vectors_only, milvus=connection)  # nothing changed: in place, and it goes
    latest = load_index(index_dir, embedder.fingerprint, milvus=connection).manifest["store"]
    assert latest["collection"] == connection.generation_name(1) and latest["inserted"] == 0
    assert connection.passages not in connection.client().list_collections()


def test_a_killed_milvus_build_leaves_the_served_one(seeds_copy, index_dir, embedder, model_cache, connection):
    build_index(seeds_copy, index_dir, embedder, milvus=connection)
    serving = os.readlink(index_dir / "current")
    served = load_index(index_dir, embedder.fingerprint, milvus=connection)
    (seeds_copy / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    (seeds_copy / f"{REMOVED}.txt").unlink()
    env = {**os.environ, "MODEL_CACHE_DIR": str(model_cache), "PYTHONPATH": str(ROOT), "VECTOR_STORE": "milvus",
           "MILVUS_URI": connection.uri, "MILVUS_COLLECTION": connection.collection}
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "crash_build.py"), "before_publish", "--corpus",
                             str(seeds_copy), "--index-dir", str(index_dir)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT / "tests")
    try:
        line = proc.stdout.readline()
        assert line.strip() == "AT before_publish", (line, proc.stderr.read()[-2000:] if proc.poll() else "")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

    # The killed build wrote its rows; the served build neither sees them nor lost its own.
    assert os.readlink(index_dir / "current") == serving
    assert _rows_in_collection(connection) > len(served.passages)
    reopened = load_index(index_dir, embedder.fingerprint, milvus=connection)
    assert reopened.source.count() == len(served.passages)
    old = Engine(embedder, reopened)
    assert "238" in old.ask("How many civilians died in the January 2022 protests?").answer
    assert any(h.passage.doc_id == REMOVED for h in old.retrieve("Айдос Укибай Назарбаев", 10))

    build_index(seeds_copy, index_dir, embedder, milvus=connection)  # the next build cleans up after it
    after = load_index(index_dir, embedder.fingerprint, milvus=connection)
    assert after.manifest["store"]["recovered"] == sum(1 for p in served.passages if p.doc_id == REMOVED)
    assert after.source.count() == len(after.passages)
    assert Engine(embedder, after).retrieve(NEW_QUESTION, 1)[0].passage.doc_id == "900_solar"
    build_index(seeds_copy, index_dir, embedder, milvus=connection)
    assert _rows_in_collection(connection) == len(after.passages)  # nothing of the killed build is left


def _env(monkeypatch, model_cache, index_dir: Path, connection: MilvusConnection) -> None:
    monkeypatch.setenv("MODEL_CACHE_DIR", str(model_cache))
    monkeypatch.setenv("INDEX_DIR", str(index_dir))
    monkeypatch.setenv("VECTOR_STORE", "milvus")
    monkeypatch.setenv("MILVUS_URI", connection.uri)
    monkeypatch.setenv("MILVUS_COLLECTION", connection.collection)


def test_cli_builds_reports_and_answers_through_milvus(index_dir, model_cache, monkeypatch, connection):
    _env(monkeypatch, model_cache, index_dir, connection)
    built = CliRunner().invoke(main, ["index", "build", "--json"])
    assert built.exit_code == 0, built.output
    status = CliRunner().invoke(main, ["index", "status", "--json"])
    store = json.loads(status.stdout)["store"]
    assert store["kind"] == "milvus" and store["rows_served"] == json.loads(status.stdout)["passages"]
    text = CliRunner().invoke(main, ["index", "status"])
    assert f"Milvus collection {connection.passages}" in text.stdout
    verified = CliRunner().invoke(main, ["index", "verify"])
    assert verified.exit_code == 0 and "served by Milvus" in verified.stdout, verified.output
    asked = CliRunner().invoke(main, ["ask", "--json", "Who is Samat Abish?"])
    reply = json.loads(asked.stdout)
    assert asked.exit_code == 0 and reply["verdict"] == "answer" and reply["citations"]

    connection.client().drop_collection(connection.passages)  # someone dropped it: said plainly, no traceback
    gone = CliRunner().invoke(main, ["index", "verify"])
    assert gone.exit_code == 1 and "Traceback" not in gone.output and connection.passages in gone.stdout
    shutil.rmtree(index_dir)


def test_unreachable_milvus_is_one_line(milvus_seed_index, model_cache, monkeypatch):
    _env(monkeypatch, model_cache, milvus_seed_index.path.parents[1],
         MilvusConnection("http://127.0.0.1:1", collection="seeds"))
    monkeypatch.setenv("MILVUS_TOKEN", "root:s3cr3t-pa55word")
    result = CliRunner().invoke(main, ["ask", "--json", "Who is Samat Abish?"])
    assert result.exit_code == 1
    assert "cannot reach Milvus at http://127.0.0.1:1" in result.stdout + result.stderr
    assert "Traceback" not in result.output and "s3cr3t" not in result.output
    assert json.loads(result.stdout)["error"]["kind"]


async def test_the_bot_reloads_a_new_milvus_build(seeds_copy, index_dir, embedder, vectors_only, connection):
    from bot.reload import IndexReloader

    build_index(seeds_copy, index_dir, vectors_only, milvus=connection)
    served = {"engine": Engine(embedder, load_index(index_dir, embedder.fingerprint, milvus=connection))}
    reloader = IndexReloader(lambda: served["engine"], lambda e: served.update(engine=e), index_dir, 0,
                             milvus=connection)
    (seeds_copy / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    build_index(seeds_copy, index_dir, vectors_only, milvus=connection)
    assert await reloader.check()
    assert served["engine"].index.source.seq == 2
    assert served["engine"].retrieve(NEW_QUESTION, 1)[0].passage.doc_id == "900_solar"

    def channels() -> list[dict]:  # to this test's Milvus engine; other tests' live indexes hold clients too
        gc.collect()
        return [c for c in ConnectionManager.get_instance().get_stats()["connections"]
                if c["address"].endswith(":" + connection.uri.rsplit(":", 1)[-1])]

    before = channels()
    for _ in range(3):  # reloads leave no connection behind: replaced engines' clients go with them
        build_index(seeds_copy, index_dir, vectors_only, milvus=connection, full=True)
        assert await reloader.check()
    assert served["engine"].index.source.seq == 5
    after = channels()
    assert len(after) == len(before) == 1, after  # one channel to the engine, shared
    assert after[0]["client_count"] == before[0]["client_count"], (before, after)
