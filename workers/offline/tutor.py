"""The offline tutor's side of the conversation: acknowledge the learner, ask something back.

It understands little, so it says so once, in its first reply, and then stays out of the way:
a short, neutral echo of what the learner wrote (never praise: it has not checked the grammar)
and a question to keep them writing. It answers the few questions it can (its name, how it is,
where it lives) and says plainly when it cannot. The choice of template depends only on the
turn and the text, so the same conversation replays the same way.
"""

# French and Italian typography writes the apostrophe as \u2019, which RUF001 mistakes for a
# backtick.
# ruff: noqa: RUF001

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

SIMPLE_LEVELS = ("A1", "A2")
FRAGMENT_WORDS = 6


@dataclass(frozen=True)
class TutorTexts:
    greeting: str  # says, once, what kind of tutor this is
    acks: list[str]  # each quotes a `{fragment}` of the learner's message
    question_ack: str  # for a question it has no answer to: says so, without praise
    simple: list[str]  # follow-up questions for A1 and A2
    open: list[str]  # follow-up questions from B1 up


TUTOR_TEXTS: dict[str, TutorTexts] = {
    "en": TutorTexts(
        greeting="Hello! I'm a simple offline tutor, so my replies are basic, "
        "but let's practise together.",
        acks=[
            "You wrote: “{fragment}”.",
            "“{fragment}” — I see.",
            "I see: “{fragment}”.",
        ],
        question_ack="I can’t answer that offline; a connected AI tutor can.",
        simple=[
            "What do you like to do at the weekend?",
            "Do you have any pets?",
            "What did you eat today?",
            "Where do you live?",
            "What is your favourite colour?",
            "Do you have brothers or sisters?",
            "What is the weather like today?",
            "What time do you get up?",
        ],
        open=[
            "What would you like to do next summer, and why?",
            "Tell me about a book or a film you enjoyed recently.",
            "What do you find hardest about learning English?",
            "How do you usually spend your evenings?",
            "If you could live anywhere, where would it be?",
            "What was the best trip you have ever taken?",
        ],
    ),
    "es": TutorTexts(
        greeting="¡Hola! Soy un tutor sencillo que funciona sin conexión, así que mis "
        "respuestas son básicas, pero podemos practicar juntos.",
        acks=[
            "Escribes: “{fragment}”.",
            "“{fragment}”: ya veo.",
            "Entiendo: “{fragment}”.",
        ],
        question_ack="No puedo responder a eso sin conexión; un tutor de IA conectado sí puede.",
        simple=[
            "¿Qué te gusta hacer el fin de semana?",
            "¿Tienes mascotas?",
            "¿Qué has comido hoy?",
            "¿Dónde vives?",
            "¿Cuál es tu color favorito?",
            "¿Tienes hermanos?",
            "¿Qué tiempo hace hoy?",
            "¿A qué hora te levantas?",
        ],
        open=[
            "¿Qué te gustaría hacer el próximo verano, y por qué?",
            "Háblame de un libro o una película que te haya gustado.",
            "¿Qué es lo más difícil para ti al aprender español?",
            "¿Cómo pasas normalmente las tardes?",
            "Si pudieras vivir en cualquier lugar, ¿dónde sería?",
            "¿Cuál ha sido el mejor viaje de tu vida?",
        ],
    ),
    "de": TutorTexts(
        greeting="Hallo! Ich bin ein einfacher Offline-Tutor, meine Antworten sind also "
        "schlicht, aber wir können zusammen üben.",
        acks=[
            "Du schreibst: „{fragment}“.",
            "„{fragment}“ – ich verstehe.",
            "Verstehe: „{fragment}“.",
        ],
        question_ack="Das kann ich offline nicht beantworten; ein verbundener KI-Tutor kann es.",
        simple=[
            "Was machst du gern am Wochenende?",
            "Hast du Haustiere?",
            "Was hast du heute gegessen?",
            "Wo wohnst du?",
            "Was ist deine Lieblingsfarbe?",
            "Hast du Geschwister?",
            "Wie ist das Wetter heute?",
            "Wann stehst du auf?",
        ],
        open=[
            "Was möchtest du nächsten Sommer machen, und warum?",
            "Erzähl mir von einem Buch oder Film, der dir gefallen hat.",
            "Was findest du am schwierigsten beim Deutschlernen?",
            "Wie verbringst du normalerweise deine Abende?",
            "Wenn du überall leben könntest, wo wäre das?",
            "Was war die schönste Reise deines Lebens?",
        ],
    ),
    "fr": TutorTexts(
        greeting="Bonjour ! Je suis un tuteur hors ligne très simple, mes réponses sont donc "
        "basiques, mais on peut s’entraîner ensemble.",
        acks=[
            "Tu écris : « {fragment} ».",
            "« {fragment} » : je vois.",
            "Je vois : « {fragment} ».",
        ],
        question_ack="Je ne peux pas répondre à ça hors ligne ; un tuteur IA connecté le peut.",
        simple=[
            "Qu’est-ce que tu aimes faire le week-end ?",
            "Tu as des animaux ?",
            "Qu’est-ce que tu as mangé aujourd’hui ?",
            "Où est-ce que tu habites ?",
            "Quelle est ta couleur préférée ?",
            "Tu as des frères et sœurs ?",
            "Quel temps fait-il aujourd’hui ?",
            "À quelle heure tu te lèves ?",
        ],
        open=[
            "Qu’est-ce que tu aimerais faire l’été prochain, et pourquoi ?",
            "Parle-moi d’un livre ou d’un film que tu as aimé.",
            "Qu’est-ce qui est le plus difficile pour toi en français ?",
            "Comment passes-tu tes soirées, d’habitude ?",
            "Si tu pouvais vivre n’importe où, où serait-ce ?",
            "Quel a été le plus beau voyage de ta vie ?",
        ],
    ),
    "it": TutorTexts(
        greeting="Ciao! Sono un tutor offline molto semplice, quindi le mie risposte sono "
        "essenziali, ma possiamo esercitarci insieme.",
        acks=[
            "Scrivi: “{fragment}”.",
            "“{fragment}”: capisco.",
            "Capisco: “{fragment}”.",
        ],
        question_ack="Offline non posso rispondere; un tutor di IA collegato sì.",
        simple=[
            "Che cosa ti piace fare nel fine settimana?",
            "Hai animali domestici?",
            "Che cosa hai mangiato oggi?",
            "Dove abiti?",
            "Qual è il tuo colore preferito?",
            "Hai fratelli o sorelle?",
            "Che tempo fa oggi?",
            "A che ora ti alzi?",
        ],
        open=[
            "Che cosa ti piacerebbe fare la prossima estate, e perché?",
            "Parlami di un libro o di un film che ti è piaciuto.",
            "Che cosa trovi più difficile nell’imparare l’italiano?",
            "Come passi di solito le serate?",
            "Se potessi vivere ovunque, dove vivresti?",
            "Qual è stato il viaggio più bello della tua vita?",
        ],
    ),
    "pt": TutorTexts(
        greeting="Olá! Sou um tutor offline simples, então minhas respostas são básicas, "
        "mas podemos praticar juntos.",
        acks=[
            "Você escreveu: “{fragment}”.",
            "“{fragment}”: entendo.",
            "Entendi: “{fragment}”.",
        ],
        question_ack="Não consigo responder a isso offline; um tutor de IA conectado consegue.",
        simple=[
            "O que você gosta de fazer no fim de semana?",
            "Você tem animais de estimação?",
            "O que você comeu hoje?",
            "Onde você mora?",
            "Qual é a sua cor favorita?",
            "Você tem irmãos?",
            "Como está o tempo hoje?",
            "A que horas você acorda?",
        ],
        open=[
            "O que você gostaria de fazer no próximo verão, e por quê?",
            "Fale-me de um livro ou de um filme de que você gostou.",
            "O que é mais difícil para você ao aprender português?",
            "Como você costuma passar as noites?",
            "Se você pudesse morar em qualquer lugar, onde seria?",
            "Qual foi a melhor viagem da sua vida?",
        ],
    ),
}

