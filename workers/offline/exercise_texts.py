"""The exercises the offline review suggests, in each feedback language.

Keyed like `review_texts.py`. `{language_in}` is the practised language as the feedback language
says "in Spanish"; `{items}` lists the learner's own corrected words or mistakes.
"""

# French and Italian typography writes the apostrophe as \u2019, which RUF001 mistakes for a
# backtick.
# ruff: noqa: RUF001

from __future__ import annotations

# Per category: "targeted" names the learner's own mistakes ({items}); "general" needs nothing.
EXERCISES: dict[str, dict[str, dict[str, str]]] = {
    "spelling": {
        "targeted": {
            "en": "Copy these words three times each, then use each in a sentence of your own: "
            "{items}.",
            "es": "Copia estas palabras tres veces cada una y usa cada una en una oración tuya: "
            "{items}.",
            "de": "Schreib diese Wörter je dreimal ab und bilde mit jedem einen eigenen Satz: "
            "{items}.",
            "fr": "Recopie ces mots trois fois chacun, puis utilise chacun dans une phrase à toi : "
            "{items}.",
            "it": "Ricopia queste parole tre volte ciascuna, poi usa ognuna in una frase tua: "
            "{items}.",
            "pt": "Copie estas palavras três vezes cada uma e use cada uma numa frase sua: "
            "{items}.",
        },
        "general": {
            "en": "Dictation: have someone (or a text-to-speech app) read you a short text "
            "{language_in}, write it down, then compare.",
            "es": "Dictado: pide a alguien (o a una aplicación de voz) que te lea un texto corto "
            "{language_in}, escríbelo y compáralo.",
            "de": "Diktat: Lass dir einen kurzen Text {language_in} vorlesen (von einer Person "
            "oder einer Vorlese-App), schreib ihn auf und vergleiche.",
            "fr": "Dictée : fais-toi lire un court texte {language_in} (par quelqu’un ou une "
            "application), écris-le, puis compare.",
            "it": "Dettato: fatti leggere un breve testo {language_in} (da una persona o da "
            "un’app), scrivilo e poi confronta.",
            "pt": "Ditado: peça para alguém (ou um aplicativo) ler um texto curto {language_in}, "
            "escreva-o e depois compare.",
        },
    },
    "grammar": {
        "targeted": {
            "en": "Rewrite these correctly and say the rule behind each fix: {items}.",
            "es": "Reescribe esto correctamente y di la regla de cada corrección: {items}.",
            "de": "Schreib diese Stellen richtig und nenne jeweils die Regel dahinter: {items}.",
            "fr": "Réécris ces passages correctement et dis la règle de chaque correction : "
            "{items}.",
            "it": "Riscrivi correttamente questi punti e spiega la regola di ogni correzione: "
            "{items}.",
            "pt": "Reescreva estes trechos corretamente e diga a regra de cada correção: {items}.",
        },
        "general": {
            "en": "Write five short sentences {language_in} about your family, then check the "
            "endings and the word order in each.",
            "es": "Escribe cinco oraciones cortas {language_in} sobre tu familia y revisa en cada "
            "una las terminaciones y el orden de las palabras.",
            "de": "Schreib fünf kurze Sätze {language_in} über deine Familie und prüfe in jedem "
            "die Endungen und die Wortstellung.",
            "fr": "Écris cinq phrases courtes {language_in} sur ta famille, puis vérifie les "
            "terminaisons et l’ordre des mots.",
            "it": "Scrivi cinque frasi brevi {language_in} sulla tua famiglia, poi controlla in "
            "ognuna le desinenze e l’ordine delle parole.",
            "pt": "Escreva cinco frases curtas {language_in} sobre sua família e verifique em "
            "cada uma as terminações e a ordem das palavras.",
        },
    },
    "word_choice": {
        "targeted": {
            "en": "Make a new sentence with each corrected expression: {items}.",
            "es": "Haz una oración nueva con cada expresión corregida: {items}.",
            "de": "Bilde mit jedem korrigierten Ausdruck einen neuen Satz: {items}.",
            "fr": "Fais une nouvelle phrase avec chaque expression corrigée : {items}.",
            "it": "Scrivi una frase nuova con ogni espressione corretta: {items}.",
            "pt": "Faça uma frase nova com cada expressão corrigida: {items}.",
        },
        "general": {
            "en": "Pick three new words {language_in} from a song or an article and write a "
            "sentence with each.",
            "es": "Elige tres palabras nuevas {language_in} de una canción o un artículo y "
            "escribe una oración con cada una.",
            "de": "Such dir drei neue Wörter {language_in} aus einem Lied oder Artikel und "
            "schreib mit jedem einen Satz.",
            "fr": "Choisis trois mots nouveaux {language_in} dans une chanson ou un article et "
            "écris une phrase avec chacun.",
            "it": "Scegli tre parole nuove {language_in} da una canzone o da un articolo e "
            "scrivi una frase con ciascuna.",
            "pt": "Escolha três palavras novas {language_in} numa música ou num artigo e "
            "escreva uma frase com cada uma.",
        },
    },
    "punctuation": {
        "targeted": {
            "en": "Fix the punctuation and capitals here, then read the sentences aloud: {items}.",
            "es": "Corrige la puntuación y las mayúsculas y lee las oraciones en voz alta: "
            "{items}.",
            "de": "Verbessere Zeichensetzung und Großschreibung und lies die Sätze laut: {items}.",
            "fr": "Corrige la ponctuation et les majuscules, puis lis les phrases à voix haute : "
            "{items}.",
            "it": "Correggi punteggiatura e maiuscole, poi leggi le frasi ad alta voce: {items}.",
            "pt": "Corrija a pontuação e as maiúsculas e leia as frases em voz alta: {items}.",
        },
        "general": {
            "en": "Write four sentences {language_in}: two statements, a question and an "
            "exclamation, each with a capital letter and the right punctuation.",
            "es": "Escribe cuatro oraciones {language_in}: dos afirmaciones, una pregunta y una "
            "exclamación, cada una con mayúscula y la puntuación correcta.",
            "de": "Schreib vier Sätze {language_in}: zwei Aussagen, eine Frage und einen Ausruf, "
            "jeweils mit Großbuchstaben und dem richtigen Satzzeichen.",
            "fr": "Écris quatre phrases {language_in} : deux affirmations, une question et une "
            "exclamation, chacune avec une majuscule et la bonne ponctuation.",
            "it": "Scrivi quattro frasi {language_in}: due affermazioni, una domanda e "
            "un’esclamazione, ognuna con la maiuscola e la punteggiatura giusta.",
            "pt": "Escreva quatro frases {language_in}: duas afirmações, uma pergunta e uma "
            "exclamação, cada uma com maiúscula e a pontuação certa.",
        },
    },
    "style": {
        "targeted": {
            "en": "Rewrite these parts more smoothly: {items}.",
            "es": "Reescribe estas partes de forma más natural: {items}.",
            "de": "Formuliere diese Stellen flüssiger: {items}.",
            "fr": "Reformule ces passages de façon plus fluide : {items}.",
            "it": "Riscrivi questi punti in modo più scorrevole: {items}.",
            "pt": "Reescreva estes trechos de forma mais fluida: {items}.",
        },
        "general": {
            "en": "Read each of your next three messages aloud before sending it, and fix what "
            "sounds odd.",
            "es": "Lee en voz alta cada uno de tus próximos tres mensajes antes de enviarlo y "
            "corrige lo que suene raro.",
            "de": "Lies deine nächsten drei Nachrichten vor dem Abschicken laut und verbessere, "
            "was seltsam klingt.",
            "fr": "Lis à voix haute chacun de tes trois prochains messages avant de l’envoyer et "
            "corrige ce qui sonne bizarre.",
            "it": "Leggi ad alta voce ciascuno dei tuoi prossimi tre messaggi prima di inviarlo "
            "e correggi ciò che suona strano.",
            "pt": "Leia em voz alta cada uma das suas próximas três mensagens antes de enviá-la "
            "e corrija o que soar estranho.",
        },
    },
}

