"""Turn answers into Telegram messages: escaped HTML, size-limited pieces, inline keyboards.

Pure functions, so the rules (escaping, 4096-character limit, 64-byte callback
data) are tested without a network.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from index.answer import Answer, Citation
from index.text import split_sentences

MESSAGE_LIMIT = 4096
CALLBACK_LIMIT = 64
LANG_NAMES = {"en": "English", "ru": "Russian", "kk": "Kazakh", "ky": "Kyrgyz"}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "read_as": "Read as “{question}”",
        "period": "Articles from {period} first",
        "read_with": "Read with your earlier question “{question}” (/new to ask afresh)",
        "unresolved": "“{word}” points at no earlier question in this chat: name whom or what you mean",
        "sources": "Sources", "more": "More results", "no_more": "No more results.",
        "nearest": "Nearest documents", "undated": "undated", "passage": "Passage",
        "gone": "That source is no longer in the index; please ask again.",
        "expired": "That answer is too old to page; please ask again.",
    },
    "ru": {
        "read_as": "Прочитано как «{question}»",
        "period": "Сначала статьи за {period}",
        "read_with": "Прочитано вместе с вашим прошлым вопросом «{question}» (/new — начать заново)",
        "unresolved": "«{word}» не отсылает ни к одному прошлому вопросу в этом чате: назовите, кого или что вы имеете в виду",
        "sources": "Источники", "more": "Ещё результаты", "no_more": "Больше результатов нет.",
        "nearest": "Ближайшие документы", "undated": "без даты", "passage": "Фрагмент",
        "gone": "Этого источника больше нет в индексе; задайте вопрос ещё раз.",
        "expired": "Этот ответ устарел; задайте вопрос ещё раз.",
    },
    "kk": {
        "read_as": "Былай оқылды: «{question}»",
        "period": "Алдымен {period} кезеңіндегі мақалалар",
        "read_with": "Алдыңғы сұрағыңызбен бірге оқылды: «{question}» (/new — жаңадан бастау)",
        "unresolved": "«{word}» бұл чаттағы ешбір алдыңғы сұраққа сілтемейді: кімді немесе нені меңзейтініңізді атаңыз",
        "sources": "Дереккөздер", "more": "Тағы нәтижелер", "no_more": "Басқа нәтиже жоқ.",
        "nearest": "Ең жақын құжаттар", "undated": "күні жоқ", "passage": "Үзінді",
        "gone": "Бұл дереккөз индексте жоқ; сұрақты қайта қойыңыз.",
        "expired": "Бұл жауап ескірді; сұрақты қайта қойыңыз.",
    },
    "ky": {
        "read_as": "Мындайча окулду: «{question}»",
        "period": "Адегенде {period} мезгилиндеги макалалар",
        "read_with": "Мурунку сурооңуз менен кошо окулду: «{question}» (/new — кайрадан баштоо)",
        "unresolved": "«{word}» бул чаттагы эч бир мурунку суроого шилтебейт: кимди же эмнени айтып жатканыңызды атаңыз",
        "sources": "Булактар", "more": "Дагы натыйжалар", "no_more": "Башка натыйжа жок.",
        "nearest": "Эң жакын документтер", "undated": "күнү жок", "passage": "Үзүндү",
        "gone": "Бул булак индексте жок; суроону кайра бериңиз.",
        "expired": "Бул жооп эскирди; суроону кайра бериңиз.",
    },
}


def ui_lang(code: str | None) -> str:
    """The user's Telegram language if we speak it, else English."""
    base = (code or "en").split("-")[0].lower()
    return base if base in TEXTS else "en"


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def linked(title: str, url: str | None) -> str:
    """The title in bold, a link to its article when the corpus gives an address (corpus.web_url: http or https)."""
    bold = f"<b>{esc(title)}</b>"
    return f'<a href="{html.escape(url, quote=True)}">{bold}</a>' if url else bold


def source_line(c: Citation, lang: str) -> str:
    date = c.date or TEXTS[lang]["undated"]
    return f"[{c.n}] {linked(c.title, c.url)} — {esc(date)}, {esc(LANG_NAMES.get(c.lang, c.lang))}"


