"""Repeated wrong passwords for one username from one address are throttled: after
FINDUS_LOGIN_FAILURES_LIMIT failures in FINDUS_LOGIN_FAILURES_WINDOW seconds, the API answers 429
with Retry-After and the login page says why, even to the right password."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tests.helpers import PASSWORD
from tests.processes import wait_for
from tests.security.conftest import make_conversation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def owner():
    return make_user("owner")


def api_login(username: str, password: str, *, address: str = "10.0.0.1", client=None):
    client = client or Client(REMOTE_ADDR=address)
    body = {"username": username, "password": password}
    return client.post("/api/auth/login", body, content_type="application/json")


def page_login(username: str, password: str, *, address: str = "10.0.0.1", next_url: str = ""):
    client = Client(REMOTE_ADDR=address)
    form = {"username": username, "password": password, "next": next_url}
    return client, client.post("/login/", form)


def fail(times: int, username: str = "owner", **kwargs) -> None:
    for _ in range(times):
        assert api_login(username, "not-the-password", **kwargs).status_code == 400


def test_the_sixth_wrong_password_is_429_with_retry_after():
    fail(5)
    response = api_login("owner", "not-the-password")
    assert response.status_code == 429
    assert 890 <= int(response["Retry-After"]) <= 900
    assert response.json()["detail"].startswith(
        "Too many failed logins for this username. Try again in 15 minutes"
    )


def test_the_right_password_is_refused_too_while_throttled():
    fail(5)
    client = Client(REMOTE_ADDR="10.0.0.1")
    assert api_login("owner", PASSWORD, client=client).status_code == 429
    assert client.get("/api/conversations").status_code == 401


def test_other_usernames_and_other_addresses_are_not_throttled():
    make_user("other")
    fail(5)
    assert api_login("other", PASSWORD).status_code == 200
    assert api_login("owner", PASSWORD, address="10.0.0.2").status_code == 200
    assert api_login("OWNER", "not-the-password").status_code == 429  # one count per spelling


def test_a_good_login_clears_the_count():
    fail(4)
    assert api_login("owner", PASSWORD).status_code == 200
    fail(4)
    assert api_login("owner", PASSWORD).status_code == 200


def test_the_throttle_ends_with_its_window(settings):
    settings.FINDUS_LOGIN_FAILURES_WINDOW = 1
    fail(5)
    assert api_login("owner", PASSWORD).status_code == 429
    wait_for(
        lambda: api_login("owner", PASSWORD).status_code == 200,
        timeout=5,
        interval=0.2,
        what="the throttle to end",
    )


def test_the_login_page_says_why_it_refuses():
    for _ in range(5):
        _, response = page_login("owner", "not-the-password")
        assert response.status_code == 200
        assert "Wrong username or password" in response.content.decode()
    client, response = page_login("owner", PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Too many failed logins for this username. Try again in 15 minutes" in page
    assert "Wrong username or password" not in page
    assert 'value="owner"' in page  # the username stays filled in
    assert client.get("/").status_code == 302  # not logged in


def test_the_page_and_the_api_share_the_count():
    fail(3)
    for _ in range(2):
        page_login("owner", "not-the-password")
    assert api_login("owner", PASSWORD).status_code == 429
    assert page_login("owner", PASSWORD)[1].status_code == 429


def test_the_login_page_goes_to_next_only_on_this_site(owner):
    conversation = make_conversation(owner)
    path = f"/conversations/{conversation.pk}/"
    assert page_login("owner", PASSWORD, next_url=path)[1]["Location"] == path
    outside = page_login("owner", PASSWORD, next_url="https://elsewhere.example/")[1]
    assert outside["Location"] == "/"


def test_logins_are_not_throttled_but_logged_while_redis_is_down(settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    with caplog.at_level(logging.WARNING, logger="findus.limits"):
        fail(6)
        assert api_login("owner", PASSWORD).status_code == 200
    assert "failed logins not checked" in caplog.text
