"""Production settings: Django's deploy check with .env.example's values, and the worker's log."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from chat import services
from chat.models import Job
from tests.helpers import PASSWORD, SENTENCE
from tests.processes import ROOT, Process, child_env, wait_for

PROCESS_BASICS = ("PATH", "HOME", "LANG", "TMPDIR", "VIRTUAL_ENV")


def env_example() -> dict[str, str]:
    """Return the variables .env.example sets (commented-out ones are left unset)."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if re.match(r"^[A-Z_]+=", line))


def deploy_check(tmp_path, **overrides: str) -> subprocess.CompletedProcess[str]:
    # A clean environment, as in production: only what Python needs, then .env.example. (Tests
    # earlier in the run may have set variables such as DJANGO_ALLOW_ASYNC_UNSAFE.)
    env = {
        **{name: os.environ[name] for name in PROCESS_BASICS if name in os.environ},
        **env_example(),
        # The check does not connect to either, but keep them off the production addresses.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": settings.REDIS_URL,
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_production_values_of_env_example_pass_the_deploy_check(tmp_path):
    assert env_example()["DEBUG"] == "false"

    finished = deploy_check(tmp_path)

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "System check identified no issues" in finished.stdout


def test_the_deploy_check_fails_on_an_insecure_value(tmp_path):
    finished = deploy_check(tmp_path, SECURE_SSL_REDIRECT="false")

    assert finished.returncode != 0
    assert "security.W008" in finished.stderr


@pytest.fixture
def quiet_worker(django_db_setup, fake_ai, clean_redis_db):
    """A real worker at --loglevel WARNING, as an operator might run it to cut Celery's noise."""
    args = [sys.executable, "-m", "celery", "-A", "findus", "worker", "--loglevel", "WARNING",
            "--hostname", "worker-logging@%h", "--concurrency", "4", "--without-mingle",
            "--without-gossip"]  # fmt: skip
    env = child_env(
        FINDUS_AI_MODEL="openai-chat:fake-1", OPENAI_BASE_URL=fake_ai.url, OPENAI_API_KEY="test-key"
    )
    worker = Process("worker-logging", args, env)
    yield worker
    worker.stop()
    clean_redis_db.flushdb()


@pytest.mark.django_db(transaction=True)
def test_a_worker_logs_one_line_per_job_transition(quiet_worker, fake):
    learner = User.objects.create_user("ana", password=PASSWORD)
    conversation = services.start_conversation(
        owner=learner, language="es", feedback_language="en", level="A2"
    )
    _, jobs = services.post_message(conversation=conversation, text=SENTENCE)
    wait_for(
        lambda: set(Job.objects.values_list("state", flat=True)) == {"succeeded"},
        timeout=60, what="the jobs to succeed (the worker starts first)",
    )  # fmt: skip
    log = quiet_worker.output()

    for job in jobs:
        for state in ("running", "succeeded"):
            line = rf"\] job={job.pk} kind={job.kind} state={state} attempt=1 duration=[\d.]+s$"
            # Exactly once: one handler (Celery's, which took over the root logger), no echo.
            assert len(re.findall(line, log, re.M)) == 1, log
    # Celery's own INFO lines are off at --loglevel WARNING; the job lines stay.
    assert "Task findus.reply.write" not in log
