"""Follow-up questions without an LLM: decide whether a question leans on the chat, and what it borrows.

"What is her position?" names nobody; the earlier question ("What did Valentina
Matviyenko say…?") does. A question leans on the history when it refers back
(pronouns and demonstratives in our four languages, or an opening "and") or
names nothing of its own (an opening capital is a name only where the corpus
writes the word as one, casing.py); it then borrows from the latest earlier
question that names something: the pair "earlier question + question" is
embedded and mixed with the question's own vector, and the earlier question's
names and numbers join the lexical query. A question that names its own subject and does not refer
back is a topic change and is answered exactly as if it were the first.

``Conversation`` is the per-chat memory the shells keep (last turns, idle expiry).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .more import asks_for_more
from .text import has_digit

# Words that point back to something said before. Kazakh and Kyrgyz share several.
REFERRING = frozenset("""
he she him his her hers they them their it its this that these those there then such same also else
он она оно они его её ее ему ей им их нем ней них этот эта это эти этого этой этим тот та те того той там
тогда туда такой такая такое такие тоже ещё еще
ол оның оны оған онда олар олардың оларға бұл бұның бұған мұны мұның осы сол соның сонда мұнда тағы
ал анын аны ага анда алар алардын бул муну мунун ошол ошондо ошого тиги дагы мындай андан
""".split())
# The pronouns and demonstratives among them: alone in a question that names nothing, they point at
# someone or something the reader cannot know ("What is her position?" as a chat's first question).
# Not "that" or "there": "the deal that was signed", "is there a metro" point at nothing.
POINTING = frozenset("""
he she him his her hers they them their theirs it its this these those
он она оно они его её ее ему ей им их нём нем ней них этот эта это эти этого этой этим этих тот та те того той тех
ол оның оны оған олар олардың оларға оларды бұл бұның бұған мұны мұның осы сол соның
ал анын аны ага алар алардын аларды бул муну мунун ошол ошого ошону
""".split())
# Kazakh "сол" is "that", and "left" before a side or a hand ("сол жақ құлақша": the left atrium).
LEFT_OF = ("жақ", "жағ", "қол")
# Words that ask, per language: question words with their case forms (a closed class). Kazakh «не» asks
# ("what"); Russian «не» negates, so the sets stay apart where a reader must know which (message.py).
QUESTION_WORDS = {
    "en": frozenset("who whom whose what which when where why how".split()),
    "ru": frozenset("""
кто кого кому кем ком чей чья чьё чье чьи чью чьего чьей чьих чьим чьими что чем чего чему чём какой какая какое какие
какую каким какими каких каком какому какого какою каков какова каково каковы который которая которое которые
которую которого которой которым которых когда где куда откуда почему зачем как сколько скольких
""".split()),
    "kk": frozenset("""
кім кімге кімнің кімді кіммен кімдер не неге нені немен неден неше нешінші қанша қаншалықты қандай қай қайсы
қайсысы қашан қайда қайдан қалай нелер қаншаға қаншадан қандайша қайсыға қайсысын қайдағы
""".split()),
    "ky": frozenset("""
