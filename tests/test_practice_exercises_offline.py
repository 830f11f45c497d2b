"""With the offline model, a learner's misspelling becomes a card as their message is analysed,
and "More like this" makes exercises that are right by construction: a correct sentence they have
seen with the word misspelt again, and the word to recall. For other kinds of mistake it makes
none rather than risk teaching something wrong. All through a real worker process."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from chat.models import Card, Conversation, GrammarAnalysis, Job, Message
from chat.reruns import rerun_jobs
from tests.cards import ask_for_more, make_card, make_pattern, settled
from tests.helpers import post_message, register, start_conversation, wait_for_jobs

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def learner(client, local_worker):
    """A learner who wrote "cassa" (analysed by the worker), was shown "casa" by the tutor, and
    wrote it right once themselves."""
    register(client)
    conversation = start_conversation(client)
    post_message(client, conversation["id"], "Me gusta la cassa.")
    wait_for_jobs(client, conversation["id"])
    stored = Conversation.objects.get(pk=conversation["id"])
    Message.objects.create(conversation=stored, role="tutor", text="Mi casa es pequeña. ¿Y tú?")
    right = Message.objects.create(conversation=stored, role="learner", text="Tu casa es bonita.")
    GrammarAnalysis.objects.create(message=right, issues=[], corrected_text=right.text)
    return User.objects.get(username="ana")


def test_a_misspelling_in_a_message_becomes_a_card_when_it_is_analysed(learner):
    (card,) = Card.objects.filter(owner=learner)
    assert card.sentence[card.start : card.end] == "cassa"
    assert (card.answer, card.corrected_sentence) == ("casa", "Me gusta la casa.")
    assert card.due <= timezone.now() and card.source == "mistake"


def test_more_like_this_makes_exercises_from_sentences_the_learner_has_seen(client, learner):
    card = Card.objects.get(owner=learner)
    request = settled(client, ask_for_more(client, card_id=card.pk)["id"])
    assert request["job"]["state"] == "succeeded", request["job"]["last_error"]
    assert request["job"]["model_name"] == "local"
    exercises = Card.objects.filter(owner=learner, source="exercise").order_by("id")
    fronts = [(c.sentence, c.sentence[c.start : c.end], c.answer) for c in exercises]
    assert sorted(fronts) == [
        ("Mi cassa es pequeña.", "cassa", "casa"),  # the tutor's sentence, misspelt again
        ("Tu cassa es bonita.", "cassa", "casa"),  # the learner's own, written right once
        ("cassa", "cassa", "casa"),  # the word to recall
    ]
    assert request["cards_made"] == 3
    for exercise in exercises:
        assert exercise.pattern_id == card.pattern_id and exercise.due <= timezone.now()
        assert exercise.explanation == "It is spelt «casa»."
        assert exercise.corrected_sentence == exercise.sentence.replace("cassa", "casa")


def test_asking_again_or_rerunning_the_job_adds_no_copies(client, learner):
    card = Card.objects.get(owner=learner)
    first = settled(client, ask_for_more(client, card_id=card.pk)["id"])
    cards = Card.objects.count()
    second = settled(client, ask_for_more(client, pattern_id=card.pattern_id)["id"])
    assert second["id"] != first["id"] and second["job"]["state"] == "succeeded"
    assert second["cards_made"] == 0
    # An operator's re-run of the succeeded job runs it again: still no copies.
    job = Job.objects.get(pk=first["job"]["id"])
    assert rerun_jobs(jobs=[job], by="operator", include_succeeded=True).rerun
    again = settled(client, first["id"])
    assert again["job"]["state"] == "succeeded" and again["job"]["attempts"] == 2
    assert (again["cards_made"], Card.objects.count()) == (3, cards)


def test_no_exercises_for_a_mistake_whose_fix_depends_on_its_context(client, learner):
    grammar = make_pattern(learner, original="el casa", answer="la casa", category="agreement")
    make_card(learner, sentence="Veo el casa.", original="el casa", answer="la casa",
              pattern=grammar)  # fmt: skip
    before = Card.objects.count()
    request = settled(client, ask_for_more(client, pattern_id=grammar.pk)["id"])
    assert (request["job"]["state"], request["cards_made"]) == ("succeeded", 0)
    assert Card.objects.count() == before


def test_no_exercises_when_the_mistake_is_a_real_word(client, learner):
    # "esta" is a word: out of context, "esta" → "está" would teach something wrong.
    accent = make_pattern(learner, original="esta", answer="está")
    make_card(learner, sentence="Ella esta bien.", original="esta", answer="está", pattern=accent)
    request = settled(client, ask_for_more(client, pattern_id=accent.pk)["id"])
    assert (request["job"]["state"], request["cards_made"]) == ("succeeded", 0)
