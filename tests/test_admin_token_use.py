"""Token use in the admin: the tokens the jobs spent per UTC day, model and learner, added up
from the Job rows, newest day first, filterable by day and model, for staff who may see jobs."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.models import Job
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/admin/chat/tokenuse/"
MONDAY = datetime(2030, 1, 7, tzinfo=UTC)
TUESDAY = MONDAY + timedelta(days=1)
BIG = "openai-chat:gpt-big"
SMALL = "openai-chat:gpt-small"


@pytest.fixture
def root(client) -> User:
    user = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(user)
    return user


def spent(owner: User, finished_at: datetime, model_name: str, tokens, **fields) -> Job:
    """Store a finished job of `owner` that used (input, output) tokens."""
    input_tokens, output_tokens = tokens
    return Job.objects.create(
        kind="export", owner=owner, state=fields.pop("state", Job.State.SUCCEEDED),
        model_name=model_name, input_tokens=input_tokens, output_tokens=output_tokens,
        celery_task_id=str(uuid.uuid4()), queued_at=finished_at - timedelta(minutes=1),
        finished_at=finished_at, **fields,
    )  # fmt: skip


@pytest.fixture
def learners() -> tuple[User, User]:
    ana = User.objects.create_user("ana", password=PASSWORD)
    bruno = User.objects.create_user("bruno", password=PASSWORD)
    # Monday, UTC: the last second of the day still counts for Monday.
    spent(ana, MONDAY + timedelta(hours=9), BIG, (100, 10))
    spent(ana, MONDAY + timedelta(hours=23, minutes=59, seconds=59), BIG, (200, 20))
    spent(ana, MONDAY + timedelta(hours=10), SMALL, (5, 1))
    spent(bruno, MONDAY + timedelta(hours=11), BIG, (1000, 100))
    # Tuesday, from its first second.
    spent(ana, TUESDAY, BIG, (7, None))
    spent(bruno, TUESDAY + timedelta(hours=8), SMALL, (30, 3))
    # A failed job's model, and one still running, spent nothing recorded.
    spent(bruno, TUESDAY + timedelta(hours=9), SMALL, (None, None), state=Job.State.FAILED)
    spent(bruno, TUESDAY + timedelta(hours=9), BIG, (None, None), state=Job.State.RUNNING)
    return ana, bruno


def listed(page: str) -> list[tuple[str, ...]]:
    """Return the table's rows as (day, model, learner, input, output, total, jobs)."""
    body = re.search(r'<table id="token-use">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [
        tuple(html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells)
        for cells in (re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in body.split("</tr>"))
        if len(cells) == 7
    ]


def test_staff_see_tokens_per_day_model_and_learner_newest_day_first(client, root, learners):
    page = client.get(PAGE)

    assert page.status_code == 200
    assert listed(page.content.decode()) == [
        ("2030-01-08", BIG, "ana", "7", "0", "7", "1"),
        ("2030-01-08", SMALL, "bruno", "30", "3", "33", "1"),
        ("2030-01-07", BIG, "ana", "300", "30", "330", "2"),
        ("2030-01-07", BIG, "bruno", "1000", "100", "1100", "1"),
        ("2030-01-07", SMALL, "ana", "5", "1", "6", "1"),
    ]


def test_the_list_filters_by_day_and_by_model(client, root, learners):
    monday = listed(client.get(PAGE, {"day": "2030-01-07"}).content.decode())
    small = listed(client.get(PAGE, {"model": SMALL}).content.decode())
    both = listed(client.get(PAGE, {"day": "2030-01-08", "model": SMALL}).content.decode())
    nothing = client.get(PAGE, {"day": "2030-01-09"}).content.decode()

    assert [row[:3] for row in monday] == [
        ("2030-01-07", BIG, "ana"), ("2030-01-07", BIG, "bruno"), ("2030-01-07", SMALL, "ana"),
    ]  # fmt: skip
    assert [row[:3] for row in small] == [
        ("2030-01-08", SMALL, "bruno"), ("2030-01-07", SMALL, "ana"),
    ]  # fmt: skip
    assert both == [("2030-01-08", SMALL, "bruno", "30", "3", "33", "1")]
    assert listed(nothing) == [] and "No succeeded jobs match." in nothing


def test_a_day_that_is_not_a_date_is_400(client, root, learners):
    assert client.get(PAGE, {"day": "yesterday"}).status_code == 400


def test_the_figures_come_from_one_query_however_many_learners(client, root):
    for n in range(30):
        spent(User.objects.create_user(f"learner{n}"), MONDAY, BIG, (n, 1))

    with CaptureQueriesContext(connection) as queries:
        page = client.get(PAGE)

    rows = listed(page.content.decode())
    assert len(rows) == 30 and sum(int(row[5]) for row in rows) == sum(range(30)) + 30
    on_jobs = [query["sql"] for query in queries if '"chat_job"' in query["sql"]]
    # The rows, their count for the pages, and the models for the filter.
    assert len(on_jobs) == 3


def test_the_admin_index_and_the_job_list_link_to_it(client, root):
    index = client.get("/admin/").content.decode()
    jobs = client.get("/admin/chat/job/").content.decode()

    assert f'href="{PAGE}"' in index and "Token use" in index
    assert f'href="{PAGE}"' in jobs


def test_it_is_read_only(client, root, learners):
    job = Job.objects.first()
    assert client.get(f"{PAGE}add/").status_code == 404
    assert client.get(f"{PAGE}{job.pk}/change/").status_code == 404
    deleting = client.post(PAGE, {"action": "delete_selected", "_selected_action": [job.pk]})

    assert deleting.status_code == 405
    assert Job.objects.filter(pk=job.pk).exists()


def test_a_learner_is_sent_to_the_admin_login_and_sees_no_figures(client, learners):
    client.force_login(learners[0])

    page = client.get(PAGE)

    assert page.status_code == 302 and page["Location"].startswith("/admin/login/")
    assert "1100" not in client.get(PAGE, follow=True).content.decode()


def test_staff_who_may_not_see_jobs_are_refused(client, learners):
    clerk = User.objects.create_user("clerk", password=PASSWORD, is_staff=True)
    client.force_login(clerk)
    assert client.get(PAGE).status_code == 403

    clerk.user_permissions.add(Permission.objects.get(codename="view_job"))
    assert client.get(PAGE).status_code == 200