ким кимге кимдин кимди кимдер эмне эмнеге эмнени эмнеден канча канчанчы кандай кайсы кайсысы качан
кайда кайдан кантип канчага канчадан кандайча кайсыга кайсынын кайсысын кайдагы эмнеси эмнесин
""".split()),
}
# Kazakh and Kyrgyz inflect their question words for case and number (кімдердің, қайсылары, эмнелерге, кимден);
# a word asks when it is one of these stems with an ending. «Не» is too short a stem and stays in its listed forms.
TURKIC_QUESTION_STEMS = ("кім", "қанша", "қандай", "қайсы", "қашан", "қайда", "қалай", "неше", "нелер",
                         "ким", "эмне", "канча", "кандай", "кайсы", "качан", "кайда", "кантип")
# English auxiliaries, which open a question ("Did Tokayev visit Moscow?"), and the particles that make one wherever
# they stand (Russian «ли», the Kazakh «ма» and its kin): a question without a question word (message.py reads them).
AUXILIARIES = frozenset("is are was were do does did can could will would should has have had".split())
ASKING_PARTICLES = frozenset("ли ма ме ба бе па пе".split())
# Words that open questions: capitalised there, but never names. "Какую должность…" and "Чью позицию…" name nothing.
OPENERS = frozenset().union(*QUESTION_WORDS.values()) | AUXILIARIES | ASKING_PARTICLES | frozenset("""
and but so or in on at for from about tell please
list give name
а и но или в на о об по расскажи скажи назови перечисли
және бірақ
жана бирок
""".split())
# "Кто такой Самат Абиш?" asks who he is: "такой" after "кто" / "что" is part of the question word.
ASKING = frozenset({("кто", "такой"), ("кто", "такая"), ("кто", "такие"), ("что", "такое"), ("что", "такой")})
# Words that, opening a question, carry on from the one before ("And what does Kazakhstan want?").
CONTINUING = frozenset("and but а и но және бірақ жана бирок".split())
# Never a name, capitalised or not (latin.py writes these back in Cyrillic letters).
FUNCTION_WORDS = REFERRING | POINTING | OPENERS
WORD = re.compile(r"\w[\w’'.-]*\w|\w", re.UNICODE)
MAX_TURNS = 3  # earlier questions a conversation keeps
MORE_KEPT = 16  # and "Tell me more" after them

# How the corpus writes a word (casing.py): True as a name, False as an ordinary word, None never seen.
Casing = Callable[[str], "bool | None"]


def unseen(word: str) -> bool | None:
    """The casing of a reader without a corpus: every word unseen."""
    return None


def names(text: str, casing: Casing = unseen) -> list[str]:
    """Names and numbers: capitalised words not opening a sentence, acronyms, anything with a digit.

    An opening word counts unless it is a question word, a referring word, or a
    word the corpus writes in lower case ("Мәселелер…", "Жолугушуунун…").
    """
    return [match.group().strip(".-’'") for match in name_matches(text, casing)]


def name_matches(text: str, casing: Casing = unseen) -> list[re.Match[str]]:
    """The words ``names`` reads as names, where they stand in ``text``."""
    out = []
    for match in WORD.finditer(text):
        word = match.group()
        start = match.start()
        opens = start == 0 or text[:start].rstrip()[-1:] in ".?!«\"“"
        if has_digit(word) or (word[0].isupper() and (not opens or opening_name(word, casing))):
            out.append(match)
    return out


def opening_name(word: str, casing: Casing = unseen) -> bool:
    """Whether a capitalised word opening a sentence is a name: not a question or referring word, not one
    or two letters, and not a word the corpus writes in lower case ("Меркель…" is, "Мәселелер…" is not)."""
    low = word.lower()
    return not (low in OPENERS or low in REFERRING or len(word) <= 2 or casing(word) is False)


def refers_back(question: str, casing: Casing = unseen) -> bool:
    """A referring word before the question's first name ("What is her position?", "Ол Қазақстан туралы…"),
    or an opening "and" / "but" ("И чем хочет стать Казахстан?"). "Кто такой Самат Абиш?" asks, it does not refer.

    After a name it usually points at that name ("What did Tokayev say he would
    visit?", "Самат Абиш ким жана ага…"), so the question stands alone.
    """
    own = {n.lower() for n in names(question, casing)}
    matches = list(WORD.finditer(question))
    words = [m.group().lower() for m in matches]
    for i, (match, word) in enumerate(zip(matches, words)):
        if i == 0 and word in CONTINUING:
            return True
        # an opening capital may be an ordinary word ("Мақала авторы мұны…"): it counts as a name
        # only where the corpus writes it as one ("Назарбаевтың жиені кім және ол…")
        named = word.strip(".-’'") in own and (i > 0 or casing(match.group()) is True)
        if named or has_digit(word):
            return False
        if word in REFERRING and (i == 0 or (words[i - 1], word) not in ASKING):
            return True
    return False


# What a bare follow-up may hold besides its question words: particles, negation and the postposition that makes
# "why" («Эмне үчүн?», «Не үшін?»; "Why not?", «А почему?», «Ал эми качан?»), and the measure a count or a length
# is asked in ("How many times?", «Сколько раз?», «Қанша уақыт?», «Канча жолу?»). A closed class, as the question
# words are.
BARE = frozenset("""
not no then so exactly times time long many much often hours days years
а и же ли не нет именно раз раза долго часов часа дней лет
ал ше ғой жоқ үшін рет мәрте уақыт сағат күн жыл
эми го эмес үчүн бы би бу бү пы пи пу пү жолу убакыт саат
""".split())
_ANY_QUESTION_WORD = frozenset().union(*QUESTION_WORDS.values())


def asking(word: str) -> bool:
    """A question word of any of the four languages, a Kazakh or Kyrgyz one with its ending too («кимдерди»)."""
    return word in _ANY_QUESTION_WORD or word.startswith(TURKIC_QUESTION_STEMS)


def only_asks(question: str) -> bool:
    """Every word asks, binds or measures ("Why?", "How long?", «Сколько раз?», «Кимдерди?»): read with an earlier
    question, it asks about that question's subject, having nothing of its own to look up."""
    words = [w.lower() for w in WORD.findall(question)]
    return any(map(asking, words)) and all(asking(w) or w in BARE or w in OPENERS for w in words)


def unresolved(question: str, casing: Casing = unseen) -> str | None:
    """The word that points at nobody: a pronoun in a question that names nothing ("her" in "What is her
    position?"), to be said when there is no earlier question to read it with. None if there is none."""
    if names(question, casing):
        return None
    words = [m.group() for m in WORD.finditer(question)]
    lower = [w.lower() for w in words]
    for i, word in enumerate(lower):
        if word in POINTING and not (word == "сол" and lower[i + 1:i + 2] and lower[i + 1].startswith(LEFT_OF)):
            return words[i]
    return None


@dataclass(frozen=True)
class FollowUp:
    """How a question uses its history: ``anchor`` is the earlier question it leans on (None: it stands alone)."""

    anchor: str | None = None
    carried: tuple[str, ...] = ()  # names and numbers of the anchor the question lacks
    unresolved: str | None = None  # with no history at all: the pronoun that points at nobody (see unresolved)

    @property
    def leans(self) -> bool:
        return self.anchor is not None

    def pair(self, question: str) -> str:
        return f"{self.anchor} {question}"

    def lexical_query(self, question: str) -> str:
        return " ".join([question, *self.carried])


def read_follow_up(question: str, history: tuple[str, ...] | list[str], casing: Casing = unseen) -> FollowUp:
    """Whether ``question`` leans on ``history`` (oldest first) and on which earlier question.

    ``casing`` tells names from ordinary words where capitals cannot (a question's opening word).
    """
    history = [" ".join(h.split()) for h in history if h.strip()]
    if not history:
        return FollowUp(unresolved=unresolved(question, casing))
    own = names(question, casing)
    if own and not refers_back(question, casing):
        return FollowUp()  # names its own subject: a new topic, or a complete question
    anchor = next((h for h in reversed(history) if names(h, casing)), history[-1])
    known = {n.lower() for n in own}
    carried = tuple(dict.fromkeys(n for n in names(anchor, casing) if n.lower() not in known))
    return FollowUp(anchor, carried)


def mix(question_vector: np.ndarray, anchor_vector: np.ndarray, weight: float) -> np.ndarray:
    """The question's direction, pulled toward the question it leans on; unit length like every query vector."""
    vector = np.asarray(question_vector, np.float32) + weight * np.asarray(anchor_vector, np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


@dataclass
class Conversation:
    """One chat's recent questions, forgotten after ``ttl`` seconds without a new one."""

    turns: list[tuple[float, str]] = field(default_factory=list)  # (time, question), oldest first

    def history(self, now: float, ttl: float) -> tuple[str, ...]:
        if self.expired(now, ttl):
            self.turns.clear()
        return tuple(q for _, q in self.turns)

    def add(self, question: str, now: float, max_turns: int = MAX_TURNS) -> None:
        """Keep the last ``max_turns`` questions; "Tell me more" is no question of its own and keeps the one it
        asks more of (more.py), up to ``MORE_KEPT`` of them in a row."""
        self.turns.append((now, question))
        asked = [i for i, (_, q) in enumerate(self.turns) if not asks_for_more(q)]
        if len(asked) > max_turns:
            del self.turns[:asked[-max_turns]]
        del self.turns[:-(max_turns + MORE_KEPT)]

    def expired(self, now: float, ttl: float) -> bool:
        return not self.turns or now - self.turns[-1][0] > ttl
