"""Every bad input gets a clear error and leaves nothing stored."""

from __future__ import annotations

import pytest
from django.test import Client

from chat.models import Conversation, Job, Message
from tests.helpers import PASSWORD, register, start_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(client):
    register(client)
    return start_conversation(client)


def _post(client: Client, path: str, body, **kwargs):
    return client.post(path, body, content_type="application/json", **kwargs)


def _nothing_stored():
    assert Message.objects.count() == 0
    assert Job.objects.count() == 0


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_or_blank_text_is_400_and_nothing_is_stored(client, conversation, text):
    response = _post(client, f"/api/conversations/{conversation['id']}/messages", {"text": text})
    assert response.status_code == 400
    assert "empty" in response.json()["detail"]
    _nothing_stored()


def test_text_over_2000_characters_is_400_and_nothing_is_stored(client, conversation):
    response = _post(
        client, f"/api/conversations/{conversation['id']}/messages", {"text": "a" * 2001}
    )
    assert response.status_code == 400
    assert "2000" in response.json()["detail"]
    _nothing_stored()


def test_text_of_exactly_2000_characters_is_accepted(client, conversation):
    response = _post(
        client, f"/api/conversations/{conversation['id']}/messages", {"text": "a" * 2000}
    )
    assert response.status_code == 202


def test_a_body_that_is_not_json_is_rejected_and_nothing_is_stored(client, conversation):
    response = _post(client, f"/api/conversations/{conversation['id']}/messages", "{not json")
    assert response.status_code in (400, 422)
    _nothing_stored()


def test_a_missing_field_is_422_naming_the_field(client, conversation):
    response = _post(client, f"/api/conversations/{conversation['id']}/messages", {"txt": "hola"})
    assert response.status_code == 422
    assert "text" in response.content.decode()
    _nothing_stored()


def test_a_wrong_type_is_422_naming_the_field(client, conversation):
    response = _post(client, f"/api/conversations/{conversation['id']}/messages", {"text": 5})
    assert response.status_code == 422
    assert "text" in response.content.decode()


def test_an_unsupported_language_is_400_listing_the_supported_ones(client):
    register(client)
    body = {"language": "xx", "feedback_language": "en", "level": "A2"}
    response = _post(client, "/api/conversations", body)
    assert response.status_code == 400
    detail = response.json()["detail"]
    for code in ("en", "es", "de", "fr", "it", "pt"):
        assert code in detail
    assert Conversation.objects.count() == 0


def test_an_unsupported_feedback_language_is_400(client):
    register(client)
    body = {"language": "es", "feedback_language": "klingon", "level": "A2"}
    response = _post(client, "/api/conversations", body)
    assert response.status_code == 400
    assert "feedback_language" in response.json()["detail"]


def test_an_unknown_level_is_422_naming_the_field(client):
    register(client)
    response = _post(
        client, "/api/conversations", {"language": "es", "feedback_language": "en", "level": "Z9"}
    )
    assert response.status_code == 422
    assert "level" in response.content.decode()


def test_an_unknown_conversation_is_404(client, conversation):
    assert client.get("/api/conversations/999999").status_code == 404
    response = _post(client, "/api/conversations/999999/messages", {"text": "hola"})
    assert response.status_code == 404
    _nothing_stored()


def test_another_users_conversation_is_404_everywhere(client, conversation):
    other = Client()
    register(other, "bruno")
    cid = conversation["id"]
    assert other.get(f"/api/conversations/{cid}").status_code == 404
    assert _post(other, f"/api/conversations/{cid}/messages", {"text": "hola"}).status_code == 404
    assert other.post(f"/api/conversations/{cid}/end").status_code == 404
    assert other.get(f"/api/conversations/{cid}/review").status_code == 404
    assert other.get(f"/conversations/{cid}/").status_code == 404
    assert other.get("/api/conversations").json() == []
    _nothing_stored()
    assert Conversation.objects.get(pk=cid).state == "active"


def test_another_users_job_cannot_be_retried(client, conversation):
    _post(client, f"/api/conversations/{conversation['id']}/messages", {"text": "hola"})
    job = Job.objects.first()
    Job.objects.filter(pk=job.pk).update(state="failed")
    other = Client()
    register(other, "bruno")
    assert other.post(f"/api/jobs/{job.pk}/retry").status_code == 404
    assert Job.objects.get(pk=job.pk).state == "failed"


def test_not_logged_in_is_401_for_the_api_and_a_login_redirect_for_pages(client):
    assert client.get("/api/conversations").status_code == 401
    assert client.get("/api/conversations/1").status_code == 401
    response = client.post("/api/conversations/1/messages", {"text": "x"}, "application/json")
    assert response.status_code == 401
    page = client.get("/")
    assert page.status_code == 302 and page["Location"].startswith("/login/")
    page = client.get("/conversations/1/")
    assert page.status_code == 302 and page["Location"].startswith("/login/")


def test_a_post_without_a_csrf_token_is_403_and_with_one_is_accepted(conversation):
    strict = Client(enforce_csrf_checks=True)
    token = strict.get("/api/auth/csrf").json()["csrf_token"]
    credentials = {"username": "carla", "password": PASSWORD}
    assert _post(strict, "/api/auth/register", credentials).status_code == 403
    assert (
        _post(strict, "/api/auth/register", credentials, HTTP_X_CSRFTOKEN=token).status_code == 201
    )
    token = strict.cookies["csrftoken"].value  # login rotates the token
    mine = _post(strict, "/api/conversations", {"language": "de", "feedback_language": "en",
                 "level": "B1"}, HTTP_X_CSRFTOKEN=token).json()  # fmt: skip
    path = f"/api/conversations/{mine['id']}/messages"
    assert _post(strict, path, {"text": "Hallo"}).status_code == 403
    assert _post(strict, path, {"text": "Hallo"}, HTTP_X_CSRFTOKEN="wrong" * 7).status_code == 403
    assert Message.objects.count() == 0
    assert _post(strict, path, {"text": "Hallo"}, HTTP_X_CSRFTOKEN=token).status_code == 202
