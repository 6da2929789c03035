"""Every ``corpusbot`` command: exit codes, messages, and the --json shapes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from conftest import GOLD, ROOT


@pytest.fixture()
def run(seed_index_dir, model_cache, monkeypatch):
    monkeypatch.setenv("INDEX_DIR", str(seed_index_dir))
    monkeypatch.setenv("MODEL_CACHE_DIR", str(model_cache))
    monkeypatch.chdir(ROOT / "tests")  # no .env here

    def invoke(*args: str, env: dict | None = None):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


def test_help_lists_commands(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in ("ask", "eval", "index"):
        assert command in result.stdout


def test_unknown_command(run):
    result = run("frobnicate")
    assert result.exit_code == 2 and "No such command" in result.stderr


def test_status_json(run):
    result = run("index", "status", "--json")
    assert result.exit_code == 0
    status = json.loads(result.stdout)
    assert status["exists"] and not status["stale"]
    assert status["documents"] == 5 and status["passages"] > 10 and status["dims"] == 384
    assert status["name_direction"]["names"] > 100 and "weights" not in status["name_direction"]
    assert status["sentence_centres"] is True
    assert status["languages"] == {"en": 1, "kk": 1, "ky": 1, "ru": 2}
    assert status["date_range"] == ["2025-09-18", "2025-12-28"]
    for key in ("model", "built_at", "corpus_fingerprint", "model_fingerprint"):
        assert status[key]
    assert status["latent_terms"]["keep"] == 256 and status["latent_terms"]["head"].startswith("sha256:")
    assert status["sentences_alone"] is True


def test_status_sees_a_changed_corpus(run, seeds_copy):
    (seeds_copy / "005_new.txt").write_text(" date 2026-01-01 Новая статья о погоде в Бишкеке.\n", "utf-8")
    result = run("index", "status", "--json", "--corpus", str(seeds_copy))
    assert json.loads(result.stdout)["stale"] is True
    assert "stale:       yes" in run("index", "status", "--corpus", str(seeds_copy)).stdout


def test_status_without_index(run, tmp_path):
    result = run("index", "status", "--index-dir", str(tmp_path / "none"))
    assert result.exit_code == 1 and "corpusbot index build" in result.stdout


def test_ask_json_answers_each_question_of_a_message(run):
    result = run("ask", "Who is Samat Abish? Who is Aidos Ukibay?", "--json", "--top-k", "3")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert [(p["question"], p["verdict"]) for p in answer["parts"]] == [
        ("Who is Samat Abish?", "answer"), ("Who is Aidos Ukibay?", "answer")]
    assert all(len(p["cited"]) == 3 for p in answer["parts"])
    assert {c["n"] for c in answer["citations"]} == {n for p in answer["parts"] for n in p["cited"]}


def test_ask_json_shape(run):
    result = run("ask", "When did Putin meet Nazarbayev?", "--json", "--top-k", "4")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)  # exactly one JSON object on stdout
    assert set(answer) == {"question", "answer", "verdict", "citations", "read_with", "carried", "unresolved",
                           "read_as", "period", "parts", "talk"}
    assert answer["verdict"] == "answer" and answer["read_with"] is None and answer["carried"] == []
    assert answer["talk"] is None
    assert answer["read_as"] is None and answer["period"] is None  # read as typed, scoped by no period
    assert answer["unresolved"] is None and answer["parts"] == []
    assert len(answer["citations"]) == 4 and "[1]" in answer["answer"]
    for n, citation in enumerate(answer["citations"], 1):
        assert set(citation) == {"n", "doc_id", "passage_id", "title", "date", "lang", "text", "score",
                                 "similarity", "also_in", "url"}
        assert citation["n"] == n and -1 <= citation["similarity"] <= 1
    assert {c["doc_id"] for c in answer["citations"][:2]} & {"004_2a95a0a8ff3325d7", "000_f84121460bca48ab"}


def test_ask_text_output(run):
    result = run("ask", "Кто такой Самат Абиш?")
    assert result.exit_code == 0
    assert "Sources:" in result.stdout and "[1] " in result.stdout and "004_2a95a0a8ff3325d7" in result.stdout
    # hybrid ranks by a fused score that can pass 1; what is shown is the cosine, named as such
    shown = [float(x) for x in re.findall(r"\(similarity (-?[0-9.]+)", result.stdout)]
    assert len(shown) == 5 and all(-1 <= x <= 1 for x in shown) and "(score" not in result.stdout
    bm25 = run("ask", "Кто такой Самат Абиш?", "--mode", "bm25")
    assert bm25.exit_code == 0 and "(similarity" in bm25.stdout


@pytest.mark.parametrize("message,kind,lang,fragment", [
    ("Thanks!", "thanks", "en", "You're welcome"),
    ("Привет", "greeting", "ru", "Задайте вопрос"),
    ("Сен кімсің?", "identity", "kk", "Мен corpusbot"),
])
def test_ask_answers_small_talk_without_looking_anything_up(run, message, kind, lang, fragment):
    answer = json.loads(run("ask", message, "--json").stdout)
    assert answer["verdict"] == "small_talk" and answer["talk"] == {"kind": kind, "lang": lang}
    assert fragment in answer["answer"] and answer["citations"] == []
    text = run("ask", message)
    assert text.exit_code == 0 and fragment in text.stdout and "Sources:" not in text.stdout


@pytest.mark.parametrize("question,fragment", [("", "empty"), ("   ", "empty"), ("q" * 2500, "too long")])
def test_ask_rejects_bad_questions(run, question, fragment):
    result = run("ask", question)
    assert result.exit_code == 2 and fragment in result.stderr and "Traceback" not in result.output


def test_ask_builds_a_missing_index_first(run, tmp_path, seeds_copy):
    index_dir = tmp_path / "fresh-index"
    result = run("ask", "Who is Samat Abish?", "--json", "--index-dir", str(index_dir), "--corpus", str(seeds_copy))
    assert result.exit_code == 0
    assert "building it" in result.stderr
    assert json.loads(result.stdout)["citations"][0]["doc_id"] == "004_2a95a0a8ff3325d7"
    assert (index_dir / "current").is_symlink()


def test_ask_on_a_corrupt_index(run, tmp_path, seed_index_dir):
    broken = tmp_path / "broken"
    shutil.copytree(seed_index_dir, broken, symlinks=True)
    vectors = broken / "current" / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:100])
    result = run("ask", "Who is Samat Abish?", "--index-dir", str(broken))
    assert result.exit_code == 1
    assert "damaged" in result.stderr and "corpusbot index build" in result.stderr
    assert "Traceback" not in result.output


def test_bad_setting_is_one_clear_line(run):
    result = run("ask", "anything", env={"TOP_K": "lots"})
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: bad setting TOP_K")
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_model_names_the_setting(run):
    result = run("ask", "anything", env={"EMBEDDING_MODEL": "/no/such/model"})
    assert result.exit_code == 1
    assert "EMBEDDING_MODEL" in result.stderr and "Traceback" not in result.output


def test_eval_json(run):
    result = run("eval", "--gold", str(GOLD), "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    for key in ("n", "recall@1", "recall@5", "recall@10", "mrr@10", "by_lang", "no_answer_accuracy", "latency_ms"):
        assert key in report
    assert set(report["by_lang"]) == {"en", "ru", "kk", "ky"}
    assert set(report["latency_ms"]) == {"p50", "p95"}
    assert report["n"] == 75
    # answer-level metrics on every gold file: the composed text, and declining as precision/recall
    assert 0.5 <= report["answer_hit"] <= 1.0 and all("answer_hit" in m for m in report["by_lang"].values())
    abstention = report["abstention"]
    assert abstention["unanswerable"] == 10 and abstention["answerable"] == 75
    assert abstention["recall"] >= 0.5 and abstention["precision"] >= 0.8
    assert set(abstention["verdicts_unanswerable"]) == {"answer", "not_stated", "not_found"}
    # how far each figure could move with other questions of the same kind
    ci = report["ci95"]
    for key in ("recall@1", "recall@5", "recall@10", "mrr@10", "answer_hit"):
        assert ci[key][0] <= report[key] <= ci[key][1]
    assert ci["declined_unanswerable"][0] <= abstention["recall"] <= ci["declined_unanswerable"][1]


def test_eval_scores_the_answer_text_not_only_the_citation(run, tmp_path):
    """A gold phrase that is in the cited document but in no answer sentence is a retrieval hit, not an answer hit."""
    gold = tmp_path / "answer.jsonl"
    rows = [{"id": "hit", "question": "How many civilians died in the January 2022 protests in Kazakhstan?",
             "lang": "en", "relevant": [{"doc": "004_2a95a0a8ff3325d7", "contains": "238"}]},
            {"id": "miss", "question": "How many civilians died in the January 2022 protests in Kazakhstan?",
             "lang": "en", "relevant": [{"doc": "004_2a95a0a8ff3325d7", "contains": "Kyiv Independent"}]}]
    gold.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = json.loads(run("eval", "--gold", str(gold), "--json", "--per-question").stdout)
    assert report["answer_hit"] == 0.5 and report["answer_misses"] == ["miss"]
    assert "238" in report["per_question"]["answers"]["hit"]


def test_eval_of_only_unanswerable_questions(run):
    result = run("eval", "--gold", str(ROOT / "tests" / "data" / "dev_nearmiss.jsonl"))
    assert result.exit_code == 0 and "no answerable questions" in result.stdout
    assert "95% interval" not in result.stdout
    assert "declining: recall" in result.stdout


def test_eval_accepts_doc_level_relevance(run, tmp_path):
    gold = tmp_path / "docs.jsonl"
    gold.write_text(json.dumps({"id": "x", "question": "Who is Samat Abish?", "lang": "en",
                                "relevant": [{"doc": "004_2a95a0a8ff3325d7"}]}) + "\n")
    report = json.loads(run("eval", "--gold", str(gold), "--json").stdout)
    assert report["recall@1"] == 1.0 and "no_answer_accuracy" not in report


def test_eval_missing_or_bad_gold(run, tmp_path):
    assert "does not exist" in run("eval", "--gold", str(tmp_path / "none.jsonl")).stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n')
    result = run("eval", "--gold", str(bad))
    assert result.exit_code == 1 and "bad.jsonl:1" in result.stderr


def test_index_build_json(run, tmp_path, seeds_copy, seed_index_dir):
    shutil.copytree(seed_index_dir / "cache", tmp_path / "ix" / "cache")  # vectors cached: the report is the point
    result = run("index", "build", "--json", "--corpus", str(seeds_copy), "--index-dir", str(tmp_path / "ix"))
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["documents"] == 5 and report["passages"] > 10 and report["problems"] == []


def test_index_build_reports_bad_files(run, tmp_path, seeds_copy, seed_index_dir):
    shutil.copytree(seed_index_dir / "cache", tmp_path / "ix" / "cache")
    (seeds_copy / "broken.txt").write_bytes(b"\xff\xfe\x00junk")
    result = run("index", "build", "--corpus", str(seeds_copy), "--index-dir", str(tmp_path / "ix"))
    assert result.exit_code == 0
    assert "skipped broken.txt" in result.stderr and "Indexed 5 documents" in result.stdout


def test_console_script_end_to_end(seed_index_dir, model_cache):
    """The installed entry point, as a user runs it."""
    exe = Path(sys.executable).with_name("corpusbot")
    env = {**os.environ, "INDEX_DIR": str(seed_index_dir), "MODEL_CACHE_DIR": str(model_cache)}
    proc = subprocess.run([str(exe), "ask", "Сколько человек погибло в январе 2022 года?", "--json"],
                          capture_output=True, text=True, env=env, cwd=ROOT / "tests", timeout=300)
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert "238" in answer["answer"]
    # piped into a reader that has stopped reading (`| head -1`): a quiet, successful exit
    piped = subprocess.Popen([str(exe), "ask", "Who is Samat Abish?"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, cwd=ROOT / "tests")
    piped.stdout.close()
    assert piped.wait(timeout=300) == 0 and piped.stderr.read() == b""


@pytest.mark.parametrize("args, code, kind", [
    (["ask", "?", "--json"], 2, "no_words"),
    (["ask", "托卡耶夫访问莫斯科了吗？", "--json"], 2, "language"),
    (["ask", "   ", "--json"], 2, "empty"),
    (["eval", "--gold", "/nonexistent/gold.jsonl", "--json"], 1, "gold"),
    (["index", "build", "--index-dir", "/etc/hostname/sub", "--json"], 1, "os"),
])
def test_errors_are_one_line_and_json_on_stdout(run, args, code, kind):
    result = run(*args)
    assert result.exit_code == code
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error: ")
    assert json.loads(result.stdout) == {"error": {"kind": kind, "message": result.stderr[7:].strip()}}


def test_env_file_that_is_not_utf8_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_bytes(b"TOP_K=\xff\xfe5\n")
    result = CliRunner().invoke(main, ["ask", "Who is Samat Abish?", "--json"])
    assert result.exit_code == 2 and "not UTF-8" in result.stderr and "Traceback" not in result.output
    assert json.loads(result.stdout)["error"]["kind"] == "setting"


def test_nan_setting_is_named_for_what_it_is(run):
    result = run("ask", "Who is Samat Abish?", env={"MIN_SCORE": "nan"})
    assert result.exit_code == 2 and "MIN_SCORE" in result.stderr and "finite number" in result.stderr


def test_the_time_zone_sets_the_day_questions_are_asked_on(run):
    """TIMEZONE: a newsroom's "yesterday" is its own; an unknown zone is one line naming the setting."""
    from datetime import timedelta

    from index.settings import load_settings

    east, west = (load_settings(timezone=zone).clock()() for zone in ("Pacific/Kiritimati", "Etc/GMT+12"))
    assert timedelta(days=1) <= east - west <= timedelta(days=2)  # UTC+14 and UTC-12: 26 hours apart
    assert load_settings(timezone=" ").clock() == load_settings().clock()  # blank: the machine's date
    result = run("ask", "What was written yesterday about Tokayev?", env={"TIMEZONE": "Asia/Nowhere"})
    assert result.exit_code == 2 and result.stderr.strip().startswith("error: bad setting TIMEZONE")
    assert "Asia/Almaty" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    kiritimati = json.loads(run("ask", "What was written today about Tokayev?", "--json",
                                env={"TIMEZONE": "Pacific/Kiritimati"}).stdout)
    later = load_settings(timezone="Pacific/Kiritimati").clock()()  # the day may have turned meanwhile
    assert kiritimati["period"]["days"][0] == kiritimati["period"]["days"][1] in {east.isoformat(), later.isoformat()}


