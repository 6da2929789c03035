"""The two indexes every dev-only sweep scores on: the seeds and the whole KazQAD pool.

Built (or reused) under a work folder, with the question encoder that
``ask`` uses, and the path of KazQAD's dev half. No sweep reads a test split.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kazqad import prepare  # noqa: E402

from index.build import build_index  # noqa: E402
from index.embed import load_embedder, load_query_encoder  # noqa: E402
from index.settings import load_settings  # noqa: E402
from index.store import LoadedIndex, load_index  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class DevIndexes:
    encoder: object  # the question encoder (ONNX unless QUERY_ENCODER says otherwise)
    seeds: LoadedIndex
    kazqad: LoadedIndex
    kazqad_dev: Path  # gold-dev.jsonl of the pool
    kazqad_pool: Path  # the pool's folder (corpus/, gold*.jsonl)


def dev_indexes(work: Path) -> DevIndexes:
    settings = load_settings()
    corpus_dir, _, _, _ = prepare(work / "pool", smoke=None)
    embedder = load_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size)
    build_index(corpus_dir, work / "index", embedder)
    build_index(ROOT / "seeds", work / "seeds-index", embedder)
    encoder = load_query_encoder(settings.embedding_model, settings.model_cache_dir)
    return DevIndexes(encoder, load_index(work / "seeds-index", encoder.fingerprint),
                      load_index(work / "index", encoder.fingerprint), work / "pool" / "gold-dev.jsonl", work / "pool")


def seeds_engine(index_dir: Path = ROOT / "var" / "bench" / "seeds-index"):
    """The production engine over the seeds, its own index brought up to date first.

    ``open_engine`` on the default ``var/index`` would serve whatever was built
    there last, so a benchmark could measure an older build without saying so.
    """
    from index.engine import open_engine

    settings = load_settings(corpus_dir=ROOT / "seeds", index_dir=index_dir)
    build_index(settings.corpus_dir, settings.index_dir,
                load_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size))
    return open_engine(settings)


def reading_whole(engine):
    """A copy of ``engine`` that reads every message, and every earlier question, whole and as typed:
    the reading before index/message.py, the baseline its benches compare with. Caches are shared."""
    import copy

    from index.message import Part

    whole = copy.copy(engine)
    whole.read = lambda message, history=(): [Part(" ".join(message.split()))]
    whole.chat = lambda history: tuple(history)
    return whole


def retrieval_sets(built: DevIndexes) -> dict[str, tuple[str, list]]:
    """The dev question sets every retrieval sweep scores, each with the index it asks ("seeds" or "kazqad")."""
    from index.evaluate import load_gold

    data = ROOT / "tests" / "data"
    return {
        "seeds_gold": ("seeds", load_gold(data / "gold.jsonl") + load_gold(data / "names.jsonl")),
        "seeds_paraphrase": ("seeds", load_gold(data / "dev_paraphrase.jsonl")),
        "followups_dev": ("seeds", load_gold(data / "followups_dev.jsonl")),
        "kazqad_dev": ("kazqad", load_gold(built.kazqad_dev)),
    }


OBJECTIVE = "mean of recall@5 and MRR@10 over the sets"


def objective(row: dict, sets: dict) -> float:
    """What a retrieval sweep maximises (``OBJECTIVE``), each set weighing the same; ``row[name]`` is its report."""
    return round(sum(row[n]["recall@5"] + row[n]["mrr@10"] for n in sets) / (2 * len(sets)), 4)


def answered(engine, gold: list) -> dict:
    """Recall@1/5/10, MRR@10 and answer_hit over ``gold``'s answerable questions, each retrieved and answered
    as ``ask`` does (the top 10, the reply from the top 5)."""
    from index.evaluate import _metrics, answer_hit, evaluate

    result = evaluate(gold, lambda q, h: engine.retrieve(q, 10, history=h), engine.confident, engine.min_score,
                      answer=lambda q, hits, h: engine.compose(q, hits[:5], history=h))
    answerable = [q for q in gold if q.answerable]
    row = _metrics([result["_ranks"].get(q.id) for q in answerable])
    row["answer_hit"] = round(sum(bool(answer_hit(result["_replies"][q.id], q)) for q in answerable)
                              / len(answerable), 4)
    return row


def sweep_arguments(doc: str, extra: Callable[[argparse.ArgumentParser], object] = lambda _p: None,
                    ) -> argparse.Namespace:
    """``--work`` (where the two indexes are built, shared by every sweep), ``--out`` (a copy of the JSON), ``extra``."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "dev-indexes")
    parser.add_argument("--out", type=Path, default=None)
    extra(parser)
    return parser.parse_args()
