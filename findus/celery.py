"""The Celery app: configured from Django settings; its queues and routes come from the job kinds.

Each job kind names its task and queue once, in its module under workers/kinds/ (see
chat/kinds.py). Once Django's apps are ready the workers app registers the kinds and calls
`declare_job_queues`, so a worker started without -Q consumes every kind's queue, and `route`
sends each kind's task to its queue.
"""

from __future__ import annotations

import logging
import os

from celery import Celery
from celery.signals import worker_init
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
