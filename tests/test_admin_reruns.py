"""Re-running jobs from the Django admin, against a real worker and the fake provider.

The worker allows 3 attempts per run with sub-second backoff (the provider_worker fixture).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.urls import reverse

from chat import services
from chat.models import GrammarAnalysis, Job, JobRerun, Message
from tests.helpers import PASSWORD, SENTENCE, task_result
from tests.processes import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = "/admin/chat/job/"
FAILED_PAGE = "/admin/chat/job/failed/"
FINISHED = (Job.State.SUCCEEDED, Job.State.FAILED)


def staff(username: str, *permissions: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    codenames = [permission.split(".", 1)[1] for permission in permissions]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def operator(client) -> User:
    user = staff("olga", "chat.view_job", "chat.rerun_job", "chat.view_jobrerun")
    client.force_login(user)
    return user


@pytest.fixture
def conversation(provider_worker, fake):
    learner = User.objects.create_user("ana", password=PASSWORD)
    return services.start_conversation(
        owner=learner, language="es", feedback_language="en", level="A2"
    )


def post(conversation, text: str = SENTENCE) -> tuple[Job, Job]:
    """Post a learner message; return its (reply, analysis) jobs once both have finished."""
    _, jobs = services.post_message(conversation=conversation, text=text)
    reply, analysis = settled(*jobs)
    return reply, analysis


def settled(*jobs: Job, timeout: float = 30) -> list[Job]:
    """Wait until none of the jobs is queued or running; return them fresh from the database."""

    def finished() -> list[Job] | None:
        fresh = [Job.objects.get(pk=job.pk) for job in jobs]
        return fresh if all(job.state in FINISHED for job in fresh) else None

    return wait_for(finished, timeout=timeout, interval=0.1, what="jobs to finish")


def rerun_action(client, *jobs: Job, **extra: str):
    data = {
        "action": "rerun_selected_jobs",
        "_selected_action": [job.pk for job in jobs],
        "index": "0",
        "select_across": "0",
        **extra,
    }
    return client.post(CHANGELIST, data)


def notices(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_failed_job_rerun_from_the_admin_runs_again_to_success(
    client, operator, conversation, fake
):
    fake.default = "400"
    _, analysis = post(conversation)
    assert analysis.state == "failed" and "HTTP 400" in analysis.last_error
    old_task_id, old_error = analysis.celery_task_id, analysis.last_error

    fake.default = "slow:2"
    response = rerun_action(client, analysis)

    assert response.status_code == 302
    assert any(f"Re-ran 1 job(s): #{analysis.pk}" in notice for notice in notices(response))
    analysis.refresh_from_db()
    # Until the new run lands, the job shows the old error under a new task.
    assert analysis.state in ("queued", "running")
    assert analysis.last_error == old_error
    assert analysis.celery_task_id != old_task_id
    rerun = JobRerun.objects.get(job=analysis)
    assert (rerun.by, rerun.by_name, rerun.via) == (operator, "olga", "admin")
    assert (rerun.previous_state, rerun.previous_attempts) == ("failed", 1)
    assert rerun.previous_error == old_error
    assert (rerun.previous_task_id, rerun.new_task_id) == (old_task_id, analysis.celery_task_id)

    [analysis] = settled(analysis)
    assert analysis.state == "succeeded" and analysis.last_error == ""
    # The re-run is one more attempt: the count goes on from the failed run's.
    assert analysis.attempts == 2
    assert GrammarAnalysis.objects.filter(message=analysis.message).count() == 1
    assert task_result(analysis.celery_task_id).status == "SUCCESS"
    listing = client.get(CHANGELIST).content.decode()
    assert "2 (1 in this run)" in listing


def test_a_job_that_used_every_attempt_gets_a_fresh_budget_when_rerun(
    client, operator, conversation, fake
):
    fake.default = "500"
    _, analysis = post(conversation)
    assert analysis.state == "failed" and analysis.attempts == 3
    assert "Gave up after 3 attempts" in analysis.last_error

    fake.default = "ok"
    rerun_action(client, analysis)
    [analysis] = settled(analysis)

    assert analysis.state == "succeeded"
    assert analysis.attempts == 4
    assert JobRerun.objects.get(job=analysis).previous_attempts == 3
    assert "4 (1 in this run)" in client.get(CHANGELIST).content.decode()


def test_rerunning_succeeded_jobs_asks_for_confirmation_and_replaces_their_results(
    client, operator, conversation, fake
):
    reply, analysis = post(conversation)
    assert (reply.state, analysis.state) == ("succeeded", "succeeded")
    old_reply = Message.objects.get(in_reply_to=analysis.message)
    task_ids = {reply.celery_task_id, analysis.celery_task_id}

    response = rerun_action(client, reply, analysis)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Yes, re-run them" in page and f"#{reply.pk} reply" in page
    assert not JobRerun.objects.exists()
    assert {job.celery_task_id for job in Job.objects.all()} == task_ids

    fake.default = "slow:2"
    response = rerun_action(client, reply, analysis, confirmed="yes")

    assert response.status_code == 302
    assert JobRerun.objects.filter(previous_state="succeeded").count() == 2
    # The previous results stay visible while the new run works.
    assert Message.objects.get(in_reply_to=analysis.message).text == old_reply.text
    assert GrammarAnalysis.objects.filter(message=analysis.message).exists()
    reply, analysis = settled(reply, analysis)
    assert (reply.state, analysis.state) == ("succeeded", "succeeded")
    assert {reply.celery_task_id, analysis.celery_task_id}.isdisjoint(task_ids)
    # Results are replaced in place: still one reply and one analysis for the message.
    assert Message.objects.filter(in_reply_to=analysis.message).count() == 1
    assert Message.objects.get(in_reply_to=analysis.message).pk == old_reply.pk
    assert GrammarAnalysis.objects.filter(message=analysis.message).count() == 1


def test_queued_and_running_jobs_are_skipped_with_a_message(client, operator, conversation, fake):
    fake.default = "slow:2"
    _, jobs = services.post_message(conversation=conversation, text=SENTENCE)
    task_ids = {job.celery_task_id for job in jobs}

    response = rerun_action(client, *jobs)

    assert response.status_code == 302
    [notice] = notices(response)
    assert "Skipped 2 job(s) still queued or running" in notice
    assert not JobRerun.objects.exists()
    assert {job.celery_task_id for job in settled(*jobs)} == task_ids


def test_a_staff_user_without_the_rerun_permission_gets_403(client, conversation, fake):
    fake.default = "400"
    _, analysis = post(conversation)
    client.force_login(staff("sam", "chat.view_job"))

    assert client.get(CHANGELIST).status_code == 200
    assert rerun_action(client, analysis).status_code == 403
    page = client.get(FAILED_PAGE)
    assert page.status_code == 200 and "Re-run all" not in page.content.decode()
    assert client.post(FAILED_PAGE).status_code == 403
    assert client.post(FAILED_PAGE, {"kind": "analysis"}).status_code == 403

    analysis.refresh_from_db()
    assert analysis.state == "failed"
    assert not JobRerun.objects.exists()


def test_a_user_who_is_not_staff_cannot_reach_the_admin(client, conversation, fake):
    fake.default = "400"
    _, analysis = post(conversation)
    client.force_login(User.objects.create_user("nina", password=PASSWORD))

    for response in (client.get(CHANGELIST), rerun_action(client, analysis),
                     client.post(FAILED_PAGE)):  # fmt: skip
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    analysis.refresh_from_db()
    assert analysis.state == "failed"
    assert not JobRerun.objects.exists()


def test_the_failed_jobs_page_counts_failures_per_kind_and_reruns_one_kind(
    client, operator, conversation, fake
):
    fake.default = "400"
    post(conversation, "Hola, me gusta la cassa.")
    post(conversation, "Tengo un perro.")
    settled(services.end_conversation(conversation=conversation))

    page = client.get(FAILED_PAGE)

    assert page.status_code == 200
    counts = {row["kind"]: row["count"] for row in page.context["kinds"]}
    assert counts == {"reply": 2, "analysis": 2, "review": 1} | {
        kind: 0 for kind in counts if kind not in ("reply", "analysis", "review")
    }
    assert "Re-run all 5 failed jobs" in page.content.decode()

    fake.default = "ok"
    response = client.post(FAILED_PAGE, {"kind": "analysis"})

    assert response.status_code == 302 and response["Location"] == FAILED_PAGE
    rerun_jobs = Job.objects.filter(reruns__isnull=False)
    assert sorted(rerun_jobs.values_list("kind", flat=True)) == ["analysis", "analysis"]
    settled(*rerun_jobs)
    assert set(Job.objects.filter(kind="analysis").values_list("state", flat=True)) == {"succeeded"}
    assert set(Job.objects.exclude(kind="analysis").values_list("state", flat=True)) == {"failed"}

    client.post(FAILED_PAGE)
    settled(*Job.objects.all())
    assert set(Job.objects.values_list("state", flat=True)) == {"succeeded"}
    assert client.get(FAILED_PAGE).context["total"] == 0


def test_the_job_list_shows_the_error_of_failed_jobs_and_filters_them(
    client, operator, conversation, fake
):
    fake.default = "400"
    _, analysis = post(conversation)

    response = client.get(CHANGELIST, {"state__exact": "failed", "kind__exact": "analysis",
                                       "conversation__language__exact": "es"})  # fmt: skip

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [analysis]
    assert "Bad request: model not allowed" in response.content.decode()
    assert "Bad request" in client.get(CHANGELIST, {"q": "model not allowed"}).content.decode()


def test_a_job_links_to_its_celery_task_result(client, operator, conversation, fake):
    _, analysis = post(conversation)
    result = task_result(analysis.celery_task_id)

    page = client.get(reverse("admin:chat_job_change", args=[analysis.pk])).content.decode()
    assert reverse("admin:django_celery_results_taskresult_change", args=[result.pk]) in page

    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    listing = client.get(CHANGELIST).content.decode()
    link = f"/admin/django_celery_results/taskresult/?task_id={analysis.celery_task_id}"
    assert link in listing
    filtered = client.get(link)
    assert filtered.status_code == 200  # an unknown filter would redirect with ?e=1
    assert list(filtered.context["cl"].result_list) == [result]


def test_the_record_of_reruns_is_read_only_even_for_a_superuser(client, conversation, fake):
    fake.default = "400"
    _, analysis = post(conversation)
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    rerun_action(client, analysis)
    rerun = JobRerun.objects.get()

    listing = client.get("/admin/chat/jobrerun/")
    assert listing.status_code == 200 and "root" in listing.content.decode()
    assert client.get("/admin/chat/jobrerun/add/").status_code == 403
    assert (
        client.post(f"/admin/chat/jobrerun/{rerun.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    client.post(f"/admin/chat/jobrerun/{rerun.pk}/change/", {"by_name": "someone else"})
    rerun.refresh_from_db()
    assert rerun.by_name == "root"
    assert JobRerun.objects.count() == 1


def test_every_list_searches_and_filters_and_a_conversation_shows_its_jobs(
    client, conversation, fake
):
    _, analysis = post(conversation)
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))

    for model in ("conversation", "message", "grammaranalysis", "review", "job", "jobrerun"):
        response = client.get(f"/admin/chat/{model}/", {"q": "ana"})
        assert response.status_code == 200, model
        assert response.context["cl"].query == "ana", model
    page = client.get(reverse("admin:chat_conversation_change", args=[conversation.pk]))
    assert page.status_code == 200
    assert f"/admin/chat/job/{analysis.pk}/change/" in page.content.decode()
