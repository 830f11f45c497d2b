"""What the offline conversation review says, in each feedback language.

Keyed by message, then by feedback language, like `texts.py`. `{language_in}` is the practised
language as the feedback language says "in Spanish" (see `texts.LANGUAGE_IN`).
"""

# French and Italian typography writes the apostrophe as \u2019, which RUF001 mistakes for a
# backtick.
# ruff: noqa: RUF001

from __future__ import annotations

QUOTES = {"en": "“{}”", "es": "“{}”", "de": "„{}“", "fr": "« {} »", "it": "“{}”", "pt": "“{}”"}

ADVICE: dict[str, dict[str, str]] = {
    "spelling": {
        "en": "Look up words you are unsure of and copy them out correctly.",
        "es": "Busca las palabras de las que no estés seguro y cópialas bien escritas.",
        "de": "Schlag Wörter nach, bei denen du unsicher bist, und schreib sie richtig ab.",
        "fr": "Cherche les mots dont tu n’es pas sûr et recopie-les correctement.",
        "it": "Cerca le parole di cui non sei sicuro e ricopiale correttamente.",
        "pt": "Procure as palavras de que você não tem certeza e copie-as corretamente.",
    },
    "grammar": {
        "en": "Look at how the words of a sentence fit together: endings, articles, word order.",
        "es": "Fíjate en cómo encajan las palabras de la oración: terminaciones, artículos, orden.",
        "de": "Achte darauf, wie die Wörter im Satz zusammenpassen: Endungen, Artikel, Satzbau.",
        "fr": "Observe comment les mots de la phrase s’accordent : terminaisons, articles, ordre.",
        "it": "Osserva come si legano le parole della frase: desinenze, articoli, ordine.",
        "pt": "Observe como as palavras da frase se combinam: terminações, artigos, ordem.",
    },
    "word_choice": {
        "en": "Learn new words together with the words they usually go with.",
        "es": "Aprende las palabras nuevas junto con las que suelen acompañarlas.",
        "de": "Lerne neue Wörter zusammen mit den Wörtern, mit denen sie meist vorkommen.",
        "fr": "Apprends les mots nouveaux avec ceux qui les accompagnent d’habitude.",
        "it": "Impara le parole nuove insieme a quelle che di solito le accompagnano.",
        "pt": "Aprenda as palavras novas junto com as que costumam acompanhá-las.",
    },
    "punctuation": {
        "en": "Start each sentence with a capital letter and end it with . ? or !",
        "es": "Empieza cada oración con mayúscula y termínala con . ? o !",
        "de": "Beginne jeden Satz mit einem Großbuchstaben und beende ihn mit . ? oder !",
        "fr": "Commence chaque phrase par une majuscule et termine-la par . ? ou !",
        "it": "Comincia ogni frase con la maiuscola e chiudila con . ? o !",
        "pt": "Comece cada frase com letra maiúscula e termine-a com . ? ou !",
    },
    "style": {
        "en": "Read each message once before sending it.",
        "es": "Relee cada mensaje una vez antes de enviarlo.",
        "de": "Lies jede Nachricht einmal durch, bevor du sie abschickst.",
        "fr": "Relis chaque message une fois avant de l’envoyer.",
        "it": "Rileggi ogni messaggio una volta prima di inviarlo.",
        "pt": "Releia cada mensagem uma vez antes de enviá-la.",
    },
}

COUNTS: dict[str, dict[str, str]] = {
    "once": {
        "en": "Found once in your messages.",
        "es": "Aparece una vez en tus mensajes.",
        "de": "Kommt einmal in deinen Nachrichten vor.",
        "fr": "Apparaît une fois dans tes messages.",
        "it": "Compare una volta nei tuoi messaggi.",
        "pt": "Aparece uma vez nas suas mensagens.",
    },
    "many": {
        "en": "Found {count} times in your messages.",
        "es": "Aparece {count} veces en tus mensajes.",
        "de": "Kommt {count}-mal in deinen Nachrichten vor.",
        "fr": "Apparaît {count} fois dans tes messages.",
        "it": "Compare {count} volte nei tuoi messaggi.",
        "pt": "Aparece {count} vezes nas suas mensagens.",
    },
    "example": {
        "en": "For example: {pair}.",
        "es": "Por ejemplo: {pair}.",
        "de": "Zum Beispiel: {pair}.",
        "fr": "Par exemple : {pair}.",
        "it": "Per esempio: {pair}.",
        "pt": "Por exemplo: {pair}.",
    },
}

