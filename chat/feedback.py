"""The kinds of mistake findus names, and what each is called in every feedback language.

The analysis stores the category key; the page shows its label in the conversation's feedback
language, and the mistake history groups on the key.
"""

from __future__ import annotations

from typing import Literal, get_args

Category = Literal[
    "spelling",
    "accent",
    "agreement",
    "verb_form",
    "tense",
    "preposition",
    "article",
    "word_order",
    "missing_word",
    "extra_word",
    "word_choice",
    "punctuation",
    "capitalisation",
    "other",
]
Severity = Literal["minor", "moderate", "major"]

CATEGORIES: tuple[str, ...] = get_args(Category)

# Keyed by category, then by feedback language.
CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "spelling": {
        "en": "spelling",
        "es": "ortografía",
        "de": "Rechtschreibung",
        "fr": "orthographe",
        "it": "ortografia",
        "pt": "ortografia",
    },
    "accent": {
        "en": "accent",
        "es": "tilde",
        "de": "Akzent",
        "fr": "accent",
        "it": "accento",
        "pt": "acento",
    },
    "agreement": {
        "en": "agreement",
        "es": "concordancia",
        "de": "Kongruenz",
        "fr": "accord",
        "it": "concordanza",
        "pt": "concordância",
    },
    "verb_form": {
        "en": "verb form",
        "es": "forma verbal",
        "de": "Verbform",
        "fr": "forme verbale",
        "it": "forma verbale",
        "pt": "forma verbal",
    },
    "tense": {
        "en": "tense",
        "es": "tiempo verbal",
        "de": "Zeitform",
        "fr": "temps",
        "it": "tempo verbale",
        "pt": "tempo verbal",
    },
    "preposition": {
        "en": "preposition",
        "es": "preposición",
        "de": "Präposition",
        "fr": "préposition",
        "it": "preposizione",
        "pt": "preposição",
    },
    "article": {
        "en": "article",
        "es": "artículo",
        "de": "Artikel",
        "fr": "article",
        "it": "articolo",
        "pt": "artigo",
    },
    "word_order": {
        "en": "word order",
        "es": "orden de las palabras",
        "de": "Wortstellung",
        "fr": "ordre des mots",
        "it": "ordine delle parole",
        "pt": "ordem das palavras",
    },
    "missing_word": {
        "en": "missing word",
        "es": "falta una palabra",
        "de": "fehlendes Wort",
        "fr": "mot manquant",
        "it": "parola mancante",
        "pt": "palavra em falta",
    },
    "extra_word": {
        "en": "extra word",
        "es": "palabra de más",
        "de": "überflüssiges Wort",
        "fr": "mot en trop",
        "it": "parola in più",
        "pt": "palavra a mais",
    },
    "word_choice": {
        "en": "word choice",
        "es": "vocabulario",
        "de": "Wortwahl",
        "fr": "choix du mot",
        "it": "scelta della parola",
        "pt": "escolha de palavra",
    },
    "punctuation": {
        "en": "punctuation",
        "es": "puntuación",
        "de": "Zeichensetzung",
        "fr": "ponctuation",
        "it": "punteggiatura",
        "pt": "pontuação",
    },
    "capitalisation": {
        "en": "capital letters",
        "es": "mayúsculas",
        "de": "Groß- und Kleinschreibung",
        "fr": "majuscules",
        "it": "maiuscole",
        "pt": "maiúsculas",
    },
    "other": {
        "en": "other",
        "es": "otro",
        "de": "Sonstiges",
        "fr": "autre",
        "it": "altro",
        "pt": "outro",
    },
}

FALLBACK_LANGUAGE = "en"


def category_label(category: str, *, feedback_language: str) -> str:
    """Return what the learner reads for a category; an unknown category is shown as it is."""
    labels = CATEGORY_LABELS.get(category)
    if labels is None:
        return category.replace("_", " ")
    return labels.get(feedback_language, labels[FALLBACK_LANGUAGE])
