"""The Celery app: configured from Django settings, tasks found in workers/."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "findus.settings")

# One module per job, as the queues are: replies, analysis, reviews.
app = Celery(
    "findus",
    include=["workers.reply", "workers.analysis", "workers.review", "workers.reconcile"],
)
app.config_from_object("django.conf:settings", namespace="CELERY")
