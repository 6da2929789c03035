"""How strongly to remove the language directions, and how settled they are. Seeds dev sets only.

    .venv/bin/python bench/language_projection.py [--work DIR] [--out docs/results/language-projection-dev.json]

Every vector loses its component along the reference set's language directions
(language_subspace.py): v − a·BᵀBv, renormalised, a = 1 shipped. Two questions, each
answered by rebuilding the seeds dev index (its embedding cache reused, so only the
projection changes) and asking the product as shipped otherwise (the ranker not refit):
the strength a = 0.5, 0.75, 1, 1.25, 1.5, 2 (rule c0969dc); and the directions estimated
from 20 of the 30 reference sentences (four draws), against all 30. Scored on gold+names,
dev_paraphrase and followups_dev; KazQAD is one language and is not projected.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import ROOT, answered, objective, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index import build as build_module  # noqa: E402
from index import engine as engine_module  # noqa: E402
from index import language_subspace  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embed import load_embedder, load_query_encoder  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import load_gold  # noqa: E402
from index.settings import load_settings  # noqa: E402
from index.store import load_index  # noqa: E402

STRENGTHS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
DRAWS, SUBSET = 4, 20


def scaled(a: float):
    """``language_subspace.project`` removing ``a`` times the language component."""
    def project(vectors, basis):
        vectors = np.asarray(vectors, dtype=np.float32)
        if basis is None or basis.size == 0:
            return vectors
        single = vectors.ndim == 1
        matrix = vectors.reshape(1, -1) if single else vectors
        out = matrix - a * ((matrix @ basis.T) @ basis)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return np.ascontiguousarray(out[0] if single else out, dtype=np.float32)
    return project


def run(work: Path, embedder, encoder, sets: dict, a: float = 1.0, reference: dict | None = None) -> dict:
    """The seeds rebuilt in a copy of ``work``'s index with strength ``a`` and ``reference`` sentences, scored."""
    with tempfile.TemporaryDirectory(dir=work) as tmp, ExitStack() as patches:
        folder = Path(tmp) / "seeds-index"
        shutil.copytree(work / "seeds-index", folder, symlinks=True)
        if a != 1.0:
            for module in (build_module, engine_module):
                patches.enter_context(mock.patch.object(module, "project", scaled(a)))
        if reference is not None:
            text = json.dumps({"about": "a subset", "sentences": reference}, ensure_ascii=False)
            for module in (build_module, language_subspace):
                patches.enter_context(mock.patch.object(module, "reference_text", lambda t=text: t))
        build_index(ROOT / "seeds", folder, embedder)
        engine = Engine(encoder, load_index(folder, encoder.fingerprint))
        row: dict = {name: answered(engine, gold) for name, gold in sets.items()}
    row["objective"] = objective(row, sets)
    row["answer_hit_mean"] = round(sum(row[n]["answer_hit"] for n in sets) / len(sets), 4)
    return row


def main() -> None:
    args = sweep_arguments(__doc__)
    settings = load_settings()
    embedder = load_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size)
    encoder = load_query_encoder(settings.embedding_model, settings.model_cache_dir)
    build_index(ROOT / "seeds", args.work / "seeds-index", embedder)  # the copy each run starts from
    data = ROOT / "tests" / "data"
    sets = {"gold+names": load_gold(data / "gold.jsonl") + load_gold(data / "names.jsonl"),
            "dev_paraphrase": load_gold(data / "dev_paraphrase.jsonl"),
            "followups_dev": load_gold(data / "followups_dev.jsonl")}
    report: dict = {"benchmark": "language_projection",
                    "strength": {str(a): run(args.work, embedder, encoder, sets, a=a) for a in STRENGTHS}}
    sentences = language_subspace.reference_sentences()
    count = len(next(iter(sentences.values())))
    rng = random.Random(0)
    draws = {}
    for d in range(DRAWS):
        keep = sorted(rng.sample(range(count), SUBSET))
        draws[f"draw {d}"] = run(args.work, embedder, encoder, sets,
                                 reference={lang: [texts[i] for i in keep] for lang, texts in sentences.items()})
    report[f"reference_{SUBSET}_of_{count}"] = draws
    emit(report, args.out)


if __name__ == "__main__":
    main()
