"""The Celery app: configured from Django settings, tasks found in workers/."""

from __future__ import annotations

import logging
import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "findus.settings")

# One module per job, as the queues are: replies, analysis, reviews.
app = Celery(
    "findus",
    include=["workers.reply", "workers.analysis", "workers.review", "workers.reconcile"],
)
app.config_from_object("django.conf:settings", namespace="CELERY")


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
    from workers import ai

    try:
        ai.current_model()
    except Exception as error:  # A job will report it; the worker itself can still start.
        logging.getLogger("findus.jobs").warning(
            "the model %r could not be built: %s", settings.FINDUS_AI_MODEL, error
        )
