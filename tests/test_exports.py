"""Exports through the API, made by a real worker: asked for (202 with the job), made, listed and
downloaded by their owner only, for a limited time; re-runnable like every job; capped per
learner; and deleted by the maintenance task once expired."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from chat.models import Export, Job
from chat.reruns import rerun_jobs
from findus.celery import app as celery_app
from tests.helpers import register
from tests.processes import wait_for
from tests.security.conftest import forget_limits, make_conversation, make_turn, make_user
from tests.test_export_files import make_card, notes_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_limits(clean_redis_db):
    forget_limits(clean_redis_db)
    yield
    forget_limits(clean_redis_db)


@pytest.fixture
def ana(client, local_worker):
    """A learner with two cards and a corrected message, logged in through the API."""
    user = User.objects.get(pk=register(client, "ana")["id"])
    make_card(user, sentence="Me gusta la cassa.", wrong="cassa", answer="casa")
    make_card(user, sentence="Ich habe ein Hund.", wrong="ein", answer="einen", language="de")
    make_turn(make_conversation(user), text="Me gusta la cassa.")
    return user


def ask(client: Client, **body) -> dict:
    response = client.post("/api/exports", body, content_type="application/json")
    assert response.status_code == 202, response.content
    return response.json()


def made(client: Client, export_id: int) -> dict:
    def finished():
        export = client.get(f"/api/exports/{export_id}").json()
        return export if export["state"] in ("succeeded", "failed") else None

    export = wait_for(finished, timeout=30, what=f"export {export_id} to be made")
    assert export["state"] == "succeeded", export["job"]["last_error"]
    return export


def test_a_csv_export_is_made_by_a_worker_and_downloaded_by_its_owner(client, ana):
    asked = ask(client, format="csv")
    assert asked["state"] == "queued" and asked["job"]["kind"] == "export"
    assert asked["download_url"] is None

    export = made(client, asked["id"])
    response = client.get(export["download_url"])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="findus-corrections-')
    assert response["Cache-Control"] == "private, no-store"
    _, row = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert row[3:6] == ["Me gusta la cassa.", "cassa", "casa"]
    assert export["size"] == len(response.content)
    assert [e["id"] for e in client.get("/api/exports").json()] == [asked["id"]]


def test_an_anki_export_of_one_language_holds_its_cards(client, ana, tmp_path):
    export = made(client, ask(client, format="anki", language="de")["id"])
    response = client.get(export["download_url"])

    assert response["Content-Type"] == "application/octet-stream"
    assert export["filename"].endswith(".apkg")
    [note] = notes_in(response.content, tmp_path)
    assert note["fields"][1] == "einen"
    assert Job.objects.get(pk=export["job"]["id"]).model_name == ""  # no model was asked


def test_another_learners_export_is_404_and_not_in_their_list(client, ana):
    export = made(client, ask(client, format="csv")["id"])
    other = Client()
    register(other, "eve")

    assert other.get(f"/api/exports/{export['id']}").status_code == 404
    assert other.get(f"/api/exports/{export['id']}/download").status_code == 404
    assert other.get("/api/exports").json() == []
    assert Client().get(f"/api/exports/{export['id']}/download").status_code == 401


def test_an_export_not_made_yet_is_409_and_an_expired_one_is_410(client, ana):
    job = Job.objects.create(kind="export", owner=ana, queued_at=timezone.now())  # never sent
    waiting = Export.objects.create(
        owner=ana, job=job, format="csv", expires_at=timezone.now() + timedelta(hours=1)
    )
    response = client.get(f"/api/exports/{waiting.pk}/download")
    assert response.status_code == 409
    assert "not ready" in response.json()["detail"]

    export = made(client, ask(client, format="csv")["id"])
    Export.objects.filter(pk=export["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(f"/api/exports/{export['id']}/download")
    assert response.status_code == 410
    assert "expired" in response.json()["detail"]
    listed = client.get(f"/api/exports/{export['id']}").json()
    assert listed["expired"] is True and listed["download_url"] is None


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"format": "pdf"}, 422),
        ({"language": "es"}, 422),
        ({"format": "csv", "language": "xx"}, 400),
        ({"format": "csv", "language": "es\x00"}, 400),
    ],
)
def test_a_bad_request_is_refused_and_stores_nothing(client, ana, body, status):
    response = client.post("/api/exports", body, content_type="application/json")
    assert response.status_code == status, response.content
    assert not Export.objects.exists()
    assert not Job.objects.filter(kind="export").exists()


def test_past_the_cap_an_export_is_429_and_stores_nothing(client, ana, settings):
    settings.FINDUS_EXPORTS_PER_HOUR = 2
    ask(client, format="csv"), ask(client, format="anki")

    response = client.post("/api/exports", {"format": "csv"}, content_type="application/json")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "2 exports in the last hour" in response.json()["detail"]
    assert Export.objects.count() == 2


def test_a_re_run_makes_the_export_again_from_the_data_as_it_is_now(client, ana, tmp_path):
    export = made(client, ask(client, format="anki")["id"])
    make_card(ana, sentence="Yo soy cansado.", wrong="soy", answer="estoy")

    rerun_jobs(jobs=[Job.objects.get(pk=export["job"]["id"])], by="ops", include_succeeded=True)
    wait_for(
        lambda: (
            client.get(f"/api/exports/{export['id']}").json()["job"]["attempts"] == 2
            and Job.objects.get(pk=export["job"]["id"]).state == "succeeded"
        ),
        timeout=30,
        what="the re-run",
    )

    response = client.get(f"/api/exports/{export['id']}/download")
    assert len(notes_in(response.content, tmp_path)) == 3


def test_expired_exports_are_deleted_by_the_maintenance_task_with_their_jobs(client, ana):
    kept = made(client, ask(client, format="csv")["id"])
    gone = made(client, ask(client, format="anki")["id"])
    Export.objects.filter(pk=gone["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))

    result = celery_app.send_task("findus.maintenance.delete_expired_exports")
    wait_for(lambda: not Export.objects.filter(pk=gone["id"]).exists(), timeout=20, what="cleanup")

    assert result.get(timeout=10) == 1
    assert not Job.objects.filter(pk=gone["job"]["id"]).exists()
    assert Export.objects.filter(pk=kept["id"]).exists()
    scheduled = settings.CELERY_BEAT_SCHEDULE["delete-expired-exports"]
    assert scheduled["task"] == "findus.maintenance.delete_expired_exports"
    assert scheduled["options"]["queue"] == "maintenance"


def test_the_export_job_is_declared_on_the_reviews_queue():
    from chat import kinds

    export = kinds.get("export")
    assert (export.queue, export.task_name) == ("reviews", "findus.export.make")
    assert set(kinds.queues()) == {"replies", "analysis", "reviews", "maintenance"}


def test_a_failed_export_shows_in_the_admin_and_is_re_run_from_the_shell(admin_client):
    owner = make_user("ana")
    now = timezone.now()
    job = Job.objects.create(
        kind="export", owner=owner, state="failed", last_error="Disk full.", queued_at=now
    )
    Export.objects.create(owner=owner, job=job, format="csv", expires_at=now + timedelta(hours=1))

    listed = admin_client.get("/admin/chat/job/")
    assert listed.status_code == 200 and b"Disk full." in listed.content
    assert admin_client.get(f"/admin/chat/job/{job.pk}/change/").status_code == 200
    out = io.StringIO()
    call_command("rerun_failed", "--kind", "export", "--dry-run", stdout=out)
    assert f"would re-run job #{job.pk} export for ana: Disk full." in out.getvalue()
