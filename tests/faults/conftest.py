"""The fault tests' own findus per test, and the figures every test records.

Each test gets a `deployment`: a redis-server of its own on a free loopback port (so stopping,
killing or emptying Redis touches nothing shared), and the workers, beat and web processes it
starts against it. The test process's Celery app sends to that Redis too, so `services` calls
and `reconcile()` in the test behave like the web and the maintenance worker. Only the AI
provider is faked (tests/fakeai.py).
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import kombu.pools
import pytest
import redis
from django.db import connection

import chat.sending
from chat.models import Job, Message
from findus.celery import app
from tests.fakeai import FakeAI
from tests.processes import Process, start_beat, start_redis, start_uvicorn, start_worker

FIGURES = Path(__file__).with_name("figures.json")

# Short limits, so a fault and its recovery fit in seconds. Workers get them from the
# environment; the test process (which runs `reconcile()`) gets the same through `settings`.
FAST = {
    "FINDUS_JOB_MAX_ATTEMPTS": 3,
    "FINDUS_RETRY_BACKOFF_BASE": 0.2,
    "FINDUS_RETRY_BACKOFF_MAX": 1.0,
    "FINDUS_AI_REQUEST_TIMEOUT": 3.0,
    "CELERY_TASK_SOFT_TIME_LIMIT": 5,
    "CELERY_TASK_TIME_LIMIT": 8,
    "FINDUS_RECONCILE_QUEUED_AFTER": 2,
    "FINDUS_RECONCILE_RUNNING_GRACE": 0,
}
FINISHED = (Job.State.SUCCEEDED, Job.State.FAILED)


class Deployment:
    """A findus of the test's own: Redis, workers, beat and web, all on loopback."""

    def __init__(self, fake: FakeAI, limits: dict[str, Any], tmp_path: Path, label: str) -> None:
        self.fake = fake
        self.limits = limits
        self.tmp_path = tmp_path
        self.label = label
        self.processes: list[Process] = []
        self.workers: dict[Process, tuple[str, int, dict[str, object]]] = {}
        self.crashed: list[str] = []
        self.redis_process, self.redis_port = start_redis(f"{label}-redis")
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.redis = redis.Redis.from_url(self.redis_url, socket_timeout=5)

    def env(self, **overrides: object) -> dict[str, str]:
        """Return the environment of a worker, beat or web process of this deployment."""
        values = {
            **self.limits,
            "REDIS_URL": self.redis_url,
            "FINDUS_AI_MODEL": "openai-chat:fake-1",
            "OPENAI_BASE_URL": self.fake.url,
            "OPENAI_API_KEY": "test-key",
            "LOG_LEVEL": "INFO",
            **overrides,
        }
        return {name: str(value) for name, value in values.items()}

    def start_worker(self, name: str, *, concurrency: int = 4, **env: object) -> Process:
        # findus builds the model (importing the OpenAI SDK) before the worker consumes.
        worker = start_worker(f"{self.label}-{name}", concurrency=concurrency, **self.env(**env))
        self.processes.append(worker)
        self.workers[worker] = (name, concurrency, env)
        return worker

    def revive_crashed_workers(self) -> int:
        """Start a new worker for each that exited on its own, as a supervisor would (compose's
        `restart: unless-stopped`); return how many. Killed workers are the test's business."""
        revived = 0
        for worker, (name, concurrency, env) in list(self.workers.items()):
            if worker.popen.poll() is None or worker.killed:
                continue
            del self.workers[worker]
            self.crashed.append(f"{worker.name}: exit status {worker.popen.returncode}")
            self.start_worker(f"{name}-revived", concurrency=concurrency, **env)
            revived += 1
        return revived

    def kill(self, process: Process, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to a worker's main process, on purpose: it is not revived."""
        process.killed = True
        os.kill(process.popen.pid, sig)

    def start_beat(self, **env: object) -> Process:
        env = {"FINDUS_RECONCILE_INTERVAL": 1, **env}
        beat = start_beat(
            f"{self.label}-beat", self.tmp_path / "celerybeat-schedule", **self.env(**env)
        )
        self.processes.append(beat)
        return beat

    def start_web(self, **env: object) -> str:
        server, base = start_uvicorn(f"{self.label}-web", **self.env(**env))
        self.processes.append(server)
        return base

    def stop_redis(self) -> None:
        """Kill Redis the hard way: whatever it held in memory is gone."""
        self.redis_process.stop(signal.SIGKILL)

    def start_redis_again(self) -> None:
        """Start an empty Redis on the same port, as after a restart without persistence."""
        self.redis_process, _ = start_redis(f"{self.label}-redis-again", self.redis_port)

    def logs(self) -> str:
        """Return every worker, beat and web log of this deployment, killed processes' too."""
        return "\n".join(process.log_path.read_text(errors="replace") for process in self.processes)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop(timeout=10)
        self.redis.close()
        self.redis_process.stop(signal.SIGKILL)


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point this process's Celery app (the web's sends, the reconciler's reads) at `url`."""
    previous = app.conf.broker_url
    _drop_broker_connections()
    app.conf.broker_url = url
    try:
        yield
    finally:
        _drop_broker_connections()
        app.conf.broker_url = previous


def _drop_broker_connections() -> None:
    # kombu keeps its pools in a registry keyed by host, port and db: closing only the app's
    # pool would leave a closed pool there, which the next send to that URL (this one restored,
    # or a later test's Redis on a reused port) gets back: "Acquire on closed pool".
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "limits(**settings): the test's own values for FAST's limits (conftest)"
    )
    config.addinivalue_line("markers", "slow: a test that runs for minutes (CI runs it too)")


