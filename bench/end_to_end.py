"""Benchmark 3, end to end: from POST to the analysis reaching a browser's event stream.

    uv run --group bench python -m bench.end_to_end            # about 3 minutes
    uv run --group bench python -m bench.end_to_end --smoke    # a few seconds

Learners post 20 messages/s in all (open loop, spread over 20 conversations) while each
conversation has an SSE client on GET /api/conversations/{id}/events. For every message, the time
from the POST being due to its `job` event (kind "analysis", state "succeeded") arriving, minus
the model's latency, is its overhead. The job row's queued_at, started_at and finished_at split it:

- send: POST due -> job row queued (the web's part, parsing, auth, storing),
- queue wait: queued -> a worker claims it (started_at),
- job overhead: claimed -> finished, minus the model's latency,
- delivery: finished -> the event reaches the client (publish, Redis, the web's SSE stream).

The same is measured for the seed's design (bench/variants.py `create_task`: the AI work runs in
the web process), in the same run, with the same server settings. findus' jobs run on one worker
process (threads pool, concurrency 64); the model answers after 0.5 s.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from bench import harness, loadgen, plots
from bench.fakemodel import run_event_loop
from bench.send_path import TEXT, learners

MODEL_LATENCY = 0.5
RATE = 20.0
PATHS = {
    "findus": "/api/conversations/{id}/messages",
    "create_task": "/bench/create-task/{id}/messages",
}


def make_conversations() -> list[tuple[int, int]]:
    """One conversation per learner; return (learner index, conversation id) pairs."""
    from django.contrib.auth.models import User

    from chat.models import Conversation

    owners = list(User.objects.filter(username__startswith="bench-").order_by("id"))
    created = Conversation.objects.bulk_create(
        Conversation(owner=owner, language="es", feedback_language="en", level="A2",
                     title="Spanish conversation")
        for owner in owners
    )  # fmt: skip
    index = {owner.pk: n for n, owner in enumerate(owners)}
    return [(index[c.owner_id], c.pk) for c in created]


async def listen(
    port: int, headers: dict[str, str], conversation_id: int, arrivals: dict[int, float],
    ready: asyncio.Event,
) -> None:  # fmt: skip
    """Read one conversation's event stream; note when each message's analysis arrives."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        loadgen.build_request(
            method="GET",
            path=f"/api/conversations/{conversation_id}/events",
            host=f"127.0.0.1:{port}",
            headers={"Cookie": headers["Cookie"], "Accept": "text/event-stream"},
        )
    )
    await reader.readuntil(b"\r\n\r\n")
    event = ""
    try:
        while True:
            line = (await reader.readline()).decode()
            if not line:
                return
            # Chunked framing: size lines are hex digits alone; SSE lines are "field: value".
            if line.startswith("event: "):
                event = line[7:].strip()
                if event == "ready":
                    ready.set()
            elif line.startswith("data: ") and event == "job":
                data = json.loads(line[6:])
                if data.get("kind") == "analysis" and data.get("state") == "succeeded":
                    arrivals.setdefault(data["message_id"], time.time())
    finally:
        writer.close()


async def post_all(
    port: int, variant: str, headers: list[dict[str, str]], pairs: list[tuple[int, int]],
    rate: float, count: int,
) -> dict[int, float]:  # fmt: skip
    """Post `count` messages at `rate` per second; return message id -> wall time it was due."""
    body = json.dumps({"text": TEXT}).encode()
    requests = [
        loadgen.build_request(
            method="POST",
            path=PATHS[variant].format(id=conversation_id),
            host=f"127.0.0.1:{port}",
            headers=headers[learner],
            body=body,
        )
        for learner, conversation_id in pairs
    ]
    posted: dict[int, float] = {}
    idle: list[loadgen._Connection] = []
    loop = asyncio.get_running_loop()
    start_loop, start_wall = loop.time() + 0.05, time.time() + 0.05

    async def one(index: int) -> None:
        due_wall = start_wall + index / rate
        if idle:
            connection = idle.pop()
        else:
            connection = loadgen._Connection(*await asyncio.open_connection("127.0.0.1", port))
        status, answer = await connection.exchange_body(requests[index % len(requests)])
        idle.append(connection)
        if status in (201, 202):
            posted[json.loads(answer)["message"]["id"] if variant == "findus"
                   else json.loads(answer)["message_id"]] = due_wall  # fmt: skip

    tasks = []
    for index in range(count):
        delay = start_loop + index / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(loop.create_task(one(index)))
    await asyncio.gather(*tasks, return_exceptions=True)
    for connection in idle:
        connection.close()
    return posted


