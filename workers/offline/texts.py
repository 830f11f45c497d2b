"""What the offline checker says, in each feedback language.

Every table is keyed by message, then by feedback language, so a missing translation is easy to
spot (and a test checks that none is missing).
"""

# French and Italian typography writes the apostrophe as \u2019, which RUF001 mistakes for a
# backtick.
# ruff: noqa: RUF001

from __future__ import annotations

from chat.languages import LANGUAGES

FALLBACK = "en"

# "In Spanish", as each feedback language says it, for `{language_in}` in templates.
LANGUAGE_IN: dict[str, dict[str, str]] = {
    "en": {
        "en": "in English",
        "es": "in Spanish",
        "de": "in German",
        "fr": "in French",
        "it": "in Italian",
        "pt": "in Portuguese",
    },
    "es": {
        "en": "en inglés",
        "es": "en español",
        "de": "en alemán",
        "fr": "en francés",
        "it": "en italiano",
        "pt": "en portugués",
    },
    "de": {
        "en": "auf Englisch",
        "es": "auf Spanisch",
        "de": "auf Deutsch",
        "fr": "auf Französisch",
        "it": "auf Italienisch",
        "pt": "auf Portugiesisch",
    },
    "fr": {
        "en": "en anglais",
        "es": "en espagnol",
        "de": "en allemand",
        "fr": "en français",
        "it": "en italien",
        "pt": "en portugais",
    },
    "it": {
        "en": "in inglese",
        "es": "in spagnolo",
        "de": "in tedesco",
        "fr": "in francese",
        "it": "in italiano",
        "pt": "in portoghese",
    },
    "pt": {
        "en": "em inglês",
        "es": "em espanhol",
        "de": "em alemão",
        "fr": "em francês",
        "it": "em italiano",
        "pt": "em português",
    },
}

CATEGORY_NAMES: dict[str, dict[str, str]] = {
    "spelling": {
        "en": "spelling",
        "es": "ortografía",
        "de": "Rechtschreibung",
        "fr": "orthographe",
        "it": "ortografia",
        "pt": "ortografia",
    },
    "grammar": {
        "en": "grammar",
        "es": "gramática",
        "de": "Grammatik",
        "fr": "grammaire",
        "it": "grammatica",
        "pt": "gramática",
    },
    "word_choice": {
        "en": "word choice",
        "es": "vocabulario",
        "de": "Wortwahl",
        "fr": "choix des mots",
        "it": "scelta delle parole",
        "pt": "escolha de palavras",
    },
    "punctuation": {
        "en": "punctuation",
        "es": "puntuación",
        "de": "Zeichensetzung",
        "fr": "ponctuation",
        "it": "punteggiatura",
        "pt": "pontuação",
    },
    "style": {
        "en": "style",
        "es": "estilo",
        "de": "Stil",
        "fr": "style",
        "it": "stile",
        "pt": "estilo",
    },
}

