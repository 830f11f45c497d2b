"""Where the CPU goes: py-spy samples the web process under findus load, or a worker at work.

    uv run --group bench python -m bench.profile web       # about 1 minute
    uv run --group bench python -m bench.profile worker    # about 1 minute

`web`: one uvicorn process (the send path's settings, plus DATABASE_POOL as in the environment)
takes findus POSTs at a fixed open-loop rate while py-spy samples it. `worker`: one threads
worker (concurrency 32) runs stored analyses while py-spy samples it. Only the samples of the
thread holding the GIL count (`--gil`): where the process spends CPU, not where it waits. The
model answers after 0.5 s (worker) or is never called (web). Both print each area's share of the
CPU (findus, Django, Celery, pydantic-ai...) and the frames the most samples passed through, and
write bench/results/profile_<target>.txt with the raw collapsed stacks next to it.
"""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import harness, loadgen
from bench.fakemodel import run_event_loop

# What a frame belongs to, by its file's path ("function (django/db/utils.py:12)"). A sample's
# self time goes to the innermost frame that belongs somewhere; the first match wins.
AREAS = [
    (name, re.compile(rf"\((?:{packages})/"))
    for name, packages in [
        ("findus", "chat|workers|findus"),
        ("pydantic-ai", "pydantic_ai"),
        ("openai SDK + httpx", "openai|httpx|httpx2|httpcore|anyio"),
        ("pydantic", "pydantic|pydantic_core"),
        ("celery + kombu", "celery|kombu|billiard|vine"),
        ("django-celery-results", "django_celery_results"),
        ("django", "django"),
        ("ninja", "ninja"),
        ("psycopg", "psycopg|psycopg_pool"),
        ("redis-py", "redis"),
        ("asgiref (sync/async adapters)", "asgiref"),
        ("uvicorn", "uvicorn|uvloop|httptools"),
    ]
]


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("py-spy is missing: uv sync --group bench")
    return found


def record(pid: int, seconds: float, raw: Path) -> subprocess.Popen:
    # --gil: only the samples of the thread holding the GIL, i.e. where the process spends CPU.
    args = [py_spy(), "record", "--pid", str(pid), "--duration", str(int(seconds)), "--gil",
            "--rate", "250", "--format", "raw", "--output", str(raw), "--nonblocking"]  # fmt: skip
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # noqa: S603


def summarise(raw: Path, top: int = 30) -> dict[str, Any]:
    """Read collapsed stacks; return each area's share and the frames most samples went through.

    A sample counts once for each distinct frame (function and file) on its stack (inclusive
    time), and once for the area of its innermost frame that belongs to a known area (self time).
    """
    total = 0
    inclusive: collections.Counter[str] = collections.Counter()
    areas: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[_short(frame)] += samples
        areas[_area(frames)] += samples
    share = {name: round(n / total, 3) for name, n in areas.most_common()} if total else {}
    frames = (
        [(name, round(n / total, 3)) for name, n in inclusive.most_common(top)] if total else []
    )
    return {"samples": sum(areas.values()), "self_by_area": share, "inclusive_top": frames}


def _area(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, pattern in AREAS:
            if pattern.search(frame):
                return name
    return "other (stdlib, interpreter)"


def _short(frame: str) -> str:
    # "function (path/to/module.py:123)" -> "function (module.py)"
    match = re.match(r"(.*) \((.*?):\d+\)$", frame)
    if not match:
        return frame
    function, path = match.groups()
    parts = Path(path).parts
    where = f"{parts[0]}/…/{parts[-1]}" if len(parts) > 2 else path
    return f"{function} ({where})"


def profile_web(seconds: float, rate: float, raw: Path) -> dict[str, Any]:
    from bench.send_path import (
        CONVERSATIONS_PER_LEARNER,
        LEARNERS,
        Load,
        learners,
        make_conversations,
    )

    model, model_url = harness.start_fakemodel(1.0)
    web, port = harness.start_uvicorn(harness.child_env(OPENAI_BASE_URL=model_url))
    try:
        headers = learners(LEARNERS, f"http://127.0.0.1:{port}")
        load = Load("findus", headers, make_conversations(CONVERSATIONS_PER_LEARNER))
        target = load.target(port)
        run_event_loop(loadgen.closed_loop(target, connections=4, duration=3.0))
        spy = record(web.pid, seconds, raw)
        result = run_event_loop(loadgen.open_loop(target, rate=rate, duration=seconds, warmup=0))
        spy.wait(timeout=60)
    finally:
        web.stop()
        model.stop()
    return {"target": "web", "rate": rate, "seconds": seconds,
            "latency_ms": result["latency_ms"], **summarise(raw)}  # fmt: skip


def profile_worker(seconds: float, jobs: int, raw: Path) -> dict[str, Any]:
    from bench.worker_throughput import make_jobs, send, wait_done

    model, model_url = harness.start_fakemodel(0.5)
    env = harness.child_env(OPENAI_BASE_URL=model_url)
    worker = harness.start_worker("worker-profile", pool="threads", concurrency=32, env=env,
                                  queues="analysis")  # fmt: skip
    try:
        warmup = make_jobs(64)
        send(warmup)
        wait_done(warmup, timeout=120)
        job_ids = make_jobs(jobs)
        spy = record(worker.pid, seconds, raw)
        send(job_ids)
        wait_done(job_ids, timeout=seconds * 4)
        spy.wait(timeout=seconds + 60)
    finally:
        worker.stop()
        model.stop()
    return {"target": "worker", "jobs": jobs, "seconds": seconds, **summarise(raw)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = harness.arguments(__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=["web", "worker"])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=15.0, help="web: POSTs per second")
    parser.add_argument("--jobs", type=int, default=600, help="worker: analyses")
    args = parser.parse_args(argv)
    seconds = 3.0 if args.smoke else args.seconds
    args.results_dir.mkdir(parents=True, exist_ok=True)
    raw = args.results_dir / f"profile_{args.target}.raw"
    info = harness.machine()
    harness.reset_database()
    harness.flush_redis()
    harness.configure_django()
    if args.target == "web":
        result = profile_web(seconds, args.rate, raw)
    else:
        result = profile_worker(seconds, 40 if args.smoke else args.jobs, raw)
    result.update(smoke=args.smoke, machine=info, load_after=harness.load())
    lines = [f"{args.target}: {result['samples']} samples", "", "self time by area:"]
    lines += [f"  {share:6.1%}  {name}" for name, share in result["self_by_area"].items()]
    lines += ["", "frames the most samples passed through (inclusive):"]
    lines += [f"  {share:6.1%}  {frame}" for frame, share in result["inclusive_top"]]
    text = "\n".join(lines)
    print(text)
    (args.results_dir / f"profile_{args.target}.txt").write_text(text + "\n")
    harness.write_json(args.results_dir, f"profile_{args.target}", result)
    return result


if __name__ == "__main__":
    main()
