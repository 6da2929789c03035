"""Milvus as the store: one collection per index holds every passage's dense vector, its lexical sparse
vector and its metadata, from Milvus Lite on a laptop to a Milvus cluster, through one ``MilvusClient``.

The lexical side is *our* BM25, not Milvus' own: its analyzers differ between
versions and cannot bridge scripts (Тоқаев / Tokayev). BM25 splits into a
document-side weight, stored as the passage's sparse vector (bm25s' score of
the token in the passage divided by the token's IDF), and a query-side IDF,
which the query sends as its sparse vector's values; their inner product is
bm25s' score exactly. The IDF and the vocabulary stay in the build folder,
where the query side reads them, with a stable token → dimension map carried
from build to build (``milvus_dims.npy``); so do the postings, from which the
share of the query a candidate covers is read (a few hundred binary searches,
where fetching the candidates' sparse vectors cost more than every search).

Builds change the collection in place and become visible atomically. Every row
carries the build that added it (``born``) and the build that retired it
(``died``); a build serves the rows with ``born <= seq < died``. A new build
inserts the passages it adds with its own number, marks the ones it drops as
dying with it, and is served only when the build folder naming its number is
published. A build killed half-way leaves rows no published build can see;
the next build removes them first. A build whose dense index no longer fits the
served collection's (the corpus crossed into IVF, or IVF needs other list
counts) writes a new generation of the collection instead (``MilvusWriter``):
rebuilding the index in place would fail the served build's searches while
it ran. Sentence vectors stay in the build folder,
read by row: the best-sentence score needs them for a few hundred candidates.

Rows of unchanged passages keep the length normalisation (BM25's average
passage length) of the build that wrote them; ``index build --full`` rewrites
every row. Parity with the FAISS store is exact on a full build
(tests/test_milvus.py) and within float noise otherwise.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import numpy as np

from .. import ann
from ..lexical import LexicalIndex
from ..settings import MILVUS_NAME, check_milvus_uri
from ..store import StoreError
from . import Proposal

if TYPE_CHECKING:
    from pymilvus import MilvusClient

    from ..chunk import Passage

ALIVE = 2**62  # ``died`` of a row no build has retired
SPARSE_PARAMS = {"metric_type": "IP", "params": {"drop_ratio_search": 0.0}}  # exact: no query term dropped
BATCH = 500  # rows per insert/upsert/query: well under Milvus' message and expression limits
TEXT_BYTES = 60_000  # the VARCHAR limit is 65,535 bytes; the served text comes from the build folder anyway
DIMS = "milvus_dims.npy"  # bm25s token id → sparse dimension, stable across builds
KEYS = "milvus_keys.npy"  # row → primary key, to diff the next build against this one
# What follows MILVUS_COLLECTION in a build's collection name: "_passages", then "_g<n>" from generation 1 on.
GENERATION = r"_passages(?:_g(\d+))?"
RowLookup = Callable[[list[str]], list[int]]  # passage ids → rows of the build (PassageTable.rows_of)


class MilvusError(StoreError):
    """Milvus could not be reached or refused an operation; the message says which, never the token."""


@dataclass(frozen=True)
class MilvusConnection:
    """Where the collection lives: a local ``.db`` path (Milvus Lite, embedded) or ``http(s)://host:port``."""

    uri: str
    token: str | None = None
    collection: str = "corpusbot"

    def __post_init__(self) -> None:  # the settings' own rules (settings.py), for connections made directly
        if not re.match(MILVUS_NAME, self.collection):
            raise ValueError(f"MILVUS_COLLECTION {self.collection!r} must be letters, digits and _ "
                             "(not starting with a digit)")
        try:
            check_milvus_uri(self.uri)
        except ValueError as exc:
            raise ValueError(f"MILVUS_URI {self.shown()!r} {exc}") from None

    @property
    def passages(self) -> str:
        """The first generation's collection; later ones append ``_g<n>`` (``generation_name``)."""
        return f"{self.collection}_passages"

    def generation_name(self, generation: int) -> str:
        return self.passages if generation == 0 else f"{self.passages}_g{int(generation)}"

    def generation_of(self, name: str) -> int | None:
        """The generation a collection name holds for this connection; None for someone else's collection."""
        found = re.fullmatch(re.escape(self.collection) + GENERATION, name or "")
        return None if found is None else int(found.group(1) or 0)

    def shown(self) -> str:
        """The URI without credentials, for logs, status and the manifest."""
        return re.sub(r"//[^/@]*@", "//", self.uri)

    def client(self) -> "MilvusClient":
        MilvusClient = _client_class()
        lite = self.uri.endswith(".db")
        if lite:
            Path(self.uri).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        try:
            with warnings.catch_warnings():  # Milvus Lite is imported here, and warns about pkg_resources
                warnings.simplefilter("ignore")
                if lite:  # it logs its own failure on the root logger; ours follows as one line
                    logging.disable(logging.ERROR)
                return MilvusClient(uri=self.uri, token=self.token or "", timeout=30)
        except Exception as exc:  # pymilvus raises its own and grpc's errors
            hint = ("; Milvus Lite opens a .db file in one process at a time: stop the other one, or serve the "
                    "collection from a Milvus server (MILVUS_URI=http://host:19530)") if lite else ""
            raise MilvusError(f"cannot reach Milvus at {self.shown()} ({_reason(exc)}){hint}") from None
        finally:
            if lite:
                logging.disable(logging.NOTSET)


