"""What a learner is told when an answer fails or is late exists in every feedback language."""

from __future__ import annotations

from dataclasses import astuple

from chat.failures import TEXTS, texts_in
from chat.languages import LANGUAGES


def test_every_feedback_language_has_every_learner_text():
    assert set(TEXTS) == set(LANGUAGES)
    for language, texts in TEXTS.items():
        assert all(text.strip() for text in astuple(texts)), language


def test_a_language_without_texts_falls_back_to_english():
    assert texts_in("xx") == TEXTS["en"]
