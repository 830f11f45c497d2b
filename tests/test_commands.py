"""The operator's shell commands: `rerun_failed` against a real worker, and the read-only `jobs`."""

from __future__ import annotations

import getpass
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from chat import kinds, services
from chat.models import Conversation, Job, JobRerun, Message
from tests.helpers import PASSWORD, SENTENCE
from tests.processes import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

FINISHED = (Job.State.SUCCEEDED, Job.State.FAILED)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def settled(*jobs: Job, timeout: float = 30) -> list[Job]:
    def finished() -> list[Job] | None:
        fresh = [Job.objects.get(pk=job.pk) for job in jobs]
        return fresh if all(job.state in FINISHED for job in fresh) else None

    return wait_for(finished, timeout=timeout, interval=0.1, what="jobs to finish")


@pytest.fixture
def learner() -> User:
    return User.objects.create_user("ana", password=PASSWORD)


@pytest.fixture
def conversation(learner) -> Conversation:
    return services.start_conversation(
        owner=learner, language="es", feedback_language="en", level="A2"
    )


@pytest.fixture
def failed_jobs(provider_worker, fake, conversation) -> list[Job]:
    """Two messages' reply and analysis jobs, all failed by the provider's 400."""
    fake.default = "400"
    jobs = []
    for text in (SENTENCE, "Tengo un perro."):
        jobs += services.post_message(conversation=conversation, text=text)[1]
    jobs = settled(*jobs)
    assert {job.state for job in jobs} == {"failed"}
    fake.default = "ok"
    return jobs


def test_a_dry_run_lists_the_failed_jobs_of_a_kind_and_changes_nothing(failed_jobs):
    output = run("rerun_failed", "--kind", "analysis", "--dry-run")

    analyses = [job for job in failed_jobs if job.kind == "analysis"]
    for job in analyses:
        assert f"would re-run job #{job.pk} analysis in conversation #{job.conversation_id}" in (
            output
        )
    assert "HTTP 400" in output
    assert "reply" not in output
    assert "Dry run: 2 job(s) would be re-run." in output
    assert not JobRerun.objects.exists()
    assert {job.state for job in Job.objects.all()} == {"failed"}


def test_rerun_failed_enqueues_the_jobs_and_a_worker_runs_them_to_success(failed_jobs):
    output = run("rerun_failed", "--kind", "reply")

    replies = [job for job in failed_jobs if job.kind == "reply"]
    for job in replies:
        assert f"re-ran job #{job.pk} reply in conversation #{job.conversation_id}" in output
    assert "Re-ran 2 job(s)" in output
    records = JobRerun.objects.all()
    assert {record.job_id for record in records} == {job.pk for job in replies}
    assert {(r.via, r.by, r.by_name) for r in records} == {
        ("shell", None, f"shell:{getpass.getuser()}")
    }
    assert {job.state for job in settled(*replies)} == {"succeeded"}
    assert Message.objects.filter(role="tutor").count() == 2
    assert set(Job.objects.filter(kind="analysis").values_list("state", flat=True)) == {"failed"}


def test_since_and_limit_narrow_the_jobs_rerun(failed_jobs):
    old = failed_jobs[0]
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(hours=3))

    output = run("rerun_failed", "--since", "2h", "--limit", "1", "--dry-run")
    assert "Dry run: 1 job(s) would be re-run." in output
    assert f"job #{old.pk} " not in output

    output = run("rerun_failed", "--since", "2h")
    assert "Re-ran 3 job(s)" in output
    assert not JobRerun.objects.filter(job=old).exists()
    settled(*failed_jobs)


def test_rerun_failed_says_so_when_nothing_matches(conversation):
    assert "No failed job matches." in run("rerun_failed", "--kind", "review")


@pytest.mark.parametrize("since", ["2", "two hours", "2w", "-3h"])
def test_rerun_failed_refuses_a_duration_it_cannot_read(since):
    with pytest.raises(CommandError, match="not a duration"):
        run("rerun_failed", f"--since={since}")


def test_jobs_counts_per_kind_and_state_and_the_oldest_queued_jobs_age(conversation):
    now = timezone.now()
    rows = [("reply", "succeeded", 1), ("analysis", "failed", 2), ("reply", "queued", 200),
            ("analysis", "queued", 90), ("analysis", "running", 5)]  # fmt: skip
    for kind, state, minutes_ago in rows:
        message = Message.objects.create(conversation=conversation, role="learner", text="Hola")
        Job.objects.create(kind=kind, state=state, owner=conversation.owner,
                           conversation=conversation, message=message,
                           queued_at=now - timedelta(minutes=minutes_ago))  # fmt: skip
    oldest = Job.objects.get(kind="reply", state="queued")

    lines = run("jobs").splitlines()

    assert lines[0].split() == ["kind", "queued", "running", "succeeded", "failed"]
    table = {cells[0]: cells[1:] for cells in (line.split() for line in lines[1:-1])}
    assert list(table) == [*kinds.names(), "total"]  # every kind has its row, in rank order
    assert table.pop("reply") == ["1", "0", "1", "0"]
    assert table.pop("analysis") == ["1", "1", "0", "1"]
    assert table.pop("total") == ["2", "1", "1", "1"]
    assert all(counts == ["0", "0", "0", "0"] for counts in table.values())  # review, ...
    assert lines[-1] == f"Oldest queued job: #{oldest.pk} (reply), queued 3h 20m ago."
    # Read only: nothing was touched.
    assert Job.objects.filter(state="queued").count() == 2


def test_jobs_says_when_nothing_is_queued(conversation):
    assert run("jobs").splitlines()[-1] == "No job is queued."
