"""The account and exports pages in a real Chromium, against uvicorn with a real worker: a
learner makes an Anki deck and a CSV and downloads them (the page polls the API while one is
being made), downloads their data, and deletes their account after a confirmation step.

Screenshots of the account, exports and delete pages, at phone and desktop widths, are saved in
tests/screenshots/.
"""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from chat.models import Export, Job
from chat.sending import send_job
from tests.browsers import register, shoot
from tests.helpers import PASSWORD
from tests.processes import web_and_worker
from tests.security.conftest import make_conversation, make_turn
from tests.test_export_files import make_card, notes_in

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def app(django_db_setup, clean_redis_db):
    with web_and_worker("account") as base:
        yield base
    clean_redis_db.flushdb()


def test_a_learner_makes_exports_and_downloads_them(app, page, tmp_path):
    learner = register(page, app, "nora")
    make_card(learner, sentence="Me gusta la cassa.", wrong="cassa", answer="casa")
    make_card(learner, sentence="Yo soy cansado.", wrong="soy", answer="estoy")
    make_turn(make_conversation(learner), text="Me gusta la cassa.")
    # An export asked for while no worker had it yet: its task is sent once the page is open.
    job = Job.objects.create(kind="export", owner=learner, queued_at=timezone.now(),
                             celery_task_id="waiting-for-the-test")  # fmt: skip
    waiting = Export.objects.create(
        owner=learner, job=job, format="anki", expires_at=timezone.now() + timedelta(days=1)
    )

    page.click("text=Account")
    expect(page.locator("h1")).to_have_text("Your account")
    shoot(page, "account")
    page.click("text=Make and download exports")
    row = page.locator(f"#export-{waiting.pk}")
    expect(row).to_contain_text("Waiting to be made")
    send_job(job_id=job.pk, kind="export", task_id=job.celery_task_id)
    # The page asks the API until the export is made, then offers it.
    link = row.locator("a.download")
    expect(link).to_be_visible(timeout=20_000)
    expect(row).to_have_attribute("data-state", "succeeded")
    with page.expect_download() as download:
        link.click()
    deck = Path(download.value.path()).read_bytes()
    assert {note["fields"][1] for note in notes_in(deck, tmp_path)} == {"casa", "estoy"}

    page.check("#id_format_1")  # Corrections (CSV)
    page.select_option("#id_language", "es")
    page.click("text=Make the export")
    newest = page.locator("li.export").first
    expect(newest).to_contain_text("Corrections (CSV)")
    expect(newest).to_contain_text("Spanish")
    expect(newest.locator("a.download")).to_be_visible(timeout=20_000)
    with page.expect_download() as download:
        newest.locator("a.download").click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1][4:6] == ["cassa", "casa"]
    shoot(page, "exports")
    assert page.console_errors == []


def test_a_learner_downloads_their_data_then_deletes_their_account(app, page):
    learner = register(page, app, "olga")
    make_turn(make_conversation(learner), text="Me gusta la cassa de Olga.")
    page.goto(f"{app}/account/")

    with page.expect_download() as download:
        page.click("text=Download my data")
    data = json.loads(Path(download.value.path()).read_text())
    assert data["account"]["username"] == "olga"
    assert data["conversations"][0]["messages"][0]["text"] == "Me gusta la cassa de Olga."

    page.click("text=Delete my account…")
    expect(page.locator("h1")).to_have_text("Delete your account")
    shoot(page, "account-delete")
    page.fill("#id_password", "not-my-password")
    page.click("button.danger")
    expect(page.locator(".error")).to_have_text("That is not your password; nothing was deleted.")
    assert User.objects.filter(username="olga").exists()

    page.fill("#id_password", PASSWORD)
    page.click("button.danger")
    expect(page.locator("h1")).to_have_text("Your account is deleted")
    assert not User.objects.filter(username="olga").exists()
    page.goto(f"{app}/")
    expect(page.locator("h1")).to_have_text("Log in")
    # The wrong password's answer (400) is the only error the browser saw.
    assert [e for e in page.console_errors if "400 (Bad Request)" not in e] == []
