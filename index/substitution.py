"""A follow-up that puts a new name in its earlier question's place: "And Tokayev?", "No, I meant Matviyenko".

After "When did Nazarbayev leave office?", "And Tokayev?" asks "When did Tokayev
leave office?". Read as other follow-ups are (conversation.py), it would borrow
the earlier question's names, Nazarbayev with them, and the old subject would
keep pulling the answer to itself. A message that names someone or something
in a frame of substitution (an opening "and" or «а», "what about", "same
question about", «как насчёт», the Kazakh particle «ше», the Kyrgyz «чы»; or a
correction's: "no, I meant", «нет, я про», «жоқ, мен … туралы сұрадым»), and
says nothing its earlier question does not, is read as that question with one
of its names replaced: the one standing by the same word ("according to Peskov"
for "according to Tokayev", «Тоқаевтың ұшағын» for «Путиннің ұшағын»), else the
first it names. The reply shows the question it was read as (Answer.read_as),
so a wrong guess is seen.
"""

from __future__ import annotations

import re

from .conversation import CONTINUING, WORD, Casing, name_matches, unseen
from .text import has_digit, split_sentences

# Words that, opening a message, carry on from the one before: "And Tokayev?", «А Матвиенко?», «Ал эми Путин чы?».
OPENING = CONTINUING | frozenset({"ал"})
# Pairs that ask the same of someone else: "What about Aidos Ukibay?", «А как насчёт Пескова?», «То же самое про…».
PHRASES = frozenset({("what", "about"), ("how", "about"), ("same", "question"), ("same", "for"), ("как", "насчёт"),
                     ("как", "насчет"), ("что", "насчёт"), ("что", "насчет"), ("тот", "же"), ("то", "же")})
# The Kazakh and Kyrgyz particles of "and what about…?": «Матвиенко ше?», «Айдос Укибай чы?».
PARTICLES = frozenset("ше чы чи чу чү".split())
# A correction is one too: "No, I meant Matviyenko", «Нет, я про Матвиенко», «Жоқ, мен Матвиенко туралы сұрадым»,
# «Кечиресиз, Матвиенкону сурадым»: an opening "no" or "sorry", or a word of meaning or asking.
CORRECTING = frozenset("no sorry нет извините простите жоқ кешіріңіз жок кечиресиз".split())
MEANT = frozenset("meant mean asking asked виду сұрадым сұрағам айттым айтқам сурадым сураган айткам".split())
# What else such a message may hold: the words of its frame (those above, and these), in a closed class as the
# question words are.
FRAME = OPENING | PARTICLES | CORRECTING | MEANT | frozenset(w for pair in PHRASES for w in pair) | frozenset("""
the as with regarding also then again
про о об обо самое вопрос тогда ну
туралы жайлы сұрақ да де тағы
эми тууралуу жөнүндө дагы суроо
i was am talking actually not
я имел имела имелся имелась в спрашивал спрашивала говорил говорила вообще-то
мен
""".split())
# "And according to Tokayev himself?", «А по словам самого Токаева?», «Тоқаевтың өзі бойынша ше?»: emphasis, not
# content.
SELF = frozenset("""
himself herself itself themselves own
сам сама само сами самого самой самих самому самим самом
өзі өзінің өзіне өзін өзү өзүнүн өзүнө өзүн
""".split())
_NEVER_NAMES = FRAME | SELF  # "No", «Жоқ», «Мен» open a message with a capital and name nobody
STEM = 5  # letters two words share to count as one inflected word ("самолёт" / "самолёта")
# A surname ends a name: "Песков Путин менен…" is two people, "Марко Рубио" and "Айдос Укибай" one each.
SURNAME = re.compile(r"(?:ов|ев|ёв|ова|ева|ин|ина|ский|ская|енко|ov|ev|ova|eva|enko)$")

Span = tuple[int, int]  # word positions [start, end) of a name, one or more words long


def resolve(question: str, history: tuple[str, ...] | list[str], casing: Casing = unseen) -> str | None:
    """``question`` as the earlier question it substitutes a name in (``history``: the chat's earlier
    messages, oldest first), or None when it is not such a follow-up. The earlier question is the
    latest sentence that names something, itself resolved first: "And Ukibay?" after "And Matviyenko?"
    after "Who is Peskov?" is "Who is Ukibay?"."""
    words = [w.lower() for w in WORD.findall(question)]
    if not words or not _framed(words):
        return None  # the common case, told before any earlier question is read
    history = [" ".join(h[a:b].split()) for h in history for a, b in split_sentences(h)]
    for i in range(len(history) - 1, -1, -1):
        if name_matches(history[i], casing):
            anchor = resolve(history[i], history[:i], casing) or history[i]
            return substituted(question, anchor, casing)
    return None


