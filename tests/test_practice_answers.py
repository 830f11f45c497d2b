"""A typed answer is checked with care: case, spacing and punctuation differences don't make it
wrong (and the case is pointed out), a missing or wrong accent is "almost" and names the letter,
and typing the mistake back is wrong."""

from __future__ import annotations

import pytest

from chat.practice.checking import check_answer


def verdict(typed: str, answer: str, original: str):
    return check_answer(typed=typed, answer=answer, original=original)


@pytest.mark.parametrize(
    ("language", "typed", "answer", "original", "letter"),
    [
        ("es", "esta", "está", "ésta", "«á» needs its accent (you wrote «a»)"),
        ("es", "nino", "niño", "ninyo", "«ñ» needs its accent (you wrote «n»)"),
        ("es", "por que", "por qué", "porque", "«é» needs its accent (you wrote «e»)"),
        ("fr", "ou est", "où est", "ou es", "«ù» needs its accent (you wrote «u»)"),
        ("fr", "garcon", "garçon", "garson", "«ç» needs its accent (you wrote «c»)"),
        ("fr", "fenétre", "fenêtre", "fenetre", "«ê», not «é»"),
        ("de", "schon", "schön", "schöhn", "«ö» needs its accent (you wrote «o»)"),
        ("de", "Strasse", "Straße", "Strase", "«ß», not «ss»"),
        ("pt", "nao", "não", "naum", "«ã» needs its accent (you wrote «a»)"),
        ("pt", "voce", "você", "vose", "«ê» needs its accent (you wrote «e»)"),
        ("it", "perche", "perché", "perke", "«é» needs its accent (you wrote «e»)"),
        ("it", "cittá", "città", "citta'", "«à», not «á»"),
    ],
)
def test_a_missing_or_wrong_accent_is_almost_and_names_the_letter(
    language, typed, answer, original, letter
):
    checked = verdict(typed, answer, original)
    assert checked.verdict == "almost", language
    assert letter in " ".join(checked.notes)
    assert checked.notes[0].startswith("Almost")
    assert checked.suggested_rating == 2  # Hard


def test_an_accent_where_none_belongs_is_almost_too():
    checked = verdict("cómo", "como", "komo")
    assert checked.verdict == "almost"
    assert checked.notes == ["Almost: «o» takes no accent here (you wrote «ó»)."]


def test_an_exact_answer_is_right_and_suggests_good():
    checked = verdict("casa", "casa", "cassa")
    assert (checked.verdict, checked.notes, checked.suggested_rating) == ("right", [], 3)


def test_a_different_case_is_right_and_says_so():
    checked = verdict("casa", "Casa", "cassa")
    assert checked.verdict == "right"
    assert checked.notes == ["Right, but mind the capital letters: «Casa»."]


@pytest.mark.parametrize(
    "typed",
    ["la  casa", "  la casa ", "la casa.", "la casa !", "¿la casa?", "la, casa", "la\tcasa"],
)
def test_spacing_and_punctuation_differences_are_right_without_a_word(typed):
    checked = verdict(typed, "la casa", "el casa")
    assert (checked.verdict, checked.notes) == ("right", [])


def test_the_typographic_apostrophe_is_the_plain_one():
    assert verdict("l\u2019homme", "l'homme", "le homme").verdict == "right"


def test_a_space_inside_a_word_still_counts():
    # "por qué" and "porque" are different words: spaces between words are not decoration.
    assert verdict("porqué", "por qué", "porque").verdict == "wrong"


def test_typing_the_mistake_back_is_wrong_in_any_case():
    for typed in ("cassa", "Cassa", " cassa "):
        checked = verdict(typed, "casa", "cassa")
        assert checked.verdict == "wrong"
        assert "how it was written before" in checked.notes[0]
        assert checked.suggested_rating == 1  # Again


def test_typing_back_a_missing_accent_is_wrong_not_almost():
    assert verdict("Esta", "está", "esta").verdict == "wrong"


def test_when_the_fix_is_the_capital_letter_the_case_counts():
    assert verdict("Hola", "Hola", "hola").verdict == "right"
    assert verdict("hola", "Hola", "hola").verdict == "wrong"
    assert verdict("HOLA", "Hola", "hola").verdict == "wrong"


def test_when_the_fix_is_the_punctuation_the_punctuation_counts():
    assert verdict("¿Qué tal?", "¿Qué tal?", "Qué tal").verdict == "right"
    assert verdict("Qué tal", "¿Qué tal?", "Qué tal").verdict == "wrong"
    # Its spacing still does not: French puts a space before the question mark.
    assert verdict("Quoi ?", "Quoi?", "Quoi").verdict == "right"


def test_fixing_the_punctuation_but_not_the_accent_is_almost():
    checked = verdict("¿Que tal?", "¿Qué tal?", "Que tal")
    assert checked.verdict == "almost"
    assert "«é» needs its accent" in checked.notes[0]


def test_a_decomposed_accent_from_another_keyboard_is_the_same_letter():
    assert verdict("esta\u0301", "está", "esta").verdict == "right"


def test_another_word_or_nothing_is_wrong():
    assert verdict("perro", "gato", "gatto").verdict == "wrong"
    assert verdict("", "gato", "gatto").verdict == "wrong"
    assert verdict("gatos", "gato", "gatto").verdict == "wrong"