@pytest.fixture
def deployment(request, fake, settings, tmp_path) -> Iterator[Deployment]:
    limits = dict(FAST)
    # Module markers first, then the test's own, which win.
    for marker in reversed(list(request.node.iter_markers("limits"))):
        limits.update(marker.kwargs)
    for name, value in limits.items():
        setattr(settings, name, value)
    label = re.sub(r"[^a-z0-9]+", "-", request.node.name.removeprefix("test_").lower())[:50]
    site = Deployment(fake, limits, tmp_path, label.strip("-"))
    settings.REDIS_URL = site.redis_url
    _reset_broker_circuit()
    try:
        with broker_at(site.redis_url):
            yield site
    finally:
        fake.release_hangs()
        site.stop()
        _reset_broker_circuit()


def _reset_broker_circuit() -> None:
    # A send that failed in one test must not make the next test skip its sends.
    chat.sending._circuit.close()


# --- Figures ------------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.outcome_of_call = report.outcome
    return report


@pytest.fixture(scope="session")
def figures() -> Iterator[dict[str, dict[str, Any]]]:
    collected: dict[str, dict[str, Any]] = {}
    yield collected
    if not collected:
        return
    try:
        stored = json.loads(FIGURES.read_text())
    except (OSError, ValueError):
        stored = {}
    # One section per database, so a SQLite run and a PostgreSQL run both keep their numbers.
    run = stored.setdefault(connection.vendor, {})
    run.setdefault("tests", {}).update(collected)
    run["updated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    FIGURES.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")


@pytest.fixture
def record(request, figures) -> Iterator[Any]:
    """Collect a test's figures; they land in tests/faults/figures.json at the end of the run."""
    numbers: dict[str, Any] = {}
    started = time.monotonic()
    yield numbers.update
    numbers["wall_time_s"] = round(time.monotonic() - started, 1)
    numbers["database"] = connection.vendor
    numbers["outcome"] = getattr(request.node, "outcome_of_call", "error")
    module = request.node.module.__name__.rsplit(".", 1)[1]
    figures[f"{module}::{request.node.name}"] = numbers


# --- Accounting ---------------------------------------------------------------------------------


# The jobs of a learner message. A long conversation's summary jobs belong to no message (and a
# review to the conversation): they are not counted here.
MESSAGE_JOBS = ("reply", "analysis")


def tally(deployment: Deployment, *, posted: int) -> dict[str, int]:
    """Count what became of `posted` learner messages and their reply and analysis jobs.

    lost: a message answered 202 but not stored, or a job not finished. duplicated: a job whose
    success was recorded more than once (one line per recorded success in the workers' logs).
    """
    jobs = list(Job.objects.filter(kind__in=MESSAGE_JOBS))
    states = Counter(job.state for job in jobs)
    stored = Message.objects.filter(role=Message.Role.LEARNER).count()
    jobs_per_message = Counter(job.message_id for job in jobs)
    successes = Counter(re.findall(r"job=(\d+) kind=\w+ state=succeeded", deployment.logs()))
    calls = {job: n for job, n in deployment.fake.calls_per_job().items() if job[0] in MESSAGE_JOBS}
    return {
        "messages_posted": posted,
        "messages_stored": stored,
        "messages_half_stored": sum(1 for n in jobs_per_message.values() if n != 2)
        + (stored - len(jobs_per_message)),
        "jobs": len(jobs),
        "jobs_succeeded": states[Job.State.SUCCEEDED],
        "jobs_failed": states[Job.State.FAILED],
        "jobs_lost": max(posted - stored, 0) * 2
        + sum(1 for job in jobs if job.state not in FINISHED),
        "jobs_duplicated": sum(1 for n in successes.values() if n > 1),
        "provider_calls": sum(calls.values()),
        "max_provider_calls_per_job": max(calls.values(), default=0),
        "max_attempts_per_job": max((job.attempts for job in jobs), default=0),
    }


def unique_text(n: int) -> str:
    """Return a learner message of its own, so the fake provider can count calls per job."""
    return f"Mensaje {n}: me gusta mucho la cassa."


def wait_until_finished(*, count: int, timeout: float) -> list[Job]:
    """Wait until `count` jobs exist and every one is succeeded or failed."""
    from tests.processes import wait_for

    def finished() -> list[Job] | None:
        jobs = list(Job.objects.all())
        done = len(jobs) >= count and all(job.state in FINISHED for job in jobs)
        return jobs if done else None

    return wait_for(finished, timeout=timeout, interval=0.2, what=f"{count} jobs to finish")