STRENGTHS: dict[str, dict[str, str]] = {
    "vocabulary": {
        "en": "You used {distinct} different words.",
        "es": "Usaste {distinct} palabras distintas.",
        "de": "Du hast {distinct} verschiedene Wörter verwendet.",
        "fr": "Tu as utilisé {distinct} mots différents.",
        "it": "Hai usato {distinct} parole diverse.",
        "pt": "Você usou {distinct} palavras diferentes.",
    },
    "full_sentences": {
        "en": "You wrote full sentences, {average} words long on average.",
        "es": "Escribiste oraciones completas, de {average} palabras de media.",
        "de": "Du hast ganze Sätze geschrieben, im Schnitt {average} Wörter lang.",
        "fr": "Tu as écrit des phrases complètes, de {average} mots en moyenne.",
        "it": "Hai scritto frasi complete, in media di {average} parole.",
        "pt": "Você escreveu frases completas, com {average} palavras em média.",
    },
    "kept_going": {
        "en": "You kept the conversation going for {total} messages.",
        "es": "Mantuviste la conversación durante {total} mensajes.",
        "de": "Du hast das Gespräch {total} Nachrichten lang am Laufen gehalten.",
        "fr": "Tu as fait vivre la conversation pendant {total} messages.",
        "it": "Hai portato avanti la conversazione per {total} messaggi.",
        "pt": "Você manteve a conversa por {total} mensagens.",
    },
    "accurate_spelling": {
        "en": "Your spelling was accurate.",
        "es": "Tu ortografía fue correcta.",
        "de": "Deine Rechtschreibung war sicher.",
        "fr": "Ton orthographe était juste.",
        "it": "La tua ortografia era corretta.",
        "pt": "Sua ortografia estava correta.",
    },
    "started": {
        "en": "You started a conversation: that is the first step.",
        "es": "Empezaste una conversación: es el primer paso.",
        "de": "Du hast ein Gespräch begonnen: Das ist der erste Schritt.",
        "fr": "Tu as commencé une conversation : c’est le premier pas.",
        "it": "Hai iniziato una conversazione: è il primo passo.",
        "pt": "Você começou uma conversa: é o primeiro passo.",
    },
}

SUMMARY: dict[str, dict[str, str]] = {
    "no_messages": {
        "en": "There are no messages from you in this conversation yet.",
        "es": "Todavía no hay mensajes tuyos en esta conversación.",
        "de": "In diesem Gespräch gibt es noch keine Nachrichten von dir.",
        "fr": "Il n’y a pas encore de message de toi dans cette conversation.",
        "it": "In questa conversazione non ci sono ancora tuoi messaggi.",
        "pt": "Ainda não há mensagens suas nesta conversa.",
    },
    "one_message": {
        "en": "You wrote one message in this conversation.",
        "es": "Escribiste un mensaje en esta conversación.",
        "de": "Du hast in diesem Gespräch eine Nachricht geschrieben.",
        "fr": "Tu as écrit un message dans cette conversation.",
        "it": "Hai scritto un messaggio in questa conversazione.",
        "pt": "Você escreveu uma mensagem nesta conversa.",
    },
    "messages": {
        "en": "You wrote {total} messages in this conversation.",
        "es": "Escribiste {total} mensajes en esta conversación.",
        "de": "Du hast in diesem Gespräch {total} Nachrichten geschrieben.",
        "fr": "Tu as écrit {total} messages dans cette conversation.",
        "it": "Hai scritto {total} messaggi in questa conversazione.",
        "pt": "Você escreveu {total} mensagens nesta conversa.",
    },
    "no_issues": {
        "en": "The offline check marked nothing in your messages.",
        "es": "La revisión sin conexión no marcó nada en tus mensajes.",
        "de": "Die Offline-Prüfung hat in deinen Nachrichten nichts markiert.",
        "fr": "La vérification hors ligne n’a rien signalé dans tes messages.",
        "it": "Il controllo offline non ha segnalato nulla nei tuoi messaggi.",
        "pt": "A verificação offline não assinalou nada nas suas mensagens.",
    },
    "main_issue": {
        "en": "The main thing to work on: {category}.",
        "es": "Lo principal que debes trabajar: {category}.",
        "de": "Woran du vor allem arbeiten solltest: {category}.",
        "fr": "Le point principal à travailler : {category}.",
        "it": "La cosa principale su cui lavorare: {category}.",
        "pt": "O principal ponto a trabalhar: {category}.",
    },
    "level_unknown": {
        "en": "This offline review checks spelling and a few rules, not grammar, so it does not "
        "estimate your level; a connected AI model does.",
        "es": "Esta revisión sin conexión comprueba la ortografía y algunas reglas, no la "
        "gramática, así que no estima tu nivel; un modelo de IA conectado sí lo hace.",
        "de": "Diese Offline-Auswertung prüft Rechtschreibung und einige Regeln, nicht die "
        "Grammatik, und schätzt daher dein Niveau nicht; ein verbundenes KI-Modell tut das.",
        "fr": "Ce bilan hors ligne vérifie l’orthographe et quelques règles, pas la grammaire : "
        "il n’estime donc pas ton niveau ; un modèle d’IA connecté le fait.",
        "it": "Questa revisione offline controlla l’ortografia e alcune regole, non la "
        "grammatica, quindi non stima il tuo livello; un modello di IA collegato sì.",
        "pt": "Esta revisão offline verifica a ortografia e algumas regras, não a gramática, por "
        "isso não estima o seu nível; um modelo de IA conectado faz isso.",
    },
}
