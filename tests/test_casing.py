"""How the corpus writes a word decides whether a question's opening word is a name."""

from __future__ import annotations

from index.casing import counts, stem, verdict


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