def test_published_build_is_readable_by_another_user(seed_index_dir):
    assert (seed_index_dir / "current").resolve().stat().st_mode & 0o777 == 0o755


def _can_mount_tmpfs() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs a private mount namespace (unshare -rm) for a small tmpfs")
@pytest.mark.parametrize("size, where", [("300k", "embeddings.sqlite"), ("900k", "could not write the new build")])
def test_a_full_disk_during_a_build_is_one_line(model_cache, size, where):
    """A real full disk (a tiny tmpfs in a private mount namespace): one line, JSON on stdout, nothing published."""
    env = {**os.environ, "MODEL_CACHE_DIR": str(model_cache), "CORPUS_DIR": str(ROOT / "seeds"),
           "PYTHONPATH": str(ROOT)}
    script = (f"mount -t tmpfs -o size={size} tmpfs /mnt && "
              f"{sys.executable} -c 'from bot.cli import main; main()' index build --json --index-dir /mnt/index; "
              "echo \"exit=$?\" >&2; ls -A /mnt/index/builds 2>/dev/null")
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, env=env,
                          cwd=ROOT / "tests", timeout=300)
    errors = [line for line in proc.stderr.splitlines() if not line.startswith("embedded ")]
    assert errors[-1] == "exit=1" and len(errors) == 2 and errors[0].startswith("error: "), proc.stderr
    assert "disk full" in errors[0] and where in errors[0] and "Traceback" not in proc.stderr
    report = json.loads(proc.stdout.splitlines()[0])
    assert report["error"]["kind"] == "os" and "disk full" in report["error"]["message"]
    assert proc.stdout.splitlines()[1:] == [], "a partial build was left behind"


