"""The history pages and their API make the same number of queries for 2 conversations as for
20: no query per conversation, pattern, quote or point."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chat.models import MistakePattern
from tests import history
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db

PAGES = ["/mistakes/", "/mistakes/?sort=recent&page=2", "/progress/", "/api/mistakes",
         "/api/progress", "/api/mistakes/patterns/{pattern_id}",
         "/mistakes/patterns/{pattern_id}/"]  # fmt: skip


def learner_with(conversations: int) -> User:
    """A learner whose conversations each hold three messages with a new mistake and two with
    mistakes seen before, and a review."""
    learner = User.objects.create_user(username=f"learner{conversations}", password=PASSWORD)
    for day in range(conversations):
        conversation = history.conversation(learner, day=day)
        for n in range(3):
            word = f"palabra{day}x{n}"
            history.write(conversation, f"Una {word} y una cassa.",
                          [(word, f"palabra{day}{n}"), ("cassa", "casa")])  # fmt: skip
        history.write(conversation, history.words(30))
        history.review(conversation, "A2")
    return learner


def queries(learner: User, path: str) -> int:
    pattern = MistakePattern.objects.filter(owner=learner, label="cassa → casa").get()
    client = Client()
    client.force_login(learner)
    url = path.format(pattern_id=pattern.pk)
    client.get(url)  # a first request may set up what later ones reuse (the session)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture(scope="module")
def learners(django_db_setup, django_db_blocker):
    """Two learners, with 2 and with 20 conversations, written once for the whole module."""
    with django_db_blocker.unblock(), transaction.atomic():  # one commit: seconds, not tens
        few, many = learner_with(2), learner_with(20)
    yield few, many
    with django_db_blocker.unblock():
        User.objects.filter(pk__in=[few.pk, many.pk]).delete()


@pytest.mark.parametrize("path", PAGES)
def test_the_query_count_does_not_grow_with_the_learners_history(learners, path):
    few, many = learners
    assert queries(few, path) == queries(many, path) <= 12


def test_starting_a_conversation_reads_the_focus_in_a_few_queries(learners):
    counts = []
    for learner in learners:
        client = Client()
        client.force_login(learner)
        body = {"language": "es", "feedback_language": "en", "level": "A2"}
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/api/conversations", body, content_type="application/json")
        assert len(response.json()["focus"]) == 3
        counts.append(len(captured))
    assert counts[0] == counts[1]
