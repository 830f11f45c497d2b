"""A worker process's heartbeat: every few seconds it marks the jobs it is running as alive.

A worker killed with SIGKILL (or a machine that vanishes) leaves its jobs marked running. Their
heartbeats stop, and the reconciler sends them again once they have been silent for
FINDUS_HEARTBEAT_TIMEOUT seconds, instead of waiting for the hard time limit. One thread per
process that runs jobs (the worker itself with the threads pool, each child with prefork).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection

from chat import jobs
from chat.models import Job

log = logging.getLogger("findus.jobs")

_lock = threading.Lock()
_running: set[str] = set()  # the task ids of the attempts this process is running
_beating_in: int | None = None  # the process whose thread beats: a forked child needs its own


@contextmanager
def running(job: Job) -> Iterator[None]:
    """Beat for the job's attempt while the block runs."""
    _start_beating()
    with _lock:
        _running.add(job.celery_task_id)
    try:
        yield
    finally:
        with _lock:
            _running.discard(job.celery_task_id)


def _start_beating() -> None:
    global _beating_in
    with _lock:
        if _beating_in == os.getpid():
            return
        _beating_in = os.getpid()
        _running.clear()  # a forked child inherits its parent's set, not its jobs
    threading.Thread(target=_beat_forever, name="findus-heartbeat", daemon=True).start()


def _beat_forever() -> None:
    while True:
        time.sleep(settings.FINDUS_HEARTBEAT_INTERVAL)
        with _lock:
            task_ids = list(_running)
        if not task_ids:
            continue
        try:
            jobs.beat(task_ids=task_ids)
        except DatabaseError as error:
            # The jobs' own writes wait out the outage; a missed beat or two costs nothing.
            log.warning("heartbeat not recorded: %s", error)
        finally:
            connection.close()
