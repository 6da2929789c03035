"""Passages: sentence-aware, paragraph-respecting, traceable, stable, deduplicated."""

from __future__ import annotations

from conftest import SEEDS
from index.chunk import MAX_WORDS, chunk_corpus, chunk_document
from index.corpus import Document, load_corpus
from index.text import split_sentences


def _docs():
    return load_corpus(SEEDS)[0]


def test_passages_point_into_the_document_text():
    docs = {d.doc_id: d for d in _docs()}
    for p in chunk_corpus(list(docs.values())):
        doc = docs[p.doc_id]
        assert doc.text[p.start:p.end] == p.text
        assert (p.title, p.date, p.lang) == (doc.title, doc.date, doc.lang)


def test_sizes_and_coverage():
    for doc in _docs():
        passages = chunk_document(doc)
        assert all(len(p.text.split()) <= MAX_WORDS for p in passages)
        assert len(passages) >= 2
        covered = [False] * len(doc.text)
        for p in passages:
            covered[p.start:p.end] = [True] * (p.end - p.start)
        for s, e in split_sentences(doc.text):  # every sentence is whole inside some passage
            assert any(p.start <= s and e <= p.end for p in passages), doc.text[s:e]


def test_passages_end_on_sentence_boundaries():
    for doc in _docs():
        ends = {e for _, e in split_sentences(doc.text)}
        assert all(p.end in ends for p in chunk_document(doc))


def test_ids_are_stable_and_unique():
    first = [p.passage_id for p in chunk_corpus(_docs())]
    second = [p.passage_id for p in chunk_corpus(_docs())]
    assert first == second
    assert len(set(first)) == len(first)


def test_exact_duplicates_are_indexed_once():
    docs = _docs()
    copy = Document("copy_of_004", docs[4].title, docs[4].text, None, "en")
    assert len(chunk_corpus(docs + [copy])) == len(chunk_corpus(docs))


def test_overlong_sentence_is_windowed():
    words = " ".join(f"w{i}" for i in range(250)) + "."
    doc = Document("long", "t", words, None, "en")
    passages = chunk_document(doc)
    assert len(passages) >= 3
    assert all(len(p.text.split()) <= MAX_WORDS for p in passages)
    assert passages[0].text.startswith("w0 ") and passages[-1].text.endswith("w249.")
