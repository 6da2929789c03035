"""What the bot says, in each language it speaks (the user's Telegram language, else English)."""

from __future__ import annotations

EXAMPLES = {
    "en": "When did Putin meet Nazarbayev?",
    "ru": "Сколько человек погибло в январе 2022 года?",
    "kk": "Тоқаев Мәскеуге қашан барады?",
    "ky": "Назарбаевдин басма сөз катчысы ким?",
}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "help": ("I answer questions from a news corpus of {docs} documents in {langs}, "
                 "dated {first} to {last}. Ask in any of these languages; I reply with a short answer "
                 "taken from the articles and numbered sources — tap a number to read the passage.\n\n"
                 "To ask within a period, say when the articles came out: “What was written in November "
                 "about …?”, “… last week?”; in a follow-up, “And in September?”.\n\n"
                 "Ask “Tell me more” for what an answer left out.\n\n"
                 "Ask the same of someone else (“And Matviyenko?”), or correct me (“No, I meant Matviyenko”).\n\n"
                 "In groups, mention me, reply to me, or use /ask your question. In any chat, type "
                 "@{bot} and a question to post its answer there.\n\n"
                 "Commands: /help, /new (forget the conversation: follow-ups lean on your last questions), /sources (the documents), /about (the index).\n\nExamples:\n{examples}"),
        "empty": "Please write a question, for example: /ask {example}",
        "no_words": "There are no words in that message to look up. Ask in words, for example: /ask {example}",
        "language": "I read questions in English, Russian, Kazakh and Kyrgyz. Please ask in one of them, "
                    "for example: /ask {example}",
        "too_long": "That message is too long for a question ({chars} characters; the limit is {limit}). "
                    "Please ask something shorter.",
        "not_text": "I can only read text questions. Please type your question.",
        "unknown": "I don't know that command. Try /help.",
        "slow_down": "You are asking faster than I can keep up ({limit} questions a minute). "
                     "Please wait {wait} seconds.",
        "refused": "Sorry, this bot is private. Ask its owner to add your user id ({uid}).",
        "error": "Sorry, something went wrong on my side. Please try again in a moment.",
        "new": "Started a new conversation: your next question is read on its own.",
        "voted": "Thanks, noted.",
        "newest": "The {shown} newest of {docs} documents:",
        "about": "Index built {built}: {docs} documents, {passages} passages.\nModel: {model}",
    },
    "ru": {
        "help": ("Я отвечаю на вопросы по корпусу новостей: {docs} документов ({langs}), "
                 "с {first} по {last}. Спрашивайте на любом из этих языков: я дам короткий ответ "
                 "из статей и пронумерованные источники — нажмите номер, чтобы прочитать фрагмент.\n\n"
                 "Чтобы спросить о периоде, скажите, когда вышли статьи: «Что писали в ноябре о …?», "
                 "«… на прошлой неделе?»; в уточнении — «А в сентябре?».\n\n"
                 "Напишите «Подробнее», чтобы получить то, что не вошло в ответ.\n\n"
                 "Спросите то же о другом («А Матвиенко?») или поправьте меня («Нет, я про Матвиенко»).\n\n"
                 "В группах упомяните меня, ответьте на моё сообщение или напишите /ask вопрос. В любом чате "
                 "наберите @{bot} и вопрос, чтобы отправить туда ответ.\n\n"
                 "Команды: /help, /new (начать разговор заново: уточняющие вопросы опираются на ваши последние вопросы), /sources (документы), /about (индекс).\n\nПримеры:\n{examples}"),
        "empty": "Напишите вопрос, например: /ask {example}",
        "no_words": "В сообщении нет слов, по которым можно искать. Спросите словами, например: /ask {example}",
        "language": "Я понимаю вопросы на английском, русском, казахском и кыргызском. Спросите на одном из них, "
                    "например: /ask {example}",
        "too_long": "Сообщение слишком длинное для вопроса ({chars} символов; предел {limit}). "
                    "Спросите короче.",
        "not_text": "Я понимаю только текстовые вопросы. Напишите вопрос текстом.",
        "unknown": "Я не знаю такой команды. Попробуйте /help.",
        "slow_down": "Слишком много вопросов ({limit} в минуту). Подождите {wait} с.",
        "refused": "Извините, это закрытый бот. Попросите владельца добавить ваш id ({uid}).",
        "error": "Извините, у меня что-то сломалось. Попробуйте ещё раз чуть позже.",
        "new": "Начинаем заново: следующий вопрос я прочту сам по себе.",
        "voted": "Спасибо, учтено.",
        "newest": "{shown} самых новых из {docs} документов:",
        "about": "Индекс построен {built}: {docs} документов, {passages} фрагментов.\nМодель: {model}",
    },
    "kk": {
        "help": ("Мен жаңалықтар корпусы бойынша сұрақтарға жауап беремін: {docs} құжат ({langs}), "
                 "{first} – {last}. Осы тілдердің кез келгенінде сұраңыз: мақалалардан алынған қысқа жауап "
                 "пен нөмірленген дереккөздер беремін — үзіндіні оқу үшін нөмірді басыңыз.\n\n"
                 "Кезең бойынша сұрау үшін мақалалар қашан шыққанын айтыңыз: «Қарашада … туралы не "
                 "жазылды?», «… өткен аптада?»; нақтылауда — «Ал қыркүйекте ше?».\n\n"
                 "Жауапқа сыймағанын білу үшін «Толығырақ айтшы» деп жазыңыз.\n\n"
                 "Дәл соны басқа адам туралы сұраңыз («Ал Матвиенко ше?») немесе мені түзетіңіз "
                 "(«Жоқ, мен Матвиенко туралы сұрадым»).\n\n"
                 "Топтарда мені атаңыз, хабарыма жауап беріңіз немесе /ask сұрақ деп жазыңыз. Кез келген чатта "
                 "жауапты сонда жіберу үшін @{bot} және сұрақты теріңіз.\n\n"
                 "Командалар: /help, /new (әңгімені жаңадан бастау: нақтылау сұрақтары соңғы сұрақтарыңызға сүйенеді), /sources (құжаттар), /about (индекс).\n\nМысалдар:\n{examples}"),
        "empty": "Сұрақ жазыңыз, мысалы: /ask {example}",
        "no_words": "Хабарда іздейтін сөз жоқ. Сөзбен сұраңыз, мысалы: /ask {example}",
        "language": "Мен ағылшын, орыс, қазақ және қырғыз тілдеріндегі сұрақтарды түсінемін. Солардың бірінде "
                    "сұраңыз, мысалы: /ask {example}",
        "too_long": "Хабар сұрақ үшін тым ұзын ({chars} таңба; шегі {limit}). Қысқарақ сұраңыз.",
        "not_text": "Мен тек мәтіндік сұрақтарды түсінемін. Сұрағыңызды жазыңыз.",
        "unknown": "Мұндай команда жоқ. /help көріңіз.",
        "slow_down": "Сұрақтар тым жиі ({limit} минутына). {wait} секунд күтіңіз.",
        "refused": "Кешіріңіз, бұл жабық бот. Иесінен id-іңізді ({uid}) қосуды сұраңыз.",
        "error": "Кешіріңіз, бір қате кетті. Сәлден соң қайталап көріңіз.",
        "new": "Жаңа әңгіме басталды: келесі сұрағыңызды жеке оқимын.",
        "voted": "Рахмет, ескерілді.",
        "newest": "{docs} құжаттың ең жаңа {shown} құжаты:",
        "about": "Индекс {built} құрылды: {docs} құжат, {passages} үзінді.\nМодель: {model}",
    },
    "ky": {
        "help": ("Мен жаңылыктар корпусу боюнча суроолорго жооп берем: {docs} документ ({langs}), "
                 "{first} – {last}. Бул тилдердин каалаганында сураңыз: макалалардан алынган кыска жооп "
                 "жана номерленген булактар берем — үзүндүнү окуу үчүн номерди басыңыз.\n\n"
                 "Мезгил боюнча суроо үчүн макалалар качан чыкканын айтыңыз: «Ноябрда … тууралуу эмне "
                 "жазылган?», «… өткөн жумада?»; тактоодо — «Ал эми сентябрда?».\n\n"
                 "Жоопко батпай калганын билүү үчүн «Кененирээк айтып берчи» деп жазыңыз.\n\n"
                 "Ошону башка адам тууралуу сураңыз («Матвиенко чы?») же мени оңдоңуз "
                 "(«Жок, мен Матвиенко жөнүндө сурадым»).\n\n"
                 "Топтордо мени атаңыз, билдирүүмө жооп бериңиз же /ask суроо деп жазыңыз. Каалаган чатта "
                 "жоопту ошол жакка жөнөтүү үчүн @{bot} жана суроону териңиз.\n\n"
                 "Буйруктар: /help, /new (маекти жаңыдан баштоо: тактоочу суроолор акыркы суроолоруңузга таянат), /sources (документтер), /about (индекс).\n\nМисалдар:\n{examples}"),
        "empty": "Суроо жазыңыз, мисалы: /ask {example}",
        "no_words": "Билдирүүдө издей турган сөз жок. Сөз менен сураңыз, мисалы: /ask {example}",
        "language": "Мен англис, орус, казак жана кыргыз тилдериндеги суроолорду түшүнөм. Алардын биринде "
                    "сураңыз, мисалы: /ask {example}",
        "too_long": "Билдирүү суроо үчүн өтө узун ({chars} белги; чеги {limit}). Кыскараак сураңыз.",
        "not_text": "Мен текст түрүндөгү суроолорду гана түшүнөм. Сурооңузду жазыңыз.",
        "unknown": "Мындай буйрук жок. /help караңыз.",
        "slow_down": "Суроолор өтө көп ({limit} мүнөтүнө). {wait} секунд күтө туруңуз.",
        "refused": "Кечиресиз, бул жабык бот. Ээсинен id'иңизди ({uid}) кошууну сураңыз.",
        "error": "Кечиресиз, бир ката кетти. Бир аздан кийин кайра аракет кылыңыз.",
        "new": "Жаңы маек башталды: кийинки сурооңузду өзүнчө окуйм.",
        "voted": "Рахмат, эске алынды.",
        "newest": "{docs} документтин эң жаңы {shown} документи:",
        "about": "Индекс {built} түзүлгөн: {docs} документ, {passages} үзүндү.\nМодель: {model}",
    },
}


def say(lang: str, key: str, **values: object) -> str:
    return MESSAGES.get(lang, MESSAGES["en"])[key].format(**values)
