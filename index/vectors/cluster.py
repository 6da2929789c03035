"""Passage embedding spread over a Ray cluster with Ray Data (``corpusbot index build --ray``).

The encoder is the cost of a build (~14 passages/s per 2 cores here). Each Ray
worker loads the same build encoder a local build uses (``load_embedder``:
same model, same late-chunked sentence vectors) and embeds a stream of
passage batches; results stream back to the driver, which commits them to the
embedding cache as they arrive and then writes the index exactly as a local
build does. ``address`` None starts a local cluster on this machine; an
address (``ray://head:10001`` or ``auto``) joins a running one, whose workers
need corpusbot installed (``pip install 'corpusbot[ray]'``) and the model.

Optional: nothing on the default path imports ``ray``.
"""

from __future__ import annotations

import json
import logging
import math
import os
import warnings
from pathlib import Path
from typing import Iterator

import numpy as np

from ..cache import Embedded
from ..chunk import Passage
from .latent import LatentTerms



class ClusterError(RuntimeError):
    """Ray is missing or the cluster cannot be reached; the message says which and what to do."""


class _EmbedBatch:
    """One Ray actor: loads the model once, then embeds every batch Ray Data hands it."""

    def __init__(self, model: str, cache_dir: str | None, batch_size: int, threads: int,
                 latent_terms: bool, sentences_alone: bool) -> None:
        import torch

        from ..embed import load_embedder

        torch.set_num_threads(threads)  # one actor per CPU Ray gave it, not every core each
        self.embedder = load_embedder(model, Path(cache_dir) if cache_dir else None, batch_size,
                                      latent_terms=latent_terms, sentences_alone=sentences_alone)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        spans = [[tuple(s) for s in json.loads(str(raw))] for raw in batch["spans"]]
        vectors, sentences, alone, terms = self.embedder.encode_passages_with_sentences(
            [str(t) for t in batch["text"]], spans)
        out = {"j": batch["j"], "vector": vectors,
               # sentence counts differ by passage: shipped as raw float32 bytes, reshaped by the driver
               "sentences": np.array([s.astype(np.float32).tobytes() for s in sentences], dtype=object)}
        if alone is not None:
            out["alone"] = np.array([s.astype(np.float32).tobytes() for s in alone], dtype=object)
        if terms is not None:
            out["features"] = np.stack([t.features for t in terms]).astype(np.int64)
            out["activations"] = np.stack([t.values for t in terms]).astype(np.float32)
        return out


class RayEncoder:
    """Embeds passages on a Ray cluster; ``stream`` yields results as batches finish."""

    def __init__(self, model: str, cache_dir: Path | None, address: str | None = None,
                 workers: int | None = None, batch_size: int = 16, cpus_per_worker: int = 1,
                 latent_terms: bool = True, sentences_alone: bool = True) -> None:
        self.model, self.cache_dir, self.latent_terms = model, cache_dir, latent_terms
        self.sentences_alone = sentences_alone
        self.address, self.batch_size, self.cpus_per_worker = address, batch_size, cpus_per_worker
        self.workers = workers
        self._started_here = False

    def __enter__(self) -> "RayEncoder":
        try:
            import ray
            import ray.data  # noqa: F401
        except ImportError:
            raise ClusterError("building on Ray needs the ray extra: pip install 'corpusbot[ray]'") from None
        if not ray.is_initialized():
            local = {} if self.address else {"num_cpus": max(self.workers or 0, os.cpu_count() or 1),
                                             "_node_ip_address": "127.0.0.1"}  # a local cluster stays on loopback
            try:
                with warnings.catch_warnings():  # Ray's own advice arrives as warnings; the error below says it
                    warnings.simplefilter("ignore")
                    ray.init(address=self.address, include_dashboard=False, log_to_driver=False,
                             configure_logging=False, **local)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = f"the Ray cluster at {self.address}" if self.address else "a local Ray cluster"
                raise ClusterError(f"cannot start or reach {where}: {str(exc).splitlines()[0][:200]}") from None
            self._started_here = True
        if self.workers is None:
            self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)) // self.cpus_per_worker)
        return self

    def __exit__(self, *exc: object) -> None:
        import ray

        if self._started_here:
            ray.shutdown()

    def stream(self, passages: list[Passage], rows_per_task: int = 64) -> Iterator[list[tuple[int, Embedded]]]:
        """Batches of (position in ``passages``, vectors), in whatever order the workers finish them.

        Tasks hold at most ``rows_per_task`` passages (a checkpoint's worth of
        work is never lost to a killed build) and at least two per worker.
        """
        if not passages:
            return
        import ray.data

        logging.getLogger("ray").setLevel(logging.WARNING)  # one line of progress per batch is ours to print
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        items = [{"j": j, "text": p.text, "spans": json.dumps([list(s) for s in p.sentences])}
                 for j, p in enumerate(passages)]
        blocks = min(len(items), max(2 * (self.workers or 1), math.ceil(len(items) / rows_per_task)))
        rows_per_task = math.ceil(len(items) / blocks)
        dataset = ray.data.from_items(items, override_num_blocks=blocks)
        embedded = dataset.map_batches(
            _EmbedBatch, batch_size=rows_per_task, num_cpus=self.cpus_per_worker,
            compute=ray.data.ActorPoolStrategy(size=self.workers),
            fn_constructor_kwargs={"model": self.model, "cache_dir": str(self.cache_dir) if self.cache_dir else None,
                                   "batch_size": self.batch_size, "threads": self.cpus_per_worker,
                                   "latent_terms": self.latent_terms, "sentences_alone": self.sentences_alone})
        for batch in embedded.iter_batches(batch_size=None, batch_format="numpy"):
            terms: list = [None] * len(batch["j"])
            if "features" in batch:
                terms = [LatentTerms(f, a) for f, a in zip(batch["features"], batch["activations"])]
            alone = batch["alone"] if "alone" in batch else [None] * len(batch["j"])
            yield [(int(j), Embedded(np.asarray(v, dtype=np.float32), _rows(s, len(v)),
                                     None if a is None else _rows(a, len(v)), t))
                   for j, v, s, a, t in zip(batch["j"], batch["vector"], batch["sentences"], alone, terms)]


def _rows(raw: bytes, dim: int) -> np.ndarray:
    """One passage's sentence vectors, shipped by a worker as raw float32 bytes; ``dim`` is its passage vector's."""
    return np.frombuffer(raw, dtype=np.float32).reshape(-1, dim)