EXPLANATIONS: dict[str, dict[str, str]] = {
    "spelling": {
        "en": "“{original}” is not a {language_name} word; did you mean “{suggestion}”?",
        "es": "“{original}” no existe {language_in}; ¿querías decir “{suggestion}”?",
        "de": "„{original}“ gibt es {language_in} nicht. Meintest du „{suggestion}“?",
        "fr": "« {original} » n’existe pas {language_in} ; voulais-tu dire « {suggestion} » ?",
        "it": "“{original}” non esiste {language_in}: forse volevi dire “{suggestion}”?",
        "pt": "“{original}” não existe {language_in}; você quis dizer “{suggestion}”?",
    },
    "repeated_word": {
        "en": "The word “{word}” is written twice in a row.",
        "es": "La palabra “{word}” aparece dos veces seguidas.",
        "de": "Das Wort „{word}“ steht zweimal hintereinander.",
        "fr": "Le mot « {word} » est écrit deux fois de suite.",
        "it": "La parola “{word}” è scritta due volte di seguito.",
        "pt": "A palavra “{word}” aparece duas vezes seguidas.",
    },
    "sentence_capital": {
        "en": "A sentence starts with a capital letter: “{suggestion}”.",
        "es": "La oración empieza con mayúscula: “{suggestion}”.",
        "de": "Ein Satz beginnt mit einem Großbuchstaben: „{suggestion}“.",
        "fr": "Une phrase commence par une majuscule : « {suggestion} ».",
        "it": "La frase comincia con la maiuscola: “{suggestion}”.",
        "pt": "A frase começa com letra maiúscula: “{suggestion}”.",
    },
    "pronoun_i": {
        "en": "The pronoun “I” is always written with a capital letter.",
        "es": "En inglés, el pronombre “I” siempre se escribe con mayúscula.",
        "de": "Das englische Pronomen „I“ schreibt man immer groß.",
        "fr": "En anglais, le pronom « I » s’écrit toujours avec une majuscule.",
        "it": "In inglese il pronome “I” si scrive sempre con la maiuscola.",
        "pt": "Em inglês, o pronome “I” sempre se escreve com maiúscula.",
    },
    "article_an": {
        "en": "Use “an” before a word that starts with a vowel sound: “an {word}”.",
        "es": "En inglés se usa “an” delante de una palabra que empieza por sonido vocálico: "
        "“an {word}”.",
        "de": "Vor einem Wort, das mit einem Vokallaut beginnt, steht im Englischen „an“: "
        "„an {word}“.",
        "fr": "En anglais, on écrit « an » devant un mot qui commence par un son de voyelle : "
        "« an {word} ».",
        "it": "In inglese si usa “an” davanti a una parola che inizia con un suono vocalico: "
        "“an {word}”.",
        "pt": "Em inglês, usa-se “an” antes de uma palavra que começa com som de vogal: "
        "“an {word}”.",
    },
    "article_a": {
        "en": "Use “a” before a word that starts with a consonant sound: “a {word}”.",
        "es": "En inglés se usa “a” delante de una palabra que empieza por sonido consonántico: "
        "“a {word}”.",
        "de": "Vor einem Wort, das mit einem Konsonantenlaut beginnt, steht im Englischen „a“: "
        "„a {word}“.",
        "fr": "En anglais, on écrit « a » devant un mot qui commence par un son de consonne : "
        "« a {word} ».",
        "it": "In inglese si usa “a” davanti a una parola che inizia con un suono consonantico: "
        "“a {word}”.",
        "pt": "Em inglês, usa-se “a” antes de uma palavra que começa com som de consoante: "
        "“a {word}”.",
    },
    "final_punctuation": {
        "en": "End the sentence with a full stop (or with ? or !).",
        "es": "Termina la oración con un punto (o con ? o !).",
        "de": "Beende den Satz mit einem Punkt (oder mit ? oder !).",
        "fr": "Termine la phrase par un point (ou par ? ou !).",
        "it": "Chiudi la frase con un punto (o con ? o !).",
        "pt": "Termine a frase com um ponto final (ou com ? ou !).",
    },
    "spanish_el": {
        "en": "As a pronoun (“he”), “él” has an accent; “el” without one is the article “the”.",
        "es": "“Él” lleva tilde cuando es pronombre personal; “el” sin tilde es el artículo.",
        "de": "Als Pronomen („er“) schreibt man „él“ mit Akzent; „el“ ohne Akzent ist der Artikel.",
        "fr": "Le pronom « él » (« il ») prend un accent ; sans accent, « el » est l’article.",
        "it": "Il pronome “él” (“lui”) vuole l’accento; “el” senza accento è l’articolo.",
        "pt": "Como pronome (“ele”), escreve-se “él” com acento; “el” sem acento é o artigo.",
    },
}

SUMMARIES: dict[str, dict[str, str]] = {
    "none": {
        "en": "No mistakes found — well done!",
        "es": "No he encontrado errores. ¡Muy bien!",
        "de": "Keine Fehler gefunden – gut gemacht!",
        "fr": "Aucune erreur trouvée, bravo !",
        "it": "Nessun errore trovato, ottimo lavoro!",
        "pt": "Nenhum erro encontrado, muito bem!",
    },
    "one": {
        "en": "1 thing to fix ({categories}).",
        "es": "1 cosa que corregir ({categories}).",
        "de": "1 Sache zu verbessern ({categories}).",
        "fr": "1 point à corriger ({categories}).",
        "it": "1 cosa da correggere ({categories}).",
        "pt": "1 coisa para corrigir ({categories}).",
    },
    "many": {
        "en": "{count} things to fix ({categories}).",
        "es": "{count} cosas que corregir ({categories}).",
        "de": "{count} Dinge zu verbessern ({categories}).",
        "fr": "{count} points à corriger ({categories}).",
        "it": "{count} cose da correggere ({categories}).",
        "pt": "{count} coisas para corrigir ({categories}).",
    },
}


def feedback_language_or_fallback(feedback_language: str) -> str:
    """Return `feedback_language` if we have texts for it, else English."""
    return feedback_language if feedback_language in LANGUAGES else FALLBACK


def explain(key: str, *, feedback_language: str, language: str, **values: str) -> str:
    """Return the explanation `key` in the feedback language, about text in `language`."""
    feedback = feedback_language_or_fallback(feedback_language)
    return EXPLANATIONS[key][feedback].format(
        language_name=LANGUAGES.get(language, language),
        language_in=LANGUAGE_IN[feedback].get(language, language),
        **values,
    )


def category_name(category: str, *, feedback_language: str) -> str:
    """Return the learner-facing name of an issue category."""
    return CATEGORY_NAMES[category][feedback_language_or_fallback(feedback_language)]
