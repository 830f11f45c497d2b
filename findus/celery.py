"""The Celery app: configured from Django settings; its queues and routes come from the job kinds.

Each job kind names its task and queue once, in its module under workers/kinds/ (see
chat/kinds.py). Once Django's apps are ready the workers app registers the kinds and calls
`declare_job_queues`, so a worker started without -Q consumes every kind's queue, and `route`
sends each kind's task to its queue.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import threading

from celery import Celery
from celery.signals import worker_init, worker_ready
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "findus.settings")

# The job kinds' tasks are registered by the workers app; the upkeep tasks live here.
app = Celery("findus", include=["workers.reconcile", "workers.cleanup"])
app.config_from_object("django.conf:settings", namespace="CELERY")


def declare_job_queues() -> None:
    """Declare a queue for each job kind, and maintenance: what a worker without -Q consumes.

    Each queue has its own exchange and routing key, so a message lands in exactly one queue.
    This runs once the kinds are registered, before a worker sets up its consumers.
    """
    from chat import kinds

    app.conf.task_queues = [
        Queue(name, Exchange(name, type="direct"), routing_key=name) for name in kinds.queues()
    ]


def route(name: str, args: object, kwargs: object, options: object, task=None, **_: object):
    """Route a job kind's task to the kind's queue, and the upkeep tasks to maintenance."""
    from chat import kinds

    kind = kinds.by_task_name(name)
    if kind is not None:
        return {"queue": kind.queue}
    if name.startswith("findus.maintenance.") or name == "celery.backend_cleanup":
        return {"queue": kinds.MAINTENANCE_QUEUE}
    return None


@worker_init.connect
def build_the_model_before_consuming(**_: object) -> None:
    """Import the provider's SDK and build the model before the first job arrives.

    The import takes seconds on a small machine (the OpenAI SDK: 3-9 s on 2 busy cores), which
    would otherwise come out of the first job's time budget. In a prefork worker this runs in the
    parent, so the children start with it imported.
    """
    import django
    from django.apps import apps
    from django.conf import settings

    if not apps.ready:
        django.setup()
    # The runner's signal receivers (waiting out a database outage before each delivery) must be
    # connected before the first delivery; the job kinds import it only when a job runs.
    import workers.runner  # noqa: F401
    from workers import ai

    try:
        ai.current_model()
    except Exception as error:  # A job will report it; the worker itself can still start.
        logging.getLogger("findus.jobs").warning(
            "the model %r could not be built: %s", settings.FINDUS_AI_MODEL, error
        )


@worker_ready.connect
def prepare_for_jobs(sender: object = None, **_: object) -> None:
    """Build each pool thread's model before jobs arrive, then freeze the heap built so far.

    Each thread has its own model (workers/ai.py); built on a thread's first job, it delayed
    that job's first words by 30-300 ms. The builds run on the pool itself, each holding its
    thread until all have started, so every thread gets one; jobs that arrive meanwhile wait
    for the first free thread (about a second at start-up, for 32 threads on a busy core).

    `gc.freeze()` then keeps what start-up made (Django, pydantic-ai, the SDKs, the models) out
    of the garbage collector's full passes: without it each pass walked the whole heap, stopping
    every job for 240-310 ms every 12-15 s at 5 messages/s.
    """
    pool = getattr(sender, "pool", None)
    executor = getattr(pool, "executor", None)
    if executor is None:
        gc.freeze()  # prefork: the parent built the model before forking (above)
        return
    from workers import ai

    threads = pool.limit
    all_started = threading.Barrier(threads, action=gc.freeze, timeout=60)

    def prepare() -> None:
        try:
            ai.prepare_thread()
        except Exception as error:  # a job will report it
            logging.getLogger("findus.jobs").warning("a thread's model was not built: %s", error)
        with contextlib.suppress(threading.BrokenBarrierError):
            all_started.wait()

    for _ in range(threads):
        executor.submit(prepare)
