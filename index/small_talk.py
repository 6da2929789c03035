"""Small talk: a message that greets, thanks, says goodbye or asks what the bot is, and asks nothing of the corpus.

People on the open internet open a chat with "hi", close it with "спасибо" or
«сау бол», and ask the bot "What can you do?". Answered from the corpus, each
got "I could not find an answer to this in the corpus", which is wrong: the
message asked nothing of it. Such a message is read here, before retrieval,
and gets a reply of its own kind in its own language.

A message is small talk only when every word of it belongs to this closed table,
written by hand like the calendar words (``PHRASES``; ``FILLERS`` may stand beside
a phrase, never alone: "ok thanks", «спасибо, бот»; phrases.py reads it). Punctuation
and emoji are not words. Any other word makes the message a question and it is
answered as one: "Hi! Who is Samat Abish?" (message.py leaves the greeting out),
«Спасибо, а когда …?», "What did Tokayev thank Putin for?".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .lang import LANGS, Lang, detect_language
from .phrases import PhraseTable

Kind = Literal["greeting", "thanks", "farewell", "identity", "ok"]
# A message of several phrases is of its last kind but a greeting: "Hi, who are you?" asks who; "Thanks, bye!" leaves.
KINDS: tuple[Kind, ...] = ("greeting", "thanks", "farewell", "identity", "ok")

PHRASES: dict[Kind, dict[Lang, str]] = {
    "greeting": {
        "en": """hi | hello | hey | hiya | howdy | greetings | yo | hi there | hello there | hey there | good morning |
                 good afternoon | good evening | good day | morning | how are you | how are you doing |
                 how is it going | hows it going | whats up | sup""",
        "ru": """привет | приветик | здравствуйте | здравствуй | здрасте | здрасьте | добрый день | добрый вечер |
                 доброе утро | доброй ночи | приветствую | салют | хай | привет всем | всем привет | как дела |
                 как ты | как вы | как поживаешь | как поживаете""",
        "kk": """сәлем | сәлеметсіз бе | сәлеметсіздер ме | сәлеметсің бе | қайырлы таң | қайырлы күн | қайырлы кеш |
                 армысыз | армысың | амансыз ба | амансың ба | ассалаумағалейкүм | ассалаумағалейкум |
                 қалыңыз қалай | қалың қалай | жағдай қалай | қалайсыз | қалайсың""",
        "ky": """салам | саламатсызбы | саламатсыңбы | саламатсыздарбы | кутман таң | кутман күн | кутман кеч |
                 ассалоому алейкум | ассаламу алейкум | кандайсыз | кандайсың | иштер кандай | жакшысызбы |
                 жакшысыңбы""",
    },
    "thanks": {
        "en": """thanks | thank you | thx | ty | tnx | cheers | thanks a lot | thank you very much | thank you so much |
                 thanks so much | many thanks | much appreciated | thank you bot""",
        "ru": """спасибо | спс | благодарю | большое спасибо | спасибо большое | огромное спасибо | спасибо огромное |
                 благодарю вас | спасибо вам | спасибо тебе | мерси""",
        "kk": """рахмет | рақмет | көп рахмет | үлкен рахмет | рахмет сізге | сізге рахмет | саған рахмет |
                 алғыс айтамын | алғысым шексіз""",
        "ky": """рахмат | ырахмат | ыракмат | чоң рахмат | көп рахмат | сизге рахмат | рахмат сизге | сага рахмат |
                 ыраазымын""",
    },
    "farewell": {
        "en": """bye | goodbye | good bye | bye bye | see you | see you later | see ya | cya | good night | take care |
                 farewell""",
        "ru": """пока | пока пока | до свидания | всего доброго | всего хорошего | до встречи | до завтра |
                 спокойной ночи | прощай | прощайте | увидимся""",
        "kk": """сау бол | сау болыңыз | сау болыңдар | көріскенше | қош | қош бол | қош болыңыз | қайырлы түн""",
        "ky": """жакшы кал | жакшы калыңыз | жакшы калгыла | көрүшкөнчө | кош | кош бол | кош болуңуз |
                 саламатта кал | саламатта калыңыз | жакшы түн | бейпил түн""",
    },
    "identity": {
        "en": """who are you | what are you | what can you do | what do you do | how do you work | help | what is this |
                 what is this bot | are you a bot | are you a robot | who made you | who created you |
                 what do you know | how can you help | how can you help me | tell me about yourself |
                 what is corpusbot""",
        "ru": """кто ты | кто вы | ты кто | вы кто | что ты умеешь | что вы умеете | что ты можешь | что вы можете |
                 как ты работаешь | как вы работаете | что ты такое | ты бот | вы бот | помощь | помоги | помогите |
                 что ты знаешь | что вы знаете | чем ты можешь помочь | чем вы можете помочь | расскажи о себе |
                 расскажите о себе | кто тебя создал""",
        "kk": """сен кімсің | сіз кімсіз | кімсің | кімсіз | не істей аласың | не істей аласыз | сен не істей аласың |
                 сіз не істей аласыз | сен не білесің | сіз не білесіз | көмек | көмектес | көмектесіңіз |
                 сен бот па | сен қалай жұмыс істейсің | қалай жұмыс істейсің | қалай жұмыс істейсіз |
                 өзің туралы айтшы""",
        "ky": """сен кимсиң | сиз кимсиз | кимсиң | кимсиз | эмне кыла аласың | эмне кыла аласыз |
                 сен эмне кыла аласың | сиз эмне кыла аласыз | сен эмне билесиң | сиз эмне билесиз | жардам | жардам бер | жардам бериңиз |
                 кантип иштейсиң | кантип иштейсиз | сен ботсуңбу | өзүң жөнүндө айтып бер""",
    },
    # An acknowledgement asks nothing: "ok" after an answer is no follow-up to read with it.
    "ok": {
        "en": "ok | okay | ok ok | got it | i see | cool | great | nice | perfect | awesome | good | fine | alright | noted",
        "ru": "ок | окей | хорошо | ясно | понятно | ясно понятно | отлично | супер | ладно | понял | поняла | принято",
        "kk": "жарайды | жақсы | түсінікті | түсіндім | керемет | тамаша | ок",
        "ky": "макул | жакшы | түшүнүктүү | түшүндүм | сонун | эң жакшы | ок",
    },
}
# Words that may stand beside a phrase, never alone ("thanks a lot bot", «спасибо, бот», «рахмет сізге»).
FILLERS = frozenset("""
very so much bot corpusbot dear all everyone
бот очень
""".split())

REPLIES: dict[Kind, dict[Lang, str]] = {
    "greeting": {
        "en": "Hello! Ask me a question about the news in the corpus, in English, Russian, Kazakh or Kyrgyz.",
        "ru": "Здравствуйте! Задайте вопрос о новостях корпуса — на русском, казахском, кыргызском или английском.",
        "kk": "Сәлеметсіз бе! Корпустағы жаңалықтар туралы сұрақ қойыңыз — қазақ, орыс, қырғыз немесе ағылшын тілінде.",
        "ky": "Саламатсызбы! Корпустагы жаңылыктар тууралуу суроо бериңиз — кыргыз, орус, казак же англис тилинде.",
    },
    "thanks": {
        "en": "You're welcome! Ask another question whenever you like.",
        "ru": "Пожалуйста! Спрашивайте ещё, когда захотите.",
        "kk": "Оқасы жоқ! Тағы сұрағыңыз болса, сұраңыз.",
        "ky": "Эч нерсе эмес! Дагы суроо болсо, сураңыз.",
    },
    "farewell": {
        "en": "Goodbye! Come back with more questions.",
        "ru": "До свидания! Возвращайтесь с новыми вопросами.",
        "kk": "Сау болыңыз! Жаңа сұрақтарыңызбен қайта келіңіз.",
        "ky": "Жакшы калыңыз! Жаңы суроолор менен кайра келиңиз.",
    },
    "ok": {
        "en": "Ask another question whenever you like.",
        "ru": "Спрашивайте, когда захотите.",
        "kk": "Тағы сұрағыңыз болса, сұраңыз.",
        "ky": "Дагы суроо болсо, сураңыз.",
    },
    "identity": {
        "en": ("I am corpusbot: I answer questions about a news corpus in English, Russian, Kazakh and Kyrgyz with a "
               "short answer taken from the articles and numbered sources. Ask in any of these languages; a "
               "follow-up question may lean on your earlier ones."),
        "ru": ("Я corpusbot: отвечаю на вопросы о новостях корпуса на русском, казахском, кыргызском и английском — "
               "коротким ответом из статей и пронумерованными источниками. Спрашивайте на любом из этих языков; "
               "уточняющий вопрос может опираться на предыдущие."),
        "kk": ("Мен corpusbot: корпустағы жаңалықтар туралы сұрақтарға қазақ, орыс, қырғыз және ағылшын тілдерінде "
               "мақалалардан алынған қысқа жауаппен және нөмірленген дереккөздермен жауап беремін. Осы тілдердің кез "
               "келгенінде сұраңыз; нақтылау сұрағы алдыңғы сұрақтарыңызға сүйене алады."),
        "ky": ("Мен corpusbot: корпустагы жаңылыктар тууралуу суроолорго кыргыз, орус, казак жана англис тилдеринде "
               "макалалардан алынган кыска жооп жана номерленген булактар менен жооп берем. Бул тилдердин каалаганында "
               "сураңыз; тактоочу суроо мурунку суроолоруңузга таяна алат."),
    },
}

TABLE: PhraseTable[Kind] = PhraseTable(PHRASES, FILLERS)


@dataclass(frozen=True)
class SmallTalk:
    kind: Kind
    lang: Lang

    @property
    def reply(self) -> str:
        return REPLIES[self.kind][self.lang]


def small_talk(message: str) -> SmallTalk | None:
    """What ``message`` says if it is small talk, else None; a digit anywhere makes it a question."""
    found = TABLE.read(message)
    if found is None:
        return None
    kind = next((k for k, _ in reversed(found) if k != "greeting"), "greeting")
    return SmallTalk(kind, _language(message, found))


def _language(message: str, found: list[tuple[Kind, tuple[Lang, ...]]]) -> Lang:
    """The language every phrase is written in, the message's own when several are («Рахмат»: kk or ky)."""
    common = [lang for lang in LANGS if all(lang in langs for _, langs in found)]
    guess = detect_language(message)
    if guess in common:
        return guess
    return common[0] if common else found[-1][1][0]  # phrases of two languages ("Hi, рахмет"): the last one's
