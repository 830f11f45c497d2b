"""Download my data: one JSON document of everything findus stores about the learner, from the
API and as a file from the page, the same either way, with nothing of anyone else's, in a fixed
number of queries however much there is."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chat.account.selectors import learner_data
from chat.models import Conversation
from tests.learner_world import learner_world
from tests.security.conftest import make_conversation, make_turn

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_data_holds_everything_findus_stores_about_the_learner():
    ana = learner_world("ana", marker="ANA-TEXT").user
    eve = learner_world("eve", marker="EVE-TEXT").user
    for learner, marker in ((ana, "ANA-TEXT"), (eve, "EVE-TEXT")):
        Conversation.objects.filter(owner=learner).update(
            summary=f"The learner likes {marker}.", summarised_turns=4
        )

    data = logged_in(ana).get("/api/account/data").json()

    assert data["format"] == "findus-my-data/1"
    assert data["account"]["username"] == "ana"
    assert data["settings"] == {"tutor_remembers": False}
    [conversation] = data["conversations"]
    assert (conversation["summary"], conversation["summarised_turns"]) == (
        "The learner likes ANA-TEXT.", 4,
    )  # fmt: skip
    learner, tutor = conversation["messages"]
    assert learner["text"] == "Me gusta la cassa de ANA-TEXT."
    assert learner["analysis"]["issues"][0]["suggestion"] == "casa"
    assert tutor["text"] == "¡Qué bien, ANA-TEXT!" and "analysis" not in tutor
    assert conversation["review"]["markdown"] == "## Review for ANA-TEXT"
    assert [p["label"] for p in data["mistake_patterns"]] == ["cassa → casa"]
    assert data["mistakes"][0]["original"] == "cassa"
    [card] = data["cards"]
    assert card["answer"] == "casa" and card["reviews"][0]["typed"] == "casa ANA-TEXT"
    assert data["practice_requests"][0]["card_id"] == card["id"]
    assert data["exports"][0]["filename"] == "ANA-TEXT.csv" and "content" not in data["exports"][0]
    assert {job["kind"] for job in data["jobs"]} == {"reply", "analysis", "review", "export",
                                                      "exercises"}  # fmt: skip
    assert "EVE-TEXT" not in json.dumps(data, ensure_ascii=False)


def test_the_page_gives_the_same_document_as_a_file_to_download():
    ana = learner_world("ana", marker="ANA-TEXT").user
    client = logged_in(ana)

    response = client.get("/account/data/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="findus-my-data-')
    from_page = json.loads(response.content)
    from_api = client.get("/api/account/data").json()
    for document in (from_page, from_api):
        document.pop("exported_at")
    assert from_page == from_api


def test_the_queries_do_not_grow_with_the_learners_data():
    ana = learner_world("ana", marker="ANA-TEXT").user
    with CaptureQueriesContext(connection) as small:
        learner_data(ana)
    for _ in range(5):
        conversation = make_conversation(ana)
        for n in range(4):
            make_turn(conversation, text=f"Me gusta la cassa {n}.")

    with CaptureQueriesContext(connection) as large:
        data = learner_data(ana)

    assert len(data["conversations"]) == 6
    assert len(large.captured_queries) == len(small.captured_queries) <= 15


def test_without_a_login_there_is_no_data():
    assert Client().get("/api/account/data").status_code == 401
    assert Client().get("/account/data/")["Location"].startswith("/login/")
