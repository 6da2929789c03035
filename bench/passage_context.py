"""Does a passage read better with its article's title before it? Dev sets only.

    .venv/bin/python bench/passage_context.py [--work DIR] [--out docs/results/passage-context-dev.json]

A passage in the middle of an article often never names what it is about
(KazQAD: "Оның қалыпты қызметі бұзылса…"; the seeds: the analyst quoted three
passages after the lede names him). Here every passage but an article's first
is embedded after its title in one forward pass, and the title's tokens are
pooled out (``Embedder.encode_passages_with_sentences``' ``contexts``): the
passage's tokens read the title, its vectors and latent terms hold only the
passage. Seeds and KazQAD pool indexes are built from scratch that way under
``--work``/titles and scored against the shipped build (``--work``, the indexes
every sweep shares) on the retrieval sweeps' dev sets and objective, with
answer_hit, and on every seeds dev set with near misses for declining. The
learned ranker stays as fitted on the shipped build. No test split is read.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chunking_sweep import score  # noqa: E402
from dev_indexes import OBJECTIVE, ROOT, dev_indexes, retrieval_sets, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

import index.build  # noqa: E402
from index.build import CHECKPOINT_PASSAGES, Embedded  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import evaluate, load_gold  # noqa: E402

DECLINE_SETS = ("gold", "dev_nearmiss", "dev_paraphrase", "dev_terms", "dev_terms2", "dev_topics", "dev_entities",
                "dev_places", "dev_places2")


def with_titles(embedder, passages, show_progress):
    """``index.build._local_batches`` with each passage's title as its context (none for an article's first
    passage, or one that starts with its title)."""
    for start in range(0, len(passages), CHECKPOINT_PASSAGES):
        chunk = passages[start:start + CHECKPOINT_PASSAGES]
        contexts = ["" if p.start == 0 or not p.title or p.text.startswith(p.title.rstrip("…")) else p.title
                    for p in chunk]
        vectors, sentences, alone, terms = embedder.encode_passages_with_sentences(
            [p.text for p in chunk], [list(p.sentences) for p in chunk], show_progress=show_progress,
            contexts=contexts)
        yield [(i, Embedded(*e)) for i, e in
               enumerate(zip(vectors, sentences, alone or [None] * len(chunk), terms or [None] * len(chunk)), start)]


def declining(built) -> dict:
    """Near misses and answerables declined (plain or "does not mention") over the seeds dev sets that have both."""
    engine = Engine(built.encoder, built.seeds)
    out = {"near_misses": 0, "near_misses_declined": 0, "answerables": 0, "answerables_declined": 0}
    for name in DECLINE_SETS:
        gold = load_gold(ROOT / "tests" / "data" / f"{name}.jsonl")
        report = evaluate(gold, lambda q, history=(): engine.retrieve(q, 10, history=history), engine.confident,
                          engine.min_score,
                          answer=lambda q, hits, history=(): engine.compose(q, hits[:5], history=history))
        for q in gold:
            declined = report["_replies"][q.id].verdict != "answer"
            kind = "answerables" if q.answerable else "near_misses"
            out[kind] += 1
            out[f"{kind}_declined"] += declined
    return out


def main() -> None:
    args = sweep_arguments(__doc__)
    rows = {}
    for name, work in (("shipped", args.work), ("titles", args.work / "titles")):
        if name == "titles":
            index.build._local_batches = with_titles
        built = dev_indexes(work)
        rows[name] = {**score(built, retrieval_sets(built)), "declining": declining(built)}
        print(name, rows[name], file=sys.stderr, flush=True)
    emit({"objective": OBJECTIVE, "rows": rows}, args.out)


if __name__ == "__main__":
    main()