async def measure(
    port: int, variant: str, headers: list[dict[str, str]], pairs: list[tuple[int, int]],
    rate: float, count: int,
) -> tuple[dict[int, float], dict[int, float]]:  # fmt: skip
    arrivals: dict[int, float] = {}
    readies = [asyncio.Event() for _ in pairs]
    listeners = [
        asyncio.create_task(listen(port, headers[learner], conversation_id, arrivals, ready))
        for (learner, conversation_id), ready in zip(pairs, readies, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(ready.wait() for ready in readies)), 30)
    posted = await post_all(port, variant, headers, pairs, rate, count)
    deadline = time.monotonic() + 60
    while set(posted) - set(arrivals) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    for listener in listeners:
        listener.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)
    return posted, arrivals


def split(posted: dict[int, float], arrivals: dict[int, float], skip: int) -> dict[str, Any]:
    """Return overhead percentiles and their split, from the analysis job rows."""
    from chat.models import Job

    jobs = {
        job.message_id: job
        for job in Job.objects.filter(kind="analysis", message_id__in=list(posted))
    }
    samples: dict[str, list[float]] = {
        k: [] for k in ("overhead", "send", "queue_wait", "job_overhead", "delivery")
    }
    ordered = sorted(posted, key=posted.get)[skip:]  # the first ones are warm-up
    for message_id in ordered:
        job, arrived = jobs.get(message_id), arrivals.get(message_id)
        if job is None or arrived is None or job.started_at is None or job.finished_at is None:
            continue
        due = posted[message_id]
        queued, started = job.queued_at.timestamp(), job.started_at.timestamp()
        finished = job.finished_at.timestamp()
        samples["overhead"].append((arrived - due - MODEL_LATENCY) * 1000)
        samples["send"].append((queued - due) * 1000)
        samples["queue_wait"].append((started - queued) * 1000)
        samples["job_overhead"].append((finished - started - MODEL_LATENCY) * 1000)
        samples["delivery"].append((arrived - finished) * 1000)

    def stats(values: list[float]) -> dict[str, float | None]:
        return {
            "p50": _round(harness.percentile(values, 50)),
            "p99": _round(harness.percentile(values, 99)),
            "max": _round(max(values, default=None)),
        }

    return {
        "messages_posted": len(posted),
        "messages_measured": len(samples["overhead"]),
        "analyses_missing": len(set(ordered) - set(arrivals)),
        "overhead_ms": stats(samples["overhead"]),
        "parts_ms": {k: stats(v) for k, v in samples.items() if k != "overhead"},
        "overhead_samples_ms": [round(v, 2) for v in samples["overhead"]],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def run_rate(
    rate: float, seconds: float, warmup_s: float, env: dict[str, str], concurrency: int,
    headers: list[dict[str, str]],
) -> dict[str, Any]:  # fmt: skip
    """Measure both designs at one rate, each on a freshly started server; return the figures."""
    count, warmup = int(rate * seconds), int(rate * warmup_s)
    designs = {}
    for variant in PATHS:
        web, port = harness.start_uvicorn(env)
        worker = None
        if variant == "findus":
            worker = harness.start_worker(
                "worker-e2e", pool="threads", concurrency=concurrency, env=env
            )
        processes = [web] + ([worker] if worker else [])
        try:
            cpu_before = [harness.cpu_seconds(harness.process_tree(p.pid)) for p in processes]
            started = time.monotonic()
            pairs = make_conversations()
            posted, arrivals = run_event_loop(
                measure(port, variant, headers, pairs, rate, count + warmup)
            )
            figures = split(posted, arrivals, skip=warmup)
            figures["wall_s"] = round(time.monotonic() - started, 1)
            figures["load"] = harness.load()
            cpu = [
                harness.cpu_seconds(harness.process_tree(p.pid)) - before
                for p, before in zip(processes, cpu_before, strict=True)
            ]
            sent = max(1, count + warmup)
            figures["web_cpu_ms_per_message"] = round(cpu[0] * 1000 / sent, 1)
            if worker is not None:
                figures["worker_cpu_ms_per_message"] = round(cpu[1] * 1000 / sent, 1)
        finally:
            for process in processes:
                process.stop()
        designs[variant] = figures
        overhead, parts = figures["overhead_ms"], figures["parts_ms"]
        print(
            f"  {rate:g}/s {variant:>12}: {figures['messages_measured']} messages, overhead p50 "
            f"{overhead['p50']} ms p99 {overhead['p99']} ms | p50 send "
            f"{parts['send']['p50']} queue {parts['queue_wait']['p50']} job "
            f"{parts['job_overhead']['p50']} delivery {parts['delivery']['p50']} ms | "
            f"missing {figures['analyses_missing']}  load {figures['load'][0]}"
        )
    return designs


def gap(designs: dict[str, Any]) -> dict[str, float | None]:
    findus, seed = designs["findus"]["overhead_ms"], designs["create_task"]["overhead_ms"]
    return {
        p: _round(findus[p] - seed[p]) if findus[p] is not None and seed[p] is not None else None
        for p in ("p50", "p99")
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = harness.arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=RATE)
    parser.add_argument(
        "--lower-rate", type=float, default=5.0, help="also measure at this rate (0: no)"
    )
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args(argv)
    rate, seconds, warmup_s = (5.0, 3.0, 1.0) if args.smoke else (args.rate, args.seconds, 5.0)
    lower = 0.0 if args.smoke else args.lower_rate
    info = harness.machine()
    print(
        f"end to end: load {info['load_before']}, {rate}/s for {seconds}s, model {MODEL_LATENCY}s"
    )
    harness.reset_database()
    harness.flush_redis()
    harness.configure_django()
    model, model_url = harness.start_fakemodel(MODEL_LATENCY)
    env = harness.child_env(OPENAI_BASE_URL=model_url)
    result: dict[str, Any] = {
        "benchmark": "end_to_end",
        "smoke": args.smoke,
        "machine": info,
        "model_latency_s": MODEL_LATENCY,
        "rate": rate,
        "seconds": seconds,
        "worker": f"1 process, threads pool, concurrency {args.concurrency}",
        "designs": {},
    }
    try:
        web, port = harness.start_uvicorn(env)
        try:
            headers = learners(20 if not args.smoke else 5, f"http://127.0.0.1:{port}")
        finally:
            web.stop()
        result["designs"] = run_rate(rate, seconds, warmup_s, env, args.concurrency, headers)
        if lower:
            result["lower_rate"] = {
                "rate": lower,
                "designs": run_rate(lower, seconds, warmup_s, env, args.concurrency, headers),
            }
        result["fake_model"] = harness.model_control(model_url, "stats")
    finally:
        model.stop()
    result["findus_minus_create_task_ms"] = gap(result["designs"])
    print(f"findus overhead minus create_task overhead, {rate:g}/s: {gap(result['designs'])}")
    if "lower_rate" in result:
        lower_gap = gap(result["lower_rate"]["designs"])
        result["lower_rate"]["findus_minus_create_task_ms"] = lower_gap
        print(f"findus overhead minus create_task overhead, {lower:g}/s: {lower_gap}")
    path = harness.write_json(args.results_dir, "end_to_end", result)
    plots.end_to_end(result, path.with_suffix(".png"))
    return result


if __name__ == "__main__":
    main()
