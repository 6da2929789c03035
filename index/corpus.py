"""Load a corpus directory into clean ``Document``s.

Plain-text news files (``.txt``/``.md``, optional `` date YYYY-MM-DD`` header on
the first line) and JSONL files with one document a line (``id``, ``title``,
``text``, optional ``date``, ``lang``, ``url``) load the same way, so a
benchmark or a user's own corpus indexes exactly like the seeds. A file that
cannot be read is reported by name and skipped; it never stops the rest.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .clean import clean_page
from .lang import LANGS, detect_language
from .markup import plain
from .text import split_sentences

TEXT_SUFFIXES = {".txt", ".md"}
JSONL_SUFFIXES = {".jsonl"}
_DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*")
_TITLE_MAX = 120


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    text: str  # cleaned article text; passages carry offsets into it
    date: str | None
    lang: str
    url: str | None = None
    source: str = ""
    removed: tuple[str, ...] = field(default=(), compare=False)  # paragraphs cleaning took (for the report)

    @property
    def content_hash(self) -> str:
        payload = json.dumps([self.doc_id, self.title, self.text, self.date, self.lang, self.url])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict:
        out = asdict(self)
        out.pop("removed")
        return out


@dataclass(frozen=True)
class Problem:
    """A corpus file (or line) that was skipped, and why."""

    source: str
    reason: str


def parse_text_document(doc_id: str, raw: str, source: str = "") -> Document:
    """A news page as scraped: header date, markup read as text, clutter removed, title = first sentence."""
    raw = plain(raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    first, _, rest = raw.partition("\n")
    date = None
    header = _DATE_HEADER.match(first)
    if header:  # an impossible date ("2025-02-30") is no date: a period question would compare it as one
        date = iso_date(header.group(1))
        first = first[header.end() :]
    paragraphs, removed = clean_page([first, *rest.split("\n")])
    if not paragraphs:
        raise EmptyDocument(len(removed))
    text = "\n\n".join(paragraphs)
    return Document(doc_id, make_title(paragraphs[0]), text, date, detect_language(text), None, source,
                    tuple(removed))


class EmptyDocument(ValueError):
    """Cleaning left no article text; the loader reports the document by name with what was removed."""

    def __init__(self, removed: int) -> None:
        super().__init__(f"no article text ({removed} paragraphs removed as page furniture)" if removed
                         else "no article text")


def make_title(paragraph: str) -> str:
    """First sentence of the first paragraph, cut at a word boundary if long."""
    spans = split_sentences(paragraph)
    start, end = spans[0] if spans else (0, len(paragraph))
    title = paragraph[start:end].strip()
    if len(title) > _TITLE_MAX:
        title = title[:_TITLE_MAX].rsplit(" ", 1)[0].rstrip(",;:—-– ") + "…"
    return title


def parse_jsonl_record(record: object, source: str) -> Document:
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    doc_id, text = record.get("id"), record.get("text")
    if not isinstance(doc_id, (str, int)) or str(doc_id).strip() == "":
        raise ValueError("missing 'id'")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing or empty 'text'")
    text = plain(text)
    if not text.strip():
        raise ValueError("no text once its HTML markup is read")
    paragraphs, removed = clean_page(text.split("\n"))
    if not paragraphs:  # a record is one article: never drop it whole for looking like furniture
        paragraphs, removed = [" ".join(text.split())], []
    clean = "\n\n".join(paragraphs)
    lang = record.get("lang")
    if lang not in LANGS:
        lang = detect_language(clean)
    title = plain_text(plain(str(record.get("title") or ""))) or make_title(paragraphs[0])
    return Document(str(doc_id), title, clean, iso_date(record.get("date")), lang,
                    web_url(record.get("url")), source, tuple(removed))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def plain_text(text: str, limit: int = 300) -> str:
    """A title as one line of plain text: no control or direction characters, spaces folded, bounded."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


MAX_URL = 2048


def web_url(value: object) -> str | None:
    """An article's address as a link users may open: http or https with a host, one line, bounded; else None.
    It is shown in every citation, so a ``javascript:`` or ``file:`` address never becomes a link."""
    from urllib.parse import urlsplit

    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_URL or _CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1" and other addresses urllib cannot read
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def iso_date(value: object) -> str | None:
    """``YYYY-MM-DD`` (a timestamp's date part is kept), or None: metadata is shown to users, so it is checked."""
    import datetime as dt

    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}(?:$|[T ])", value.strip()):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


DEFAULT_MAX_DOCUMENT_BYTES = 2_000_000


def load_corpus(directory: Path, max_document_bytes: int | None = None) -> tuple[list[Document], list[Problem]]:
    """All documents under ``directory`` (sorted by file name) and what was skipped.

    A document over ``max_document_bytes`` (a whole text file, or one JSONL
    record) is skipped and reported: it is almost always a dump or a mistake,
    and embedding it would hold the build for hours.
    """
    limit = max_document_bytes or DEFAULT_MAX_DOCUMENT_BYTES
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"corpus directory {directory} does not exist")
    docs: list[Document] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(doc: Document) -> None:
        if doc.doc_id in seen:
            problems.append(Problem(doc.source, f"duplicate document id {doc.doc_id!r}; skipped"))
        else:
            seen.add(doc.doc_id)
            docs.append(doc)

    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        suffix = path.suffix.lower()
        if path.name.startswith(".") or suffix not in TEXT_SUFFIXES | JSONL_SUFFIXES:
            continue
        if path.name.lower() == "readme.md":
            continue
        name = str(path.relative_to(directory))
        try:
            size = path.stat().st_size
            if suffix in TEXT_SUFFIXES and size > limit:
                problems.append(Problem(name, f"too large ({size:,} bytes; the limit is {limit:,}, MAX_DOCUMENT_BYTES)"))
                continue
            raw = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(name, f"not UTF-8 text (byte {exc.start})"))
            continue
        except OSError as exc:
            problems.append(Problem(name, f"cannot read: {exc.strerror}"))
            continue
        if "\x00" in raw:
            problems.append(Problem(name, "binary file (contains NUL bytes)"))
            continue
        if suffix in TEXT_SUFFIXES:
            try:
                add(parse_text_document(path.stem, raw, name))
            except EmptyDocument as exc:
                problems.append(Problem(name, str(exc)))
            continue
        for lineno, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            if len(line) > limit:
                problems.append(Problem(f"{name}:{lineno}", f"record too large ({len(line):,} characters; "
                                                           f"the limit is {limit:,}, MAX_DOCUMENT_BYTES)"))
                continue
            try:
                add(parse_jsonl_record(json.loads(line), f"{name}:{lineno}"))
            except (json.JSONDecodeError, ValueError) as exc:
                problems.append(Problem(f"{name}:{lineno}", f"bad JSONL record: {exc}"))
    return docs, problems


def corpus_fingerprint(docs: list[Document]) -> str:
    digest = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: d.doc_id):
        digest.update(doc.content_hash.encode())
    return digest.hexdigest()
