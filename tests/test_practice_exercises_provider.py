"""With a real provider (faked at its HTTP edge), "More like this" asks the model for exercises,
keeps only those that quote their mistake from their own sentence, and stores the model's text as
text. A provider failure fails the job after its attempts, and the learner's retry runs it again;
all through a real worker process."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from chat.models import Card, Job, JobRerun
from tests.cards import ask_for_more, make_card, settled

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def learner(provider_worker, fake) -> Client:
    client = Client()
    client.force_login(User.objects.create_user("ana"))
    return client


def exercises() -> list[Card]:
    return list(Card.objects.filter(source="exercise").order_by("id"))


def test_the_models_exercises_become_cards_and_unusable_ones_are_dropped(learner, fake):
    card = make_card(User.objects.get(username="ana"))
    request = settled(learner, ask_for_more(learner, card_id=card.pk)["id"])
    assert request["job"]["state"] == "succeeded", request["job"]["last_error"]
    assert request["job"]["model_name"] == "fake-1" and request["cards_made"] == 3
    made = [(c.sentence, c.sentence[c.start : c.end], c.answer, c.explanation) for c in exercises()]
    assert made == [
        ("Mañana limpio la cassa de mi abuela.", "cassa", "casa", "Se escribe casa."),
        ("¿Dónde está tu cassa?", "cassa", "casa", "Se escribe casa."),
        # Markup from the model is kept as the text it is; pages show it as text.
        ("<b>Una cassa</b> muy grande.", "cassa", "casa", "<script>alert(1)</script>"),
    ]  # "Esta frase no tiene el error." quotes no mistake: dropped
    # The prompt showed the model the learner's own sentence as the example.
    (asked,) = [r for r in fake.requests if r.get("tools")]
    assert "Me gusta la cassa." in asked["messages"][-1]["content"]


def test_a_provider_failure_fails_the_job_and_the_learners_retry_runs_it_again(learner, fake):
    card = make_card(User.objects.get(username="ana"))
    fake.script(["500", "503", "500"], kind="exercises")  # every attempt of the budget of 3
    request = settled(learner, ask_for_more(learner, card_id=card.pk)["id"])
    assert request["job"]["state"] == "failed"
    assert request["job"]["attempts"] == 3
    # The learner is told in plain words; the technical reason is kept for admins.
    assert (
        request["job"]["failure"] == "This could not be done this time. Nothing you wrote is lost."
    )
    assert "HTTP 500" in Job.objects.get(pk=request["job"]["id"]).last_error
    assert (request["cards_made"], exercises()) == (0, [])

    retry = learner.post(f"/api/jobs/{request['job']['id']}/retry")
    assert retry.status_code == 202, retry.content
    request = settled(learner, request["id"])
    assert request["job"]["state"] == "succeeded"
    assert (request["job"]["attempts"], request["cards_made"]) == (4, 3)
    assert JobRerun.objects.get(job_id=request["job"]["id"]).via == "learner"
    assert fake.calls("exercises") == 4
