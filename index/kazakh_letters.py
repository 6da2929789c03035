"""Kazakh typed without its own letters, written back with them.

Many people type Kazakh on a Russian keyboard: «Токаев Маскеуге кашан барады?» for
«Тоқаев Мәскеуге қашан барады?», each of ә ғ қ ң ө ұ ү һ і replaced by the Russian
letter it looks or sounds like. The lexical side never notices (lexical.py folds
those letters anyway). The encoder does: it has seen Kazakh with its letters, and
read folded, a question lands among Russian and Kyrgyz texts; and its language
reads as Russian or Kyrgyz, so the reply comes in the wrong language. On the
Kazakh questions of the seeds dev sets, folded: MRR@10 0.855 → 0.607, answer_hit
0.892 → 0.639, a quarter of them read as Kazakh (docs/benchmarks.md §12).

A message in Cyrillic with none of the nine letters has each word's spellings
with them tried against Hunspell's Kazakh dictionary (the one stems.py reads,
loaded on the first such message). It is taken for Kazakh when some word only
Kazakh writes (a question word, postposition or particle: «кашан», «туралы»; or
one the dictionary knows best with ә, і or ұ in its stem, letters Kyrgyz never
writes) and no word or spelling only Russian or Kyrgyz has. Kyrgyz typed as it
should be needs none of ә ғ қ ұ һ і and shares many words with Kazakh typed
without them («кандай», «ким», «Бишкек»), so those never decide. Then every
word is written back: as the dictionary knows it best; a word it does not know,
by the places and acronym tables' Kazakh names it begins with («Маскеуге» →
«Мәскеуге», «УКШУ» → «ҰҚШҰ») and by its case ending («Токаевтын» →
«Токаевтың»). The reading is a guess, so the reply shows it (``Answer.read_as``).

A message that holds some of the letters is left as typed: writing back its bare
words would load the dictionary for every Kazakh question (docs/benchmarks.md §12).
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Callable

from .text import CYRILLIC, LETTERS

_OWN = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
OWN_LETTERS = frozenset(_OWN)
_TYPED_AS = str.maketrans(_OWN, "агкноуухиАГКНОУУХИ")  # each as the Russian keyboard's letter
# Each Russian letter and the Kazakh letters typed as it, the letter itself first.
_SPELLINGS = {"а": "аә", "г": "гғ", "к": "кқ", "н": "нң", "о": "оө", "у": "уұү", "х": "хһ", "и": "иі"}
_KAZAKH_ONLY = frozenset("әіұ")  # Kyrgyz writes ң ө ү as Kazakh does, ғ қ as г к; these never
_BACK, _FRONT = frozenset("аоұы"), frozenset("әөүіе")
# A word with more spellings than this is left as typed (the most a Kazakh dev question needed: 256, «Қазақстанға»),
# and a message tries at most so many in all: a 2,000-character message of made-up words cost 2.3 s before.
MAX_SPELLINGS = 1024
MESSAGE_SPELLINGS = 16384
_SHORTEST_NAME = 3  # letters of the shortest table name a word may begin with
# Words a Kazakh sentence never holds, folded or not: one of them makes the message Russian or Kyrgyz.
_RUSSIAN = frozenset("""
в во на и о об обо по с со к ко из за для от до у при про без над под через что как когда где кто куда откуда
почему зачем сколько какой какая какое какие каких каком чем чего кого кому ли бы это этот эта эти тот те его её ее
их она оно они мы вы я ты был была было были будет будут есть ещё еще уже также или нет после перед между
""".split())
_KYRGYZ = frozenset("""
эмне эмнени эмнеге эмнеден эмнеси качан канча канчалык кайсы кайсыл тууралуу жонундо менен учун кийин чейин быйыл
анын мындай ушул болот жатат экен
""".split())
# Kyrgyz spellings Kazakh never writes: long vowels («колдоо», «Жолугушууда») and ч in a native word
# («катчысы»; Kazakh writes ш); in a word in lower case, an ending with a rounded vowel («болгон», «-лор»).
_KYRGYZ_LETTERS = re.compile(r"аа|оо|уу|ээ|ыы|ч")  # not in acronyms: «БУУ» is «БҰҰ» typed without its letters
_KYRGYZ_ENDING = re.compile(r"(?:гон|кон|дон|тон|лор|дор|тор|нун|дун|тун|го|ко|бу)$")
# Words only Kazakh writes, typed without its letters: question words, postpositions, conjunctions and question
# particles (Kyrgyz: качан, канча, кайсы, кантип; тууралуу, боюнча, үчүн; жана; -бы).
_KAZAKH = frozenset("""
кашан канша кай калай неше туралы жайында бойынша ушин аркылы жане бирак ма ме ба бе па пе
""".split())
# Case endings a Russian keyboard loses: the genitive after its own consonant (н after a vowel or н, д after
# a voiced one, т after a voiceless one: «Путиннин», «Ресейдин», «Токаевтын»), a final і after a consonant
# (accusative, possessive, past tense: «Путинди»), the dative after a back vowel («Украинага»).
_ENDINGS = ((re.compile(r"([аеиоуыэюяәөұүі]н|нн|[йулрмзжң]д|[кпстфхшщцвб]т)([ыи])н$"),
             lambda m: m.group(1) + ("ың" if m.group(2) == "ы" else "ің")),
            (re.compile(r"([^аеиоуыэюяәөұүі])и$"), lambda m: m.group(1) + "і"),
            (re.compile(r"([аоуыұ][^аеиоуыэюяәөұүі]?)([гк])а$"),
             lambda m: m.group(1) + ("ға" if m.group(2) == "г" else "қа")))

Known = Callable[[str], bool]


def without_letters(text: str) -> str:
    """``text`` as a Russian keyboard types it: each of ә ғ қ ң ө ұ ү һ і as а г к н о у у х и."""
    return text.translate(_TYPED_AS)


def typed_without_letters(text: str) -> bool:
    """Cyrillic text with none of Kazakh's and Kyrgyz's own letters."""
    return bool(CYRILLIC.search(text)) and not OWN_LETTERS & set(text)


def written_back(text: str, known: Known | None = None) -> str:
    """``text`` with its Kazakh letters written back, if it reads as Kazakh typed without them; else as given.

    ``known``: whether a word is Kazakh (the bundled Hunspell dictionary, each word's spelling remembered, by
    default).
    """
    if not typed_without_letters(text):
        return text
    words = set(LETTERS.findall(text))
    if not_kazakh(words):
        return text
    spell = _hunspell_spelling if known is None else (lambda word: dictionary_spelling(word, known))
    spelt = _spelt(words, text, spell)
    return _rewritten(text, spelt) if only_kazakh(spelt) else text


def _spelt(words: set[str], text: str, spell: Callable[[str], str | None]) -> dict[str, str | None]:
    """Each word as ``spell`` gives it, within the message's budget: in the order typed, so a long message's first
    words are read; a word past the budget is left as typed."""
    spelt: dict[str, str | None] = {}
    budget = MESSAGE_SPELLINGS
    for w in sorted(words, key=text.index):
        count = spellings(w)
        budget -= count if count <= MAX_SPELLINGS else 0
        spelt[w] = spell(w) if budget >= 0 else w
    return spelt


def _rewritten(text: str, spelt: dict[str, str | None]) -> str:
    """``text`` with each word as spelt, a word the dictionary does not know by ``name_spelling``."""
    final = {w: name_spelling(w) if s is None else s for w, s in spelt.items()}
    return LETTERS.sub(lambda m: final[m.group()], text)


def not_kazakh(words: set[str]) -> bool:
    """A word only Russian or Kyrgyz writes, or a spelling only Kyrgyz has."""
    lows = {w.lower() for w in words}
    return bool(lows & _RUSSIAN or lows & _KYRGYZ
                or any(_KYRGYZ_LETTERS.search(w.lower()) for w in words if not w.isupper())
                or any(_KYRGYZ_ENDING.search(w) for w in words if w.islower()))


def only_kazakh(spelt: dict[str, str | None]) -> bool:
    """Some word (typed → as the dictionary knows it) that only Kazakh writes: one of ``_KAZAKH``, or one
    written back with ә, і or ұ in its stem."""
    return any(w.lower() in _KAZAKH or (s is not None and _kazakh_only(w, s)) for w, s in spelt.items())


def _kazakh_only(typed: str, spelling: str) -> bool:
    """A word Kyrgyz would not have typed so: written back with a letter only Kazakh has in its stem, before
    its last three letters («Маскеуге» → «Мәскеуге»; not «Советин» → «Советің», nor «ким» → «кім»)."""
    low, spelling = typed.lower(), spelling.lower()
    return any(a != b and b in _KAZAKH_ONLY for a, b in zip(low[:-3], spelling)) and not low.startswith("ким")


def dictionary_spelling(word: str, known: Known) -> str | None:
    """``word`` as the dictionary knows it (as typed among its spellings), None if it knows no spelling.

    Of several, the one ``_rank`` puts first; a tie between the best two leaves the word as typed.
    """
    low = word.lower()
    if spellings(word) > MAX_SPELLINGS or len(low) != len(word):
        return word
    options = [_SPELLINGS.get(c, c) for c in low]
    good = [s for s in ("".join(letters) for letters in itertools.product(*options)) if known(_cased(s, word))]
    if not good:
        return None
    ranked = sorted(good, key=lambda s: _rank(s, low))
    if len(ranked) > 1 and _rank(ranked[0], low) == _rank(ranked[1], low):
        return word
    return _cased(ranked[0], word)


def spellings(word: str) -> int:
    """How many spellings with Kazakh letters ``word`` has, itself among them (counted up to just past
    ``MAX_SPELLINGS``); 1 for a word whose lower case is not letter for letter («İ»), left as typed."""
    low = word.lower()
    if len(low) != len(word):
        return 1
    count = 1
    for c in low:
        count *= len(_SPELLINGS.get(c, c))
        if count > MAX_SPELLINGS:
            break
    return count


def name_spelling(word: str) -> str:
    """A word the dictionary does not know (a name, a form it lacks): the longest Kazakh table name it
    begins with written back («Маскеуге» → «Мәскеуге»), then its case ending (``_ENDINGS``)."""
    low = word.lower()
    if len(low) != len(word):
        return word
    names = _table_names()
    for end in range(len(low), _SHORTEST_NAME - 1, -1):
        if low[:end] in names:
            low = names[low[:end]] + low[end:]
            break
    for pattern, ending in _ENDINGS:
        if pattern.search(low):
            low = pattern.sub(ending, low)
            break
    return _cased(low, word)


@lru_cache(maxsize=1)
def _table_names() -> dict[str, str]:
    """Folded → Kazakh spelling of each word of the places and acronym tables' names that has a Kazakh letter,
    where no two such words fold alike."""
    from .acronyms import forms_in
    from .places import every_name

    found: dict[str, set[str]] = {}
    for name in (*every_name(), *forms_in("kk")):
        for word in LETTERS.findall(name.lower()):
            if OWN_LETTERS & set(word):
                found.setdefault(without_letters(word), set()).add(word)
    return {folded: next(iter(words)) for folded, words in found.items() if len(words) == 1}


def _rank(spelling: str, typed: str) -> tuple[int, int, int]:
    """Harmony first; then fewer и, which Kazakh writes in loans and a few native words where the keyboard
    put it for і («кездести», «ким»); then fewer letters changed."""
    return _disharmony(spelling), spelling.count("и"), sum(a != b for a, b in zip(spelling, typed))


def _disharmony(word: str) -> int:
    """How far ``word`` breaks Kazakh harmony: the fewer of its back and front vowels, and each к or г
    before a back vowel or қ or ғ before a front one (native words write қ ғ with back vowels only)."""
    back = sum(1 for c in word if c in _BACK)
    front = sum(1 for c in word if c in _FRONT)
    clash = 0
    for i, c in enumerate(word):
        if c in "кгқғ":
            vowel = next((v for v in word[i + 1:] if v in _BACK or v in _FRONT), None)
            if vowel is None:
                vowel = next((v for v in reversed(word[:i]) if v in _BACK or v in _FRONT), None)
            if vowel is not None and (c in "кг") == (vowel in _BACK):
                clash += 1
    return min(back, front) + clash


def _cased(spelling: str, typed: str) -> str:
    """``spelling`` letter for letter in the case of ``typed`` (the two are the same length: «ССРинин»)."""
    return "".join(t if c == t.lower() else c.upper() if t.isupper() else c for c, t in zip(spelling, typed))


@lru_cache(maxsize=16384)  # a Kazakh question's words recur from question to question
def _hunspell_spelling(word: str) -> str | None:
    return dictionary_spelling(word, _hunspell_knows)


@lru_cache(maxsize=65536)
def _hunspell_knows(word: str) -> bool:
    from .stems import _dictionary

    return bool(_dictionary().lookup(word))
