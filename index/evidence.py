"""Does the corpus hold what the question asks about? Key terms checked across scripts before answering.

A cosine threshold cannot tell "a passage about Tokayev's trips" from "a
passage that answers when Tokayev will visit Tokyo": both are close in
meaning. What separates them is a key term of the question — a name, a
place, a number — that the corpus never mentions. This module finds those
terms and asks whether the corpus knows them:

1. lexically, through the index's own analyzer (which already folds Cyrillic
   and Latin spellings together: Токаев = Tokayev, Су-35 = Su-35);
2. where spellings do not meet (Moscow / Москва, US / США), through the
   encoder: the term is embedded and compared with the names and numbers of
   the retrieved passages, a small lexicon built from the corpus itself at
   question time.

A country or capital is asked of a table first (places.py), and so is an
acronym of an organisation or state (acronyms.py): the passages' names of that
place or entity pair with it, one the corpus never names is missing whatever
name embeds close to it (Токио / Токаев, EU / ЕАЭС), and another's name never
pairs with it. An acronym outside the table, written in capitals, is written only
where the corpus writes it letter for letter (SSR / «ССРинин») or a retrieved
passage spells out its initials (VKS / «Воздушно-космических сил»): short
acronyms embed alike whatever they stand for (ТАСС / «РФ»), and one the corpus
never writes adds meaning close to any article's, so it is not asked of the
translated-term test (3.). A word naming a kind of institution, which English
capitalises and the other languages do not ("Aerospace Forces" /
«Воздушно-космических сил»), is written where the corpus writes its kind in any language
(institutions.py).

A term that passes none is *missing*, and the reply says the corpus does
not mention it instead of passing a neighbouring fact off as the answer —
unless the retrieved sentences take it up in meaning (3.): a term translated
rather than transliterated (Батыс / Запад / West, Бейжің / Пекин) brings the
question nearer to them, while an absent name (Berlin, Merkel) pulls it away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from .acronyms import (absent_entity, full_names_in, other_entities, outside_form, own_form, reads_as, same_entity,
                       shouted, spelt_out, unwritten, written_as, written_in)
from .acronyms import named as entities_of
from .casing import SAMPLE, sample_rows, writes_alike
from .chunk import Passage
from .conversation import FUNCTION_WORDS, POINTING, Casing, opening_name
from .institutions import written as institution_written
from .latin import russian_reading
from .places import absent_place, other_places, same_place
from .respelling import respelt
from .search import Hit
from .source_language import cue_words
from .store import LoadedIndex
from .text import WORD, has_digit, split_sentences

_PUNCTUATION = "«»\"“”„'’.,:;!?()[]"
_DASHES = "-‐–—"
# A term embedded alone sits this close to its own spelling in another script and
# below it to other names: the middle of the plateau 0.86–0.89 on the dev questions (bench/abstention.py).
DEFAULT_NAME_MATCH = 0.875
# How much nearer the best retrieved sentence must come to the question with its unspelt terms than without
# them for the terms to count as taken up in meaning (taken_up). Chosen on the dev sets (bench/term_vouching.py):
# two dev near misses naming a Kazakh or Kyrgyz place in a case ending sit at +0.00003 and +0.00007, the
# smallest answerable one at +0.0012; a false decline still lists the related passages, a false answer does not.
TAKEN_UP_MARGIN = 0.001
# Acronyms of "mass media" (ru, kk, ky; English writes the word): a kind of thing, not one thing. "По данным СМИ"
# says where a fact was reported, and the corpus need not write «СМИ» for the question to be answered.
_MEDIA = frozenset("сми бақ жмк".split())
# Kazakh and Kyrgyz ask who or what something is with "деген" ("Риззат Тасым деген кім?": "who is the one called").
_NAMING = frozenset({"деген"})
# Words that ask what is said, known, written or reported about a topic ("Что известно про Анкоридж?", "Қытай
# туралы не жазылған?"), a closed class in the four languages: such a question, like "who is X?", has its names for
# its whole meaning, and any sentence naming them answers it.
_ABOUT = frozenset("""
about said say says saying known know written write writes wrote reported report reports mentioned mention
news anything something happened happen happening article articles me us the a an any of corpus
про известно говорится говорят сказано сказал сказала сказали пишут писали написано сообщается сообщают
сообщали упоминается упоминали новости новостей расскажи расскажите произошло происходит статьях статьи есть
что-то что-нибудь корпус корпусе упоминание упоминания упоминаний
туралы жайында жөнінде айтылған айтылды айтылады белгілі жазылған жазылды жазады делінген деді айтты болды
жаңалық жаңалықтар хабарланды айтшы бірдеңе бар айтыла корпус корпуста
тууралуу жөнүндө айтылган айтылат белгилүү жазылган жазылат деп деди айтты болду жаңылык жаңылыктар кабар айтчы
бир нерсе бар барбы айтылганбы
""".split())
# Words that only stress a question ("Who exactly is Rizzat Tasym?", «Кто вообще такой Айдос Укибай?», «Риззат Тасым
# өзі кім?»), and the bot addressed as "you" ("Do you know who John Herbst is?"): they ask nothing of their own.
_STRESS = frozenset("""
exactly actually really precisely again just even ever anyway you
well hey hi hello oh ok okay hmm um btw pls plz guy
вообще именно же всё-таки все-таки
өзі негізі нақты шынымен
өзү негизи чынында
""".split())
# A demonstrative standing directly before a name points at the name, not at an earlier question ("Who is this
# Rizzat Tasym?", «Кто этот Риззат Тасым?», «Бұл Риззат Тасым кім?»): it is the name's determiner (``_determined``).
_DETERMINERS = frozenset("""
this that these those этот эта это эти тот та те бұл осы сол мына мынау бул ушул ошол тиги
""".split())
# A person's title written before the name describes whom the question means ("Who is the expert Rizzat Tasym?",
# «Кто такой политолог Артур Сулейманов?», «Сарапшы Риззат Тасым кім?»): read with the name (``_determined``).
_TITLES = frozenset("""
expert analyst political scientist diplomat ambassador envoy spokesman spokesperson spokeswoman press secretary
general journalist correspondent official politician minister senator speaker former ex
эксперт аналитик политолог дипломат посол генерал журналист корреспондент собкор министр спикер политик бывший
пресс-секретарь
сарапшы саясаттанушы елші тілші бұрынғы
серепчи саясат таануучу элчи кабарчы мурдагы
""".split())
# What a topical question may hold besides its names (topic_terms, topical_shape).
_TOPICAL = FUNCTION_WORDS | _NAMING | _ABOUT | _STRESS
# Words that ask who someone is, in the four languages (their case forms: "whom", «кем», «кімнің»).
_WHO = frozenset("who whom кто кого кем кім кімнің кімді ким кимдин кимди".split())
# Words that ask someone's position, job, role or rank ("What is Peskov's job?", «Кем работает Керимли?»,
# «Песковтың лауазымы қандай?», «Рубио кандай кызматта иштейт?»): asked of one name, a who-is question.
_ROLE = frozenset("""
job jobs position post role title rank occupation profession hold holds held work works serve serves served
должность должности должностью занимает занимал занимала пост работает работал работала является являлся
являлась роль профессия звание
қызмет қызметі қызметте қызметін лауазым лауазымы атақ атағы болып жұмыс істейді атқарады болған
кызмат кызматы кызматта кызматты наам наамы наамга ээ ээлейт иштейт болуп болгон
""".split())
# Passages read to see whether the corpus writes an acronym of the acronym table itself, not only its folded
# token (``spelt``): all of them for the acronym's own token, a sample spread over the index for a common one.
ACRONYM_SAMPLE = 64
# English capitalises month and weekday names; the other three languages do not ("12 ноября"), so the
# Russian passage holding "November 12" has no name to vouch for "November" (a dev answerable declined).
_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday".split())


@dataclass(frozen=True)
class Evidence:
    terms: tuple[str, ...]  # the question's key terms: names, places, numbers
    missing: tuple[str, ...]  # those the corpus never mentions, in any script
    words_known: float  # share of the question's words the corpus vocabulary has
    absent: tuple[str, ...] = ()  # the missing ones the corpus names in no form: a place, an acronym's entity or one
    # outside the table


def key_terms(question: str, casing: Casing | None = None) -> list[str]:
    """Names and numbers: words with a digit, acronyms (with a case ending too, «ҰҚК-ның», wherever they stand),
    and capitalised words (not dates' words).

    Sentence by sentence: in "Who is Samat Abish? What is his relation to Nazarbayev?"
    the second "What" opens a sentence and names nothing. Given ``casing`` (the engine's
    word_kind), an opening word counts as the follow-up reader counts it
    (conversation.opening_name), so "Меркель Назарбаевтың сапары туралы не айтты?" names
    Merkel. The corpus' casing alone would not do: a five-article corpus lacks ordinary
    opening words ("Мақала", "Within"); the build's name direction reads those (casing.py).
    The words naming the source's language ("according to the English article") are no key terms:
    they say where the answer is to come from (source_language.py).
    """
    source = cue_words(question)
    return [term for start, end in split_sentences(question)
            for term in _sentence_terms(question[start:end], casing) if term.lower() not in source]


def _sentence_terms(sentence: str, casing: Casing | None = None) -> list[str]:
    words = WORD.findall(sentence)
    return [w for i, w in enumerate(words)
            if has_digit(w) or (w.lower() not in _MEDIA and (
                (len(w) > 1 and w.isupper())
                or (w[:2].isupper() and (form := own_form(w)) != "" and form.lower() not in _MEDIA)
                or (w[:1].isupper() and w.lower() not in _CALENDAR
                    and (i > 0 or (casing is not None and opening_name(w, casing))))))]


def _names_in(text: str, sentences: list[tuple[int, int]]) -> set[str]:
    """The passage's names and numbers: key terms of each of its (already split) sentences."""
    return {term for start, end in sentences for term in _sentence_terms(text[start:end])}


def weigh(question: str, hits: list[Hit], index: LoadedIndex,
          embed_terms: Callable[[list[str]], np.ndarray], name_match: float = DEFAULT_NAME_MATCH,
          casing: Casing | None = None, terms: Sequence[str] | None = None, places: bool = False) -> Evidence:
    """Key terms of ``question`` (``question_terms``, unless the caller has them) and which of them the corpus
    does not mention; ``places``: as ``pair_names``."""
    analyzer = index.lexical.analyzer
    vocab = index.lexical.retriever.vocab_dict
    terms = list(question_terms(question, index, casing) if terms is None else terms)
    words = analyzer.tokens(question)
    known = sum(1 for t in words if t in vocab) / len(words) if words else 0.0
    capitals = not shouted(question)
    unknown = [t for t in terms if not spelt(t, index, capitals)]
    if not unknown:
        return Evidence(tuple(terms), (), known)
    within = full_names_in(question) if places else {}
    pairs = pair_names(unknown, [h.passage for h in hits], index, embed_terms, name_match, places, within, capitals)
    missing = tuple(t for t in unknown if not pairs[t])
    return Evidence(tuple(terms), missing, known,
                    tuple(t for t in missing if (capitals and _outside_table(t))
                          or (places and absent_name(t, index, within))))


def pair_names(unknown: Sequence[str], passages: Sequence[Passage], index: LoadedIndex,
               embed_terms: Callable[[list[str]], np.ndarray], name_match: float = DEFAULT_NAME_MATCH,
               places: bool = False, within: Mapping[str, frozenset[int]] | None = None, capitals: bool = True,
               ) -> dict[str, list[tuple[float, str]]]:
    """Per term the corpus does not spell, the names of ``passages`` that spell it in another script or form
    (Moscow / Москва, Қытай / Китаем), closest first, each with its cosine (at least ``name_match``).

    With ``places``, the tables of countries and capitals (places.py) and of acronyms (acronyms.py) have the first
    word on a term naming one: the passages' names of that same place or entity pair with it first (cosine 1), a
    name of another never does (Киев / Қазақстан, 0.886 embedded alone; EU / ЕАЭС, 0.911), and one the corpus
    never names pairs with nothing, so no lookalike name vouches for it (Токио / Токаев, 0.88). ``within``: the
    words of the question that make up an entity's full name (acronyms.full_names_in), read as its acronym.

    An acronym in capitals outside the table (``capitals``: the question is not itself written in capitals)
    pairs only with a name writing it letter for letter (SSR / «ССРинин», acronyms.reads_as) or the words its
    initials stand for (acronyms.spelt_out), never by embedding: short acronyms embed alike whatever they stand
    for (ТАСС / «РФ» 0.880, ТОО / «Токаев» 0.889).
    """
    analyzer = index.lexical.analyzer
    names = sorted(set().union(*(_names_in(p.text, p.sentences) for p in passages)) - set(unknown))
    lettered = {t for t in unknown if capitals and _outside_table(t)}
    table = {t: _lettered(t, names, passages) if t in lettered
             else [(1.0, n) for n in names if same_name(t, n, within)] if places else [] for t in unknown}
    # The analyzer's tokens miss a name whose last letter a case ending replaces (Китай / «Китаем»), so a
    # place the passages name is never taken for absent.
    absent = {t for t in unknown if places and not table[t] and absent_name(t, index, within)}
    initial = {w: _initial(analyzer, w) for w in [*unknown, *names]}
    # Only a name that may spell the term can vouch for it, so only those are embedded: a tenth of the
    # passages' names, and the encoder's time with them.
    spellings = {t: [n for n in names if t not in absent and t not in lettered and _may_spell(t, n, initial)
                     and not (places and other_names(t, n))] for t in unknown}
    candidates = sorted(set().union(*spellings.values()))
    if not candidates:
        return table
    vectors = embed_terms([*unknown, *candidates])
    column = {n: j for j, n in enumerate(candidates, len(unknown))}
    pairs = {}
    for i, t in enumerate(unknown):
        scored = ((float(vectors[i] @ vectors[column[n]]), n) for n in spellings[t] if (1.0, n) not in table[t])
        pairs[t] = table[t] + sorted((pair for pair in scored if pair[0] >= name_match), reverse=True)
    return pairs


def _lettered(term: str, names: Sequence[str], passages: Sequence[Passage]) -> list[tuple[float, str]]:
    """The names of ``passages`` writing the acronym ``term`` letter for letter, then the runs of their words it
    stands for (acronyms.spelt_out: «Воздушно-космических сил» for VKS)."""
    form = outside_form(term)
    runs = dict.fromkeys(run for p in passages if (run := spelt_out(form, p.text)))
    return [(1.0, n) for n in names if reads_as(form, n)] + [(1.0, run) for run in runs]


def place_vouched(unspelt: Sequence[str], passages: Sequence[Passage],
                  within: Mapping[str, frozenset[int]] | None = None) -> bool:
    """Whether each of ``unspelt`` names a country, capital or acronym's entity that a name of ``passages`` names
    too (places.py, acronyms.py): "What do the articles say about China?" asks about what the passages write
    «Китаем», "What is said about the EAEU?" about their «ЕАЭО» (``within``: as ``pair_names``)."""
    names = set().union(*(_names_in(p.text, p.sentences) for p in passages))
    return bool(unspelt) and all(any(same_name(t, n, within) for n in names) for t in unspelt)


def same_name(term: str, name: str, within: Mapping[str, frozenset[int]] | None = None) -> bool:
    """Whether the tables say ``term`` and ``name`` name one thing: a country or capital, or an acronym's entity
    (``term`` also read as the acronym of the full name it is a word of, ``within``)."""
    return (same_place(term, name) or same_entity(term, name)
            or bool(within and within.get(term, frozenset()) & entities_of(name)))


def other_names(term: str, name: str) -> bool:
    """Whether the tables say ``term`` and ``name`` name different things, so no embedding may pair them."""
    return other_places(term, name) or other_entities(term, name)


def absent_name(term: str, index: LoadedIndex, within: Mapping[str, frozenset[int]] | None = None) -> bool:
    """Whether ``term`` names a place or an acronym's entity (or is a word of such an entity's full name,
    ``within``) that the corpus writes in no form."""
    written = lambda form: spelt(form, index)  # noqa: E731
    return (absent_place(term, index.lexical.spells, index.lexical.begins) or absent_entity(term, written)
            or bool(within and unwritten(within.get(term, frozenset()), written)))


def spelt(term: str, index: LoadedIndex, capitals: bool = True) -> bool:
    """Whether the corpus writes ``term``: each of its lexical tokens (scripts folded: "Tokayev" is spelt where
    the passages say Токаев), and, for an acronym, the acronym in one of up to ``ACRONYM_SAMPLE`` passages
    holding its token. The analyzer folds «ООН» to the token "on", «ТАСС» to "tas", «ТОО» to "to", which
    ordinary words of other languages hold; on an archive nearly every short acronym folds into some word.
    An acronym of the acronym table is written where a passage writes one that folds alike («НАТО» for NATO);
    one in capitals outside it (``capitals``: unless the question is itself written in capitals), bare or with a
    case ending (acronyms.outside_form: «ҰҚК-ның» is ҰҚК), only where a passage writes it letter for letter
    (acronyms.reads_as) or, a word of 4+ letters, the word in any case (acronyms.as_word: a name in capitals
    for emphasis). An English name the corpus writes with another vowel ("Trump" / «Трамп», respelling.py) is
    written."""
    if not index.lexical.spells(term):
        return institution_written(term, index.lexical.spells, index.lexical.begins) or bool(respelt(term, index))
    if not entities_of(term) and not (capitals and outside_form(term)):
        return True
    return index.acronyms_written.get([term], lambda terms: [_written_as_acronym(t, index) for t in terms])[0]


def _outside_table(term: str) -> bool:
    return bool(outside_form(term)) and not entities_of(term)


def _written_as_acronym(term: str, index: LoadedIndex) -> bool:
    form = outside_form(term) if _outside_table(term) else ""
    # The word as written and its form hold different tokens («ССРинин», ССР): passages holding either may write it.
    rows = sorted(set(sample_rows(index.lexical, term, ACRONYM_SAMPLE)) | set(
        sample_rows(index.lexical, form, ACRONYM_SAMPLE) if form and form != term else ()))
    if not rows:  # a table acronym of several tokens: its spelling is all there is to read; one outside the
        # table whose letters the analyzer drops («ИИ», stop words) only the retrieved passages can write
        return not form
    texts = [p.text for p in index.passages.many(rows)]
    return written_as(form, texts) if form else written_in(term, texts, index.lexical.analyzer.tokens)


def question_terms(question: str, index: LoadedIndex, casing: Casing | None = None) -> list[str]:
    """``key_terms`` with ``casing`` asked only of a word the corpus lacks: only such a word can be missing,
    and reading its kind may embed it; one the corpus holds may count as a term either way, it will be found."""
    if casing is None:
        return key_terms(question)
    return key_terms(question, lambda word: index.lexical.spells(word) or casing(word))


def asks_about(question: str, index: LoadedIndex, casing: Casing | None = None,
               terms: Sequence[str] | None = None) -> tuple[str, ...]:
    """The names ``question`` asks only who or what they are ("Who is Rizzat Tasym?", "Кто такой Айдос
    Укибай?", "C5+1 деген эмне?") or what is said of them ("Что известно про Анкоридж?", "Қытай туралы не
    жазылған?"), when the corpus spells every one of them in some script; else ().

    Its meaning is the name, so how close it comes to a passage in meaning says little about whether the
    corpus holds it: a short question sits lower than one with a predicate ("Who is Rizzat Tasym?" 0.78).
    """
    topic = topic_terms(question, index, casing, terms)
    capitals = not shouted(question)
    return topic if all(_known(term, index, capitals) for term in topic) else ()


def _known(name: str, index: LoadedIndex, capitals: bool = True) -> bool:
    """Whether the corpus spells ``name`` (a form of it written, not its token alone: ``_written_alike``), or, an
    English spelling, writes it as Russian writes English names ("John" / «Джон», latin.russian_reading): for
    what a who-is question is about, not for the near-miss check, where a given name read so leaves an absent
    surname alone against the translated-term test."""
    if spelt(name, index, capitals):
        return _written_alike(name, index)
    return written_as_russian(name, index)


def written_as_russian(name: str, index: LoadedIndex) -> bool:
    """Whether ``name``, an English spelling, is written as Russian writes English names ("John" / «Джон»)."""
    return name.isascii() and (reading := russian_reading(name)) != name.lower() and index.lexical.spells(reading)


def _written_alike(name: str, index: LoadedIndex) -> bool:
    """Whether a passage holding ``name``'s token writes a form of it (casing.alike): the token is the name's
    first five letters, and «Байконур» shares "baiko" with «Байкоочулардын». An acronym, a number, or a name of
    several tokens or none, is read by its spelling alone."""
    rows = [] if name.isupper() or has_digit(name) else sample_rows(index.lexical, name, SAMPLE)
    if not rows:
        return True
    return writes_alike(name, [p.text for p in index.passages.many(rows)], index.lexical.analyzer.spelling)


def topic_terms(question: str, index: LoadedIndex, casing: Casing | None = None,
                terms: Sequence[str] | None = None) -> tuple[str, ...]:
    """The key terms of a question that asks who or what they are or what is said of them, () for any other.

    Besides its key terms, such a question holds only question and function words and words asking what
    is said (``_ABOUT``), and no pronoun pointing at someone: "Ол Қазақстан туралы не деді?" ("What did he
    say about Kazakhstan?") asks about him as much as about Kazakhstan.
    """
    terms = question_terms(question, index, casing) if terms is None else terms
    if not terms:
        return ()
    rest = _besides(question, terms)
    if set_apart(question, terms):  # "Rizzat Tasym, who is he?": its pronoun is the name
        rest = [w for w in rest if w not in POINTING and w.strip(_DASHES)]
    if any(w in POINTING for w in rest):
        return ()
    if all(w in _TOPICAL for w in rest):
        return tuple(terms)
    return tuple(terms) if all(w in _TOPICAL or w in _ROLE for w in rest) and _one_name(question, terms) else ()


def _one_name(question: str, terms: Sequence[str]) -> bool:
    """Whether ``terms`` stand together in ``question``, one name ("Aidos Ukibay's"), not two ("Tokayev's
    position on Ukraine" asks a stance, not who he is)."""
    held = _holding(question.split(), terms)
    return bool(held) and held[-1] - held[0] == len(held) - 1


def asks_who(question: str, terms: Sequence[str]) -> bool:
    """Whether ``question`` asks only who its names are or what post they hold ("Who is Olaf Scholz?", «Кем
    работает Юрий Ушаков?», «Садыр Жапаров, ал ким?»): besides the names (``terms``, and a capitalised word
    beside one, a given name no term reads), a who word or a word of position (``_ROLE``), with question,
    function and pointing words only. A person's name has no translation a passage could take up in meaning
    (``taken_up``); a spelling in another script is paired before it."""
    rest = [w for w in _besides(question, terms, given_names=True) if w.strip(_DASHES)]
    return (any(w in _WHO or w in _ROLE for w in rest)
            and all(w in _TOPICAL or w in _ROLE or w in POINTING for w in rest))


def set_apart(question: str, terms: Sequence[str]) -> bool:
    """Whether ``terms`` are one name standing apart from the rest of ``question`` by a comma, dash or colon,
    first ("Rizzat Tasym, who is he?", «Попов — кем он работает?») or last ("Who is he, this John Herbst?"): what
    a pronoun of the question points at, as a chat writes a name and then asks about it."""
    if not _one_name(question, terms):
        return False
    words = question.split()
    held = _holding(words, terms)
    first, last = held[0], held[-1]
    if any(w.endswith((",", ":")) for w in words[first:last]):
        return False  # "Tokayev, Putin: …" names two
    if first == 0 and last < len(words) - 1:  # the name opens the question, a sign closing it
        return words[last].rstrip("»\"”’'").endswith((",", ":")) or not words[last + 1].strip(_DASHES)
    if last == len(words) - 1 and first > 0:  # the name closes it, a sign (and a "this") before it
        before = first - 1 - (words[first - 1].lower() in POINTING and first > 1)
        return words[before].endswith((",", ":")) or not words[before].strip(_DASHES)
    return False


def topical_shape(question: str) -> bool:
    """Whether every lower-case word of ``question`` could belong to a topical question (``topic_terms``): a
    test of a few microseconds, before reading its names."""
    return all(w in _TOPICAL for w in (w.strip(_PUNCTUATION) for w in question.split())
               if w and not w[:1].isupper() and not has_digit(w))


def naming(texts: Sequence[str], terms: Sequence[str], index: LoadedIndex) -> np.ndarray:
    """Per text, whether it holds every lexical token of one of ``terms`` (scripts folded: "Abish" in
    "Самат Абиш ким?"), i.e. names what a "who is" question asks about."""
    analyzer = index.lexical.analyzer
    wanted = [set(analyzer.tokens(t)) for t in terms]
    held = [set(analyzer.tokens(text)) for text in texts]
    return np.array([any(w and w <= h for w in wanted) for h in held], dtype=bool)


def without(question: str, terms: Sequence[str]) -> str:
    """``question`` with the words holding ``terms`` taken out, a case ending with its name ("Бейжіңнің")."""
    words = question.split()
    held = set(_holding(words, terms))
    return " ".join(w for i, w in enumerate(words) if i not in held)


def _besides(question: str, terms: Sequence[str], given_names: bool = False) -> list[str]:
    """The words of ``question`` besides its names (``terms``, with the demonstratives and titles read with them,
    ``_determined``; ``given_names``: and a capitalised word beside one), lower-cased, without punctuation."""
    words = question.split()
    held = set(_holding(words, terms))
    if given_names:
        held |= {i for i, w in enumerate(words) if w[:1].isupper() and (i - 1 in held or i + 1 in held)}
    held |= _determined(words, held)
    return [w for w in (w.strip(_PUNCTUATION).lower() for i, w in enumerate(words) if i not in held) if w]


def _determined(words: Sequence[str], held: set[int]) -> set[int]:
    """The positions of the words read with a held word standing after them: a demonstrative (``_DETERMINERS``)
    and titles (``_TITLES``, "the political scientist Rizzat Tasym"), each directly before the name or another."""
    low = [w.strip(_PUNCTUATION).lower() for w in words]
    determined: set[int] = set()
    for i in range(len(words) - 2, -1, -1):  # from the right: "political" stands before "scientist"
        if i not in held and (i + 1 in held or i + 1 in determined) and (low[i] in _TITLES or low[i] in _DETERMINERS):
            determined.add(i)
    return determined


def _holding(words: Sequence[str], terms: Sequence[str]) -> list[int]:
    """The positions of the ``words`` that hold one of ``terms``, a case ending with its name ("Бейжіңнің")."""
    drop = tuple(t.lower() for t in terms)
    return [i for i, w in enumerate(words) if w.strip(_PUNCTUATION).lower().startswith(drop)]


def taken_up(question: str, missing: Sequence[str], closeness: Callable[[str], float]) -> bool:
    """Whether the retrieved sentences take up the ``missing`` terms in meaning, though in no spelling.

    ``closeness(text)`` is how near the best retrieved sentence comes to ``text``.
    The terms are taken up when the question is nearer with them than without
    them (by more than ``TAKEN_UP_MARGIN``): a translated name (Батыс for the
    passage's Запад, Бейжің for its Пекин) adds what the sentence
    says; a name the corpus never mentions adds what it does not, and the
    question moves away, or, a place in a Turkic case ending ("Бишкекке"), stays put.
    """
    rest = without(question, missing)
    if not any(c.isalnum() for c in rest) or rest == " ".join(question.split()):
        return False  # nothing asked besides the terms, or they could not be taken out
    return closeness(question) - closeness(rest) > TAKEN_UP_MARGIN


def _initial(analyzer, word: str) -> str:
    tokens = analyzer.tokens(word)
    return tokens[0][:1] if tokens else ""


def _may_spell(term: str, name: str, initial: dict[str, str]) -> bool:
    """Two spellings of one name start alike once romanized (Moscow/Москва); acronyms need not (US/США).

    Without this, a shared case ending makes unrelated names close: the
    Kazakh datives Осакаға and Қазақстанға embed at 0.92.
    """
    if term.isupper() and name.isupper():
        return True
    return initial[term] == initial[name]
