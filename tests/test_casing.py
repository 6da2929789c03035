"""How the corpus writes a word decides whether a question's opening word is a name."""

from __future__ import annotations

from index.casing import alike, counts, counts_alike, stem, verdict
from index.lexical import Analyzer


def test_forms_share_a_stem_but_short_stems_do_not_swallow_other_words():
    assert stem("Назарбаевтың") == "назарбае" and stem("Путин") == "путин"
    # "назар" (attention) is not a form of "Назарбаевтың"
    assert counts("Назарбаевтың", ["Ол назар аударды, бірақ Назарбаев үндемеді."]) == (1, 0)


def test_a_sentence_or_line_opening_says_nothing_about_the_word():
    texts = ["Мәселелер көп. Мәселелер шешілмеді.\nМәселелер туралы", "Бұл мәселелер ескі, ал мәселелерді ешкім шешпеді."]
    assert counts("Мәселелер", texts) == (0, 2)
    assert verdict(*counts("Мәселелер", texts)) is False
    assert verdict(*counts("Натыйжада", ["Натыйжада жаңы келишим жаралды."])) is None
    assert verdict(3, 1) is True and verdict(1, 1) is True


def test_the_built_index_tells_names_from_ordinary_words(engine):
    assert engine.casing("Назарбаевтың") is True and engine.casing("Токаевдин") is True
    assert engine.casing("Жолугушуунун") is False and engine.casing("Мәселелер") is False
    assert engine.casing("Натыйжада") is None  # the corpus writes it only at a sentence's start
    assert engine.casing("Zyxwvutsrq") is None  # no passage holds it
    assert engine.casing.rows("Токаев") and len(engine.casing.rows("Токаев")) <= engine.casing.sample


def test_spellings_alike_across_scripts_are_one_word_but_a_shared_opening_is_not():
    spell = Analyzer().spelling
    assert alike(spell("matviyenko"), spell("Матвиенко")) and alike(spell("Тоқаевтың"), spell("Токаев"))
    assert alike(spell("самат"), spell("Samat")) and alike(spell("herbst"), spell("Хербст"))
    assert not alike(spell("transit"), spell("Транскаспийского"))  # five letters shared, the rest is another word
    assert not alike(spell("trump"), spell("Трампа"))  # the corpus' «Трамп» romanizes to "tramp"
    texts = ["Сам Токаев на встрече с Валентиной Матвиенко подтвердил это.", "Матвиенко согласилась, а матвиенко нет."]
    assert counts_alike(spell("matviyenko"), texts, spell) == (1, 1)  # the second text's opening word not counted


def test_the_built_index_reads_a_word_as_its_other_spellings_are_written(engine):
    assert engine.casing("matviyenko") is None  # no passage writes it so
    assert engine.casing.across("matviyenko") is True and engine.casing.across("rizzat") is True
    assert engine.casing.across("john") is True  # «Джон»: an English name as Russian writes it
    assert engine.casing.across("video") is False  # «видеодо»: an ordinary word
    # read as a name, "threats" is "treats", which shares its stem with «Treaty»: only a whole spelling counts
    assert engine.casing.across("threats") is None
    assert engine.casing.across("back") is None  # no acronym ("BAQ.KZ") lends a word its capitals
    assert engine.casing.across("zyxwvutsrq") is None


def test_corpus_words_are_read_mid_sentence_only():
    from index.casing import corpus_words

    names, plain = corpus_words(["Он встретил Путина в Москве. Путин сказал, что встреча в Москве прошла хорошо.",
                                 "Президент РФ прибыл. Его ждал президент."])
    assert names == ["Москве", "Путина"]  # "Путин" and "Он" open a sentence; "РФ" is an acronym
    assert "сказал" in plain and "встреча" in plain and "Президент" not in plain
    assert "президент" not in names and "прибыл" in plain
    # a line's first word is capitalised whatever it is (a heading, a verse): "Russian leader…", "Таудай…"
    names, _ = corpus_words(["Putin met Nazarbayev\nRussian leader Vladimir Putin held talks"])
    assert "Russian" not in names and {"Nazarbayev", "Vladimir", "Putin"} <= set(names)