def collection_setting(name: str) -> str:
    """The MILVUS_COLLECTION a build's collection name came from (``corpusbot_passages_g2`` → ``corpusbot``)."""
    return re.sub(GENERATION + "$", "", name)


def _client_class():
    """pymilvus' ``MilvusClient``, imported with our MILVUS_URI hidden.

    pymilvus reads the same variable at import as its own default connection
    and refuses a Milvus Lite path there; our settings already passed it on.
    """
    saved = os.environ.pop("MILVUS_URI", None)
    try:
        with warnings.catch_warnings():  # milvus-lite 2.5 imports pkg_resources, which warns on import
            warnings.simplefilter("ignore")
            from pymilvus import MilvusClient
    except ImportError:
        raise MilvusError("VECTOR_STORE=milvus needs pymilvus: pip install 'corpusbot[milvus]'") from None
    finally:
        if saved is not None:
            os.environ["MILVUS_URI"] = saved
    # pymilvus configures its loggers at import and logs every failed call with a traceback; our errors
    # are reported as one line instead (a token in a traceback must never reach a log).
    for name in ("pymilvus", "pymilvus.milvus_client"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return MilvusClient


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())[:200]


def content_key(passage_id: str, key: str) -> str:
    """Names a passage's content: an edited passage is new content, so the build still served keeps the old row."""
    return hashlib.sha256(f"{passage_id}\0{key}".encode("utf-8")).hexdigest()[:32]


def primary_key(content: str, born: int) -> str:
    """A row is its content as written by one build: a full rewrite never collides with the row it replaces."""
    return f"{content}.{int(born)}"


def visible(seq: int) -> str:
    return f"born <= {int(seq)} and died > {int(seq)}"


def _in(field: str, values: Iterable[str]) -> str:
    return f"{field} in [{', '.join(_quote(v) for v in values)}]"


def _dated(ranges: tuple[tuple[str, str], ...]) -> str:
    """The date field within any of ``ranges`` ([start, stop) ISO strings, period.Period.date_ranges)."""
    return " or ".join(f"(date >= {_quote(start)} and date < {_quote(stop)})" for start, stop in ranges)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _clip(text: str, limit: int) -> str:
    raw = text.encode("utf-8")
    return text if len(raw) <= limit else raw[:limit].decode("utf-8", errors="ignore")


# --- the build side -------------------------------------------------------------------------------------------


