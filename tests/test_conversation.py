"""Follow-ups on the dev split: history helps where a question leans on it and changes nothing where it does not."""

from __future__ import annotations

import pytest

from conftest import ROOT
from index.conversation import Conversation, names, only_asks, read_follow_up, unresolved
from index.evaluate import evaluate, load_gold

DEV = load_gold(ROOT / "tests" / "data" / "followups_dev.jsonl")


def test_names_skip_question_words_but_keep_names_that_open_a_question():
    assert names("Путин мен Назарбаев қашан кездесті?") == ["Путин", "Назарбаев"]
    assert names("What is her position?") == [] and names("Кто такой Самат Абиш?") == ["Самат", "Абиш"]
    assert names("Who met on Dec. 19?") == ["Dec", "19"]


def test_an_opening_word_is_a_name_only_where_the_corpus_writes_it_as_one():
    corpus = {"мәселелер": False, "назарбаевтың": True}.get
    casing = lambda word: corpus(word.lower())  # noqa: E731
    assert names("Мәселелер қай деңгейде шешіледі?") == ["Мәселелер"]  # capitals alone cannot tell
    assert names("Мәселелер қай деңгейде шешіледі?", casing) == []
    assert read_follow_up("Мәселелер қай деңгейде шешіледі?", ("Тоқаев не айтты?",), casing).leans
    # a name the corpus knows, then "ол" (he): the pronoun points at that name, not back at the chat
    question = "Назарбаевтың жиені кім және ол неге тергеуде?"
    assert read_follow_up(question, ("Тоқаев не айтты?",)).leans
    assert not read_follow_up(question, ("Тоқаев не айтты?",), casing).leans
    assert names("Натыйжада эмне жаралды?", casing) == ["Натыйжада"]  # never seen mid-sentence: as before


def test_an_opening_and_carries_on_from_the_question_before():
    earlier = ("Между какими центрами силы балансируют страны Центральной Азии?",)
    assert read_follow_up("И чем хочет стать Казахстан?", earlier).anchor == earlier[0]
    assert not read_follow_up("Чем хочет стать Казахстан?", earlier).leans  # names its own subject
    assert not read_follow_up("Did Tokayev and Putin meet in Moscow?", earlier).leans  # "and" inside: no


def test_who_is_asks_and_does_not_refer_back():
    earlier = ("Тоқаев Мәскеуде не айтты?",)
    assert not read_follow_up("Кто такой Самат Абиш и в чём его обвиняют?", earlier).leans
    assert read_follow_up("Был ли такой случай раньше?", earlier).leans  # "такой" (such) still points back


def test_a_pronoun_with_nobody_to_point_at_is_named():
    assert unresolved("What is her position?") == "her" and unresolved("Ол қашан болды?") == "Ол"
    assert unresolved("Кто такой Самат Абиш?") is None  # names its subject
    assert unresolved("Что это значит?") == "это"
    # a question word in a case form is no name ("Какую", "Чью" were read as the subject named)
    assert unresolved("Какую должность она занимает?") == "она" and unresolved("Чью позицию он поддержал?") == "он"
    assert unresolved("Is there a metro?") is None and unresolved("Which deal that was signed matters most?") is None
    assert unresolved("Қандай қантамыр қанды сол жақ құлақшаға әкеледі?") is None  # "сол жақ": the left side
    assert read_follow_up("What is her position?", ()).unresolved == "her"
    assert read_follow_up("What is her position?", ("Who is Valentina Matviyenko?",)).unresolved is None


def test_no_standalone_dev_question_is_taken_for_a_dangling_pronoun(engine):
    standalone = [q for name in ("gold.jsonl", "names.jsonl", "dev_paraphrase.jsonl", "dev_nearmiss.jsonl")
                  for q in load_gold(ROOT / "tests" / "data" / name)]
    assert [q.id for q in standalone if engine.follow_up(q.question, ()).unresolved] == []
    # the dev follow-ups asked with no chat before them: most point at someone only the chat could name
    follow_ups = [q for q in DEV if q.kind == "follow_up"]
    assert sum(1 for q in follow_ups if engine.follow_up(q.question, ()).unresolved) >= 40