# Questions the offline tutor can answer, per language: (pattern, answer).
ANSWERS: dict[str, list[tuple[str, str]]] = {
    "en": [
        (r"\bhow are you\b", "I’m fine, thank you."),
        (r"\byour name\b|\bwho are you\b", "My name is Findus, a simple offline tutor."),
        (r"\bwhere (do you live|are you from)\b", "I live on this computer."),
    ],
    "es": [
        (r"\bc[oó]mo est[aá]s\b|\bqu[eé] tal\b", "Estoy bien, gracias."),
        (
            r"\bc[oó]mo te llamas\b|\btu nombre\b",
            "Me llamo Findus, un tutor sencillo sin conexión.",
        ),
        (r"\bd[oó]nde vives\b|\bde d[oó]nde eres\b", "Vivo en este ordenador."),
    ],
    "de": [
        (r"\bwie geht('s| es)\b", "Mir geht es gut, danke."),
        (r"\bwie hei(ß|ss)t du\b|\bdein name\b", "Ich heiße Findus, ein einfacher Offline-Tutor."),
        (r"\bwo wohnst du\b|\bwoher kommst du\b", "Ich wohne auf diesem Computer."),
    ],
    "fr": [
        (r"\b(comment )?[çc]a va\b|\bcomment vas-tu\b", "Je vais bien, merci."),
        (r"\btu t[’']appelles\b|\bton nom\b", "Je m’appelle Findus, un tuteur simple hors ligne."),
        (r"\bo[uù] (habites|vis)-tu\b|\btu habites o[uù]\b", "J’habite dans cet ordinateur."),
    ],
    "it": [
        (r"\bcome stai\b|\bcome va\b", "Sto bene, grazie."),
        (r"\bcome ti chiami\b|\bil tuo nome\b", "Mi chiamo Findus, un semplice tutor offline."),
        (r"\bdove (abiti|vivi)\b|\bdi dove sei\b", "Abito in questo computer."),
    ],
    "pt": [
        (r"\bcomo (você )?(está|vai)\b|\btudo bem\b", "Estou bem, obrigado."),
        (r"\bcomo (você )?se chama\b|\bseu nome\b", "Meu nome é Findus, um tutor offline simples."),
        (r"\bonde (você )?mora\b|\bde onde (você )?é\b", "Moro neste computador."),
    ],
}


