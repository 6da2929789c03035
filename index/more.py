"""Asking for more: "Tell me more", «Подробнее», «Толығырақ айтшы» after a question.

In a chat the commonest follow-up asks for more of the last answer. An answer
quotes up to five sentences of its passages, and what a reader was after is
often a sentence it left out: the earlier question is answered again past its
own answer (Engine.more), not read as a question of its own ("Tell me more"
names nothing the corpus could hold). A message asks for more only when every
word of it is in this closed table, "please" and the like beside; any other
word makes it a question ("Tell me more about Abish" is one).
"""

from __future__ import annotations

from .lang import Lang
from .phrases import PhraseTable

PHRASES: dict[str, dict[Lang, str]] = {"more": {
    "en": """more | tell me more | tell me more about it | more details | more detail | any more details | details |
             go on | continue | keep going | anything else | what else | what more | more on that | more about it |
             elaborate | and what else | say more""",
    "ru": """подробнее | поподробнее | расскажи подробнее | расскажите подробнее | расскажи поподробнее |
             расскажите поподробнее | подробнее об этом | ещё | еще | а ещё | а еще | что ещё | что еще | а что ещё |
             а что еще | дальше | продолжай | продолжайте | больше | расскажи больше | расскажите больше |
             подробности | детали | что ещё известно | что еще известно""",
    "kk": """толығырақ | толығырақ айтшы | толығырақ айтыңыз | тағы | тағы не | тағы айтшы | тағы не бар | жалғастыр |
             жалғастырыңыз | егжей тегжейлі | толық айтшы | тағы не белгілі | бұл туралы толығырақ""",
    "ky": """кененирээк | кененирээк айтчы | кененирээк айтып берчи | кененирээк айтып бериңиз | толугураак |
             толугураак айтчы | дагы | дагы эмне | дагы эмне бар | улант | уланта бер | улантыңыз | дагы айтчы |
             дагы эмне белгилүү | бул тууралуу кененирээк""",
}}
FILLERS = frozenset("""
please pls ok okay me
пожалуйста плиз ок
өтінемін сұраймын маған
сураныч суранам мага
""".split())
TABLE: PhraseTable[str] = PhraseTable(PHRASES, FILLERS)


def asks_for_more(message: str) -> bool:
    """Whether ``message`` asks for more of the answer before it, and nothing else."""
    return TABLE.read(message) is not None