def test_ask_says_how_it_read_kazakh_typed_without_its_letters_or_in_latin_ones(run):
    """A misreading must be visible: the reply opens with the question as it was read."""
    folded = json.loads(run("ask", "Токаев Маскеуге кашан барады?", "--json").stdout)
    assert folded["read_as"] == "Токаев Мәскеуге қашан барады?"
    assert folded["question"] == "Токаев Маскеуге кашан барады?" and folded["verdict"] == "answer"
    latin = run("ask", "Toqaev Mäskeuge qaşan barady?")
    assert latin.stdout.startswith("(read as “Тоқаев Мәскеуге қашан барады?”)")


def test_ask_says_which_period_it_scoped_the_articles_by(run):
    """"Written in September": the September article first, and the reply says so; a period with no article is
    declined in the question's language."""
    scoped = run("ask", "What was written in September about Tokayev's planned state visit to Moscow?")
    assert scoped.exit_code == 0 and scoped.stdout.startswith("(articles from September first)")
    assert "— 2025-09-18, kk" in scoped.stdout.split("Sources:")[1].splitlines()[1]
    empty = json.loads(run("ask", "Қазан айында 2024 жылы Назарбаев туралы не жазылды?", "--json").stdout)
    assert empty["verdict"] == "not_stated" and empty["period"] == {"year": 2024, "month": 10}
    assert empty["answer"].startswith("Корпуста 2024 ж. қазан кезеңіндегі мақала жоқ")