def answer_to(question: str, language: str) -> str | None:
    """Return the offline tutor's answer to a learner's question, if it has one."""
    for pattern, answer in ANSWERS.get(language, ANSWERS["en"]):
        if re.search(pattern, question, re.IGNORECASE):
            return answer
    return None


# The first reply's invitation to use the correct forms of the learner's recent mistakes
# (Conversation.focus), each form in the language's quotation marks.
PRACTICE_INVITATIONS: dict[str, tuple[str, str]] = {
    "en": ("Let's practise what was tricky for you recently. Try to use: {forms}.", "“{}”"),
    "es": ("Practiquemos lo que te ha costado últimamente. Intenta usar: {forms}.", "“{}”"),
    "de": ("Lass uns üben, was dir zuletzt schwergefallen ist. Versuch, Folgendes zu "
           "verwenden: {forms}.", "„{}“"),
    "fr": ("Entraînons-nous sur ce qui t’a posé problème récemment. Essaie d’utiliser : "
           "{forms}.", "« {} »"),
    "it": ("Esercitiamoci su ciò che ti è stato difficile di recente. Prova a usare: {forms}.",
           "“{}”"),
    "pt": ("Vamos praticar o que tem sido difícil para você. Tente usar: {forms}.", "“{}”"),
}  # fmt: skip
# Only corrections that are words to use: not a punctuation mark, a capital letter or a removal.
PRACTISED_CATEGORIES = ("spelling", "accent", "agreement", "verb_form", "word_choice")

