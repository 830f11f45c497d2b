"""Every state-changing request, in the API and on the pages, is refused with 403 without a valid
CSRF token, and stores nothing; the same request with the token goes through.

The requests are generated from the OpenAPI schema (every POST) and the URL conf (every page),
with Django's test client enforcing CSRF checks as a browser's requests would meet them.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from chat.models import (
    Card,
    CardReview,
    Conversation,
    Job,
    LearnerSettings,
    Message,
    PracticeRequest,
    Review,
)
from tests.cards import make_card
from tests.helpers import PASSWORD
from tests.security.conftest import make_conversation, make_mistake, make_turn, make_user
from tests.security.routes import SCHEMA, page_path, page_routes

pytestmark = pytest.mark.django_db

API_POSTS = sorted(path for path, ops in SCHEMA["paths"].items() if "post" in ops)
# A valid body for each POST that takes one, so that only the token decides.
API_BODIES = {
    "/api/auth/register": {"username": "newcomer", "password": PASSWORD},
    "/api/auth/login": {"username": "owner", "password": PASSWORD},
    "/api/conversations": {"language": "de", "feedback_language": "en", "level": "B1"},
    "/api/conversations/{conversation_id}/messages": {"text": "Hola"},
    "/api/exports": {"format": "csv"},
    "/api/account/delete": {"password": PASSWORD},
    "/api/practice/cards/{card_id}/check": {"typed": "casa"},
    "/api/practice/cards/{card_id}/review": {"typed": "casa", "rating": "good"},
    "/api/practice/more": {"card_id": "{card_id}"},
    "/api/settings": {"tutor_remembers": False},
}
# Every page that takes a POST, with a valid form for it; the others must refuse a POST too.
PAGE_FORMS = {
    "register": {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD},
    "login": {"username": "owner", "password": PASSWORD},
    "logout": {},
    "new-conversation": {"language": "de", "feedback_language": "en", "level": "B1"},
    "exports": {"format": "anki", "language": ""},
    "account-delete": {"password": PASSWORD},
    "learner-settings": {},
}
PAGES = sorted(page_routes())


@pytest.fixture
def world():
    owner = make_user("owner")
    conversation = make_conversation(owner)
    message = make_turn(conversation, analysis_state="failed")
    ids = {
        "conversation_id": conversation.pk,
        "message_id": message.pk,
        "job_id": Job.objects.get(message=message, kind="analysis").pk,
        "card_id": make_card(owner).pk,
        "pattern_id": make_mistake(message).pk,
    }
    return {"owner": owner, "ids": ids}


def strict_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def stored() -> list:
    return [
        sorted(User.objects.values_list("pk", "username", "last_login")),
        sorted(Conversation.objects.values_list("pk", "state")),
        sorted(Message.objects.values_list("pk", "text")),
        sorted(Job.objects.values_list("pk", "state", "celery_task_id")),
        Review.objects.count(),
        sorted(Card.objects.values_list("pk", "suspended", "due")),
        CardReview.objects.count(),
        PracticeRequest.objects.count(),
        sorted(LearnerSettings.objects.values_list("owner_id", "tutor_remembers")),
    ]


def api_post(client: Client, path: str, ids: dict[str, int], **headers):
    body = API_BODIES.get(path)
    url = path.format(**ids)
    if body is not None:  # ids in a body, like "{card_id}", are the world's
        body = {key: int(value.format(**ids)) if value == f"{{{key}}}" else value
                for key, value in body.items()}  # fmt: skip
    if body is None:
        return client.post(url, **headers)
    return client.post(url, body, content_type="application/json", **headers)


def a_foreign_token() -> str:
    """A well-formed token that belongs to another browser's CSRF cookie."""
    return Client().get("/api/auth/csrf").json()["csrf_token"]


def test_the_table_holds_every_post(world):
    for path in API_POSTS:
        if "requestBody" in SCHEMA["paths"][path]["post"]:
            assert path in API_BODIES, f"add a valid body for POST {path}"
    assert len(API_POSTS) >= 7
    assert set(PAGE_FORMS) <= set(PAGES)


@pytest.mark.parametrize("path", API_POSTS)
def test_an_api_post_without_a_valid_token_is_403_and_stores_nothing(world, path):
    client = strict_client(world["owner"])
    before = stored()
    assert api_post(client, path, world["ids"]).status_code == 403
    client.get("/api/auth/csrf")  # now the cookie is there, but the header is missing or wrong
    assert api_post(client, path, world["ids"]).status_code == 403
    response = api_post(client, path, world["ids"], HTTP_X_CSRFTOKEN=a_foreign_token())
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert stored() == before
    assert client.get("/api/conversations").status_code == 200  # still logged in


@pytest.mark.parametrize("path", API_POSTS)
def test_the_same_api_post_with_the_token_goes_through(world, path):
    client = strict_client(world["owner"])
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    response = api_post(client, path, world["ids"], HTTP_X_CSRFTOKEN=token)
    assert response.status_code in (200, 201, 202, 204), response.content


@pytest.mark.parametrize("name", PAGES)
def test_a_page_post_without_a_valid_token_is_403_and_stores_nothing(world, name):
    path = page_path(name, world["ids"])
    clients = (strict_client(), strict_client(world["owner"]))
    before = stored()
    for client in clients:
        form = PAGE_FORMS.get(name, {})
        assert client.post(path, form).status_code == 403
        client.get("/login/")  # sets the CSRF cookie
        wrong = {**form, "csrfmiddlewaretoken": a_foreign_token()}
        assert client.post(path, wrong).status_code == 403
    assert stored() == before
    assert clients[1].get("/").status_code == 200  # still logged in


def test_the_admin_login_needs_the_token_too(world):
    assert strict_client().post("/admin/login/", PAGE_FORMS["login"]).status_code == 403


@pytest.mark.parametrize("name", sorted(PAGE_FORMS))
def test_the_same_page_post_with_the_token_goes_through(world, name):
    client = strict_client(None if name in ("register", "login") else world["owner"])
    client.get("/login/")
    form = {**PAGE_FORMS[name], "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    response = client.post(page_path(name, world["ids"]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
