"""The analysis makes a practice card of each corrected mistake: the learner's own sentence with
the mistake marked (the sentence's other fixes applied), the fix and its explanation on the back,
due at once; one card per fix, however often the analysis runs."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from chat.models import Card, Conversation, Job, Message, Mistake
from chat.practice.cards import Exercise, add_exercise_cards
from chat.practice.scheduling import RATINGS, review_card
from workers.kinds.analysis import store_analysis
from workers.schemas import GrammarAnalysisResult, GrammarIssue

pytestmark = pytest.mark.django_db


def analysed(text: str, *fixes: tuple, category: str = "spelling") -> Message:
    """Store a learner message and run the analysis' store with these fixes, as a worker does."""
    owner = User.objects.get_or_create(username="ana")[0]
    conversation = Conversation.objects.create(
        owner=owner, language="es", feedback_language="en", level="A2", title="Spanish"
    )
    message = Message.objects.create(conversation=conversation, role="learner", text=text)
    store(message, *fixes, category=category)
    return message


def store(message: Message, *fixes: tuple, category: str = "spelling") -> None:
    """Store an analysis with these (original, suggestion[, start]) fixes."""
    issues = []
    for original, suggestion, *at in fixes:
        start = at[0] if at else message.text.index(original)
        issues.append(
            GrammarIssue(
                start=start, end=start + len(original), original=original, suggestion=suggestion,
                explanation=f"«{suggestion}», not «{original}».", category=category,
                severity="minor",
            )
        )  # fmt: skip
    job, _ = Job.objects.get_or_create(
        kind="analysis", owner=message.conversation.owner, message=message,
        conversation=message.conversation, defaults={"queued_at": timezone.now()},
    )  # fmt: skip
    result = GrammarAnalysisResult(issues=issues, corrected_text=message.text, summary="")
    with transaction.atomic():  # as jobs.succeed runs it
        store_analysis(job, result)


def front(card: Card) -> str:
    sentence = card.sentence
    return f"{sentence[: card.start]}[{sentence[card.start : card.end]}]{sentence[card.end :]}"


def test_each_corrected_mistake_becomes_a_card_of_its_own_sentence():
    before = timezone.now()
    message = analysed("Hola. Me gusta la cassa y el perro! Tengo un gatto.", ("cassa", "casa"),
                       ("gatto", "gato"))  # fmt: skip
    cassa, gatto = Card.objects.order_by("answer")
    assert front(cassa) == "Me gusta la [cassa] y el perro!"
    assert (cassa.answer, cassa.corrected_sentence) == ("casa", "Me gusta la casa y el perro!")
    assert cassa.explanation == "«casa», not «cassa»."
    assert front(gatto) == "Tengo un [gatto]."
    assert {card.mistake for card in (cassa, gatto)} == set(Mistake.objects.filter(message=message))
    assert cassa.pattern == cassa.mistake.pattern
    assert cassa.source == "mistake" and cassa.language == "es" and not cassa.suspended
    assert before <= cassa.due <= timezone.now()  # due at once
    assert cassa.scheduling["state"] == 1  # FSRS: learning


def test_the_sentences_other_fixes_are_applied_so_the_back_is_right_throughout():
    analysed("Yo tengo un gatto y una cassa.", ("gatto", "gato"), ("cassa", "casa"))
    cards = {card.answer: card for card in Card.objects.all()}
    assert front(cards["casa"]) == "Yo tengo un gato y una [cassa]."
    assert cards["casa"].corrected_sentence == "Yo tengo un gato y una casa."
    assert front(cards["gato"]) == "Yo tengo un [gatto] y una casa."


def test_a_fix_inside_a_word_marks_the_whole_word():
    message = analysed("Esta bien.", ("Esta", "Está"))
    Card.objects.all().delete()
    store(message, ("a", "á"))  # a span of one letter, as some models give
    (card,) = Card.objects.all()
    assert (front(card), card.answer) == ("[Esta] bien.", "Está")


def test_a_correction_that_removes_text_asks_for_the_words_around_it():
    analysed("Es muy muy caro.", ("muy ", "", 7), category="extra_word")
    (card,) = Card.objects.all()
    assert front(card) == "Es [muy muy] caro."
    assert (card.answer, card.corrected_sentence) == ("muy", "Es muy caro.")