GENERAL_EXERCISES: list[dict[str, str]] = [
    {
        "en": "Write five sentences {language_in} about what you did yesterday.",
        "es": "Escribe cinco oraciones {language_in} sobre lo que hiciste ayer.",
        "de": "Schreib fünf Sätze {language_in} darüber, was du gestern gemacht hast.",
        "fr": "Écris cinq phrases {language_in} sur ce que tu as fait hier.",
        "it": "Scrivi cinque frasi {language_in} su che cosa hai fatto ieri.",
        "pt": "Escreva cinco frases {language_in} sobre o que você fez ontem.",
    },
    {
        "en": "Read a short text {language_in} aloud and copy out two sentences you like.",
        "es": "Lee en voz alta un texto corto {language_in} y copia dos oraciones que te gusten.",
        "de": "Lies einen kurzen Text {language_in} laut und schreib zwei Sätze ab, die dir "
        "gefallen.",
        "fr": "Lis à voix haute un court texte {language_in} et recopie deux phrases qui te "
        "plaisent.",
        "it": "Leggi ad alta voce un breve testo {language_in} e ricopia due frasi che ti "
        "piacciono.",
        "pt": "Leia em voz alta um texto curto {language_in} e copie duas frases de que você "
        "goste.",
    },
    {
        "en": "Describe the room you are in with three sentences {language_in}.",
        "es": "Describe la habitación en la que estás con tres oraciones {language_in}.",
        "de": "Beschreib den Raum, in dem du bist, in drei Sätzen {language_in}.",
        "fr": "Décris la pièce où tu es en trois phrases {language_in}.",
        "it": "Descrivi la stanza in cui ti trovi con tre frasi {language_in}.",
        "pt": "Descreva o cômodo onde você está com três frases {language_in}.",
    },
    {
        "en": "Write a short message {language_in} inviting a friend to do something at the "
        "weekend.",
        "es": "Escribe un mensaje corto {language_in} para invitar a un amigo a hacer algo el "
        "fin de semana.",
        "de": "Schreib eine kurze Nachricht {language_in}, in der du jemanden zu etwas am "
        "Wochenende einlädst.",
        "fr": "Écris un court message {language_in} pour inviter un ami à faire quelque chose "
        "le week-end.",
        "it": "Scrivi un breve messaggio {language_in} per invitare un amico a fare qualcosa nel "
        "fine settimana.",
        "pt": "Escreva uma mensagem curta {language_in} convidando um amigo para fazer algo no "
        "fim de semana.",
    },
]