def stable_dims(lexical: LexicalIndex, previous: tuple[dict[str, int], np.ndarray] | None) -> np.ndarray:
    """bm25s token id → sparse dimension; a token keeps the dimension an earlier build gave it (0 is unused)."""
    vocab = lexical.retriever.vocab_dict
    dims = np.zeros(max(vocab.values(), default=-1) + 1, dtype=np.int64)
    known: dict[str, int] = {}
    if previous is not None:
        old_vocab, old_dims = previous
        known = {t: int(old_dims[i]) for t, i in old_vocab.items() if i < len(old_dims) and old_dims[i] > 0}
    following = max(known.values(), default=0) + 1
    for token, i in sorted(vocab.items(), key=lambda item: item[1]):
        if token in known:
            dims[i] = known[token]
        else:
            dims[i] = following
            following += 1
    if following >= 2**32 - 1:
        raise MilvusError("the vocabulary outgrew Milvus' sparse dimensions; run `corpusbot index build --full`")
    return dims


def sparse_rows(lexical: LexicalIndex, dims: np.ndarray) -> list[dict[int, float]]:
    """Each passage's document-side BM25 weights: bm25s' score of a token in it over the token's IDF."""
    from scipy.sparse import csc_matrix

    scores = lexical.retriever.scores
    indptr = np.asarray(scores["indptr"])
    n_tokens = len(indptr) - 1
    matrix = csc_matrix((np.asarray(scores["data"], dtype=np.float64), np.asarray(scores["indices"]), indptr),
                        shape=(lexical.size, n_tokens)).tocsr()
    idf = lexical.idf[:n_tokens]
    out = []
    for row in range(lexical.size):
        start, stop = matrix.indptr[row], matrix.indptr[row + 1]
        tokens = matrix.indices[start:stop]
        weights = matrix.data[start:stop] / idf[tokens]
        # An empty sparse vector is refused; dimension 0 is never in a query, so it changes no score.
        out.append({int(d): float(w) for d, w in zip(dims[tokens], weights)} or {0: 1e-9})
    return out


@dataclass(frozen=True)
class Synced:
    """What a build did to the collection; goes into the manifest's ``store`` section."""

    seq: int
    inserted: int
    retired: int
    recovered: int
    collection: str  # the generation this build lives in (``MilvusConnection.generation_name``)

    def manifest(self, connection: MilvusConnection, rows: int, index: dict, fingerprint: str) -> dict:
        return {"kind": "milvus", "uri": connection.shown(), "collection": self.collection, "seq": self.seq,
                "rows": rows, "index": index, "vectors": fingerprint, "inserted": self.inserted,
                "retired": self.retired, "recovered": self.recovered}


def dense_index(n: int) -> dict:
    """FLAT (exact) below ann.EXACT_BELOW, IVF_FLAT above with the FAISS store's list counts (Lite has no HNSW)."""
    spec = ann.choose(n, "auto")
    if spec.kind == "flat":
        return {"index_type": "FLAT", "params": {}}
    return {"index_type": "IVF_FLAT", "params": {"nlist": spec.nlist}, "nprobe": spec.nprobe}


