"""The offline-model banner is for operators: staff see how to set a real model, learners don't."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.helpers import PASSWORD, register, start_conversation

pytestmark = pytest.mark.django_db

OPERATOR_HINT = "FINDUS_AI_MODEL"


@pytest.fixture(autouse=True)
def offline_model(settings):
    settings.FINDUS_AI_MODEL = "local"


@pytest.mark.parametrize("path", ["/login/", "/register/"])
def test_visitors_see_no_operator_banner(client, path):
    page = client.get(path).content.decode()
    assert OPERATOR_HINT not in page
    assert "offline tutor" not in page


def test_a_learner_sees_a_neutral_note_not_the_operator_banner(client):
    register(client)
    conversation = start_conversation(client)
    for path in ("/", f"/conversations/{conversation['id']}/"):
        page = client.get(path).content.decode()
        assert OPERATOR_HINT not in page
        assert "offline tutor" in page


def test_staff_see_how_to_set_a_real_model(client):
    User.objects.create_user("operator", password=PASSWORD, is_staff=True)
    client.login(username="operator", password=PASSWORD)
    assert OPERATOR_HINT in client.get("/").content.decode()


def test_nobody_sees_a_banner_when_a_real_model_is_set(client, settings):
    settings.FINDUS_AI_MODEL = "openai:gpt-4.1-mini"
    User.objects.create_user("operator", password=PASSWORD, is_staff=True)
    client.login(username="operator", password=PASSWORD)
    page = client.get("/").content.decode()
    assert OPERATOR_HINT not in page
    assert "offline tutor" not in page
