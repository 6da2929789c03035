"""A message is read sentence by sentence: the questions it asks, each with what it leans on.

People write to a chat bot as they write to a person: "Hi! Who is Samat
Abish?", "Who is Samat Abish? What is his relation to Nazarbayev?". Embedded
whole, a greeting dilutes the question and two questions blur into neither. So
each sentence that asks (it ends with a question mark) is answered on its own,
and the message's earlier questions are read before it the way a chat's are
(conversation.py): a question that names nothing or refers back leans on them,
one that names its own subject stands alone. A statement that names something
(a name, a number: "I read about Tokayev's visit.", "1089 жылы.") stays with
the question it precedes, or with the last question when it follows them all
("What is his position? I mean Aidos Ukibay."), and is read as one text with
it; a statement that names nothing ("Hi!", "У меня вопрос по новостям.",
"Thanks.") is left out.

One sentence may ask two things: "Когда Токаев прибыл в Москву и что он там
подписал?". Embedded whole it lands between its asks, and the answer quotes
sentences near that average, the date late and the agreement not at all. A
conjunction (and, и, а, және, жана) joins two questions when the words on
both sides ask: in English and Russian the second side opens with its
question word (a preposition may come first: "и с кем"), in Kazakh and
Kyrgyz, whose question words stand before the verb, it holds one
(``two_asks``). Each side is then a question of the message, the second
leaning on the first like any later one ("он там" is the first's Tokayev and
Moscow), and each keeps the whole sentence (``Part.within``): retrieval mixes
its vector in, since a short ask alone is a weaker query than the sentence
it came from. "What did Tokayev and Putin discuss?" asks one thing: "Putin
discuss" holds no question word.

A message with no question mark, or with more than ``MAX_PARTS`` questions, is
read whole, as before. A sentence typed in capitals ("WHO IS SAMAT ABISH?") is
first written the way the corpus writes its words ("Who is Samat Abish?"):
in capitals every word looks like a name or an acronym, and the near-miss
check would look for «WHO» in the corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from . import places
from .acronyms import table_form
from .conversation import (ASKING_PARTICLES, AUXILIARIES, QUESTION_WORDS, TURKIC_QUESTION_STEMS, Casing, asking,
                           names, unseen)
from .lang import detect_language
from .text import LETTERS, split_sentences

MAX_PARTS = 3  # questions answered one by one; a longer list of questions is read whole
_CLOSING = "»\"”’')]"
_OPENING_QUOTES = "«\"“‘'("
CAPITALS = 0.9  # a sentence of at least this share of capital letters (and 3+ words) is typed in capitals
# Conjunctions that may join two questions in one sentence, and the prepositions a fronted question word may
# follow ("and with whom", "и с кем"). Kazakh and Kyrgyz question words stand before the verb, not first.
JOINING = {"en": frozenset({"and"}), "ru": frozenset({"и", "а"}), "kk": frozenset({"және"}),
           "ky": frozenset({"жана"})}
_FRONTED = frozenset({"en", "ru"})
_TURKIC = ("kk", "ky")
_PREPOSITIONS = frozenset("""
in on at to from with by for about of into after before during
в во на с со к ко о об обо по у от для из за при про до после
""".split())
_WORD = re.compile(r"[^\W_]+(?:[-‐'’][^\W_]+)*")


@dataclass(frozen=True)
class Part:
    """One question of a message (with the statements kept beside it), and the message's earlier questions."""

    question: str
    context: tuple[str, ...] = ()
    within: str = ""  # the sentence this question was one ask of (two_asks); "" when the sentence asked once
    # The question as typed, when reading it rewrote it (Kazakh in Latin letters, or without its own letters; "And
    # Tokayev?" as the earlier question about him: Engine.read); "" when it is read as typed.
    typed: str = ""


def asks(sentence: str) -> bool:
    """Ends with a question mark, closing quotes and a "?!" allowed."""
    return sentence.rstrip().rstrip(_CLOSING).rstrip("!").endswith(("?", "？", "؟"))


