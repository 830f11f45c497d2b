"""SIGTERM to a busy worker: a warm shutdown. The jobs it is running finish there; the message it
holds but has not started (a retry waiting for its countdown) goes back to Redis with the ones it
never took, and the next worker finishes them. Every job runs once."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
from django.contrib.auth.models import User

from chat import services
from chat.models import Job
from tests.faults.conftest import tally, unique_text, wait_until_finished
from tests.helpers import PASSWORD
from tests.processes import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def retries_held(redis_client) -> int:
    """Count the messages a worker holds for later: those with a countdown (an eta)."""
    held = [json.loads(raw)[0] for raw in redis_client.hvals("unacked")]
    return sum(1 for message in held if message["headers"].get("eta"))


def test_the_jobs_in_flight_finish_and_the_rest_are_handed_back(deployment, fake, record):
    stopping = deployment.start_worker("stopping", concurrency=2)
    learner = User.objects.create_user("ana", password=PASSWORD)
    conversation = services.start_conversation(
        owner=learner, language="es", feedback_language="en", level="A2"
    )
    # The first analysis is rate limited: its retry, due in 8s, waits in the worker's hands.
    fake.script(["429:8"], kind="analysis")
    _, [first_reply, rate_limited] = services.post_message(
        conversation=conversation, text=unique_text(0)
    )
    wait_for(lambda: retries_held(deployment.redis) == 1, timeout=20,
             what="the worker to hold the retry")  # fmt: skip
    wait_for(lambda: Job.objects.get(pk=first_reply.pk).state == "succeeded", timeout=20,
             what="the first reply")  # fmt: skip
    fake.default = "slow:2"
    for n in (1, 2):
        services.post_message(conversation=conversation, text=unique_text(n))
    wait_for(lambda: Job.objects.filter(state="running").count() == 2, timeout=20,
             what="two jobs to run")  # fmt: skip
    in_flight = set(Job.objects.filter(state="running").values_list("pk", flat=True))

    os.kill(stopping.popen.pid, signal.SIGTERM)
    asked_at = time.monotonic()
    stopping.popen.wait(30)
    shutdown = time.monotonic() - asked_at

    finished_there = Job.objects.filter(pk__in=in_flight, state="succeeded", attempts=1).count()
    handed_back = Job.objects.filter(state="queued").count()
    assert "Warm shutdown" in stopping.output()
    assert finished_there == 2
    assert handed_back == 3  # the retry and the two jobs the worker had not taken
    assert not Job.objects.filter(state="running").exists()
    assert retries_held(deployment.redis) == 0
    assert deployment.redis.llen("analysis") + deployment.redis.llen("replies") == 3

    deployment.start_worker("next", concurrency=2)
    wait_until_finished(count=6, timeout=40)
    figures = tally(deployment, posted=3)
    record(
        **figures,
        in_flight_at_sigterm=2,
        finished_by_the_stopping_worker=finished_there,
        handed_back=handed_back,
        warm_shutdown_s=round(shutdown, 1),
    )
    assert figures["jobs_succeeded"] == 6
    assert figures["jobs_lost"] == figures["jobs_duplicated"] == 0
    rate_limited.refresh_from_db()
    assert rate_limited.attempts == 2
    # One call per job and the 429; a call that timed out on a busy machine adds one.
    assert figures["max_provider_calls_per_job"] <= 2
