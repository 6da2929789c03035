"""An English name the corpus writes in Cyrillic with another vowel ("Trump" / «Трамп») is read as the corpus
writes it: the real index of the seeds, whose Russian articles name Трамп four times and never "Trump"."""

from __future__ import annotations

from index.respelling import other_vowels, respellings, respelt


def test_one_vowel_is_written_as_russian_writes_it_at_a_time():
    assert other_vowels("trump") == ["tramp", "tremp"] and other_vowels("krk") == []
    assert other_vowels("sulivan") == ["salivan", "selivan", "suliven"]  # Sullivan / Салливан
    assert other_vowels("petting") == []  # e is kept: "petting" is no «Путинге»


def test_a_word_is_read_as_a_name_only_rarely_and_never_a_short_one(engine):
    index = engine.index
    words = ("This", "That", "Tell", "Petting", "Throat", "Pesky", "Monist", "Tromp", "Dock", "Canto", "Hunter")
    assert [w for w in words if respelt(w, index)] == []  # "This" was «Тасым», "Petting" «Путинге»


def test_the_corpus_writes_trump_with_an_a_and_no_other_name_is_read_so(engine):
    index = engine.index
    assert not index.lexical.spells("Trump") and respelt("Trump", index) == "tramp"
    assert respelt("Putin", index) == ""  # spelt as typed: nothing to read
    assert respelt("Istanbul", index) == ""  # its token with an a is «Астана»'s, but the whole name is no «Астана»
    assert respelt("TRUMP", index) == "" and respelt("Su", index) == ""  # capitals, an acronym's letters: no name
    assert respellings("What did Trump tell Putin?", index) == ("tramp",)
    assert respellings("What did Putin say in Istanbul?", index) == ()


def test_the_near_miss_check_and_the_lexical_query_read_the_name_as_written(engine):
    from index.evidence import spelt

    assert spelt("Trump", engine.index)
    hits = engine.retrieve("Trump", 5, mode="bm25")
    assert hits and all("Трамп" in h.passage.text for h in hits)


def test_who_is_and_topical_questions_about_trump_are_answered_from_the_sentences_naming_him(engine):
    for question in ("Who is Donald Trump?", "Tell me about Trump"):
        answer = engine.ask(question)
        assert answer.verdict == "answer", question
        assert "Трамп" in answer.lead, (question, answer.lead)
    # the name is read, the fact is not made up: the corpus says nothing of his age
    assert engine.ask("How old is Donald Trump?").verdict != "answer"
