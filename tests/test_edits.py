"""Spans come from aligning the learner's text with the model's corrected text (workers/edits)."""

from __future__ import annotations

from workers.edits import align, analysis_from_correction, classify, problem_with
from workers.schemas import Correction, GrammarCorrection, Unsure


def correction(corrected: str, *edits: tuple[str, str, str], unsure=()) -> GrammarCorrection:
    return GrammarCorrection(
        corrected_text=corrected,
        edits=[
            Correction(original=o, correction=c, explanation=f"why {o}", category=k)
            for o, c, k in edits
        ],
        unsure=list(unsure),
        summary="",
    )


def analysis(text: str, fixed: GrammarCorrection):
    return analysis_from_correction(text, fixed, language="en", feedback_language="en")


def test_spans_come_from_the_texts_not_from_the_models_counting():
    text = "He go to school and buyed a apple."
    fixed = correction(
        "He goes to school and bought an apple.",
        ("go", "goes", "verb_form"),
        ("buyed", "bought", "verb_form"),
        ("a apple", "an apple", "article"),
    )

    issues = analysis(text, fixed).issues

    assert [(text[i.start : i.end], i.suggestion) for i in issues] == [
        ("go", "goes"),
        ("buyed", "bought"),
        ("a", "an"),
    ]
    # The explanation of the quoted "a apple" goes to the edit inside it.
    assert [i.explanation for i in issues] == ["why go", "why buyed", "why a apple"]
    assert [i.category for i in issues] == ["verb_form", "verb_form", "article"]


def test_a_mistake_repeated_is_one_issue_with_every_place():
    text = "I recieve mail, you recieve mail, we all recieve mail."
    fixed = correction(
        "I receive mail, you receive mail, we all receive mail.",
        ("recieve", "receive", "spelling"),
    )

    issues = analysis(text, fixed).issues

    assert len(issues) == 1
    places = [(issues[0].start, issues[0].end), *issues[0].also]
    assert [text[start:end] for start, end in places] == ["recieve"] * 3


def test_an_added_word_or_mark_borrows_the_word_next_to_it():
    text = "Yes I have dog"
    issues = analysis(text, correction("Yes, I have a dog.")).issues

    assert [(i.original, i.suggestion) for i in issues] == [
        ("Yes", "Yes,"),
        ("dog", "a dog."),
    ]
    assert all(i.explanation for i in issues)  # unexplained edits get a plain explanation


def test_a_word_the_model_is_unsure_of_is_marked_without_a_correction():
    text = "The zorblat was here."
    unsure = Unsure(original="zorblat", candidates=[], explanation="unknown")
    issues = analysis(text, correction(text, unsure=[unsure])).issues

    assert [(i.original, i.suggestion) for i in issues] == [("zorblat", "?")]


def test_a_model_that_lists_edits_but_changes_nothing_is_asked_again():
    text = "She go home."
    assert problem_with(text, correction(text, ("go", "goes", "verb_form"))) is not None
    assert problem_with(text, correction("She goes home.", ("go", "goes", "verb_form"))) is None
    assert problem_with(text, correction("")) is not None


def test_alignment_joins_neighbouring_changes_as_annotators_count_them():
    edits = align("I goed the school.", "I went to school.")

    assert [(e.original, e.correction) for e in edits] == [("goed the", "went to")]


def test_categories_are_guessed_from_the_words_when_the_model_gives_none():
    assert classify("tambien", "también", language="es") == "accent"
    assert classify("english", "English", language="en") == "capitalisation"
    assert classify("", "the", language="en") == "article"
    assert classify("in", "on", language="en") == "preposition"
    assert classify("very", "", language="en") == "extra_word"
    assert classify("is it", "it is", language="en") == "word_order"