# A run of text up to a sentence end that holds at least one word.
SENTENCE = re.compile(r"[^.!?…\n]*\w[^.!?…\n]*")


def tutor_reply(
    *, learner_text: str, language: str, level: str, turn: int, focus: Sequence[dict] = ()
) -> str:
    """Return the tutor's answer to the learner's `turn`-th message (the first is turn 1).

    With a `focus` (the learner's recent mistakes), the first answer invites them to use the
    corrected forms, quoted as the analyses gave them and never built into new sentences.
    """
    texts = TUTOR_TEXTS.get(language, TUTOR_TEXTS["en"])
    parts = []
    if turn <= 1:
        parts.append(texts.greeting)
    fragment = echo_fragment(learner_text)
    if learner_text.rstrip().endswith("?"):
        answer = answer_to(learner_text, language if language in TUTOR_TEXTS else "en")
        parts.append(answer or texts.question_ack)
    elif fragment:
        ack = texts.acks[(turn + len(learner_text)) % len(texts.acks)]
        parts.append(ack.format(fragment=fragment))
    if turn <= 1 and (invitation := practice_invitation(language, focus)):
        parts.append(invitation)
    questions = texts.simple if level in SIMPLE_LEVELS else texts.open
    # By turn, so that consecutive replies never ask the same question.
    parts.append(questions[turn % len(questions)])
    return " ".join(parts)


def practice_invitation(language: str, focus: Sequence[dict]) -> str:
    """Return the invitation to use the corrected forms of `focus`, or "" if none is usable.

    Only near misses are invited (see `is_near_miss`): the offline checker's other spelling
    corrections are too often wrong to tell a learner to use them.
    """
    template, quoted = PRACTICE_INVITATIONS.get(language, PRACTICE_INVITATIONS["en"])
    forms: list[str] = []
    for item in focus:
        form = str(item.get("suggestion") or "").strip()
        original = str(item.get("original") or "").strip()
        usable = item.get("category") in PRACTISED_CATEGORIES and is_near_miss(original, form)
        if usable and form not in forms:
            forms.append(form)
    if not forms:
        return ""
    return template.format(forms=", ".join(quoted.format(form) for form in forms))


def is_near_miss(original: str, form: str) -> bool:
    """Whether `form` is `original` with only its accents changed, or with two neighbouring
    letters swapped. On the learner corpora the annotators confirm 54 of 58 such corrections by
    the offline checker, against about half of its other ones (bench/focus_quality.py)."""
    if not any(character.isalpha() for character in form):
        return False
    written, meant = original.casefold(), form.casefold()
    if written == meant:
        return False  # a capital letter only
    if _without_accents(written) == _without_accents(meant):
        return True
    apart = [i for i, (a, b) in enumerate(zip(written, meant, strict=False)) if a != b]
    return (
        len(written) == len(meant)
        and len(apart) == 2
        and apart[1] == apart[0] + 1
        and written[apart[0]] == meant[apart[1]]
        and written[apart[1]] == meant[apart[0]]
    )


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def echo_fragment(learner_text: str) -> str:
    """Return a few words of the learner's first real sentence, for quoting back."""
    sentences = [m.group().strip(" ¿¡,;:\"'«»“”„").split() for m in SENTENCE.finditer(learner_text)]
    # Skip a one-word greeting ("Hola!") when there is more to echo.
    words = next((s for s in sentences if len(s) > 1), sentences[0] if sentences else [])
    fragment = " ".join(words[:FRAGMENT_WORDS])
    return f"{fragment}…" if len(words) > FRAGMENT_WORDS else fragment
