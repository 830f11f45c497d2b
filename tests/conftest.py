"""Shared fixtures: the test database and Redis db, real worker processes, the fake provider.

Tests use their own Redis database number (11, set in pyproject.toml's pytest env) and the test
database pytest-django creates, so the machine's shared services are left as they were.
"""

from __future__ import annotations

import time

import pytest
import redis

from tests.fakeai import FakeAI
from tests.processes import start_worker


@pytest.fixture(scope="session", autouse=True)
def clean_redis_db():
    """Empty the tests' own Redis database before and after the run."""
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture(scope="module")
def local_worker(django_db_setup, clean_redis_db):
    """A real Celery worker process with the offline tutor, consuming every queue.

    Workers are module-scoped: only one kind consumes the test queues at a time.
    """
    worker = start_worker("worker-local", FINDUS_AI_MODEL="local")
    yield worker
    worker.stop()
    clean_redis_db.flushdb()


@pytest.fixture(scope="session")
def fake_ai():
    with FakeAI() as server:
        yield server


def start_provider_worker(name: str, fake_ai: FakeAI, **env: str):
    """Start a real worker whose model is the fake OpenAI-compatible server, with fast retries."""
    return start_worker(
        name,
        **{
            "FINDUS_AI_MODEL": "openai-chat:fake-1",
            "OPENAI_BASE_URL": fake_ai.url,
            "OPENAI_API_KEY": "test-key",
            "FINDUS_JOB_MAX_ATTEMPTS": "3",
            "FINDUS_RETRY_BACKOFF_BASE": "0.2",
            "FINDUS_RETRY_BACKOFF_MAX": "1",
            "FINDUS_AI_REQUEST_TIMEOUT": "3",
            "CELERY_TASK_SOFT_TIME_LIMIT": "5",
            **env,
        },
    )


@pytest.fixture(scope="module")
def provider_worker(django_db_setup, fake_ai, clean_redis_db):
    """A real worker whose model is the fake OpenAI-compatible server, with fast retries."""
    worker = start_provider_worker("worker-provider", fake_ai)
    yield worker
    worker.stop()
    clean_redis_db.flushdb()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, one per test module that drives pages (tests/browsers.py)."""
    from tests.browsers import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    """A page in a fresh browser context, recording console errors and 404s; downloads allowed."""
    from tests.browsers import new_page

    page = new_page(browser, accept_downloads=True)
    yield page
    page.context.close()


@pytest.fixture
def fake(fake_ai):
    fake_ai.reset()
    yield fake_ai
    fake_ai.reset()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The default hasher is slow by design; tests register many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def flush_retries_after_a_deadlock():
    """Retry emptying the tables when a worker process's write deadlocks with the TRUNCATE.

    Transactional tests share their rows with real worker processes. A worker that is still
    finishing a job when pytest-django truncates every table can deadlock with it; PostgreSQL
    then aborts one side, and if that is the TRUNCATE, trying again a moment later succeeds.
    """
    from django.core.management.base import CommandError
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def fixture_teardown(self):
        for attempt in range(5):
            try:
                return original(self)
            except CommandError as error:
                if "deadlock detected" not in str(error.__cause__) or attempt == 4:
                    raise
                time.sleep(0.5)

    TransactionTestCase._fixture_teardown = fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = original
