# The Celery app is loaded with Django so that shared tasks and on_commit enqueues use it.
from findus.celery import app as celery_app

__all__ = ("celery_app",)
