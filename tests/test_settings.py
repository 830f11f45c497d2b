"""Settings that cannot work stop a process before it starts, saying what to fix."""

from __future__ import annotations

import subprocess
import sys

from tests.processes import ROOT, child_env


def test_a_worker_refuses_to_start_when_the_soft_time_limit_is_not_below_the_hard_one():
    env = child_env(CELERY_TASK_SOFT_TIME_LIMIT="150", CELERY_TASK_TIME_LIMIT="150")
    finished = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "findus", "worker", "--loglevel", "INFO",
         "-Q", "a-queue-nobody-sends-to", "--concurrency", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert finished.returncode != 0
    assert "ImproperlyConfigured" in finished.stderr
    assert "CELERY_TASK_SOFT_TIME_LIMIT (150) must be below CELERY_TASK_TIME_LIMIT (150)" in (
        finished.stderr
    )
