"""The job list in the admin, as an operator reads it: newest first, whole on a 1280 px screen,
no Delete on rows that belong to the workers, and where each re-run came from."""

from __future__ import annotations

import os
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from chat.models import Conversation, Job, JobRerun, Message
from tests.browsers import chromium
from tests.helpers import PASSWORD
from tests.processes import start_uvicorn

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = "/admin/chat/job/"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
GAVE_UP = (
    "Gave up after 5 attempts. Last error: pydantic_ai.exceptions.ModelHTTPError: "
    "https://api.example.org/v1/chat/completions answered 503 Service Unavailable."
)


@pytest.fixture
def root(client) -> User:
    user = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(user)
    return user


def make_jobs(count: int) -> list[Job]:
    """Store `count` messages' jobs, oldest first, with long names and errors as in real life."""
    learner = User.objects.create_user("maria-fernanda.lopez-garcia", password=PASSWORD)
    conversation = Conversation.objects.create(
        owner=learner, language="pt", feedback_language="en", level="B1",
        title="Portuguese conversation",
    )  # fmt: skip
    start = timezone.now() - timedelta(hours=count)
    jobs = []
    for n in range(count):
        message = Message.objects.create(
            conversation=conversation, role=Message.Role.LEARNER, text=f"Eu tenho {n} gatos."
        )
        failed = n % 2 == 0
        jobs.append(
            Job.objects.create(
                kind="analysis" if n % 3 else "reply", owner=conversation.owner,
                conversation=conversation,
                message=message, state=Job.State.FAILED if failed else Job.State.SUCCEEDED,
                attempts=5 if failed else 4, run_started_at_attempt=0 if failed else 3,
                last_error=GAVE_UP if failed else "", celery_task_id=str(uuid.uuid4()),
                model_name="openai-chat:llama3.3:70b-instruct-q4_K_M",
                queued_at=start + timedelta(hours=n),
                finished_at=start + timedelta(hours=n, minutes=2),
            )
        )  # fmt: skip
    return jobs


def listed_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/admin/chat/job/(\d+)/change/', html)]


def test_the_job_list_shows_the_newest_job_first(client, root):
    jobs = make_jobs(3)

    listing = client.get(CHANGELIST).content.decode()

    assert listed_ids(listing) == [job.pk for job in reversed(jobs)]


def test_a_job_offers_no_delete_in_its_page_or_as_a_list_action(client, root):
    job = make_jobs(1)[0]

    listing = client.get(CHANGELIST)
    page = client.get(f"{CHANGELIST}{job.pk}/change/").content.decode()
    refused = client.post(f"{CHANGELIST}{job.pk}/delete/", {"post": "yes"})
    action = client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [job.pk], "post": "yes", "index": "0"},
    )

    actions = [name for name, _ in listing.context["action_form"].fields["action"].choices]
    assert "rerun_selected_jobs" in actions and "delete_selected" not in actions
    assert "deletelink" not in page and f"/admin/chat/job/{job.pk}/delete/" not in page
    assert refused.status_code == 403
    assert action.status_code in (200, 302)
    assert Job.objects.filter(pk=job.pk).exists()


def test_deleting_a_conversation_still_takes_its_jobs_with_it(client, root):
    job = make_jobs(1)[0]

    response = client.post(
        f"/admin/chat/conversation/{job.conversation_id}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Job.objects.exists()


def test_the_record_of_reruns_shows_where_each_came_from(client, root):
    job = make_jobs(1)[0]
    JobRerun.objects.create(
        job=job, by_name="shell:ops", via=JobRerun.Via.SHELL, previous_state=Job.State.FAILED,
        previous_attempts=5, previous_error=GAVE_UP, new_task_id=str(uuid.uuid4()),
    )  # fmt: skip

    listing = client.get("/admin/chat/jobrerun/")
    page = client.get(f"{CHANGELIST}{job.pk}/change/").content.decode()

    headers = [header["text"] for header in result_headers(listing.context["cl"])]
    assert "Origin" in headers
    assert 'class="field-origin">Shell</td>' in listing.content.decode()
    assert "Origin: Shell" in page


@pytest.fixture
def admin_site(django_db_setup):
    server, base = start_uvicorn("uvicorn-admin")
    yield base
    server.stop()


def test_at_1280_pixels_the_job_list_fits_with_its_task_column_in_view(admin_site):
    make_jobs(12)
    operator = Client()
    operator.force_login(User.objects.create_superuser("root", password=PASSWORD))
    session = operator.cookies["sessionid"].value

    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_cookies([{"name": "sessionid", "value": session, "url": admin_site}])
        page = context.new_page()
        page.goto(f"{admin_site}{CHANGELIST}")
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "admin-jobs-1280.png", full_page=True)
        task_header = page.locator("th.column-task_link").bounding_box()
        last_link = page.locator("td.field-task_link a").last.bounding_box()
        results = page.locator("#changelist .results")
        overflow = results.evaluate("element => element.scrollWidth - element.clientWidth")
        page_overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        context.close()

    assert overflow <= 0, f"the table is {overflow}px wider than its box"
    assert page_overflow <= 0, f"the page is {page_overflow}px wider than the window"
    assert task_header["x"] + task_header["width"] <= 1280
    assert last_link["x"] + last_link["width"] <= 1280
