"""Schemathesis sends generated requests, valid and invalid, to every API operation of the
published schema, logged in (session cookie and X-CSRFToken), against uvicorn: no answer is a
server error, and every answer is one the schema declares, in the shape it declares.

Bounded: a few dozen examples per operation, about a minute in all. The event stream is left
out: for its owner it never ends (its 401 and 404 are in test_authorization.py).
"""

from __future__ import annotations

import json

import httpx
import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chat.api import api
from tests.processes import start_uvicorn
from tests.security.conftest import make_conversation, make_turn, make_user

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# The schema as /api/openapi.json publishes it (test_the_fuzzed_schema_is_the_published_one
# checks). It is loaded at import, for pytest to make one test per operation; schemathesis'
# lazy loading from a fixture does not run under pytest 9.2.
PUBLISHED = json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))
schema = schemathesis.openapi.from_dict(PUBLISHED).exclude(path_regex=r"/events$")


@pytest.fixture(scope="module")
def app(django_db_setup, clean_redis_db):
    # High caps, not none: the limits' code runs, but rarely refuses, so the rest is reached.
    server, base = start_uvicorn(
        "uvicorn-fuzzing", FINDUS_MESSAGES_PER_MINUTE="100000", FINDUS_ENDS_PER_MINUTE="100000"
    )
    yield base
    server.stop()
    clean_redis_db.flushdb()  # the task messages of the jobs the fuzzing stored


@pytest.fixture
def learner():
    """A learner with an active and an ended conversation, and a failed job to retry."""
    user = make_user("fuzzy")
    make_turn(make_conversation(user), analysis_state="failed")
    make_turn(make_conversation(user, ended=True))
    return user


def fresh_login(user) -> tuple[dict[str, str], dict[str, str]]:
    """Return cookies and headers of a new session: a generated call may log it out (logout) or
    replace it (login, register), and the next call must still be logged in."""
    client = Client()
    client.force_login(user)
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    return cookies, {"X-CSRFToken": token}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_within_its_schema_and_without_server_errors(app, case, learner):
    cookies, headers = fresh_login(learner)
    response = case.call(base_url=app, cookies=cookies, headers=headers, timeout=10)
    case.validate_response(response, checks=CHECKS, headers=headers)


def test_the_fuzzed_schema_is_the_published_one(app):
    assert httpx.get(f"{app}/api/openapi.json").json() == PUBLISHED


# --- What the fuzzing found, pinned -----------------------------------------------------------

POSTS = sorted(path for path, ops in PUBLISHED["paths"].items() if "post" in ops)


def logged_in_with_token(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client, client.get("/api/auth/csrf").json()["csrf_token"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", POSTS)
def test_a_multipart_body_without_a_boundary_is_400_not_500(path):
    client, token = logged_in_with_token(make_user("fuzzy"))
    # A body every operation takes (extra fields are ignored), so only the Content-Type is wrong.
    body = {"text": "Hola", "username": "fuzzy", "password": "x", "language": "es",
            "feedback_language": "en", "level": "A2"}  # fmt: skip
    response = client.post(
        path.format(conversation_id=1, job_id=1, card_id=1),
        json.dumps(body),
        content_type="multipart/form-data",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request could not be read")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/conversations/{conversation_id}/messages", {"text": "Hola\x00"}),
        ("/api/auth/login", {"username": "fuzzy\x00", "password": "x"}),
        ("/api/auth/register", {"username": "new\x00comer", "password": "a-long-passphrase-42"}),
    ],
    ids=["message", "login", "register"],
)
def test_a_nul_character_is_422_not_a_database_error(path, body):
    # PostgreSQL refuses NUL in text; it used to surface as a 500.
    user = make_user("fuzzy")
    client, token = logged_in_with_token(user)
    url = path.format(conversation_id=make_conversation(user).pk)
    response = client.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 422
    assert "NUL" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in PUBLISHED["paths"] if "{" in p])
def test_an_id_that_is_not_a_number_is_a_declared_422(path):
    client, token = logged_in_with_token(make_user("fuzzy"))
    method = next(iter(PUBLISHED["paths"][path]))
    url = path.format(
        conversation_id="null,null", job_id="x", export_id="1.5", card_id="x", request_id="x",
        pattern_id="1e3",
    )  # fmt: skip
    body = {"text": "Hola"} if path.endswith("/messages") else {}
    response = getattr(client, method)(
        url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 422
    assert "422" in PUBLISHED["paths"][path][method]["responses"]