def test_ask_on_a_given_day_reads_last_month_from_it(run, tmp_path):
    """--today: what "last month" means, for scripts and reproducible runs; eval asks each gold question on its
    ``asked`` day; a day that is no date is a usage error that names the option."""
    question = "What was written last month about Tokayev's coming trip to Moscow?"
    october = json.loads(run("ask", question, "--today", "2025-10-06", "--json").stdout)
    assert october["period"] == {"year": 2025, "month": 9} and october["citations"][0]["date"] == "2025-09-18"
    assert run("ask", question, "--today", "2025-10-06").stdout.startswith("(articles from September 2025 first)")
    bad = run("ask", question, "--today", "2025-13-01")
    assert bad.exit_code == 2 and "--today" in bad.output and "Traceback" not in bad.output
    gold = tmp_path / "relative.jsonl"
    row = {"id": "r1", "lang": "en", "question": question, "relevant": [{"doc": "003_d23ac1e4305185a3"}]}
    gold.write_text(json.dumps({**row, "asked": "2025-10-06"}) + "\n" + json.dumps({**row, "id": "r2"}), "utf-8")
    report = json.loads(run("eval", "--gold", str(gold), "--json", "--per-question", "--today", "2026-06-01").stdout)
    verdicts = report["per_question"]["verdicts"]
    assert verdicts["r1"] == "answer" and report["per_question"]["ranks"]["r1"] == 1  # on its own day
    assert verdicts["r2"] == "not_stated"  # on --today's: May 2026, when no article of the seeds came out
    gold.write_text(json.dumps({**row, "asked": "2025-02-30"}), "utf-8")
    broken = run("eval", "--gold", str(gold))
    assert broken.exit_code != 0 and "not a gold record" in broken.output and "Traceback" not in broken.output


