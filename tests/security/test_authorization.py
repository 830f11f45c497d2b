"""Every API operation and page that takes an id answers another learner with 404 and an anonymous
caller with 401 (API) or a redirect to the login page (pages), and changes nothing.

The table is generated from the OpenAPI schema and the URL conf, and a test checks that it holds
every route with a parameter, so a new endpoint cannot be left out.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from chat.models import Card, CardReview, Conversation, Export, Job, Message, Review
from tests.cards import make_card, make_practice_request
from tests.security.conftest import (
    make_conversation,
    make_export,
    make_mistake,
    make_review,
    make_turn,
    make_user,
)
from tests.security.routes import API_OPERATIONS, SCHEMA, page_path, page_routes, parameters

pytestmark = pytest.mark.django_db

API_WITH_IDS = [(method, path) for method, path in API_OPERATIONS if "{" in path]
API_WITH_LOGIN = [
    (method, path)
    for method, path in API_OPERATIONS
    if SCHEMA["paths"][path][method].get("security")
]
PAGES_WITH_IDS = sorted(name for name, route in page_routes().items() if parameters(route))
# A valid body for each operation that takes one, so a refusal cannot come from the body.
BODIES = {
    ("post", "/api/conversations/{conversation_id}/messages"): {"text": "Hola"},
    ("post", "/api/practice/cards/{card_id}/check"): {"typed": "casa"},
    ("post", "/api/practice/cards/{card_id}/review"): {"typed": "casa", "rating": "good"},
}
# The event stream never ends for its owner, so the owner's check of it is left out here
# (tests/test_live_updates.py reads it).
STREAMS = {("get", "/api/conversations/{conversation_id}/events")}


@pytest.fixture
def world():
    """A learner's ended conversation with one turn (a failed analysis), a review, and a second
    learner with a conversation of their own."""
    owner, intruder = make_user("owner"), make_user("intruder")
    conversation = make_conversation(owner, ended=True)
    message = make_turn(conversation, analysis_state="failed")
    make_review(conversation, "## Review\n\nWell done.")
    own = make_conversation(intruder)
    card = make_card(owner)
    ids = {
        "conversation_id": conversation.pk,
        "message_id": message.pk,
        "job_id": Job.objects.get(message=message, kind="analysis").pk,
        "export_id": make_export(owner).pk,
        "card_id": card.pk,
        "request_id": make_practice_request(owner, card).pk,
        "pattern_id": make_mistake(message).pk,
    }
    return {"owner": owner, "intruder": intruder, "ids": ids, "intruders_conversation": own.pk}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def call_api(client: Client, method: str, path: str, ids: dict[str, int]):
    url = path.format(**ids)
    body = BODIES.get((method, path))
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, content_type="application/json")


def stored() -> list:
    return [
        sorted(Conversation.objects.values_list("pk", "state", "ended_at")),
        sorted(Message.objects.values_list("pk", "text")),
        sorted(Job.objects.values_list("pk", "state", "celery_task_id", "queued_at")),
        Review.objects.count(),
        sorted(Export.objects.values_list("pk", "size", "expires_at")),
        sorted(Card.objects.values_list("pk", "suspended", "due")),
        CardReview.objects.count(),
    ]


def test_every_route_that_takes_an_id_is_in_the_matrix(client):
    published = client.get("/api/openapi.json").json()["paths"]
    assert {(m, p) for p, ops in published.items() if "{" in p for m in ops} == set(API_WITH_IDS)
    routes = [path for _, path in API_WITH_IDS] + [page_routes()[n] for n in PAGES_WITH_IDS]
    for route in routes:
        unknown = set(parameters(route)) - {
            "conversation_id", "message_id", "job_id", "export_id", "card_id", "request_id",
            "pattern_id",
        }  # fmt: skip
        assert not unknown, f"{route}: add {unknown} to the world fixture's ids"
    for method, path in API_WITH_IDS:
        if "requestBody" in SCHEMA["paths"][path][method]:
            assert (method, path) in BODIES, f"add a valid body for {method.upper()} {path}"
    # The pages the matrix must hold today, so an empty table cannot pass.
    assert {"conversation", "turns", "turn", "review"} <= set(PAGES_WITH_IDS)
    assert len(API_WITH_IDS) >= 6


@pytest.mark.parametrize(("method", "path"), API_WITH_IDS, ids=lambda v: v)
def test_another_learners_ids_are_404_in_the_api(world, method, path):
    before = stored()
    response = call_api(logged_in(world["intruder"]), method, path, world["ids"])
    assert response.status_code == 404, response.content
    assert response.json()["detail"].startswith("No such")
    assert stored() == before


@pytest.mark.parametrize(("method", "path"), API_WITH_LOGIN, ids=lambda v: v)
def test_an_anonymous_caller_gets_401_from_the_api(world, method, path):
    before = stored()
    response = call_api(Client(), method, path, world["ids"])
    assert response.status_code == 401, response.content
    assert stored() == before


@pytest.mark.parametrize(
    ("method", "path"), [case for case in API_WITH_IDS if case not in STREAMS], ids=lambda v: v
)
def test_the_owner_reaches_every_id_in_the_api(world, method, path):
    # Shows the ids in the table are real: the 404s above come from ownership alone.
    response = call_api(logged_in(world["owner"]), method, path, world["ids"])
    assert response.status_code in (200, 202, 204, 409), response.content


@pytest.mark.parametrize("name", PAGES_WITH_IDS)
def test_another_learners_ids_are_404_on_the_pages(world, name):
    path = page_path(name, world["ids"])
    before = stored()
    assert logged_in(world["intruder"]).get(path).status_code == 404
    assert stored() == before


@pytest.mark.parametrize(
    "name", [n for n in PAGES_WITH_IDS if len(parameters(page_routes()[n])) > 1]
)
def test_another_learners_ids_inside_your_own_conversation_are_404(world, name):
    ids = {**world["ids"], "conversation_id": world["intruders_conversation"]}
    assert logged_in(world["intruder"]).get(page_path(name, ids)).status_code == 404


@pytest.mark.parametrize("name", PAGES_WITH_IDS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(world, name):
    path = page_path(name, world["ids"])
    response = Client().get(path)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    assert parse_qs(location.query)["next"] == [path]


@pytest.mark.parametrize("name", PAGES_WITH_IDS)
def test_the_owner_sees_every_page(world, name):
    assert logged_in(world["owner"]).get(page_path(name, world["ids"])).status_code == 200
