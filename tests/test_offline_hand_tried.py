"""The cases issue 10 tried by hand on the offline model, as a learner sees them.

Each goes through the model's answer (`analyse`) and the spans findus derives from it
(`analysis_from_correction`), as the analysis job does.
"""

from __future__ import annotations

import pytest

from workers.edits import analysis_from_correction
from workers.offline.checker import analyse


def feedback(text: str, language: str) -> dict[str, str]:
    """Return what the learner is shown: each flagged fragment and its suggestion."""
    correction = analyse(text=text, language=language, feedback_language="en")
    result = analysis_from_correction(text, correction, language=language, feedback_language="en")
    for issue in result.issues:
        assert text[issue.start : issue.end] == issue.original
    return {issue.original: issue.suggestion for issue in result.issues}


def test_buyed_becomes_bought_and_never_buyer():
    shown = feedback("He go to school yesterday and buyed a apple", "en")

    assert shown["buyed"] == "bought"
    assert "buyer" not in " ".join(shown.values())


def test_a_apple_becomes_an_apple():
    assert feedback("He go to school yesterday and buyed a apple", "en")["a"] == "an"


def test_he_go_offers_the_past_and_the_present_after_yesterday():
    shown = feedback("He go to school yesterday and buyed a apple", "en")

    assert shown["He go"] == "He went / He goes"


def test_he_go_becomes_he_goes_without_a_word_of_the_past():
    assert feedback("He go to school every day.", "en") == {"go": "goes"}


def test_the_spanish_sentence_gets_its_three_grammar_fixes():
    text = "Yo soy muy cansado porque ayer yo fue a la playa con mi amigos"

    correction = analyse(text=text, language="es", feedback_language="en")

    assert correction.corrected_text == (
        "Yo estoy muy cansado porque ayer yo fui a la playa con mis amigos"
    )
    assert feedback(text, "es") == {"soy": "estoy", "fue": "fui", "mi": "mis"}


def test_the_spanish_sentence_is_not_called_free_of_mistakes():
    text = "Yo soy muy cansado porque ayer yo fue a la playa con mi amigos"

    summary = analyse(text=text, language="es", feedback_language="en").summary

    assert "well done" not in summary.lower()
    assert summary.startswith("3 things to fix")


def test_a_misspelt_german_noun_is_not_taken_for_a_name():
    assert feedback("Die Wahrheid ist einfach.", "de") == {"Wahrheid": "Wahrheit"}


def test_italian_does_not_accept_any_final_vowel():
    assert "forto" in feedback("Il vino è molto forto.", "it")


@pytest.mark.parametrize("spanish_word", ["como", "otro"])
def test_italian_does_not_accept_spanish_words(spanish_word):
    shown = feedback("Lui è alto como suo fratello e ha un otro libro.", "it")

    assert spanish_word in shown


@pytest.mark.parametrize(
    "text", ["Meu contato é este: você pode me ligar.", "O meu contacto é este."]
)
def test_brazilian_and_european_portuguese_spellings_are_both_right(text):
    assert feedback(text, "pt") == {}


def test_spanish_accents_are_restored_on_tambien_dias_sabado_and_mas():
    shown = feedback("Yo tambien voy a la playa todos los dias, el sabado mas temprano.", "es")

    assert shown == {"tambien": "también", "dias": "días", "sabado": "sábado", "mas": "más"}
