from __future__ import annotations

import importlib
import pkgutil

from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "workers"
    verbose_name = "AI jobs"

    def ready(self) -> None:
        """Register every job kind (one module each under workers/kinds/) and its queue.

        The kind modules are light: their work imports the AI side only when it runs, so the
        web process, which registers them too, never loads pydantic-ai or a provider's SDK.
        """
        from findus.celery import declare_job_queues
        from workers import kinds

        for module in pkgutil.iter_modules(kinds.__path__):
            importlib.import_module(f"{kinds.__name__}.{module.name}")
        declare_job_queues()
