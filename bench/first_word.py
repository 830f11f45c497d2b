"""Benchmark 6, the first word: from a learner's POST to the tutor's first words on their stream.

    DATABASE_POOL=true uv run --group bench python -m bench.first_word    # about 2 minutes
    uv run --group bench python -m bench.first_word --smoke               # a few seconds

Learners post 5 messages/s in all (open loop, one conversation each, each with an SSE client on
GET /api/conversations/{id}/events). The fake model streams its reply with a fixed time to first
token (0.5 s), then one chunk every 30 ms. For every message, the time from the POST being due to
the first `reply.delta` event of that message reaching its stream, minus the model's time to
first token, is its *first word* latency: what findus adds before the learner sees the tutor
start to answer. The reply job's row and the fake model's log of when each streamed request
arrived split it:

- post: POST due -> its 202 answer reaching the client,
- send: POST due -> the reply job's row queued (parsing, auth, caps, the transaction),
- pick-up: queued -> claimed by a worker (commit, publish, Redis, Celery's delivery, the claim),
- to model: claimed -> the model receives the request (job and history reads, the agent's
  set-up, the HTTP request),
- to learner: the model's first chunk -> the event at the client (the SDK and pydantic-ai
  reading the stream, the grouping of deltas, pub/sub, the web's SSE stream).

The same is measured for the seed's design (bench/variants.py `create_task`: the AI work runs in
the web process) in the same run, each design on a freshly started server. Every message carries
a unique tag, which is how the fake model's arrival log is matched to it.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from bench import harness, loadgen
from bench.end_to_end import PATHS, make_conversations
from bench.fakemodel import run_event_loop
from bench.send_path import TEXT, learners

TIME_TO_FIRST_TOKEN = 0.5
CHUNK_INTERVAL = 0.03
RATE = 5.0
PARTS = ("post", "send", "pick_up", "to_model", "to_learner")


def text_for(index: int) -> str:
    return f"{TEXT} ({index})"


async def listen(
    port: int, cookie: str, conversation_id: int, first_words: dict[int, float],
    ready: asyncio.Event,
) -> None:  # fmt: skip
    """Read one conversation's event stream; note when each message's first reply delta arrives."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        loadgen.build_request(
            method="GET",
            path=f"/api/conversations/{conversation_id}/events",
            host=f"127.0.0.1:{port}",
            headers={"Cookie": cookie, "Accept": "text/event-stream"},
        )
    )
    await reader.readuntil(b"\r\n\r\n")
    event = ""
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            # Chunked framing: size lines are hex digits alone; SSE lines are "field: value".
            if line.startswith(b"event: "):
                event = line[7:].strip().decode()
                if event == "ready":
                    ready.set()
            elif event == "reply.delta" and line.startswith(b"data: "):
                first_words.setdefault(json.loads(line[6:])["message_id"], time.time())
    finally:
        writer.close()


async def post_all(
    port: int, variant: str, headers: list[dict[str, str]], pairs: list[tuple[int, int]],
    rate: float, count: int,
) -> dict[int, dict[str, Any]]:  # fmt: skip
    """Post `count` messages at `rate` per second; return message id -> its index and times."""
    posted: dict[int, dict[str, Any]] = {}
    idle: list[loadgen._Connection] = []
    loop = asyncio.get_running_loop()
    start_loop, start_wall = loop.time() + 0.05, time.time() + 0.05

    async def one(index: int) -> None:
        learner, conversation_id = pairs[index % len(pairs)]
        request = loadgen.build_request(
            method="POST",
            path=PATHS[variant].format(id=conversation_id),
            host=f"127.0.0.1:{port}",
            headers=headers[learner],
            body=json.dumps({"text": text_for(index)}).encode(),
        )
        connection = idle.pop() if idle else None
        if connection is None:
            connection = loadgen._Connection(*await asyncio.open_connection("127.0.0.1", port))
        status, answer = await connection.exchange_body(request)
        answered = time.time()
        idle.append(connection)
        if status in (201, 202):
            data = json.loads(answer)
            message_id = data["message"]["id"] if variant == "findus" else data["message_id"]
            posted[message_id] = {
                "index": index, "due": start_wall + index / rate, "answered": answered,
            }  # fmt: skip

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
) -> tuple[dict[int, dict[str, Any]], dict[int, float]]:  # fmt: skip
    first_words: dict[int, float] = {}
    readies = [asyncio.Event() for _ in pairs]
    listeners = [
        asyncio.create_task(
            listen(port, headers[learner]["Cookie"], conversation_id, first_words, ready)
        )
        for (learner, conversation_id), ready in zip(pairs, readies, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(ready.wait() for ready in readies)), 30)
    posted = await post_all(port, variant, headers, pairs, rate, count)
    deadline = time.monotonic() + 30
    while set(posted) - set(first_words) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    for listener in listeners:
        listener.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)
    return posted, first_words


