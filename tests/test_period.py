"""A question that says when its articles came out ("What was written in September about …?") asks within them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from index.period import Period, named_in, read_period


@pytest.mark.parametrize("question, period", [
    ("What was written in September about Tokayev's trip?", Period(None, 9)),
    ("What did the December article report about the meeting?", Period(None, 12)),
    ("Which agreements were reported in November 2025?", Period(2025, 11)),
    ("what was written in september about it", Period(None, 9)),  # typed in lower case
    ("What did the press write in 2024 about the CSTO?", Period(2024, None)),
    ("Что писали в сентябре о визите Токаева?", Period(None, 9)),
    ("Что сообщалось в мае 2025 года о встрече?", Period(2025, 5)),
    ("Какие статьи за ноябрь рассказывают о визите?", Period(None, 11)),
    ("Что писали в январских статьях?", Period(None, 1)),
    ("Қыркүйекте Тоқаевтың сапары туралы не жазылды?", Period(None, 9)),
    ("2024 жылғы наурызда Тоқаев туралы не жазылды?", Period(2024, 3)),
    ("Қараша айында қандай келісімдер туралы жазылды?", Period(None, 11)),
    ("2025 жылғы қазанда не жазылды?", Period(2025, 10)),
    ("Сентябрда Токаев тууралуу эмне жазылган?", Period(None, 9)),
    ("2025-жылдын декабрында эмне кабарланган?", Period(2025, 12)),
    ("2023-жылы Назарбаев тууралуу эмне жазылган?", Period(2023, None)),
])
def test_a_publication_period_is_read_in_four_languages(question: str, period: Period) -> None:
    assert read_period(question) == period


@pytest.mark.parametrize("question", [
    "What did the BBC report about Putin's December talks with Nazarbayev?",  # an event's month, no period
    "По чьей инициативе, как писали СМИ, состоялась декабрьская встреча?",  # «декабрьская встреча»: an event
    "Что сообщило МЧС о погибших во время январских событий?",
    "ІІМ қаңтар оқиғасы туралы не хабарлады?",  # «Қаңтар оқиғасы», the January events
    "What happened in September?",  # a period, but no word of publishing: what happened, not what was written
    "What may news outlets say about it?",  # "may", the verb
    "Қазанда не жазылды?",  # Kazan, or a cauldron, as much as October
    "Қазанның басында не жазылды?",  # the start of Kazan (or of a cauldron) as much as of October
    "What was written in September and in December about the visit?",  # two periods: which one is not guessed
])
def test_events_verbs_and_two_periods_scope_nothing(question: str) -> None:
    assert read_period(question) is None


def test_a_period_spans_its_dates_and_is_named_in_the_readers_language() -> None:
    assert Period(2025, 9).date_ranges("2024-01-05", "2025-12-28") == (("2025-09-", "2025-09-~"),)
    assert Period(None, 9).date_ranges("2024-01-05", "2025-12-28") == (("2024-09-", "2024-09-~"),
                                                                       ("2025-09-", "2025-09-~"))
    (start, stop), = Period(2025, None).date_ranges("2024-01-05", "2025-12-28")
    assert start <= "2025-01-01" and "2025-12-28" < stop and not start <= "2024-12-31"  # ISO dates compare as text
    assert [Period(2024, 3).label(lang) for lang in ("en", "ru", "kk", "ky")] == [
        "March 2024", "март 2024 г.", "2024 ж. наурыз", "2024-ж. март"]
    assert Period(2023, None).label("ru") == "2023 г." and Period(None, 9).label("en") == "September"


def test_a_period_is_named_by_its_month_in_any_language_with_its_year_in_the_same_sentence() -> None:
    assert named_in(Period(2022, 1), "2022-жылы Каңтар окуясынан кийин 238 адам каза болгон.")  # Kyrgyz January
    assert named_in(Period(2022, 1), "Kazakhstan's January 2022 protests turned violent.")
    assert named_in(Period(None, 5), "Буга чейин алар май айында да баарлашкан.")
    assert not named_in(Period(2024, 3), "Ал 2019-жылдын март айында кеткен. 2024-жылы ал эки жолу барган.")
    assert not named_in(Period(2025, 10), "The talks may go on in 2025.")  # "may" is no month, October is not named


def test_the_index_finds_a_periods_articles_and_passages(seed_index) -> None:
    documents, passages = seed_index.documents, seed_index.passages  # dated 2025-09-18, 2025-11-13 (two), 2025-12-28
    span = documents.date_range()
    assert documents.any_dated(Period(2025, 9).date_ranges(*span))
    assert documents.any_dated(Period(None, 12).date_ranges(*span))
    assert not documents.any_dated(Period(2025, 10).date_ranges(*span))
    assert not documents.any_dated(Period(2024, None).date_ranges(*span))
    rows = passages.rows_dated(Period(None, 9).date_ranges(*span))
    assert len(rows) and {passages[int(r)].date for r in rows} == {"2025-09-18"}
    assert len(passages.rows_dated(Period(2025, 11).date_ranges(*span))) > len(rows)  # two November articles
    assert not len(passages.rows_dated(()))


def test_the_periods_articles_are_cited_first(engine, embedder, seed_index) -> None:
    from index.engine import Engine

    question = "Что писали о визите Токаева в Москву в сентябре?"
    answer = engine.ask(question)
    assert answer.verdict == "answer" and answer.period == Period(None, 9)
    assert answer.citations[0].date == "2025-09-18"
    unread = Engine(embedder, seed_index, periods=False).ask(question)
    assert unread.period is None and unread.citations[0].date != "2025-09-18"  # what the reading is for
    assert answer.to_dict()["period"] == {"year": None, "month": 9}


def test_a_periods_passages_are_proposed_where_other_periods_crowd_them_out(embedder, seed_index) -> None:
    """An archive of years in miniature: with each retriever proposing its top 5 only, the November articles fill
    the candidates of a Russian question about the visit, and the September one is proposed only by the period."""
    from dataclasses import replace

    from index.engine import Engine
    from index.fuse import FusionParams

    question = "Что писали в сентябре о визите Токаева в Москву?"
    narrow = replace(FusionParams(), depth=5)
    unread = Engine(embedder, seed_index, fusion=narrow, periods=False)
    assert "2025-09-18" not in {unread.index.passages[int(r)].date for r in unread.ranked(question, 5).scored.rows}
    read = Engine(embedder, seed_index, fusion=narrow)
    answer = read.ask(question)
    assert answer.citations[0].date == "2025-09-18" and answer.period == Period(None, 9)


def test_a_period_without_articles_is_declined_with_related_passages(engine) -> None:
    answer = engine.ask("Что писали о Назарбаеве в октябре 2025 года?")
    assert answer.verdict == "not_stated" and answer.citations
    assert answer.answer.startswith("В корпусе нет статей за октябрь 2025 г.")
    assert json.loads(json.dumps(answer.to_dict()))["period"] == {"year": 2025, "month": 10}


def test_a_period_an_article_tells_of_is_not_declined(engine) -> None:
    """No article came out in January 2022, but the Kyrgyz and English ones say what happened then."""
    question = "According to the Kyrgyz report, what did the protests in January 2022 turn into?"
    assert read_period(question) == Period(2022, 1)
    assert engine.ask(question).verdict == "answer"


def _days(first: str, last: str) -> Period:
    return Period(None, None, (first, last))


@pytest.mark.parametrize("question, today, period", [
    ("What was written last month about Tokayev?", date(2026, 1, 20), Period(2025, 12)),  # across a new year
    ("What did yesterday's articles report about the talks?", date(2025, 11, 14),
     _days("2025-11-13", "2025-11-13")),
    ("What was reported this week about the visit?", date(2025, 11, 16),  # a Sunday: the week from its Monday
     _days("2025-11-10", "2025-11-16")),
    ("What was written in the past week about the visit?", date(2025, 11, 12),  # the seven days up to today
     _days("2025-11-06", "2025-11-12")),
    ("What did the press write this year about the CSTO?", date(2026, 6, 15), Period(2026, None)),
    ("Что писали вчера о переговорах?", date(2025, 10, 1), _days("2025-09-30", "2025-09-30")),
    ("Что писали в прошлом году о визите Токаева?", date(2026, 2, 10), Period(2025, None)),
    ("Что сообщалось на прошлой неделе о визите?", date(2025, 11, 20), _days("2025-11-10", "2025-11-16")),
    ("Что писали за последний месяц о Назарбаеве?", date(2025, 12, 31), _days("2025-12-02", "2025-12-31")),
    ("Өткен айда Назарбаев туралы не жазылды?", date(2026, 1, 5), Period(2025, 12)),
    ("Осы аптада Ресей туралы не жазылды?", date(2025, 9, 21), _days("2025-09-15", "2025-09-21")),
    ("Биыл Тоқаев туралы не жазылды?", date(2026, 6, 15), Period(2026, None)),
    ("Былтыр Назарбаев тууралуу эмне жазылган?", date(2026, 3, 10), Period(2025, None)),
    ("Быйыл Токаев тууралуу эмне жазылган?", date(2026, 9, 9), Period(2026, None)),
    ("Кечээ Путин тууралуу эмне жазылды?", date(2025, 11, 14), _days("2025-11-13", "2025-11-13")),
    ("Өткөн айда жазылган макалада Токаев тууралуу эмне айтылган?", date(2025, 10, 1), Period(2025, 9)),
])
def test_a_period_said_from_the_day_asked_is_read_in_four_languages(question: str, today: date,
                                                                    period: Period) -> None:
    assert read_period(question, today) == period


@pytest.mark.parametrize("question", [
    "What did Putin do last week?",  # no word of publishing: when it happened, not when it was written
    "What was written last month about the January 2022 events?",  # two periods: which one is not guessed
    "What was written in recent years about the CSTO?",  # years: no one period
    "Соңғы жылдары Ресей туралы не жазылды?",
])
def test_relative_words_without_one_publication_period_scope_nothing(question: str) -> None:
    assert read_period(question, date(2026, 1, 20)) is None


def test_a_relative_period_is_read_only_from_a_given_day() -> None:
    assert read_period("What was written last month about Tokayev?") is None


def test_a_span_of_days_has_its_range_and_label_and_no_sentence_names_it() -> None:
    week = _days("2025-11-10", "2025-11-16")
    assert week.date_ranges("2024-01-05", "2025-12-28") == (("2025-11-10", "2025-11-17"),)  # the last day included
    assert week.label("en") == "10 November 2025 – 16 November 2025"
    day = _days("2025-11-13", "2025-11-13")
    assert [day.label(lang) for lang in ("en", "ru", "kk", "ky")] == [
        "13 November 2025", "13 ноября 2025 г.", "2025 ж. 13 қараша", "2025-ж. 13-ноябрь"]
    assert day.to_dict() == {"year": None, "month": None, "days": ["2025-11-13", "2025-11-13"]}
    assert not named_in(day, "13 ноября 2025 года Токаев прибыл.")  # "yesterday" is when it was written


def test_last_month_is_counted_from_the_day_asked(engine) -> None:
    """Asked in October 2025, "last month" is September's article; asked on the clock's day, a month the seeds hold
    no article from, it is declined, and the reply says which period it read."""
    question = "What was written last month about Tokayev's coming trip to Moscow?"
    october = engine.asked_on(date(2025, 10, 6)).ask(question)
    assert october.verdict == "answer" and october.period == Period(2025, 9)
    assert october.citations[0].date == "2025-09-18"
    now = engine.ask("What was written this week about Tokayev's trip to Moscow?")
    assert now.verdict == "not_stated" and now.period.days[1] == date.today().isoformat()
    assert now.answer.startswith(f"The corpus holds no article from {now.period.label('en')}")
    assert engine.asked_on(None) is engine and engine.clock == date.today  # asking on a day leaves the engine be


def test_a_chat_carries_its_period_to_the_next_question(engine, embedder, seed_index) -> None:
    """After a scoped question, "And in September?" asks what was written then, a follow-up keeps the scope,
    a period without articles is declined, and a question on a new subject is asked on its own."""
    from index.engine import Engine

    november = ("What was written in November about Tokayev's visit to Moscow?",)
    switched = engine.ask("And in September?", history=november)
    assert switched.period == Period(None, 9) and switched.citations[0].date == "2025-09-18"
    # read as the earlier question with September in November's place (substitution.py), or by the chat's cue
    assert switched.read_as == "What was written in September about Tokayev's visit to Moscow?"
    plain = Engine(embedder, seed_index, period_history=(), substitutions=False)
    assert plain.ask("And in September?", history=november).period is None
    assert Engine(embedder, seed_index, substitutions=False).ask("And in September?", history=november).period == \
        Period(None, 9)
    september = ("Что писали в сентябре о визите Токаева в Москву?",)
    kept = engine.ask("Какие темы должны были обсуждаться?", history=september)
    assert kept.period == Period(None, 9) and kept.citations[0].date == "2025-09-18"
    assert engine.period("Who is the expert quoted on it?", (*november, "And in September?")) == Period(None, 9)
    empty = engine.ask("А в марте 2024 года?", history=("Что писали в ноябре о визите Токаева?",))
    assert empty.verdict == "not_stated" and empty.answer.startswith("В корпусе нет статей за март 2024 г.")
    assert engine.period("What did Valentina Matviyenko say about the visit?", november) is None  # its own subject
    assert engine.period("And in September?", ("What happened during Tokayev's visit?",)) is None  # nothing scoped


@pytest.mark.parametrize("question, today, period", [
    ("What has been written since November about Nazarbayev?", date(2026, 1, 10), _days("2025-11-01", "2026-01-10")),
    ("What was written since 2024 about the CSTO?", date(2026, 1, 10), _days("2024-01-01", "2026-01-10")),
    ("What was written from September to November 2025 about the visit?", None, _days("2025-09-01", "2025-11-30")),
    ("What was written between November and February about the visit?", date(2026, 6, 1),  # across a new year
     _days("2025-11-01", "2026-02-28")),
    ("Что писали с октября по декабрь 2025 года о встрече?", None, _days("2025-10-01", "2025-12-31")),
    ("Что писали с мая о Назарбаеве?", date(2026, 1, 10), _days("2025-05-01", "2026-01-10")),
    ("Қарашадан бері Назарбаев туралы не жазылды?", date(2026, 2, 1), _days("2025-11-01", "2026-02-01")),
    ("2025 жылғы қыркүйектен қарашаға дейін сапар туралы не жазылды?", None, _days("2025-09-01", "2025-11-30")),
    ("Октябрдан бери Токаев тууралуу эмне жазылган?", date(2026, 1, 15), _days("2025-10-01", "2026-01-15")),
    ("2025-жылдын сентябрынан декабрына чейин Назарбаев тууралуу эмне жазылган?", None,
     _days("2025-09-01", "2025-12-31")),
])
def test_a_range_of_months_or_years_is_read_in_four_languages(question: str, today: date | None,
                                                               period: Period) -> None:
    assert read_period(question, today) == period


@pytest.mark.parametrize("question, today", [
    ("What has been written since November about Nazarbayev?", None),  # since: until the day asked, not given
    ("Қазаннан бері не жазылды?", date(2026, 1, 10)),  # since Kazan as much as since October
    ("What was written since November about the January 2022 events?", date(2026, 1, 10)),  # a range and a month
    ("Что писали с Путиным?", date(2026, 1, 10)),  # «с» is also "with"
])
def test_a_range_that_cannot_be_placed_or_is_not_one_scopes_nothing(question: str, today: date | None) -> None:
    assert read_period(question, today) is None


def test_since_is_not_in(engine) -> None:
    """"Since November" was read as November alone; it runs to the day asked, so December's article counts."""
    question = "What has been written since November about Putin's meeting with Nazarbayev?"
    answer = engine.asked_on(date(2026, 1, 10)).ask(question)
    assert answer.period == _days("2025-11-01", "2026-01-10") and answer.citations[0].date == "2025-12-28"
    empty = engine.asked_on(date(2026, 5, 1)).ask("Февралдан бери Назарбаев тууралуу эмне жазылган?")
    assert empty.verdict == "not_stated" and empty.period == _days("2026-02-01", "2026-05-01")


@pytest.mark.parametrize("question, period", [
    ("Что писали в начале сентября о визите?", Period(None, 9)),
    ("Что писали в конце апреля 2025 года о Назарбаеве?", Period(2025, 4)),
    ("Что писали в начале мая о встрече?", Period(None, 5)),
    ("Что писали в конце 2025 года о Токаеве?", Period(2025, None)),
    ("Желтоқсанның соңында кездесу туралы не жазылды?", Period(None, 12)),
    ("2024 жылғы шілденің ортасында Тоқаев туралы не жазылды?", Period(2024, 7)),
    ("Қазан айының басында не жазылды?", Period(None, 10)),
    ("2025 жылдың соңында не жазылды?", Period(2025, None)),
    ("Ноябрдын ортосунда Токаевдин сапары тууралуу эмне жазылган?", Period(None, 11)),
    ("Августтун башында Назарбаев тууралуу эмне жазылган?", Period(None, 8)),
    ("What was written at the end of 2025 about Nazarbayev?", Period(2025, None)),
    ("What was written in early 2025 about Tokayev?", Period(2025, None)),
])
def test_the_start_middle_or_end_of_a_month_or_year_is_the_whole_of_it(question: str, period: Period) -> None:
    assert read_period(question) == period