def answer_blocks(answer: Answer, lang: str) -> list[str]:
    """Self-contained HTML blocks; messages are packed from whole blocks, so tags never split."""
    blocks = []
    asked = [p.question for p in answer.parts]  # a message of several questions: a paragraph each, question first
    for i, paragraph in enumerate(answer.answer.split("\n\n")):
        lead = f"{asked[i]} — " if i < len(asked) else None
        for j, piece in enumerate(split_plain(paragraph, MESSAGE_LIMIT // 2)):
            if j == 0 and lead and piece.startswith(lead):
                blocks.append(f"<b>{esc(asked[i])}</b> — {esc(piece[len(lead):])}")
            else:
                blocks.append(esc(piece))
    if answer.period and answer.verdict == "answer":  # "written in September": say the articles were scoped so
        blocks.insert(0, f"<i>{esc(TEXTS[lang]['period'].format(period=answer.period.label(lang)))}</i>")
    if answer.read_as:  # Kazakh typed in Latin letters or without its own: say how it was read, so a misread is seen
        blocks.insert(0, f"<i>{esc(TEXTS[lang]['read_as'].format(question=shortened(answer.read_as)))}</i>")
    if answer.read_with:  # a follow-up: say which question shaped it, so a misread is seen and undone with /new
        blocks.insert(0, f"<i>{esc(TEXTS[lang]['read_with'].format(question=shortened(answer.read_with)))}</i>")
    if answer.unresolved:  # "her" with nobody to be: say so rather than let a guess pass for the answer
        blocks.insert(0, f"<i>{esc(TEXTS[lang]['unresolved'].format(word=answer.unresolved))}</i>")
    if answer.citations:
        blocks.append(f"<b>{esc(TEXTS[lang]['sources'])}</b>")
        blocks.extend(source_line(c, lang) for c in answer.citations)
    return blocks


def shortened(question: str, limit: int = 200) -> str:
    """A question quoted in a note: at most ``limit`` characters (a message may hold 2,000)."""
    return question if len(question) <= limit else question[:limit - 1] + "…"


def split_plain(text: str, limit: int) -> list[str]:
    """Plain text in pieces of at most ``limit`` characters, cut at sentence, then line, then word ends."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for start, end in split_sentences(text) or [(0, len(text))]:
        sentence = text[start:end]
        while len(sentence) > limit:  # one huge "sentence": cut at the last space that fits
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def pack(blocks: list[str], limit: int = MESSAGE_LIMIT, sep: str = "\n\n") -> list[str]:
    """Join blocks into as few messages as fit the limit (a block is never split)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        if len(block) > limit:
            raise ValueError("a block is longer than a message")
        candidate = f"{current}{sep}{block}" if current else block
        if len(candidate) > limit:
            messages.append(current)
            current = block
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


@dataclass(frozen=True)
class Button:
    text: str
    data: str


def passage_data(passage_id: str) -> str:
    """Callback data for 'show passage': the stable passage id, so it works after a restart."""
    data = f"p|{passage_id}"
    return data if len(data.encode()) <= CALLBACK_LIMIT else f"p|{passage_id[-(CALLBACK_LIMIT - 2):]}"


def more_data(answer_key: str, page: int) -> str:
    return f"m|{answer_key}|{page}"


def vote_data(answer_key: str, vote: int) -> str:
    return f"v|{answer_key}|{'+' if vote > 0 else '-'}"


def keyboard(citations: list[Citation], answer_key: str | None, next_page: int | None, lang: str) -> list[list[Button]]:
    rows = [[Button(f"[{c.n}]", passage_data(c.passage_id)) for c in citations[i:i + 5]]
            for i in range(0, len(citations), 5)]
    if answer_key is not None and next_page is not None:
        rows.append([Button(f"{TEXTS[lang]['more']} ▸", more_data(answer_key, next_page))])
    if answer_key is not None and next_page == 1:  # under the answer itself, not under later pages
        rows.append([Button("👍", vote_data(answer_key, 1)), Button("👎", vote_data(answer_key, -1))])
    for row in rows:
        for button in row:
            assert len(button.data.encode()) <= CALLBACK_LIMIT, button.data
    return rows


def passage_message(title: str, date: str | None, doc_lang: str, doc_id: str, text: str, lang: str,
                    url: str | None = None) -> list[str]:
    header = (f"{linked(title, url)}\n{esc(date or TEXTS[lang]['undated'])} · "
              f"{esc(LANG_NAMES.get(doc_lang, doc_lang))} · <code>{esc(doc_id)}</code>")
    blocks = [header] + [esc(piece) for para in text.split("\n\n") for piece in split_plain(para, 3000)]
    return pack(blocks)
