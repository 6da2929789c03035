"""Kazakh word stems for the lexical side, read from a Hunspell dictionary at build time.

Five-letter prefixes join most Kazakh word forms, but not those of short stems,
which are the commonest words of news (жыл / жылы / жылдың → ``jil``, ``jili``,
``jildi``; ел / елі / елде), nor verbs whose form changes near the start
(алады / алу). Hunspell's Kazakh dictionary (Debian's hunspell-kk, bundled in
``data/hunspell/`` under its MPL / LGPL / GPL licence) knows the suffixes; spylls
reads it in pure Python.

The result is a table, word → stem, saved with the lexical index: questions are
analysed with the table alone, so answering never loads the dictionary (nor
imports spylls). The lexical index decides which entries to keep (``LexicalIndex.for_passages``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

DICTIONARY = Path(__file__).parent / "data" / "hunspell" / "kk_KZ"
MIN_STEM = 3  # "он" (ten) is Hunspell's shortest stem of «оны» (him); two letters say too little


def stem_table(words: Iterable[str], min_stem: int = MIN_STEM) -> dict[str, str]:
    """Lower-case Kazakh words → their shortest Hunspell stem of at least ``min_stem`` letters.

    Words Hunspell does not know and words that are their own stem are left
    out: the table only says what changes. One step only: a stem's own stem is
    often another word («алдымен» first → «алды» took → «алу» to take).
    """
    lookup = _dictionary().lookuper
    table = {}
    for word in sorted(set(words)):
        if word.isdigit() or len(word) <= min_stem:
            continue
        stems = {f.stem.lower() for f in lookup.good_forms(word, compound_forms=False)}
        usable = sorted((s for s in stems if len(s) >= min_stem and s[:1] == word[:1]), key=lambda s: (len(s), s))
        if usable and usable[0] != word:
            table[word] = usable[0]
    return table


@lru_cache(maxsize=1)
def _dictionary():
    from spylls.hunspell import Dictionary  # build time only: a second to load, 40 MB

    return Dictionary.from_files(str(DICTIONARY))
