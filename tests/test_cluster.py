"""Builds embedded on a real Ray cluster (two workers, started by the build) equal a single-process build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, kazqad_pool
from index.engine import Engine
from index.evaluate import evaluate, load_gold
from index.store import load_index

pytest.importorskip("ray", reason="the ray extra is installed by `make test`")


def _loopback_only() -> list[str]:
    """A network namespace holding loopback alone, so the local cluster cannot talk to anything else."""
    if shutil.which("unshare") and shutil.which("ip") and subprocess.run(
            ["unshare", "-rn", "ip", "link", "set", "lo", "up"], capture_output=True).returncode == 0:
        return ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
    return []  # the local cluster is still told to use 127.0.0.1 (vectors/cluster.py)


def _build(model_cache, corpus, index_dir, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MODEL_CACHE_DIR": str(model_cache), "PYTHONPATH": str(ROOT)}
    return subprocess.run([*_loopback_only(), sys.executable, "-c", "from bot.cli import main; main()",
                           "index", "build", "--json", "--corpus", str(corpus), "--index-dir", str(index_dir),
                           *extra], capture_output=True, text=True, env=env, timeout=600)


def test_a_build_on_two_ray_workers_equals_a_local_build(embedder, model_cache, tmp_path):
    """A small KazQAD pool (12 questions, about 30 contexts): enough for two workers to split, cheap to embed."""
    corpus, gold_path, local_dir, contexts = kazqad_pool(tmp_path / "pool", embedder, 12, 16)
    assert contexts >= 20
    proc = _build(model_cache, corpus, tmp_path / "ray", "--ray", "--workers", "2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["embedded"] == report["passages"] and report["reused"] == 0  # really embedded on Ray
    local, ray = load_index(local_dir, embedder.fingerprint), load_index(tmp_path / "ray", embedder.fingerprint)
    assert ray.manifest["embedded_on"] == {"where": "ray", "workers": 2}
    assert [p.passage_id for p in ray.passages] == [p.passage_id for p in local.passages]
    assert np.allclose(ray.passage_vectors.read_all(), local.passage_vectors.read_all(), atol=1e-4)
    assert np.allclose(ray.sentence_vectors.read_all(), local.sentence_vectors.read_all(), atol=2e-3)  # float16
    assert np.allclose(ray.sentences_alone.read_all(), local.sentences_alone.read_all(), atol=2e-3)
    assert ray.manifest["latent_terms"] == local.manifest["latent_terms"] is not None  # the workers ran the head
    ray_terms, local_terms = ray.latent.features.read_all(), local.latent.features.read_all()
    assert (ray_terms[:, :32] == local_terms[:, :32]).mean() > 0.95  # the strongest features; ties may swap
    gold = load_gold(gold_path)
    metrics = [evaluate(gold, lambda q, h, e=Engine(embedder, index): e.retrieve(q, 10, history=h))
               for index in (local, ray)]
    for key in ("recall@1", "recall@5", "recall@10", "mrr@10"):
        assert abs(metrics[0][key] - metrics[1][key]) <= 0.005, (key, metrics)


def test_no_running_cluster_is_one_line(model_cache, tmp_path):
    proc = _build(model_cache, ROOT / "seeds", tmp_path / "index", "--ray", "auto")  # join one: there is none
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["error"]["kind"] == "cluster"
    assert not (tmp_path / "index" / "current").exists()
