"""The languages findus teaches and explains in, and the CEFR levels it knows."""

from __future__ import annotations

from typing import Literal

# Each of these has a spelling dictionary in pyspellchecker, so the offline tutor covers it too.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "de": "German",
    "fr": "French",
    "it": "Italian",
    "pt": "Portuguese",
}

LEVELS: dict[str, str] = {
    "A1": "Beginner: familiar words and very basic phrases.",
    "A2": "Elementary: simple everyday exchanges on familiar topics.",
    "B1": "Intermediate: the main points of clear talk about familiar things.",
    "B2": "Upper intermediate: fluent, detailed talk on a wide range of topics.",
    "C1": "Advanced: flexible, precise language for social and professional use.",
    "C2": "Proficient: understands virtually everything, expresses fine shades of meaning.",
}

# The same levels as a type, for the API's schema and the models' outputs.
Level = Literal[tuple(LEVELS)]


def language_name(code: str) -> str:
    """Return the English name of a supported language code."""
    return LANGUAGES[code]
