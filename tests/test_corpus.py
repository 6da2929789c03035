"""Loading, cleaning, language detection and sentence splitting."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, SEEDS
from index.clean import clean_paragraphs
from index.corpus import load_corpus
from index.lang import detect_language
from index.text import split_sentences


@pytest.fixture(scope="module")
def seeds():
    docs, problems = load_corpus(SEEDS)
    assert problems == []
    return {d.doc_id: d for d in docs}


def test_seed_metadata(seeds):
    got = {k: (d.lang, d.date) for k, d in seeds.items()}
    assert got == {
        "000_f84121460bca48ab": ("ky", "2025-12-28"),
        "001_0e6c78818ac585cd": ("ru", "2025-11-13"),
        "002_72360f42ea55f008": ("ru", "2025-11-13"),
        "003_d23ac1e4305185a3": ("kk", "2025-09-18"),
        "004_2a95a0a8ff3325d7": ("en", None),
    }
    assert seeds["004_2a95a0a8ff3325d7"].title == "Putin holds ‘private’ talks with Kazakhstan’s ex-president"
    assert seeds["003_d23ac1e4305185a3"].title.startswith("Жыл соңында Президент Қасым-Жомарт Тоқаев")
    assert not seeds["001_0e6c78818ac585cd"].title.startswith(("USD", "Рауф"))
    assert all(len(d.title) <= 121 for d in seeds.values())


@pytest.mark.parametrize("junk", ["USD 1.7000", "01:44 646", "собкор", "Join our community", "Support Us",
                                  "Casino", "Signup", "Comments", "Notify of", "guest", "Read also",
                                  "Article Rating", "You Might Also Like", "Consider supporting", " date "])
def test_web_clutter_is_removed(seeds, junk):
    assert all(junk.lower() not in d.text.lower() for d in seeds.values())


def test_article_text_is_kept(seeds):
    assert "resulting in the deaths of 238 civilians" in seeds["004_2a95a0a8ff3325d7"].text
    assert "stronger ties with the West." in seeds["004_2a95a0a8ff3325d7"].text
    assert seeds["001_0e6c78818ac585cd"].text.startswith("Как уже сообщал haqqin.az")
    assert seeds["000_f84121460bca48ab"].text.startswith("Орусиянын президенти Владимир Путин")
    assert seeds["003_d23ac1e4305185a3"].text.rstrip().endswith("деді Мемлекет басшысы.")


def test_repeated_captions_are_dropped(seeds):
    text = seeds["001_0e6c78818ac585cd"].text
    assert text.count("сопровождали истребители Су-35 Воздушно-космических сил РФ") == 1
    assert text.count("стал площадкой для политического маневра") == 1


def test_clean_rules_are_general():
    page = ["EUR 0.93", "Jane Doe, staff writer", "12:01 88", "", "The council approved the budget on Monday.",
            "Subscribe to our newsletter", "It will fund 12 new schools.", "The council approved the budget on Monday",
            "3 Comments", "Share on Facebook", "Login"]
    assert clean_paragraphs(page) == ["The council approved the budget on Monday.", "It will fund 12 new schools."]


def test_long_line_mentioning_comments_is_article_text():
    line = ("The minister declined to give any comments on the report, saying that the commission would publish "
            "its own findings after the review of all regional budgets was complete next spring.")
    assert clean_paragraphs([line]) == [line]


@pytest.mark.parametrize("text,lang", [
    ("When did Putin meet Nazarbayev?", "en"),
    ("Когда Токаев прилетел в Москву?", "ru"),
    ("Путин кіммен кездесті?", "kk"),
    ("Сапар қашан өтеді?", "kk"),
    ("Назарбаев Путин менен качан жолукту?", "ky"),
    ("Каңтар окуясында канча адам каза болгон?", "ky"),
    ("Статья о визите Қасым-Жомарта Токаева в Москву и переговорах с президентом России.", "ru"),
    # Kyrgyz without ң ө ү: its endings decide (-догу, -ган, -га, -дин), Russian plurals and verbs stay ru
    ("Вашингтондогу саммиттен кийин Токаев Москвага учуп барганбы?", "ky"),
    ("Атомдук станцияны курууга Орусиянын кайсы компаниясы катышат?", "ky"),
    ("До какой суммы страны намерены увеличить товарооборот?", "ru"),
    ("Какие компании будут строить атомную станцию в Казахстане?", "ru"),
    ("Сколько гражданских погибло во время январских событий?", "ru"),
    # ы after к, ч, ш… is no Russian spelling: a Kyrgyz word without ң ө ү; but Russian writes names so
    ("Казакстандын тышкы саясат концепциясы акыркы он жылда канчанчы концепция?", "ky"),
    ("Министрдин башчысы тышкы саясат боюнча кантип ойлойт?", "ky"),
    ("Расскажи про Шымкент.", "ru"),
])
def test_language_detection(text, lang):
    assert detect_language(text) == lang


def test_sentence_split_keeps_abbreviations():
    text = "Peskov confirmed on Dec. 20. The meeting was on Dec. 19. В. Путин встретился с ним."
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert sentences == ["Peskov confirmed on Dec. 20.", "The meeting was on Dec. 19.", "В. Путин встретился с ним."]


def test_sentence_split_keeps_kazakh_initials_and_abbreviations():
    """KazQAD writes «Ғ. Мүсірепов», «ХХ ғ.», «Xғ.» (century), «1985-1991 жж.», «1089ж.» (years), «б.з.» (era):
    none ends a sentence."""
    text = ("Ғ. Мүсірепов пен Қ. Жалайри ХХ ғ. 80 ж. соңында ақталды. 1985-1991 жж. реформа болды. "
            "Теңгелер б.з. 3-4 ғ. соғылған. Ол келді. 1089ж. Қай ел келді? Xғ. Киев Русі.")
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert sentences == ["Ғ. Мүсірепов пен Қ. Жалайри ХХ ғ. 80 ж. соңында ақталды.", "1985-1991 жж. реформа болды.",
                         "Теңгелер б.з. 3-4 ғ. соғылған.", "Ол келді.", "1089ж. Қай ел келді?", "Xғ. Киев Русі."]


def test_headline_without_period_is_its_own_sentence():
    text = "Putin holds talks\n\nThe Kremlin confirmed it."
    assert [text[s:e] for s, e in split_sentences(text)] == ["Putin holds talks", "The Kremlin confirmed it."]


def test_jsonl_and_bad_files_are_reported_by_name(tmp_path):
    (tmp_path / "good.txt").write_text(" date 2024-01-02 Первая строка статьи о событиях.\nВторой абзац.", "utf-8")
    rows = [
        {"id": "a1", "title": "Alpha", "text": "Alpha text about something important.", "lang": "en"},
        {"id": "a2", "text": "Қазақстан туралы мәтін."},
        {"id": "a3"},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + ["{not json"]
    (tmp_path / "more.jsonl").write_text("\n".join(lines), "utf-8")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "empty.txt").write_text("", "utf-8")
    (tmp_path / "notes.csv").write_text("ignored", "utf-8")
    docs, problems = load_corpus(tmp_path)
    by_id = {d.doc_id: d for d in docs}
    assert set(by_id) == {"good", "a1", "a2"}
    assert by_id["good"].date == "2024-01-02" and by_id["good"].lang == "ru"
    assert by_id["a2"].lang == "kk" and by_id["a2"].title == "Қазақстан туралы мәтін."
    reported = {p.source: p.reason for p in problems}
    assert set(reported) == {"more.jsonl:3", "more.jsonl:4", "latin1.txt", "blob.txt", "empty.txt"}
    assert "UTF-8" in reported["latin1.txt"] and "binary" in reported["blob.txt"]


def test_missing_corpus_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_jsonl_metadata_is_validated(tmp_path):
    """A hostile date, title or address becomes plain data: dates ISO or null, titles one line of plain text,
    addresses http(s) links or null."""
    import json as _json

    from index.corpus import load_corpus

    records = [{"id": "a", "text": "Police closed a casino in Kapchagay on Tuesday.", "date": "<i>2025",
                "title": "<b>Bold</b>\u202e title\x00 with\ncontrols", "url": " https://kapital.kz/a?x=1 "},
               {"id": "b", "text": "The parliament met in Astana.", "date": "2025-03-04T10:00:00Z",
                "url": "javascript:alert(1)"},
               {"id": "c", "text": "A third text about Bishkek.", "date": "2025-13-40", "title": "   ",
                "url": "https://bad host/x"}]
    (tmp_path / "docs.jsonl").write_text("\n".join(_json.dumps(r) for r in records), "utf-8")
    docs = {d.doc_id: d for d in load_corpus(tmp_path)[0]}
    assert docs["a"].date is None and docs["b"].date == "2025-03-04" and docs["c"].date is None
    assert docs["a"].title == "Bold title with controls"  # markup read as text; what is left is escaped when rendered
    assert docs["c"].title.startswith("A third text")
    assert [docs[d].url for d in "abc"] == ["https://kapital.kz/a?x=1", None, None]
    (tmp_path / "d.txt").write_text(" date 2025-02-30 Парламент собрался в Астане.\nВторой абзац.", "utf-8")
    page = {d.doc_id: d for d in load_corpus(tmp_path)[0]}["d"]
    assert page.date is None and page.text.startswith("Парламент собрался")  # the header read, its date refused


def test_cleaning_removes_furniture_and_never_news():
    """News sentences about casinos, donations, adverts survive; tickers, calls to action and widgets go."""
    import json as _json
    import sys as _sys

    _sys.path.insert(0, str(ROOT / "bench"))
    from cleaning import news_like_page

    from index.clean import clean_page

    rows = [_json.loads(line) for line in (ROOT / "tests" / "data" / "cleaning.jsonl").read_text("utf-8").splitlines()]
    page, real, furniture = news_like_page(rows)
    kept, removed = clean_page(page)
    assert [t for t in real if t not in kept] == []
    assert [t for t in furniture if t in kept] == []
    assert sorted(removed) == sorted(t for t in page if t not in kept)


def test_removed_paragraphs_are_reported_per_document(seeds_copy):
    from index.build import plan_build

    report = plan_build(seeds_copy, seeds_copy.parent / "index", "sha256:x").to_dict()["cleaning"]
    assert report["documents"] == 2 and report["paragraphs_removed"] >= 18
    assert "Subscribe" in report["removed"]["004_2a95a0a8ff3325d7"]
    assert "USD 1.7000" in report["removed"]["001_0e6c78818ac585cd"]


def test_a_page_that_is_all_furniture_is_reported_by_name(tmp_path):
    (tmp_path / "ad.txt").write_text("Subscribe\nSupport Us\n0 Comments\n", "utf-8")
    (tmp_path / "real.txt").write_text("Police closed an illegal casino in Kapchagay on Tuesday.\n", "utf-8")
    docs, problems = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["real"]
    assert [(p.source, p.reason) for p in problems] == [("ad.txt", "no article text (3 paragraphs removed as page furniture)")]


def test_html_markup_in_a_text_is_read_as_the_text_it_marks_up():
    """KazQAD's Wikipedia contexts carry escaped tags ("1 мм&lt;sup&gt;3&lt;/sup&gt;"), CMS exports entities and
    paragraphs; left in, answers quoted "&lt;br&gt;" and BM25 indexed "lt", "br", "sup" as words."""
    from index.markup import has_markup, plain

    assert plain("1 мм&lt;sup&gt;3&lt;/sup&gt; қанында") == "1 мм3 қанында"
    assert plain("Көктем&lt;br&gt;Жаз") == "Көктем\nЖаз"
    assert plain("<p>Путин&nbsp;и&nbsp;Токаев</p><p>Второй&#8212;абзац</p>") == "\nПутин и Токаев\n\nВторой—абзац\n"
    assert plain("&amp;laquo;Ана тили&amp;raquo;") == "«Ана тили»"  # escaped twice
    assert plain('Text<script type="x">var a = "<p>";</script> and <!-- note --> more') == "Text and more"
    assert plain("<b>Bold</b> and <a href='/x'>a link</a>") == "Bold and a link"
    for text in ("<1100 қызықты дерек-Адам анатомиясы/>", "if x < 5 and y > 3", "AT&T, R&D", "Plain  text\n\n"):
        assert not has_markup(text) and plain(text) == text  # no element, no entity: unchanged byte for byte


def test_the_loader_reads_markup_in_pages_and_records(tmp_path):
    records = [{"id": "k1", "title": "Эритроциттер &amp; қан",
                "text": "Жаңа туған сәбидің қанында 1 мм&lt;sup&gt;3&lt;/sup&gt; көлемде 6,5 млн эритроцит бар.&lt;br&gt;"
                        "Бұл туралы оқулықта жазылған."},
               {"id": "k2", "text": "<div><br/></div>&nbsp;"}]
    (tmp_path / "docs.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    (tmp_path / "page.txt").write_text(
        " date 2025-11-13 <h1>Токаев прибыл в Москву</h1><p>Визит начался в Кремле.</p><p>Переговоры шли три часа.</p>",
        "utf-8")
    docs, problems = load_corpus(tmp_path)
    by_id = {d.doc_id: d for d in docs}
    assert by_id["k1"].title == "Эритроциттер & қан" and "1 мм3 көлемде" in by_id["k1"].text
    assert "&" not in by_id["k1"].text and "<" not in by_id["k1"].text
    page = by_id["page"]
    assert page.date == "2025-11-13" and page.title == "Токаев прибыл в Москву"
    assert page.text.split("\n\n") == ["Токаев прибыл в Москву", "Визит начался в Кремле.", "Переговоры шли три часа."]
    assert [(p.source, p.reason) for p in problems] == [("docs.jsonl:2", "bad JSONL record: no text once its HTML markup is read")]
