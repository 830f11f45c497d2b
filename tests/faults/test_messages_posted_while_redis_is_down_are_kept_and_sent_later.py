"""Redis down when learners post: findus stores every message with its two jobs, queued, and
answers 202 at once; the send to the broker fails fast and is logged. Once Redis is back, the
reconciler (beat, every second) sends the jobs and the worker finishes each one once."""

from __future__ import annotations

import asyncio
import time

import pytest

from chat.models import Job, Message
from tests.faults.conftest import MESSAGE_JOBS, tally, unique_text
from tests.faults.learners import create_learners, log_in, percentile
from tests.processes import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

LEARNERS = 10
MESSAGES_EACH = 10


def test_every_message_is_stored_and_every_job_finishes_after_redis_returns(
    deployment, fake, record
):
    base = deployment.start_web(DJANGO_SETTINGS_MODULE="tests.faults.fast_login_settings")
    deployment.start_worker("worker", concurrency=8)
    deployment.start_beat()
    names = create_learners(LEARNERS)

    async def post_while_down():
        learners = await asyncio.gather(*(log_in(base, name) for name in names))
        deployment.stop_redis()
        started = time.monotonic()

        async def write(n: int, learner) -> None:
            for m in range(MESSAGES_EACH):
                await learner.post(unique_text(n * MESSAGES_EACH + m))

        await asyncio.gather(*(write(n, learner) for n, learner in enumerate(learners)))
        elapsed = time.monotonic() - started
        for learner in learners:
            await learner.client.aclose()
        return [answer for learner in learners for answer in learner.answers], elapsed

    answers, posting = asyncio.run(post_while_down())

    seconds = [answer.seconds for answer in answers]
    statuses = sorted({answer.status for answer in answers})
    stored_while_down = Message.objects.filter(role="learner").count()
    queued_while_down = Job.objects.filter(kind__in=MESSAGE_JOBS, state="queued").count()
    web_log = deployment.processes[0].output()
    deployment.start_redis_again()
    back_at = time.monotonic()

    def all_finished() -> bool:
        # A worker that lost Redis while holding a message can die of a kombu error (see
        # RELIABILITY.md); under a supervisor it comes back, and so it does here.
        deployment.revive_crashed_workers()
        finished = Job.objects.filter(
            kind__in=MESSAGE_JOBS, state__in=["succeeded", "failed"]
        ).count()
        return finished == 2 * len(answers)

    wait_for(all_finished, timeout=90, interval=0.5, what="every job to finish")
    recovered = time.monotonic() - back_at

    figures = tally(deployment, posted=len(answers))
    record(
        **figures,
        answers_202=sum(1 for answer in answers if answer.status == 202),
        answers_5xx=sum(1 for answer in answers if answer.status >= 500),
        post_seconds_p50=round(percentile(seconds, 0.5), 3),
        post_seconds_p95=round(percentile(seconds, 0.95), 3),
        post_seconds_max=round(max(seconds), 3),
        posting_all_s=round(posting, 1),
        time_to_recover_s=round(recovered, 1),
        workers_crashed=deployment.crashed,
    )
    assert statuses == [202]
    assert stored_while_down == len(answers) == LEARNERS * MESSAGES_EACH
    assert queued_while_down == 2 * len(answers)
    assert figures["messages_half_stored"] == 0
    stored = {answer.message_id for answer in answers}
    assert stored == set(Message.objects.filter(role="learner").values_list("id", flat=True))
    assert "could not be sent to the broker" in web_log
    assert max(seconds) < 2.0  # no send waits out kombu's two-second connection retry
    assert figures["jobs_succeeded"] == 2 * len(answers)
    assert figures["jobs_lost"] == figures["jobs_duplicated"] == 0
    assert figures["provider_calls"] == 2 * len(answers)