def split(
    posted: dict[int, dict[str, Any]], first_words: dict[int, float], arrivals: dict[str, float],
    skip: int,
) -> dict[str, Any]:  # fmt: skip
    """Return first-word percentiles and their split, from the reply job rows and the model log."""
    from chat.models import Job

    jobs = {
        job.message_id: job for job in Job.objects.filter(kind="reply", message_id__in=list(posted))
    }
    samples: dict[str, list[float]] = {k: [] for k in ("first_word", *PARTS)}
    per_message = []
    ordered = sorted(posted, key=lambda m: posted[m]["due"])[skip:]  # the first ones: warm-up
    for message_id in ordered:
        times, seen = posted[message_id], first_words.get(message_id)
        job = jobs.get(message_id)
        reached_model = arrivals.get(text_for(times["index"]))
        if seen is None or job is None or job.started_at is None or reached_model is None:
            continue
        due, queued, started = times["due"], job.queued_at.timestamp(), job.started_at.timestamp()
        first_chunk = reached_model + TIME_TO_FIRST_TOKEN
        samples["first_word"].append((seen - due - TIME_TO_FIRST_TOKEN) * 1000)
        samples["post"].append((times["answered"] - due) * 1000)
        samples["send"].append((queued - due) * 1000)
        samples["pick_up"].append((started - queued) * 1000)
        samples["to_model"].append((reached_model - started) * 1000)
        samples["to_learner"].append((seen - first_chunk) * 1000)
        per_message.append(
            {"message_id": message_id, "reply_job_id": job.pk, "due": due, "queued": queued,
             "started": started, "reached_model": reached_model, "first_word_seen": seen}
        )  # fmt: skip

    def stats(values: list[float]) -> dict[str, float | None]:
        return {
            "p50": _round(harness.percentile(values, 50)),
            "p90": _round(harness.percentile(values, 90)),
            "p99": _round(harness.percentile(values, 99)),
            "max": _round(max(values, default=None)),
        }

    return {
        "messages_posted": len(posted),
        "messages_measured": len(samples["first_word"]),
        "first_words_missing": len(set(ordered) - set(first_words)),
        "first_word_ms": stats(samples["first_word"]),
        "parts_ms": {part: stats(samples[part]) for part in PARTS},
        "first_word_samples_ms": [round(v, 2) for v in samples["first_word"]],
        # Wall-clock times (seconds) per message, to line up with the processes' logs.
        "messages": per_message,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def run_design(
    variant: str, rate: float, count: int, warmup: int, env: dict[str, str], concurrency: int,
    headers: list[dict[str, str]], model_url: str,
) -> dict[str, Any]:  # fmt: skip
    """Measure one design on a freshly started server (and worker, for findus)."""
    web, port = harness.start_uvicorn(env)
    processes = [web]
    if variant == "findus":
        worker = harness.start_worker(
            "worker-first-word", pool="threads", concurrency=concurrency, env=env
        )
        processes.append(worker)
    try:
        harness.model_control(model_url, "reset", {})
        pairs = make_conversations()
        cpu_before = [harness.cpu_seconds(harness.process_tree(p.pid)) for p in processes]
        started = time.monotonic()
        posted, first_words = run_event_loop(
            measure(port, variant, headers, pairs, rate, count + warmup)
        )
        cpu = [
            harness.cpu_seconds(harness.process_tree(p.pid)) - before
            for p, before in zip(processes, cpu_before, strict=True)
        ]
        figures = split(posted, first_words, harness.model_control(model_url, "arrivals"), warmup)
        figures["wall_s"] = round(time.monotonic() - started, 1)
        figures["load"] = harness.load()
        sent = max(1, count + warmup)
        # Each message is a reply and an analysis: the CPU is both jobs' and the POST's.
        figures["web_cpu_ms_per_message"] = round(cpu[0] * 1000 / sent, 1)
        if len(cpu) > 1:
            figures["worker_cpu_ms_per_message"] = round(cpu[1] * 1000 / sent, 1)
    finally:
        for process in processes:
            process.stop()
    first, parts = figures["first_word_ms"], figures["parts_ms"]
    print(
        f"  {rate:g}/s {variant:>12}: {figures['messages_measured']} messages, first word p50 "
        f"{first['p50']} ms p99 {first['p99']} ms | p50 post {parts['post']['p50']} send "
        f"{parts['send']['p50']} pick-up {parts['pick_up']['p50']} to model "
        f"{parts['to_model']['p50']} to learner {parts['to_learner']['p50']} ms | CPU ms/message "
        f"web {figures['web_cpu_ms_per_message']} worker "
        f"{figures.get('worker_cpu_ms_per_message', '-')} | missing "
        f"{figures['first_words_missing']} load {figures['load'][0]}"
    )
    return figures


def gap(designs: dict[str, Any]) -> dict[str, float | None]:
    findus, seed = designs["findus"]["first_word_ms"], designs["create_task"]["first_word_ms"]
    return {
        p: _round(findus[p] - seed[p]) if findus[p] is not None and seed[p] is not None else None
        for p in ("p50", "p99")
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = harness.arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=RATE)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of messages not counted")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--designs", default=",".join(PATHS), help="comma-separated")
    args = parser.parse_args(argv)
    rate, seconds, warmup_s, learner_count = (
        (5.0, 2.0, 0.4, 4) if args.smoke else (args.rate, args.seconds, args.warmup, args.learners)
    )
    info = harness.machine()
    print(
        f"first word: load {info['load_before']}, {rate:g}/s for {seconds:g}s, time to first "
        f"token {TIME_TO_FIRST_TOKEN}s, then a chunk every {CHUNK_INTERVAL * 1000:g} ms"
    )
    harness.reset_database()
    harness.flush_redis()
    harness.configure_django()
    model, model_url = harness.start_fakemodel(TIME_TO_FIRST_TOKEN, CHUNK_INTERVAL)
    env = harness.child_env(OPENAI_BASE_URL=model_url)
    result: dict[str, Any] = {
        "benchmark": "first_word",
        "smoke": args.smoke,
        "machine": info,
        "time_to_first_token_s": TIME_TO_FIRST_TOKEN,
        "chunk_interval_s": CHUNK_INTERVAL,
        "rate": rate,
        "seconds": seconds,
        "worker": f"1 process, threads pool, concurrency {args.concurrency}",
        "designs": {},
    }
    count, warmup = int(rate * seconds), int(rate * warmup_s)
    try:
        web, port = harness.start_uvicorn(env)
        try:
            headers = learners(learner_count, f"http://127.0.0.1:{port}")
        finally:
            web.stop()
        for variant in args.designs.split(","):
            result["designs"][variant] = run_design(
                variant, rate, count, warmup, env, args.concurrency, headers, model_url
            )
        result["fake_model"] = harness.model_control(model_url, "stats")
    finally:
        model.stop()
    if {"findus", "create_task"} <= set(result["designs"]):
        result["findus_minus_create_task_ms"] = gap(result["designs"])
        print(f"findus first word minus create_task's, {rate:g}/s: {gap(result['designs'])}")
    harness.write_json(args.results_dir, "first_word", result)
    return result


if __name__ == "__main__":
    main()
