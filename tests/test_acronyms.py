"""The table of acronyms of organisations and states in the near-miss check (index/acronyms.py, evidence.py)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from index.acronyms import (absent_entity, acronym, as_word, full_names_in, in_capitals, named, other_entities, own_form,
                            reads_as, same_entity, shouted, spelt_out, written_in)


def test_an_acronym_is_read_with_its_case_ending() -> None:
    assert acronym("АҚШ-тың") == "АҚШ" and acronym("АКШнын") == "АКШ" and acronym("ЕАЭО") == "ЕАЭО"
    assert acronym("Токаев") == "" and acronym("C5+1") == "" and acronym("Су-35") == ""  # names, a code
    assert acronym("ОДКБжатканнан") == ""  # more than a case ending


def test_one_entity_across_languages_and_two_entities_apart() -> None:
    assert same_entity("EAEU", "ЕАЭО") and same_entity("ЕАЭБ", "ЕАЭС") and same_entity("US", "АҚШ-тың")
    assert same_entity("ҰҚШҰ", "ЖККУ") and same_entity("CSTO", "ОДКБ")
    # embedded alone these sit above the near-miss lexicon's 0.875: EU / ЕАЭС 0.911, SCO / CSTO 0.886
    assert other_entities("EU", "ЕАЭС") and other_entities("SCO", "CSTO")
    assert not other_entities("US", "USD") and not same_entity("US", "USD")  # USD is no entity of the table


def test_every_acronym_names_one_entity() -> None:
    """Two entities sharing an acronym would pair with each other's passages."""
    data = json.loads(resources.files("index").joinpath("data", "acronyms.json").read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    for entity in data["entities"]:
        for forms in entity["acronyms"].values():
            for form in forms:
                assert seen.setdefault(form.upper(), entity["name"]) == entity["name"], form
                assert acronym(form) == form, form  # the table's forms read back as themselves


def test_only_an_entity_the_corpus_names_in_no_form_is_absent(seed_index) -> None:
    spells = seed_index.lexical.spells
    assert not absent_entity("EAEU", spells) and not absent_entity("ҰҚШҰ", spells)  # «ЕАЭС», «ЖККУ», «CSTO»
    assert absent_entity("NATO", spells) and absent_entity("ШЫҰ", spells)
    assert not absent_entity("Токаев", spells)  # no acronym at all


@pytest.mark.parametrize("question, acronym_asked", [
    ("What did the EU say about Tokayev's visit to Moscow?", "EU"),  # EU / ЕАЭС 0.911 vouched for it before
    ("What is said about the SCO?", "SCO"),  # SCO / CSTO 0.886
    ("НАТО туралы не айтылған?", "НАТО"),
])
def test_an_organisation_the_corpus_never_names_is_not_vouched_for_by_another(engine, embedder, seed_index,
                                                                              question: str,
                                                                              acronym_asked: str) -> None:
    from index.engine import Engine

    reply = engine.ask(question)
    assert reply.verdict == "not_stated" and f"«{acronym_asked}»" in reply.answer, reply.answer
    assert Engine(embedder, seed_index, places=False).ask(question).verdict == "answer"


def test_a_topical_question_about_an_acronym_written_otherwise_passes_the_threshold(engine, embedder,
                                                                                     seed_index) -> None:
    """"What is said about the EAEU?" sits below MIN_SCORE; the cited passages write «ЕАЭО»."""
    from index.engine import Engine

    question = "What is said about the EAEU?"
    assert not engine.confident(engine.retrieve(question, 5))
    reply = engine.ask(question)
    assert reply.verdict == "answer" and "ЕАЭО" in reply.lead, reply.answer
    assert Engine(embedder, seed_index, places=False).ask(question).verdict == "not_found"


def test_an_acronym_in_a_question_with_a_predicate_is_paired_by_the_table(engine) -> None:
    """«US» was 'not mentioned' though the Kazakh passage writes «АҚШ-тың» (dev_acronyms2 ac2-en02)."""
    reply = engine.ask("What does Russia's foreign policy concept say about the US, according to the Kazakh article?")
    assert reply.verdict == "answer" and "АҚШ-тың" in reply.answer, reply.answer


def test_a_full_name_is_found_in_a_question_with_its_case_endings() -> None:
    eaeu = named("ЕАЭС")
    assert full_names_in("What do the articles say about the Eurasian Economic Union?") == {
        "Eurasian": eaeu, "Economic": eaeu, "Union": eaeu}
    assert set(full_names_in("Что пишут о Евразийском экономическом союзе?")) == {
        "Евразийском", "экономическом", "союзе"}
    assert set(full_names_in("Америка Құрама Штаттарының хатшысы не істейді?")) == {"Америка", "Құрама", "Штаттарының"}
    assert full_names_in("What did the Commonwealth of Independent States decide?")["of"] == named("СНГ")
    assert full_names_in("United we stand, and the states differ") == {}  # the words, not in the name's order
    assert full_names_in("Who is Tokayev?") == {}


@pytest.mark.parametrize("question, written", [
    ("What do the articles say about the Eurasian Economic Union?", "ЕАЭ"),  # was: does not mention «Union»
    ("What does Russia's foreign policy concept say about the United States?", "АҚШ-тың"),  # «United»
])
def test_a_full_name_is_paired_with_the_entitys_acronym(engine, embedder, seed_index, question: str,
                                                         written: str) -> None:
    from index.engine import Engine

    reply = engine.ask(question)
    assert reply.verdict == "answer" and written in reply.answer, reply.answer
    assert Engine(embedder, seed_index, places=False).ask(question).verdict != "answer"


def test_a_full_name_of_an_organisation_the_corpus_never_names_is_still_declined(engine) -> None:
    reply = engine.ask("Что заявил Европейский союз о визите Токаева в Москву?")
    assert reply.verdict == "not_stated", reply.answer


def test_an_acronym_folded_into_an_english_word_is_not_taken_as_written(seed_index) -> None:
    """The analyzer folds «ООН» to the token "on", which the English article holds; no passage writes ООН."""
    from index.evidence import spelt

    assert seed_index.lexical.spells("ООН") and not spelt("ООН", seed_index)
    assert spelt("ОДКБ", seed_index) and spelt("CSTO", seed_index) and spelt("АҚШ", seed_index)
    assert spelt("Токаев", seed_index)  # no acronym: the lexical tokens decide, as before
    assert absent_entity("ООН", lambda form: spelt(form, seed_index))


@pytest.mark.parametrize("question, asked", [
    ("Что ООН сказала о строительстве АЭС с участием Росатома?", "ООН"),
    ("БҰҰ Бас хатшысы Тоқаевтың сапары туралы не айтты?", "БҰҰ"),
])
def test_a_un_question_is_declined_in_every_script(engine, question: str, asked: str) -> None:
    reply = engine.ask(question)
    assert reply.verdict == "not_stated" and f"«{asked}»" in reply.answer, reply.answer


def test_an_acronym_written_in_another_script_is_written() -> None:
    """«НАТО» names NATO (both fold to "nato"), «АҚШ-тың» names АҚШ; a lower-case "on" never names ООН, and
    «USA» is not «США» by spelling (the table pairs those two, not the analyzer)."""
    from index.lexical import Analyzer

    tokens = Analyzer().tokens
    assert written_in("NATO", ["В НАТО заявили"], tokens) and written_in("АҚШ", ["АҚШ-тың саяси бағыты"], tokens)
    assert not written_in("ООН", ["on the way to Moscow"], tokens)
    assert not written_in("США", ["the USA said"], tokens)


def test_an_acronym_outside_the_table_is_a_word_wholly_in_capitals() -> None:
    assert in_capitals("ТАСС") and in_capitals("KNB") and in_capitals("ҚХР")
    assert not in_capitals("АҚмола") and not in_capitals("Токаев") and not in_capitals("А")
    # Roman numerals, also typed in Cyrillic letters, name centuries (KazQAD dev asks of «ХШ», «ХІІІ»)
    assert not in_capitals("XIII") and not in_capitals("ХІІІ") and not in_capitals("ХШ")
    assert shouted("WHEN DID PUTIN MEET NAZARBAYEV?") and not shouted("What did the KNB say?")


def test_an_acronym_is_written_letter_for_letter_in_any_script() -> None:
    assert own_form("ССРинин") == "ССР" and own_form("ТАСС-тың") == "ТАСС" and own_form("РФ") == "РФ"
    assert own_form("АҚмола") == "" and own_form("Токаевым") == ""  # an ending from no closed list
    assert reads_as("SSR", "ССРинин") and reads_as("RK", "РК") and reads_as("CA", "ЦА")  # C also as Ц
    assert not reads_as("ТАСС", "ТАС")  # one token to the analyzer, which folds doubled letters
    assert not reads_as("ТАСС", "РФ") and not reads_as("ТОО", "Токаев")  # close only to the encoder


def test_an_acronym_is_read_from_the_initials_of_the_words_it_stands_for() -> None:
    text = "самолет Токаева сопровождали истребители Су-35 Воздушно-космических сил РФ."
    assert spelt_out("VKS", text) == "Воздушно космических сил" and spelt_out("ВКС", text) == "Воздушно космических сил"
    assert spelt_out("ТСИ", text) == "Токаева сопровождали истребители"
    assert spelt_out("ВБ", "в большой игре") == ""  # two initials meet by chance
    assert spelt_out("ВИС", "Вашингтон и страны") == ""  # so does a word like «и»
    assert spelt_out("ҰҚК", "бийлик үчүн күрөштөн кабар берген") == ""  # and ordinary words: a name opens with a capital


@pytest.mark.parametrize("question, asked", [
    ("Что КНБ сообщил о деле Самата Абиша?", "КНБ"),  # close in meaning to the article's investigation
    ("What did the MFA of Kazakhstan say about the talks in the Kremlin?", "MFA"),
    ("Что Токаев говорил об ИИ во время визита в Москву?", "ИИ"),  # no lexical token: stop words to the analyzer
    ("ҰҚК-ның өкілі Самат Әбіштің ісі туралы не айтты?", "ҰҚК-ның"),  # with a case ending, opening the question
    ("Тоқаев ҚТЖ-ның басшысымен Мәскеуде кездесті ме?", "ҚТЖ-ның"),
])
def test_an_acronym_the_corpus_never_writes_is_declined(engine, question: str, asked: str) -> None:
    reply = engine.ask(question)
    assert reply.verdict == "not_stated" and f"«{asked}»" in reply.answer, reply.answer


def test_an_acronym_of_words_the_passages_write_is_answered(engine) -> None:
    """No passage writes «ВКС» or "VKS"; one writes «Воздушно-космических сил», its initials."""
    reply = engine.ask("Which VKS fighters escorted Tokayev's plane?")
    assert reply.verdict == "answer" and "Су-35" in reply.lead, reply.answer


def test_a_longer_word_in_capitals_is_also_read_as_the_word() -> None:
    assert as_word("ТОКАЕВА", "Токаев") and as_word("ТОҚАЕВТЫҢ", "Тоқаевтың") and as_word("PUTIN", "Putin’s")
    assert not as_word("ТАСС", "Тасым") and not as_word("NASA", "Nazarbayev")
    assert not as_word("АҚ", "ақ")  # a Kazakh word and a company form: short words in capitals stay acronyms


@pytest.mark.parametrize("question, expected", [
    ("Какие истребители сопровождали самолет ТОКАЕВА в небе России?", "Су-35"),
    ("НАЗАРБАЕВ Мәскеуге кімнің шақыруымен барды?", "Назарбаев"),
])
def test_a_name_written_in_capitals_for_emphasis_is_answered(engine, question: str, expected: str) -> None:
    reply = engine.ask(question)
    assert reply.verdict == "answer" and expected in reply.answer, reply.answer


def test_a_name_in_capitals_the_corpus_never_writes_is_declined(engine) -> None:
    reply = engine.ask("Что сказал ЛУКАШЕНКО о встрече Путина и Назарбаева?")
    assert reply.verdict == "not_stated" and "«ЛУКАШЕНКО»" in reply.answer, reply.answer


def test_an_acronym_with_a_case_ending_is_read_as_its_acronym() -> None:
    from index.acronyms import outside_form
    from index.evidence import key_terms

    assert outside_form("ҰҚК-ның") == "ҰҚК" and outside_form("УКМКнын") == "УКМК" and outside_form("МИДа") == "МИД"
    assert outside_form("АҚмола") == "" and outside_form("Токаев") == "" and outside_form("ХІІІ") == ""
    assert "ҰҚК-ның" in key_terms("ҰҚК-ның төрағасы не деді?")  # an opening word, yet plainly an acronym
    assert same_entity("КСР", "ССРинин") and same_entity("ҚХР", "КНР") and same_entity("КСРО", "USSR")


def test_an_acronym_with_an_ending_the_corpus_writes_is_answered(engine) -> None:
    """«Қазақ КСР-і» is the Kazakh for the «Казак ССР» the Kyrgyz article writes (the table pairs them)."""
    reply = engine.ask("Назарбаев Қазақ КСР-інде қандай лауазымды атқарған?")
    assert reply.verdict == "answer" and "Министрлер советинин" in reply.answer, reply.answer
