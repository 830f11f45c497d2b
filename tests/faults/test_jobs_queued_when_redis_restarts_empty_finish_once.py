"""Redis restarts without persistence while 50 jobs wait in its queues: their task messages are
gone, but the jobs are rows in the database. The reconciler (beat, every second) finds them
queued and nowhere in Redis and sends them again; each finishes exactly once."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.models import User

from chat import services
from chat.models import Job
from tests.faults.conftest import tally, unique_text
from tests.helpers import PASSWORD
from tests.processes import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES = 25  # 50 jobs


def test_all_fifty_jobs_finish_exactly_once(deployment, fake, record):
    deployment.start_beat()
    worker = deployment.start_worker("worker", concurrency=2)
    fake.default = "slow:1"
    learner = User.objects.create_user("ana", password=PASSWORD)
    conversation = services.start_conversation(
        owner=learner, language="es", feedback_language="en", level="A2"
    )
    for n in range(MESSAGES):
        services.post_message(conversation=conversation, text=unique_text(n))
    waiting = deployment.redis.llen("replies") + deployment.redis.llen("analysis")
    assert waiting >= 40  # the worker has only just begun

    deployment.stop_redis()
    deployment.start_redis_again()
    back_at = time.monotonic()
    assert deployment.redis.llen("replies") + deployment.redis.llen("analysis") == 0

    def all_finished() -> bool:
        deployment.revive_crashed_workers()  # see RELIABILITY.md: a kombu error on Redis loss
        return not Job.objects.exclude(state__in=["succeeded", "failed"]).exists()

    wait_for(all_finished, timeout=90, interval=0.5, what="every job to finish")
    recovered = time.monotonic() - back_at

    figures = tally(deployment, posted=MESSAGES)
    record(
        **figures,
        messages_lost_by_redis=waiting,
        time_to_recover_s=round(recovered, 1),
        workers_crashed=deployment.crashed,
    )
    assert figures["jobs_succeeded"] == 2 * MESSAGES
    assert figures["jobs_lost"] == figures["jobs_duplicated"] == 0
    assert figures["max_provider_calls_per_job"] <= 2
    resends = sum(int(n) for n in re.findall(r"reconciler: resent=(\d+)", deployment.logs()))
    assert resends >= waiting - 2  # every lost message was sent again (two may be in flight)
    assert worker.popen.poll() is None or deployment.crashed
