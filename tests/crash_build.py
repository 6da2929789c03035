"""Run ``corpusbot index build`` but stop dead at a named point, so a test can SIGKILL it exactly there.

    python tests/crash_build.py POINT [corpusbot build options]

Prints ``AT POINT`` and sleeps when the build reaches POINT:
before_embed (corpus read, nothing embedded), mid_embed (one checkpoint of
4 passages embedded and committed), mid_write (passages file half
written), before_rename (build folder complete, not yet renamed into place),
before_publish (renamed, ``current`` not yet switched).
"""

from __future__ import annotations

import os
import sys
import time


def halt(point: str) -> None:
    print(f"AT {point}", flush=True)
    time.sleep(600)


def arm(point: str) -> None:
    from index import store
    from index.embed import Embedder

    if point == "before_embed":
        Embedder.encode_passages_with_sentences = lambda self, *a, **k: halt(point)
    elif point == "mid_embed":  # after the first checkpoint of embeddings was committed
        from index import build

        build.CHECKPOINT_PASSAGES = 4
        encode = Embedder.encode_passages_with_sentences
        calls = []

        def second_call_halts(self, *a, **k):
            calls.append(1)
            return encode(self, *a, **k) if len(calls) == 1 else halt(point)

        Embedder.encode_passages_with_sentences = second_call_halts
    elif point == "mid_write":
        write = store.write_tables

        def half_written(path, documents, passages):
            write(path, documents, list(passages)[:1])  # the passage table holds one row of many
            halt(point)

        store.write_tables = half_written
    elif point == "before_rename":
        rename = os.rename
        store.os.rename = lambda src, dst: halt(point) if "builds" in str(dst) else rename(src, dst)
    elif point == "before_publish":
        store._publish = lambda index_dir, build: halt(point)
    else:
        raise SystemExit(f"unknown point {point}")


if __name__ == "__main__":
    arm(sys.argv[1])
    from bot.cli import main

    main(["index", "build", *sys.argv[2:]])
