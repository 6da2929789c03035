"""Does the encoder's next-to-last layers' mean-pooled vector, mixed into its final one, help dense retrieval? Dev only.

    .venv/bin/python bench/layer_mix.py [--work DIR] [--out docs/results/layer-mix-dev.json]

Intermediate layers of a multilingual encoder are said to be less tied to the
text's language than the last, which e5 trained for retrieval. Every layer's
tokens are mean-pooled (as e5 pools its last) for the seeds' and KazQAD's
dev passages and questions, through the fp32 sentence-transformers model. Each
layer's language directions are taken out as the product takes them out of the
last (``language_subspace``, the reference set embedded at that layer) on the
seeds; KazQAD, one language, runs without, as in the product. Two mixes of layer
L into layer 12, dense retrieval alone: ``concat`` scores q12·p12 + a·qL·pL (a
second vector per passage), ``sum`` the cosine of q12 + a·qL with p12 + a·pL
(one vector). a = 0 is the last layer alone. No test split is read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import ROOT, dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.embed import load_embedder  # noqa: E402
from index.evaluate import is_hit, load_gold  # noqa: E402
from index.language_subspace import language_basis, project, reference_sentences  # noqa: E402

SEEDS_SETS = ("gold", "names", "dev_paraphrase", "dev_types", "dev_terms", "dev_entities")
LAYERS = (9, 10, 11)
WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)


def pooled_layers(model, texts: list[str], prompt: str, batch: int = 16) -> np.ndarray:
    """Unit vectors, layers × texts × hidden: each layer's token states mean-pooled over the attention mask."""
    import torch

    tokenizer, network = model.tokenizer, model[0].auto_model
    network.eval()
    out = []
    for i in range(0, len(texts), batch):
        encoded = tokenizer([prompt + t for t in texts[i:i + batch]], padding=True, truncation=True,
                            max_length=512, return_tensors="pt")
        with torch.no_grad():
            states = network(**encoded, output_hidden_states=True).hidden_states
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        out.append(torch.stack([(s * mask).sum(1) / mask.sum(1) for s in states]).numpy())
    vectors = np.concatenate(out, axis=1)
    return vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)


def ranks_of(scores: np.ndarray, relevant: np.ndarray) -> list[int | None]:
    order = np.argsort(-scores, axis=1)[:, :10]
    return [next((k + 1 for k, j in enumerate(row) if relevant[i, j]), None) for i, row in enumerate(order)]


def figures(ranks: list[int | None]) -> dict:
    return {"recall@5": round(float(np.mean([r is not None and r <= 5 for r in ranks])), 4),
            "recall@10": round(float(np.mean([r is not None for r in ranks])), 4),
            "mrr@10": round(float(np.mean([1 / r if r else 0.0 for r in ranks])), 4)}


def scored(model, index, sets: dict, bases: dict | None) -> dict:
    """``{mix: {L: {a: {set: figures}}}}`` for one index and its question sets."""
    passages = [index.passages[r] for r in range(len(index.passages))]
    stacked = pooled_layers(model, [p.text for p in passages], model.prompts.get("document", ""))
    report: dict = {"concat": {}, "sum": {}}
    for name, gold in sets.items():
        questions = [q for q in gold if q.answerable]
        asked = pooled_layers(model, [q.question for q in questions], model.prompts.get("query", ""))
        relevant = np.array([[is_hit(p, q.relevant) for p in passages] for q in questions])

        def at(vectors: np.ndarray, layer: int) -> np.ndarray:
            return project(vectors[layer], bases[layer]) if bases else vectors[layer]

        q12, p12 = at(asked, 12), at(stacked, 12)
        for layer in LAYERS:
            q_l, p_l = at(asked, layer), at(stacked, layer)
            for a in WEIGHTS:
                concat = q12 @ p12.T + a * (q_l @ p_l.T)
                qs, ps = q12 + a * q_l, p12 + a * p_l
                qs /= np.linalg.norm(qs, axis=1, keepdims=True)
                ps /= np.linalg.norm(ps, axis=1, keepdims=True)
                for mix, scores in (("concat", concat), ("sum", qs @ ps.T)):
                    report[mix].setdefault(str(layer), {}).setdefault(str(a), {})[name] = figures(
                        ranks_of(scores, relevant))
    return report


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    model = load_embedder().model
    reference = reference_sentences()
    query, document = model.prompts.get("query", ""), model.prompts.get("document", "")
    by_language = {lang: (pooled_layers(model, texts, query), pooled_layers(model, texts, document))
                   for lang, texts in reference.items()}
    bases = {layer: language_basis({lang: q[layer].mean(0) for lang, (q, _) in by_language.items()},
                                   {lang: p[layer].mean(0) for lang, (_, p) in by_language.items()})
             for layer in (*LAYERS, 12)}
    data = ROOT / "tests" / "data"
    seeds = scored(model, built.seeds, {n: load_gold(data / f"{n}.jsonl") for n in SEEDS_SETS}, bases)
    kazqad = scored(model, built.kazqad, {"kazqad_dev": load_gold(built.kazqad_dev)}, None)
    summary = {mix: {layer: {a: {"seeds_mean_recall@5": round(float(np.mean([f["recall@5"] for f in row.values()])), 4),
                                 "seeds_mean_mrr@10": round(float(np.mean([f["mrr@10"] for f in row.values()])), 4),
                                 "dev_paraphrase": row["dev_paraphrase"],
                                 "kazqad_dev": kazqad[mix][layer][a]["kazqad_dev"]}
                             for a, row in layers.items()}
                     for layer, layers in seeds[mix].items()}
               for mix in seeds}
    emit({"summary": summary, "seeds": seeds, "kazqad": kazqad}, args.out)


if __name__ == "__main__":
    main()
