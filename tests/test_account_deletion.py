"""Delete my account: confirmed with the password (a wrong one deletes nothing), it leaves no row
that holds the learner's name or text anywhere in the database (task results, admin history and
re-run records included), none of their counters in Redis, and logs them out; everyone else's
data stays as it was."""

from __future__ import annotations

import pytest
import redis
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django_celery_results.models import TaskResult

from chat.limits import LoginThrottle
from chat.models import Job, JobRerun
from tests.helpers import PASSWORD
from tests.learner_world import learner_world
from tests.security.conftest import forget_limits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits(clean_redis_db):
    forget_limits(clean_redis_db)
    yield
    forget_limits(clean_redis_db)


@pytest.fixture
def ana():
    return learner_world("anaQ7", marker="ANA-TEXT")


@pytest.fixture
def eve():
    return learner_world("eveQ7", marker="EVE-TEXT")


def rows_holding(*texts: str) -> list[str]:
    """Return every row, in every table Django knows, with one of `texts` in any field."""
    found = []
    for model in apps.get_models():
        for row in model.objects.values():
            flat = " ".join(
                bytes(value).decode(errors="replace")
                if isinstance(value, bytes | memoryview)
                else str(value)
                for value in row.values()
            )
            if any(text in flat for text in texts):
                found.append(f"{model._meta.label} #{row.get('id', row)}")
    return found


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def delete(client: Client, password: str = PASSWORD):
    return client.post(
        "/api/account/delete", {"password": password}, content_type="application/json"
    )


def counters() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def test_a_wrong_password_is_400_and_deletes_nothing(ana):
    before = rows_holding("anaQ7", "ANA-TEXT")
    client = logged_in(ana.user)

    for password in ("not-my-password", ""):
        response = delete(client, password)
        assert response.status_code == 400
        assert response.json()["detail"] == "That is not your password; nothing was deleted."
    assert delete(client.__class__(), PASSWORD).status_code == 401

    assert rows_holding("anaQ7", "ANA-TEXT") == before
    assert client.get("/api/conversations").status_code == 200  # still logged in


def test_deleting_the_account_leaves_nothing_of_theirs_and_everything_of_everyone_else(ana, eve):
    # Ana, staff too, once re-ran one of Eve's jobs: the record of it keeps Eve's job.
    eves_job = Job.objects.filter(owner=eve.user, kind="analysis").get()
    JobRerun.objects.create(
        job=eves_job, by=ana.user, by_name="anaQ7", via="admin", previous_state="failed",
        previous_attempts=1, new_task_id="eve-rerun",
    )  # fmt: skip
    store = counters()
    for user in (ana.user, eve.user):
        store.set(f"findus:limit:messages-minute:{user.pk}:1", 3)
        store.set(f"findus:limit:exports-hour:{user.pk}:2", 1)
        store.set(f"findus:limit:tokens-day:{user.pk}:3", 5000)
    here = LoginThrottle("anaQ7", "127.0.0.1").key
    elsewhere = LoginThrottle("anaQ7", "203.0.113.9").key
    store.set(here, 2), store.set(elsewhere, 1)
    eves_rows = rows_holding("eveQ7", "EVE-TEXT")
    client = logged_in(ana.user)

    response = delete(client)

    assert response.status_code == 204
    assert rows_holding("anaQ7", "ANA-TEXT") == []
    assert not User.objects.filter(pk=ana.user.pk).exists()
    assert not TaskResult.objects.filter(task_id__in=ana.task_ids).exists()
    assert TaskResult.objects.filter(task_id__in=eve.task_ids).count() == len(eve.task_ids)
    assert JobRerun.objects.get(job=eves_job, via="admin").by_name == "(deleted account)"
    assert rows_holding("eveQ7", "EVE-TEXT") == eves_rows
    assert not list(store.scan_iter(f"findus:limit:*:{ana.user.pk}:*"))
    assert len(list(store.scan_iter(f"findus:limit:*:{eve.user.pk}:*"))) == 3
    # The failed logins from where the learner deleted their account are forgotten; those from
    # other addresses cannot be found (Redis holds only a hash of name and address) and expire.
    assert not store.exists(here) and store.exists(elsewhere)
    assert client.get("/api/conversations").status_code == 401


def test_the_page_asks_for_the_password_then_deletes_everything_and_logs_out(ana):
    client = logged_in(ana.user)
    page = client.get("/account/delete/")
    assert page.status_code == 200
    assert b'type="password" name="password"' in page.content

    wrong = client.post("/account/delete/", {"password": "not-it"})
    assert wrong.status_code == 400
    assert b"nothing was deleted" in wrong.content
    assert User.objects.filter(pk=ana.user.pk).exists()

    done = client.post("/account/delete/", {"password": PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/account/deleted/"
    assert rows_holding("anaQ7", "ANA-TEXT") == []
    assert client.get("/account/deleted/").status_code == 200
    assert client.get("/")["Location"].startswith("/login/")


def test_repeated_wrong_passwords_are_refused_for_a_while_like_logins(ana, settings):
    settings.FINDUS_LOGIN_FAILURES_LIMIT = 2
    client = logged_in(ana.user)
    assert [delete(client, "guess").status_code for _ in range(2)] == [400, 400]

    refused = delete(client)

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert User.objects.filter(pk=ana.user.pk).exists()
    assert client.post("/account/delete/", {"password": PASSWORD}).status_code == 429