def names_something(sentence: str, casing: Casing = unseen) -> bool:
    """A name or number, an opening word counting only where the corpus writes it as a name.

    A greeting's capitalised first word ("Здравствуйте!", "Жаңалықтар туралы…")
    names nobody; "Tokayev visited Moscow." opens with a name the corpus knows.
    """
    return bool(names(sentence, lambda word: casing(word) is True))


def in_capitals(sentence: str) -> bool:
    letters = [c for c in sentence if c.isalpha()]
    words = LETTERS.findall(sentence)
    return len(words) >= 3 and sum(c.isupper() for c in letters) >= CAPITALS * len(letters)


def as_the_corpus_writes(sentence: str, casing: Casing = unseen, across: Casing = unseen) -> str:
    """A sentence in capitals (or in lower case) in the corpus' own casing: a word the corpus writes as a name
    keeps or gets its capital (acronyms included: "Csto" is found as CSTO), every other word is lower case, the
    first letter capital. A word the corpus never writes as typed takes the casing ``across`` reads from its
    other spellings ("matviyenko": «Матвиенко», CorpusCasing.across)."""
    def word(match: re.Match) -> str:
        low = match.group().lower()
        seen = casing(low)
        return low[:1].upper() + low[1:] if seen is True or (seen is None and across(low) is True) else low

    written = LETTERS.sub(word, sentence)
    first = next((i for i, c in enumerate(written) if c.isalpha()), None)
    return written if first is None else written[:first] + written[first].upper() + written[first + 1:]


def in_lower_case(sentence: str) -> bool:
    """Typed without a capital letter ("кто такой песков"), as chat messages often are: opening with a letter
    (after any opening quote), since one opening with a number ("1867-68 жылдардағы…") or another sign
    ("‡нді мұхиттының…", "... геофизика жылы") has no first letter to show how it was typed."""
    first = sentence.lstrip().lstrip(_OPENING_QUOTES)[:1]
    return first.isalpha() and not any(c.isupper() for c in sentence)


def corpus_cased(text: str, casing: Casing = unseen, across: Casing = unseen) -> str:
    """``text`` with its sentences typed in capitals or in lower case written as the corpus writes their words
    (names keep or get their capital; ``across``: as_the_corpus_writes); else unchanged."""
    spans = split_sentences(text)
    typed = [in_capitals(text[start:end]) or in_lower_case(text[start:end]) for start, end in spans]
    if not any(typed):
        return text
    return " ".join(_retyped(text[start:end], casing, across) if retyped else text[start:end]
                    for (start, end), retyped in zip(spans, typed))


def _retyped(sentence: str, casing: Casing, across: Casing = unseen) -> str:
    """A sentence typed in capitals or in lower case as the corpus writes its words; one typed in lower case
    that asks without a closing mark ("кто такой песков") gets its question mark, as a question is written."""
    lower = in_lower_case(sentence)
    written = as_the_corpus_writes(sentence, casing, across)
    if lower:  # "одкб", "ақш": an acronym of the table in its capitals, as the acronym readings need it; "berlin"
        written = LETTERS.sub(lambda m: table_form(m.group()) or _place(m.group(), casing), written)
    if not lower or written.rstrip()[-1:] in ".!?…" + _CLOSING:
        return written
    words = [w.lower() for w in _WORD.findall(sentence)]
    # a question word (conversation.asking), «ли» or a Kazakh particle anywhere, or an opening English auxiliary:
    # "did tokayev visit moscow", «бар ма»
    if any(map(asking, words)) or any(w in ASKING_PARTICLES for w in words) or words[:1] and words[0] in AUXILIARIES:
        return written.rstrip() + "?"
    return written


def _place(word: str, casing: Casing) -> str:
    """A lower-case word the corpus never writes that names a country or capital of the places table ("berlin",
    «японию»), with its capital, so the near-miss check reads it as a name; any other word as it was. One the
    corpus writes is left to its casing («того», Russian "of that", is also Togo)."""
    if not word.islower() or not places.named_in_lower_case(word) or casing(word) is not None:
        return word
    return word[:1].upper() + word[1:]