def test_ask_with_history_reads_the_follow_up_in_context(run):
    alone = json.loads(run("ask", "What is her position?", "--json").stdout)
    follow = run("ask", "What is her position?", "--history", "What did Valentina Matviyenko say about Tokayev's visit?",
                 "--json")
    assert follow.exit_code == 0
    read = json.loads(follow.stdout)
    assert "Совета Федерации" in read["answer"] and "Совета Федерации" not in alone["answer"]
    assert read["read_with"] == "What did Valentina Matviyenko say about Tokayev's visit?"
    assert read["carried"] == ["Valentina", "Matviyenko", "Tokayev's"] and alone["read_with"] is None
    assert alone["unresolved"] == "her" and read["unresolved"] is None  # alone, "her" is nobody yet: it says so
    text = run("ask", "What is her position?", "--history", "What did Valentina Matviyenko say about Tokayev's visit?")
    assert text.stdout.startswith("(read as a follow-up to “What did Valentina Matviyenko say about Tokayev's visit?”)")
    assert run("ask", "What is her position?").stdout.startswith("(“her” points at no earlier question")


def test_feedback_export_without_votes(run, tmp_path):
    result = run("feedback", "export", "--json", "--index-dir", str(tmp_path / "index"))
    assert result.exit_code == 0 and json.loads(result.stdout) == [] and "no votes yet" not in result.stdout
    text = run("feedback", "export", "--index-dir", str(tmp_path / "index"))
    assert text.exit_code == 0 and text.stdout == "" and "no votes yet" in text.stderr