class MilvusWriter:
    """Writes one build into the index's collection, invisible until its build folder is published.

    In place while the served collection's dense index still fits; when it
    does not (the corpus crossed the exact/approximate threshold, IVF needs
    other list counts, the model's dimension changed), into a fresh
    collection, the next *generation*, so the served build never sees its
    index dropped and rebuilt under it. A generation no longer served by this
    build or the one before is dropped after publishing (``collect``).
    """

    def __init__(self, connection: MilvusConnection, served: str | None = None) -> None:
        self.connection = connection
        self.served = served  # the collection of the build being served, if it lives in this connection
        self.name = served or connection.passages
        self.client = connection.client()

    def sync(self, passages: "list[Passage]", keys: list[str], vectors: np.ndarray, sparse: list[dict[int, float]],
             previous_seq: int, previous: dict[str, str] | None, index: dict) -> tuple[Synced, list[str]]:
        """Make the rows of build ``previous_seq + 1`` exactly ``passages``; returns the primary key of each.

        ``previous`` maps the served build's content keys to its rows' primary keys; None rewrites every row.
        """
        try:
            return self._sync(passages, keys, vectors, sparse, previous_seq, previous, index)
        except MilvusError:
            raise
        except Exception as exc:
            raise MilvusError(f"Milvus at {self.connection.shown()} failed during the build ({_reason(exc)}); "
                              "the served index is unchanged") from None

    def _sync(self, passages, keys, vectors, sparse, previous_seq, previous, index) -> tuple[Synced, list[str]]:
        seq = previous_seq + 1
        dim = int(vectors.shape[1])
        if previous_seq == 0 or not self.client.has_collection(self.name):
            self._create(dim, index)  # nothing published reads this collection: start it afresh
            previous = {}
        elif self._dim() != dim or not self._fits(index):
            self.name = self._next_generation()
            self._create(dim, index)  # every row goes in anew; the served collection is left alone
            previous = {}
        recovered = self._recover(previous_seq)
        kept = previous or {}
        contents = [content_key(p.passage_id, k) for p, k in zip(passages, keys)]
        pks = [kept.get(c) or primary_key(c, seq) for c in contents]
        fresh = [i for i, c in enumerate(contents) if c not in kept]
        for start in range(0, len(fresh), BATCH):
            self.client.insert(self.name, [self._row(passages[i], pks[i], vectors[i], sparse[i], seq)
                                           for i in fresh[start:start + BATCH]])
        gone = None if previous is None else sorted(set(kept.values()) - set(pks))
        retired = self._retire(gone, seq, previous_seq)
        self.client.flush(self.name)
        return Synced(seq, len(fresh), retired, recovered, self.name), pks

    def collect(self, seq: int) -> None:
        """After build ``seq`` is published: drop rows, and generations, that neither it nor the build before
        it can see."""
        try:
            self.client.delete(self.name, filter=f"died <= {int(seq) - 1}")
            for name in self.client.list_collections():
                if self.connection.generation_of(name) is not None and name not in (self.name, self.served):
                    self.client.drop_collection(name)
        except Exception:  # garbage stays for the next build to collect; the build itself is done
            pass

    def _row(self, p: "Passage", pk: str, vector: np.ndarray, sparse: dict[int, float], seq: int) -> dict:
        return {"pk": pk, "passage_id": _clip(p.passage_id, 2000), "doc_id": _clip(p.doc_id, 2000),
                "lang": p.lang[:16], "title": _clip(p.title, 4000), "date": p.date or "",
                "text": _clip(p.text, TEXT_BYTES), "born": seq, "died": ALIVE,
                "dense": np.asarray(vector, dtype=np.float32).tolist(), "sparse": sparse}

    def _create(self, dim: int, index: dict) -> None:
        from pymilvus import DataType

        if self.client.has_collection(self.name):
            self.client.drop_collection(self.name)
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=64)  # content.born
        schema.add_field("passage_id", DataType.VARCHAR, max_length=2048)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=2048)
        schema.add_field("lang", DataType.VARCHAR, max_length=16)
        schema.add_field("title", DataType.VARCHAR, max_length=4096)
        schema.add_field("date", DataType.VARCHAR, max_length=32)
        schema.add_field("text", DataType.VARCHAR, max_length=65535)
        schema.add_field("born", DataType.INT64)
        schema.add_field("died", DataType.INT64)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        self.client.create_collection(self.name, schema=schema, index_params=self._index_params(index),
                                      consistency_level="Strong")

    def _index_params(self, index: dict):
        """The dense index ``index`` describes, and the exact inverted index of the sparse field."""
        params = self.client.prepare_index_params()
        params.add_index("dense", index_type=index["index_type"], metric_type="IP", params=index["params"])
        params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP",
                         params={"drop_ratio_build": 0.0})
        return params

    def _dim(self) -> int | None:
        for field in self.client.describe_collection(self.name).get("fields", []):
            if field.get("name") == "dense":
                return int(field.get("params", {}).get("dim", 0))
        return None

    def _fits(self, index: dict) -> bool:
        """Whether the collection's dense index is the one ``index`` describes (type and IVF list count)."""
        current = self.client.describe_index(self.name, "dense") or {}
        return current.get("index_type") == index["index_type"] and str(current.get("nlist", "")) == str(
            index["params"].get("nlist", ""))

    def _next_generation(self) -> str:
        """A collection name after every generation this connection holds, a killed build's included."""
        taken = [g for g in map(self.connection.generation_of, self.client.list_collections()) if g is not None]
        return self.connection.generation_name(max(taken, default=0) + 1)

    def _recover(self, previous_seq: int) -> int:
        """Undo what a killed build left: rows it added, and the dying mark it put on the served build's rows."""
        self.client.delete(self.name, filter=f"born > {int(previous_seq)}")
        marked = list(self._rows(f"died > {int(previous_seq)} and died < {ALIVE}"))
        for start in range(0, len(marked), BATCH):
            self.client.upsert(self.name, [{**row, "died": ALIVE} for row in marked[start:start + BATCH]])
        return len(marked)

    def _retire(self, gone: list[str] | None, seq: int, previous_seq: int) -> int:
        """Rows the new build drops die with it: still served to the build before, invisible to this one."""
        if gone is None:  # a full rewrite: every row the previous build served
            rows = list(self._rows(visible(previous_seq)))
        else:
            rows = [row for start in range(0, len(gone), BATCH)
                    for row in self.client.query(self.name, filter=_in("pk", gone[start:start + BATCH]),
                                                 output_fields=["*"])]
        rows = [row for row in rows if row.get("born", 0) < seq]
        for start in range(0, len(rows), BATCH):
            self.client.upsert(self.name, [{**row, "died": seq} for row in rows[start:start + BATCH]])
        return len(rows)

    def _rows(self, expression: str) -> Iterator[dict]:
        """Whole rows matching ``expression``, found by key first: Milvus Lite fails a vector query that matches
        nothing in a fresh collection."""
        iterator = self.client.query_iterator(self.name, batch_size=BATCH, filter=expression, output_fields=["pk"])
        try:
            while batch := iterator.next():
                yield from self.client.query(self.name, filter=_in("pk", [row["pk"] for row in batch]),
                                             output_fields=["*"])
        finally:
            iterator.close()