def two_asks(sentence: str) -> list[str]:
    """A question asking two things joined by a conjunction, as two questions ("When did X arrive in Moscow and
    what did he sign?" → "When did X arrive in Moscow?", "What did he sign?"); else the sentence alone.
    The second side is split again when it too asks twice."""
    if not asks(sentence):
        return [sentence]
    lang = detect_language(sentence)
    # Kazakh and Kyrgyz share a script and most of these words, and a short question may be taken for the other
    kin = _TURKIC if lang in _TURKIC else (lang,)
    listed = frozenset().union(*(QUESTION_WORDS.get(code, frozenset()) for code in kin))
    stems = TURKIC_QUESTION_STEMS if lang in _TURKIC else ()
    question: Callable[[str], bool] = lambda word: word in listed or word.startswith(stems)  # noqa: E731
    joining = frozenset().union(*(JOINING.get(code, frozenset()) for code in kin))
    words = list(_WORD.finditer(sentence))
    lowered = [w.group().lower() for w in words]
    for i, word in enumerate(lowered):
        if word not in joining or i < 2 or i > len(words) - 3:
            continue
        left, right = lowered[:i], lowered[i + 1:]
        opens = right[1] if right[0] in _PREPOSITIONS else right[0]
        if not any(map(question, left)) or not _about(left, question, 2) or not _about(right, question, 1):
            continue
        if question(opens) if lang in _FRONTED else any(map(question, right)):
            first = sentence[:words[i].start()].rstrip(" ,;:—-–") + "?"
            rest = sentence[words[i + 1].start():]
            return [first, *two_asks(rest[:1].upper() + rest[1:])]
    return [sentence]


def _about(words: list[str], question: Callable[[str], bool], least: int) -> bool:
    """Whether a side asks about something: ``least`` words besides question words. The first side carries the
    subject ("When, where and why did he go?" is one question, its first side only asking); the second may
    leave it out ("…және кіммен кездесті?": "and whom did he meet?")."""
    return sum(not question(w) for w in words) >= least


# An English question word contracted with "is" or "are" ("Who's", "What’re"; a phone writes ’), and the two
# people type without the apostrophe ("whats", "whos"): the readings keyed on question words look for "who" and "is".
_CONTRACTED = re.compile(r"\b(who|what|where|when|why|how)(?:['’](s|re)|(?<=what)(s)|(?<=who)(s))\b", re.IGNORECASE)


def written_out(text: str) -> str:
    """``text`` with its contracted question words written out: "Who's Rizzat Tasym?" is "Who is Rizzat Tasym?",
    "whats rosatom" "what is rosatom". The who-is, topical and attribute readings, and the encoder, then read it
    as the question written out, which is what a person means by it."""
    def out(match: re.Match) -> str:
        word, verb = match.group(1), next(v for v in match.groups()[1:] if v)
        full = "is" if verb.lower() == "s" else "are"
        return f"{word} {full.upper() if word.isupper() and len(word) > 1 else full}"

    return _CONTRACTED.sub(out, text)


def read_message(text: str, casing: Casing = unseen, across: Casing = unseen) -> list[Part]:
    """The questions of ``text``, each with the earlier questions it may lean on; one whole part if it asks none.
    ``across``: as corpus_cased."""
    text = corpus_cased(text, casing, across)
    sentences, within = [], []
    for start, end in split_sentences(text):
        asked = two_asks(text[start:end])
        sentences += asked
        within += [text[start:end] if len(asked) > 1 else ""] * len(asked)
    questions = [i for i, sentence in enumerate(sentences) if asks(sentence)]
    if len(sentences) < 2 or not questions or len(questions) > MAX_PARTS:
        return [Part(text)]
    kept = [asks(s) or names_something(s, casing) for s in sentences]
    parts: list[Part] = []
    start = 0
    for n, i in enumerate(questions):
        end = len(sentences) if n == len(questions) - 1 else i + 1  # the last question keeps what follows it
        own = " ".join(s for j, s in enumerate(sentences[start:end], start) if kept[j])
        parts.append(Part(own, tuple(p.question for p in parts), within[i]))
        start = end
    return parts