def test_a_topic_change_stands_alone_and_a_pronoun_leans(engine):
    misread = [q.id for q in DEV if engine.follow_up(q.question, q.history).leans != (q.kind == "follow_up")]
    # Still misread: "Натыйжада…" (the corpus opens a sentence with it and never writes it mid-sentence),
    # "Еуразиялық…" (written capitalised in names), and "Who does the author compare Tokayev with?"
    assert len(misread) <= 3, misread
    unaided = [q.id for q in DEV if read_follow_up(q.question, q.history).leans != (q.kind == "follow_up")]
    assert set(misread) < set(unaided)  # how the corpus writes the opening word fixes some and breaks none
    assert all(not engine.follow_up(q.question, q.history).leans for q in DEV if q.kind == "topic_change")
    assert read_follow_up("What is her position?", ()).anchor is None  # nothing to lean on
    follow = read_follow_up("Где он был послом?", ("Кто такой Джон Хербст?",))
    assert follow.anchor == "Кто такой Джон Хербст?" and follow.carried == ("Джон", "Хербст")


def test_a_follow_up_none_of_whose_words_the_corpus_holds_is_answered_and_nonsense_is_not(engine):
    """"Кого она тревожит?" is pronouns, a question word and a verb the articles never use: read with its
    earlier question it is answered (it was "not found", as if it were nonsense). Nonsense after a
    question refers to nothing and is still not found."""
    earlier = ("Что Риззат Тасым говорит о миграционной политике России?",)
    reply = engine.ask("Кого она тревожит?", history=earlier)
    assert reply.verdict == "answer" and reply.read_with == earlier[0]
    assert "003_d23ac1e4305185a3" in {c.doc_id for c in reply.citations}
    nonsense = engine.ask("lorem ipsum dolor sit amet", history=("Who is Samat Abish?",))
    assert nonsense.verdict == "not_found" and not nonsense.citations


@pytest.mark.parametrize("earlier,question,fact", [
    ("Did people die in the January 2022 unrest in Kazakhstan?", "How many?", "238"),
    ("Встречался ли Назарбаев с Путиным в 2024 году?", "Сколько раз?", "эки жолу"),
    ("Назарбаев 2024-жылы Путин менен жолуктубу?", "Канча жолу?", "эки жолу"),
])
def test_a_bare_question_word_after_a_question_asks_about_it(engine, earlier, question, fact):
    """"How many?" or «Сколько раз?» has no word of its own to look up; read with its earlier question it asks
    about that question's subject (it was "not found" wherever the corpus lacks its question word)."""
    assert only_asks(question)
    reply = engine.ask(question, history=(earlier,))
    assert reply.verdict == "answer" and reply.read_with == earlier and fact in reply.answer


def test_a_bare_question_word_with_nothing_before_it_is_not_found(engine):
    assert engine.ask("Why?").verdict == "not_found" and engine.ask("Қашан?").verdict == "not_found"


@pytest.mark.parametrize("question", ["What about Tokayev?", "Why did he go?", "Is it true?", "lorem ipsum?"])
def test_a_question_with_words_of_its_own_does_not_only_ask(question):
    assert not only_asks(question)


def test_conversation_keeps_the_last_turns_and_expires():
    chat = Conversation()
    for i in range(5):
        chat.add(f"q{i}", now=100.0 + i)
    assert chat.history(now=110.0, ttl=60) == ("q2", "q3", "q4")
    assert chat.history(now=200.0, ttl=60) == () and chat.expired(200.0, 60)


def test_asking_for_more_keeps_the_question_it_asks_more_of():
    chat = Conversation()
    for i, text in enumerate(["q1", "q2", "q3", "Tell me more", "Подробнее", "Ещё", "What else?"]):
        chat.add(text, now=100.0 + i)
    assert chat.history(now=110.0, ttl=60)[:3] == ("q1", "q2", "q3")
    chat.add("q4", now=111.0)
    assert chat.history(now=112.0, ttl=60) == ("q2", "q3", "Tell me more", "Подробнее", "Ещё", "What else?", "q4")


def test_history_lifts_follow_ups_and_leaves_topic_changes_alone(engine):
    follow_ups = [q for q in DEV if q.kind == "follow_up"]
    changes = [q for q in DEV if q.kind == "topic_change"]
    alone = evaluate(follow_ups, lambda q, h: engine.retrieve(q, 10))
    method = evaluate(follow_ups, lambda q, h: engine.retrieve(q, 10, history=h))
    # The learned ranker lifted the question alone too (recall@5 0.667 → 0.833), so the margin is 0.10, not 0.15
    assert method["recall@5"] >= alone["recall@5"] + 0.10 and method["mrr@10"] >= alone["mrr@10"] + 0.10
    ranks = lambda history: evaluate(changes, lambda q, h: engine.retrieve(q, 10, history=history(h)))["_ranks"]  # noqa: E731
    assert ranks(lambda h: h) == ranks(lambda h: ())  # a new topic is answered as if it were the first question
