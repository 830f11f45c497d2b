"""The offline model makes exercises only from misspellings it can trust, so that they never
teach something wrong: each filter below removes a kind of wrong correction that the offline
analysis makes on the learner corpora."""

from __future__ import annotations

import pytest

from workers.offline.exercises import build_exercises, misspellings


def pairs(original: str, correction: str, *, seen: set[str], language: str = "es"):
    example = {"sentence": original, "original": original, "correction": correction}
    return misspellings([example], language=language, seen=seen)


def test_a_misspelling_of_a_word_the_learner_has_seen_is_trusted():
    assert pairs("cassa", "casa", seen={"casa"}) == [("cassa", "casa")]
    # Capitalised because it began the learner's sentence: practised in lower case.
    assert pairs("cassa", "Casa", seen={"casa"}) == [("cassa", "casa")]


@pytest.mark.parametrize(
    ("original", "correction", "seen", "language", "why"),
    [
        ("cassa", "casa", set(), "es", "the learner has never seen the word written right"),
        ("esta", "está", {"está"}, "es", "the mistake is a word too: it depends on the context"),
        ("sull", "sul", {"sul"}, "it", "a short word is too easily another word"),
        ("tast", "last", {"last"}, "en", "another first letter is usually another word"),
        ("start", "estar", {"estar"}, "es", "an English word in Spanish is no misspelling"),
        ("cassa", "cassx", {"cassx"}, "es", "the correction is no word either"),
        ("la casa", "las casas", {"casas"}, "es", "more than one word"),
    ],
)
def test_a_misspelling_it_cannot_trust_makes_no_exercise(original, correction, seen, language, why):
    assert pairs(original, correction, seen=seen, language=language) == [], why


def test_exercises_put_the_misspelling_back_into_sentences_that_show_the_word_once():
    job = {
        "task": "exercises", "language": "es", "feedback_language": "es", "count": 3,
        "pattern": {"category": "spelling"},
        "examples": [{"sentence": "Me gusta la cassa.", "original": "cassa", "correction": "casa"}],
        "known_sentences": ["Casa grande.", "Mi casa es tu casa.", "La casa es roja."],
    }  # fmt: skip
    assert build_exercises(job)["exercises"] == [
        {"sentence": "Cassa grande.", "original": "Cassa", "correction": "Casa",
         "explanation": "Se escribe «Casa»."},
        {"sentence": "La cassa es roja.", "original": "cassa", "correction": "casa",
         "explanation": "Se escribe «casa»."},
        {"sentence": "cassa", "original": "cassa", "correction": "casa",
         "explanation": "Se escribe «casa»."},
    ]  # fmt: skip


def test_no_exercises_for_a_mistake_that_is_not_a_misspelling():
    job = {
        "task": "exercises", "language": "es", "count": 3, "pattern": {"category": "agreement"},
        "examples": [{"sentence": "Veo el casa.", "original": "el casa", "correction": "la casa"}],
        "known_sentences": ["Veo la casa."],
    }  # fmt: skip
    assert build_exercises(job) == {"exercises": []}
