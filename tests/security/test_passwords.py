"""Passwords are checked by Django's validators on the register page and in the API: a short,
common, numeric or username-like password is refused with the validator's own words."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

WEAK = [
    ("short", "Tr0ub4", "This password is too short. It must contain at least 8 characters."),
    ("common", "password", "This password is too common."),
    ("numeric", "4815162342", "This password is entirely numeric."),
    ("like the username", "margarita1", "The password is too similar to the username."),
]


@pytest.mark.parametrize(("kind", "password", "message"), WEAK, ids=[w[0] for w in WEAK])
def test_the_api_refuses_a_weak_password_with_the_validators_message(kind, password, message):
    body = {"username": "margarita", "password": password}
    response = Client().post("/api/auth/register", body, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not User.objects.exists()


@pytest.mark.parametrize(("kind", "password", "message"), WEAK, ids=[w[0] for w in WEAK])
def test_the_register_page_refuses_a_weak_password_with_the_validators_message(
    kind, password, message
):
    form = {"username": "margarita", "password1": password, "password2": password}
    response = Client().post("/register/", form)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("username", "message"),
    [("bad name!", "Enter a valid username"), ("x" * 151, "at most 150 characters")],
)
def test_the_api_refuses_a_username_the_register_page_would_refuse(username, message):
    body = {"username": username, "password": "a-long-test-passphrase-42"}
    response = Client().post("/api/auth/register", body, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not User.objects.exists()
