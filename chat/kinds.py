"""The registry of job kinds: what each kind of AI job is called, where it queues, what it does.

Each kind is declared once, in its own module under workers/kinds/, and registered here when the
`workers` app is ready (workers/apps.py). Everything else reads this registry: the sender (its
task name and queue), the Celery routes and queues (findus/celery.py), the reconciler, the API
schema, the admin and the management commands. The web process registers the kinds too, but
their work imports the AI side only when it runs, in a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chat.models import Job

# The queue of the periodic upkeep (the reconciler, TaskResult expiry): no kind runs there.
MAINTENANCE_QUEUE = "maintenance"


@dataclass(frozen=True)
class Done:
    """What a job's work produced, whole: the result to store and what the model spent."""

    result: Any
    model_name: str
    input_tokens: int | None = None
    output_tokens: int | None = None


class PermanentFailure(Exception):
    """A job's work cannot succeed by trying again; the message says why."""


@dataclass(frozen=True)
class JobKind:
    """One kind of AI job.

    `work` runs outside any transaction and returns what to store; it raises PermanentFailure
    when trying again cannot help (any other error is retried if it is transient: a rate
    limit, a timeout, a 5xx). `store` writes the result in the transaction that marks the job
    succeeded and returns the live event for open pages.
    """

    kind: str
    label: str
    task_name: str
    queue: str
    work: Callable[[Job], Done]
    store: Callable[[Job, Any], dict[str, Any]]
    # Where the kind comes in lists (the admin, `manage.py jobs`, the queues): the kind a learner
    # waits for most urgently first.
    rank: int = 100


_kinds: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Add a kind to the registry; a second kind of the same name, task or queue clash fails."""
    existing = _kinds.get(kind.kind)
    if existing is not None and existing != kind:
        raise ValueError(f"job kind {kind.kind!r} is declared twice")
    if any(other.task_name == kind.task_name for other in _kinds.values() if other != kind):
        raise ValueError(f"task name {kind.task_name!r} belongs to another job kind")
    _kinds[kind.kind] = kind
    ordered = sorted(_kinds.values(), key=lambda known: (known.rank, known.kind))
    _kinds.clear()
    _kinds.update((known.kind, known) for known in ordered)
    return kind


def get(kind: str) -> JobKind:
    try:
        return _kinds[kind]
    except KeyError:
        raise LookupError(f"no job kind {kind!r} is registered") from None


def all_kinds() -> list[JobKind]:
    return list(_kinds.values())


def names() -> list[str]:
    if not _kinds:
        # Read at import time by the API schema: that import must come after django.setup().
        raise RuntimeError("No job kind is registered yet: the workers app registers them.")
    return list(_kinds)


def choices() -> list[tuple[str, str]]:
    """Return (kind, label) pairs: Job.kind's choices, read when they are needed."""
    return [(kind.kind, kind.label) for kind in _kinds.values()]


def queues() -> list[str]:
    """Return every queue a worker without -Q consumes: each kind's, then maintenance."""
    return list(dict.fromkeys([*(kind.queue for kind in _kinds.values()), MAINTENANCE_QUEUE]))


def by_task_name(task_name: str) -> JobKind | None:
    return next((kind for kind in _kinds.values() if kind.task_name == task_name), None)