def test_a_removed_comma_is_asked_with_its_word():
    analysed("Creo, que sí.", (",", ""), category="punctuation")
    (card,) = Card.objects.all()
    assert (front(card), card.answer) == ("[Creo,] que sí.", "Creo")


def test_no_card_for_a_missing_full_stop_at_the_end_of_a_message():
    analysed("Me gusta mucho", ("mucho", "mucho."), category="punctuation")
    assert not Card.objects.exists()
    assert Mistake.objects.count() == 1  # still in the learner's history


def test_a_missing_question_mark_inside_the_message_makes_a_card():
    analysed("Qué tal. Bien", ("tal.", "tal?"), category="punctuation")
    (card,) = Card.objects.all()
    assert (front(card), card.answer) == ("Qué [tal.]", "tal?")


def test_running_the_analysis_again_keeps_one_card_per_fix_and_its_schedule():
    message = analysed("Me gusta la cassa.", ("cassa", "casa"))
    card = Card.objects.get()
    card, _, _ = review_card(card=card, typed="casa", rating=RATINGS["good"])
    store(message, ("cassa", "casa"))
    store(message, ("cassa", "casa"))
    again = Card.objects.get()
    assert again.pk == card.pk
    assert (again.due, again.scheduling) == (card.due, card.scheduling)
    assert again.mistake == Mistake.objects.get(message=message)  # the new row of the re-run
    assert again.reviews.count() == 1


def test_the_same_fix_twice_in_a_message_is_one_card():
    message = analysed("La cassa. La cassa.", ("cassa", "casa"))
    second = message.text.rindex("cassa")
    store(message, ("cassa", "casa"))  # the first sentence
    issue = {"start": second, "end": second + 5, "original": "cassa", "suggestion": "casa",
             "explanation": "", "category": "spelling", "severity": "minor"}  # fmt: skip
    first = dict(issue, start=3, end=8)
    job = Job.objects.get(message=message)
    result = GrammarAnalysisResult(
        issues=[GrammarIssue(**first), GrammarIssue(**issue)], corrected_text="", summary=""
    )
    with transaction.atomic():
        store_analysis(job, result)
    # Two sentences that read the same: one fix to practise.
    assert Card.objects.count() == 1


def test_an_exercise_that_repeats_a_card_of_the_learner_is_not_added_again():
    analysed("Yo tengo un gatto y una cassa.", ("gatto", "gato"), ("cassa", "casa"))
    card = Card.objects.get(answer="casa")  # shown as "Yo tengo un gato y una [cassa]."
    repeat = Exercise(card.sentence, card.start, card.end, "casa", "Again.")
    fresh = Exercise("La cassa roja.", 3, 8, "casa", "New.")
    made = add_exercise_cards(
        owner_id=card.owner_id, pattern=card.pattern, exercises=[repeat, fresh, fresh],
        now=timezone.now(),
    )  # fmt: skip
    assert [c.sentence for c in made] == ["La cassa roja."]
    assert Card.objects.filter(source="exercise").count() == 1


def test_a_fix_that_touches_the_marked_part_is_part_of_its_answer():
    # From COWS-L2H: removing "tan" takes in "cerca", which has a fix of its own.
    analysed("Es pequeña y cerca, tan un miembro llegó.", ("cerca", "cercana"), ("tan", "", 20),
             category="agreement")  # fmt: skip
    removal = Card.objects.get(mistake__original="tan")
    assert front(removal) == "Es pequeña y [cerca, tan] un miembro llegó."
    assert removal.answer == "cercana,"
    assert removal.corrected_sentence == "Es pequeña y cercana, un miembro llegó."
    word = Card.objects.get(mistake__original="cerca")
    assert front(word) == "Es pequeña y [cerca], un miembro llegó."  # "tan" gone, one space


def test_an_abbreviation_ends_no_sentence():
    analysed("Ich lerne z. B. Deutsh. Es ist schwer.", ("Deutsh", "Deutsch"))
    (card,) = Card.objects.all()
    assert front(card) == "Ich lerne z. B. [Deutsh]."