def substituted(question: str, anchor: str, casing: Casing = unseen) -> str | None:
    """``anchor`` with the names ``question`` puts in place of its own, or None when ``question`` is not a
    substitution of it (no frame, a word of its own, no name of ``anchor`` to put it in place of)."""
    matches = list(WORD.finditer(question))
    words = [m.group().lower() for m in matches]
    if not words or not _framed(words):
        return None
    spans = _spans(question, matches, casing)
    named = {i for start, end in spans for i in range(start, end)}
    anchor_matches = list(WORD.finditer(anchor))
    anchor_words = [m.group().lower() for m in anchor_matches]
    shared = {_stem(w) for w in anchor_words}
    content = [i for i, w in enumerate(words) if i not in named and w not in FRAME and w not in SELF]
    if not spans or any(_stem(words[i]) not in shared for i in content):
        return None
    anchor_spans = _spans(anchor, anchor_matches, casing)
    said = {_said(anchor_words, s) for s in anchor_spans}
    chosen: dict[Span, Span] = {}  # anchor span -> the question's span put in its place
    for span in spans:
        if _said(words, span) in said and not _beside(span, words, content):
            return None  # a name the earlier question asked about already, standing by nothing new
        place = _aligned(span, words, content, anchor_spans, anchor_words)
        if place is None and len(spans) == 1:  # the first name of its kind: a number stands for a number
            place = next((s for s in anchor_spans if _said(anchor_words, s) != _said(words, span)
                          and has_digit(_said(anchor_words, s)) == has_digit(_said(words, span))), None)
        if place is None or place in chosen:
            return None
        chosen[place] = span
    text = anchor
    for (start, end), (q_start, q_end) in sorted(chosen.items(), reverse=True):
        while q_end < len(words) and words[q_end] in SELF:  # "Tokayev himself" in place of "Peskov"
            q_end += 1
        new = question[matches[q_start].start():matches[q_end - 1].end()]
        text = text[:anchor_matches[start].start()] + new + text[anchor_matches[end - 1].end():]
    return text if text != anchor else None


def _framed(words: list[str]) -> bool:
    """Worded as asking the same of someone else, or as a correction: an opening "and" or "no", a phrase of "what
    about", a closing particle, a word of meaning ("I meant")."""
    return (words[0] in OPENING or words[0] in CORRECTING or words[-1] in PARTICLES or any(w in MEANT for w in words)
            or any((a, b) in PHRASES for a, b in zip(words, words[1:])))


def _spans(text: str, matches: list[re.Match[str]], casing: Casing) -> list[Span]:
    """The names of ``text`` as runs of words ("Aidos Ukibay" is one; "No, Aidos Ukibay": "No" opens the frame
    and a comma parts it), by word position."""
    starts = {m.start() for m in name_matches(text, casing) if m.group().lower() not in _NEVER_NAMES}
    spans: list[Span] = []
    for i, match in enumerate(matches):
        if match.start() not in starts:
            continue
        joined = i > 0 and not text[matches[i - 1].end():match.start()].strip()
        if spans and spans[-1][1] == i and joined and not SURNAME.search(matches[i - 1].group().lower()):
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return spans


def _said(words: list[str], span: Span) -> str:
    return " ".join(words[span[0]:span[1]])


def _stem(word: str) -> str:
    return word[:STEM]


def _beside(span: Span, words: list[str], content: list[int]) -> list[tuple[str, str]]:
    """The content words next to ``span`` (an emphatic "himself" between does not part them), left then right."""
    out = []
    left = span[0] - 1
    if left in content:
        out.append(("left", _stem(words[left])))
    right = span[1]
    while right < len(words) and words[right] in SELF:
        right += 1
    if right in content:
        out.append(("right", _stem(words[right])))
    return out


def _aligned(span: Span, words: list[str], content: list[int], anchor_spans: list[Span],
             anchor_words: list[str]) -> Span | None:
    """The anchor's name standing by the same word as ``span`` does ("according to ___", "___'s plane")."""
    for side, stem in _beside(span, words, content):
        for start, end in anchor_spans:
            i = start - 1 if side == "left" else end
            if 0 <= i < len(anchor_words) and _stem(anchor_words[i]) == stem:
                return (start, end)
    return None