def save_keys(folder: Path, pks: list[str]) -> Path:
    path = folder / KEYS
    np.save(path, np.array(pks, dtype="S64"))
    return path


def load_keys(folder: Path) -> dict[str, str] | None:
    """The build's content keys → its rows' primary keys; None when the file is missing or damaged."""
    try:
        pks = [k.decode("ascii") for k in np.load(folder / KEYS)]
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return {pk.split(".", 1)[0]: pk for pk in pks}


# --- the serving side -----------------------------------------------------------------------------------------


class MilvusCandidates:
    """Candidates of one published build from its collection: dense and lexical top ``depth``, scored by both."""

    kind = "milvus"

    def __init__(self, connection: MilvusConnection, section: dict, lexical: LexicalIndex, dims: np.ndarray,
                 row_of: RowLookup) -> None:
        self.connection = connection
        self.name = section["collection"]
        self.seq = int(section["seq"])
        self.counted: int | None = None  # the last ``count()``; loading the index asks it once
        self.filter = visible(self.seq)
        self.nprobe = int(section.get("index", {}).get("nprobe", 0))
        self.nlist = int(section.get("index", {}).get("params", {}).get("nlist", 0))
        self.lexical, self.dims, self.row_of = lexical, dims, row_of
        self.client = connection.client()

    def propose(self, query_vector: np.ndarray, query: str, lang: str, depth: int,
                dated: tuple[tuple[str, str], ...] = ()) -> Proposal:
        try:
            return self._propose(query_vector, query, lang, depth, dated)
        except MilvusError:
            raise
        except Exception as exc:
            raise MilvusError(f"Milvus at {self.connection.shown()} did not answer ({_reason(exc)})") from None

    def _propose(self, query_vector: np.ndarray, query: str, lang: str, depth: int,
                 dated: tuple[tuple[str, str], ...] = ()) -> Proposal:
        """Each side's top ``depth`` (and among ``dated``, by the date field), then each side's exact score for the
        other's candidates by filtering on ids.

        Only ids and scores cross the wire: decoding the candidates' vectors in
        pymilvus cost 30 ms a question on KazQAD, more than all the searches.
        """
        vector = np.asarray(query_vector, dtype=np.float32).tolist()
        terms = self.lexical.query_terms(query, lang)
        vocab = self.lexical.retriever.vocab_dict
        query_sparse = {int(self.dims[vocab[t]]): idf for t, idf in terms.idf.items()}
        cosine: dict[str, float] = {}
        bm25: dict[str, float] = {}
        passage_of: dict[str, str] = {}
        for expression in [self.filter] + ([f"({self.filter}) and ({_dated(dated)})"] if dated else []):
            found, more = self._search("dense", vector, depth, expression, self._dense_params())
            cosine.update(found)
            passage_of.update(more)
            if query_sparse:
                found, more = self._search("sparse", query_sparse, depth, expression, SPARSE_PARAMS)
                bm25.update(found)
                passage_of.update(more)
        pks = list(passage_of)
        if not pks:
            return Proposal.empty()
        lexical_only = [pk for pk in bm25 if pk not in cosine]
        if lexical_only:
            found, _ = self._search("dense", vector, len(lexical_only), self._among(lexical_only),
                                    self._dense_params(everywhere=True))
            cosine.update(found)
            missing = [pk for pk in lexical_only if pk not in cosine]
            if missing:  # an approximate index may still skip a filtered row: score it from its vector
                for row in self.client.query(self.name, filter=_in("pk", missing), output_fields=["dense"]):
                    cosine[row["pk"]] = float(np.asarray(row["dense"], dtype=np.float32) @ np.asarray(vector))
        dense_only = [pk for pk in cosine if pk not in bm25]
        if dense_only and query_sparse:
            found, _ = self._search("sparse", query_sparse, len(dense_only), self._among(dense_only), SPARSE_PARAMS)
            bm25.update(found)  # a passage sharing no query token is not returned: its BM25 is 0
        rows = np.asarray(self.row_of([passage_of[pk] for pk in pks]), dtype=np.int64)
        order = np.argsort(rows, kind="stable")  # row order, as the FAISS store hands them to fusion
        rows = rows[order]
        return Proposal(rows, np.array([cosine[pks[i]] for i in order], dtype=np.float32),
                        np.array([bm25.get(pks[i], 0.0) for i in order], dtype=np.float64),
                        self.lexical.coverage_of(terms, rows))

    def _search(self, field: str, query, limit: int, expression: str, params: dict,
                ) -> tuple[dict[str, float], dict[str, str]]:
        """pk → score and pk → passage id of the best ``limit`` rows matching ``expression``."""
        hits = self.client.search(self.name, data=[query], anns_field=field, limit=limit, filter=expression,
                                  output_fields=["passage_id"], search_params=params)[0]
        return ({hit["id"]: float(hit["distance"]) for hit in hits},
                {hit["id"]: hit["entity"]["passage_id"] for hit in hits})

    def _among(self, pks: list[str]) -> str:
        return f"({self.filter}) and {_in('pk', pks)}"

    def dense_top(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosines of the ``k`` nearest passages as the collection's dense index serves them."""
        scores, passage_of = self._search("dense", np.asarray(query_vector, dtype=np.float32).tolist(), k,
                                          self.filter, self._dense_params())
        rows = self.row_of([passage_of[pk] for pk in scores])  # dicts keep the search's order, best first
        return np.asarray(rows, dtype=np.int64), np.array(list(scores.values()), dtype=np.float32)

    def _dense_params(self, everywhere: bool = False) -> dict:
        """``everywhere`` probes every IVF list: a search filtered to given ids must not skip one of them."""
        nprobe = self.nlist if everywhere else self.nprobe
        return {"metric_type": "IP", "params": {"nprobe": nprobe} if nprobe else {}}

    def count(self) -> int:
        """Rows of this build the collection serves, asked of Milvus now (and kept as ``counted``)."""
        (row,) = self.client.query(self.name, filter=self.filter, output_fields=["count(*)"])
        self.counted = int(row["count(*)"])
        return self.counted

    def sample(self, passage_ids: list[str]) -> set[str]:
        """Which of ``passage_ids`` the served build holds (for ``index verify``)."""
        found = self.client.query(self.name, filter=f"({self.filter}) and {_in('passage_id', passage_ids)}",
                                  output_fields=["passage_id"])
        return {row["passage_id"] for row in found}


