"""Benchmark 2, worker throughput: 1,000 grammar analyses through real Celery workers.

    uv run --group bench python -m bench.worker_throughput            # about 9 minutes
    uv run --group bench python -m bench.worker_throughput --smoke    # a few seconds

The model answers after 0.5 s. For each pool and concurrency (prefork with 2 processes; threads
with 8, 32 and 64), one worker process is started and warmed up, then 1,000 analysis jobs stored
beforehand are sent at once and the run ends when the last job has succeeded. Figures: wall time
(first send to last finished_at), efficiency (the ideal N x latency / concurrency divided by the
wall time), the worker's CPU time per job (its whole process tree, from /proc), its peak RSS
(VmHWM, summed over the tree), and the database connections it held (pg_stat_activity, peak
during the run and after it). The threads configurations run twice (medians reported); the
prefork one, which does two jobs at a time, runs once with 200 analyses to stay within ten
minutes on a shared machine. Three last configurations run once each: threads 32 with persistent
database connections (DATABASE_CONN_MAX_AGE=60), threads 32 with a connection pool
(DATABASE_POOL=true), and threads 64 with glibc's malloc arenas capped (MALLOC_ARENA_MAX=2).
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any

from bench import harness, plots

MODEL_LATENCY = 0.5
TEXT = "Mi cassa es grande y bonita, y tengo dos perros que corren en el jardín."


@dataclass(frozen=True)
class Config:
    pool: str
    concurrency: int
    processes: int = 1
    repeats: int = 3
    jobs: int = 1000
    env: tuple[tuple[str, str], ...] = ()

    @property
    def slots(self) -> int:
        return self.concurrency * self.processes

    @property
    def label_per_process(self) -> str:
        extra = "".join(f" {k}={v}" for k, v in self.env)
        return f"{self.pool} {self.concurrency}{extra}"

    @property
    def label(self) -> str:
        return f"{self.processes}x {self.label_per_process}"


CONFIGS = [
    Config("prefork", 2, repeats=1, jobs=200),
    Config("threads", 8, repeats=2),
    Config("threads", 32, repeats=2),
    Config("threads", 64, repeats=2),
    # The same with persistent database connections (an existing setting): no connect per job.
    Config("threads", 32, repeats=1, env=(("DATABASE_CONN_MAX_AGE", "60"),)),
    # ... or with a connection pool per process, sized for the concurrency.
    Config(
        "threads", 32, repeats=1, env=(("DATABASE_POOL", "true"), ("DATABASE_POOL_MAX_SIZE", "40"))
    ),
    # glibc gives each thread its own malloc arena (up to 8 per core): capped at 2 here.
    Config("threads", 64, repeats=1, env=(("MALLOC_ARENA_MAX", "2"),)),
]


def make_jobs(count: int) -> list[int]:
    """Store `count` learner messages with a queued analysis job each; return the job ids."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from chat.models import Conversation, Job, Message
    from chat.sending import new_task_id

    owner, _ = User.objects.get_or_create(username="bench-worker")
    conversations = Conversation.objects.bulk_create(
        Conversation(owner=owner, language="es", feedback_language="en", level="A2",
                     title="Spanish conversation")
        for _ in range(max(1, count // 20))
    )  # fmt: skip
    messages = Message.objects.bulk_create(
        Message(conversation=conversations[n % len(conversations)], role="learner", text=TEXT)
        for n in range(count)
    )
    now = timezone.now()
    jobs = Job.objects.bulk_create(
        Job(kind="analysis", owner=owner, conversation_id=m.conversation_id, message=m,
            celery_task_id=new_task_id(), queued_at=now)
        for m in messages
    )  # fmt: skip
    return [job.pk for job in jobs]


def send(job_ids: list[int]) -> float:
    """Send the jobs' tasks; return the wall-clock time of the first send."""
    from django.utils import timezone

    from chat.models import Job
    from chat.sending import send_job

    # queued_at is when the job was handed to the broker, as in the app.
    Job.objects.filter(pk__in=job_ids).update(queued_at=timezone.now())
    started = time.time()
    for job_id, task_id in Job.objects.filter(pk__in=job_ids).values_list("pk", "celery_task_id"):
        send_job(job_id=job_id, kind="analysis", task_id=task_id)
    return started


def wait_done(job_ids: list[int], timeout: float, on_poll=None) -> dict[str, int]:
    from django.db.models import Count

    from chat.models import Job

    deadline = time.monotonic() + timeout
    while True:
        states = dict(
            Job.objects.filter(pk__in=job_ids)
            .values_list("state")
            .annotate(n=Count("id"))
            .values_list("state", "n")
        )
        if on_poll:
            on_poll()
        done = states.get("succeeded", 0) + states.get("failed", 0)
        if done == len(job_ids) or time.monotonic() > deadline:
            return states
        time.sleep(0.25)


class Sampler(threading.Thread):
    """Sample the database connections and RSS of a set of processes while a run goes on."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.roots = pids
        self.connections: list[int] = []
        self.rss: list[float] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.5):
            connections = harness.pg_connections()
            if connections is not None:
                self.connections.append(connections)
            tree = [pid for root in self.roots for pid in harness.process_tree(root)]
            self.rss.append(harness.memory_mb(tree))

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_config(config: Config, model_url: str, *, jobs: int, smoke: bool) -> dict[str, Any]:
    """Start the workers of one configuration, run `jobs` analyses, stop them; return figures."""
    from chat.models import Job

    env = harness.child_env(OPENAI_BASE_URL=model_url, **dict(config.env))
    workers = [
        harness.start_worker(
            f"worker-{config.pool}{config.concurrency}-{n}",
            pool=config.pool,
            concurrency=config.concurrency,
            env=env,
            queues="analysis",
        )
        for n in range(config.processes)
    ]
    try:
        # Warm up: every slot runs a job or two, so imports and each thread's model are made.
        warmup = make_jobs(config.slots * 2)
        send(warmup)
        wait_done(warmup, timeout=120)
        job_ids = make_jobs(jobs)
        harness.model_control(model_url, "reset", {})
        trees = [harness.process_tree(worker.pid) for worker in workers]
        cpu_before = sum(harness.cpu_seconds(tree) for tree in trees)
        connections_before = harness.pg_connections()
        sampler = Sampler([worker.pid for worker in workers])
        sampler.start()
        started = send(job_ids)
        ideal = jobs * MODEL_LATENCY / config.slots
        states = wait_done(job_ids, timeout=max(60, ideal * 4))
        sampler.stop()
        trees = [harness.process_tree(worker.pid) for worker in workers]
        cpu = sum(harness.cpu_seconds(tree) for tree in trees) - cpu_before
        finished = sorted(
            f.timestamp()
            for f in Job.objects.filter(pk__in=job_ids).values_list("finished_at", flat=True)
            if f is not None
        )
        wall = finished[-1] - started
        # Robust to a straggler (a job retried after PostgreSQL, shared with others, refused it).
        wall_99 = finished[int(0.99 * (len(finished) - 1))] - started
        peak_rss = sum(harness.memory_mb(tree, "VmHWM") for tree in trees)
        model = harness.model_control(model_url, "stats")
        connections_after = harness.pg_connections()
    finally:
        for worker in workers:
            worker.stop()
    return {
        "jobs": jobs,
        "states": states,
        "wall_s": round(wall, 2),
        "ideal_s": round(ideal, 2),
        "efficiency": round(ideal / wall, 3),
        "wall_99_s": round(wall_99, 2),
        "efficiency_99": round(0.99 * ideal / wall_99, 3),
        "jobs_per_s": round(jobs / wall, 1),
        "cpu_ms_per_job": round(cpu * 1000 / jobs, 2),
        "worker_cpu_share": round(cpu / wall, 2),
        "peak_rss_mb": round(peak_rss, 1),
        "rss_mb_during_max": max(sampler.rss, default=None),
        "db_connections_peak": max(sampler.connections, default=connections_before or 0),
        "db_connections_before": connections_before,
        "db_connections_after": connections_after,
        "model_timer_late_p99_ms": model["timer_late_ms"]["p99"],
        "model_peak_in_flight": model["peak_in_flight"],
        "load": harness.load(),
    }


def agent_cpu_floor(model_url: str, runs: int) -> dict[str, float]:
    """Return the CPU that pydantic-ai and the OpenAI SDK alone spend on one analysis.

    Sequential agent runs in this process against the fake model with no latency: no Celery,
    no database, no Redis. What a job costs above this is findus' and Celery's own.
    """
    import os
    import resource

    os.environ["OPENAI_BASE_URL"] = model_url
    from workers import ai
    from workers.kinds.analysis import analysis_agent
    from workers.prompts import analysis_prompt

    prompt = analysis_prompt(text=TEXT, language="es", feedback_language="en", level="A2")
    harness.model_control(model_url, "control", {"latency": 0})

    def once() -> None:
        ai.run_async(
            analysis_agent().run(
                prompt, model=ai.current_model(), model_settings=ai.model_settings(), deps=TEXT
            ),
            timeout=30,
        )

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_THREAD)
        return usage.ru_utime + usage.ru_stime

    try:
        for _ in range(10):
            once()
        before, started = cpu(), time.monotonic()
        for _ in range(runs):
            once()
        return {
            "cpu_ms_per_run": round((cpu() - before) * 1000 / runs, 2),
            "wall_ms_per_run": round((time.monotonic() - started) * 1000 / runs, 2),
            "runs": runs,
        }
    finally:
        harness.model_control(model_url, "control", {"latency": MODEL_LATENCY})


def run(
    configs: list[Config], *, name: str, title: str, smoke: bool, results_dir
) -> dict[str, Any]:
    info = harness.machine()
    print(f"{title}: load {info['load_before']}, model {MODEL_LATENCY}s")
    harness.reset_database()
    harness.flush_redis()
    harness.configure_django()
    model, model_url = harness.start_fakemodel(MODEL_LATENCY)
    result: dict[str, Any] = {
        "benchmark": name,
        "smoke": smoke,
        "machine": info,
        "model_latency_s": MODEL_LATENCY,
        "jobs": max(c.jobs for c in configs) if not smoke else 20,
        "configs": [],
    }
    try:
        result["agent_cpu_floor"] = agent_cpu_floor(model_url, 10 if smoke else 200)
        print(f"  pydantic-ai + OpenAI SDK alone: {result['agent_cpu_floor']}")
        for config in configs:
            jobs = 20 if smoke else config.jobs
            runs = []
            for repeat in range(1 if smoke else config.repeats):
                try:
                    figures = run_config(config, model_url, jobs=jobs, smoke=smoke)
                except Exception as error:  # a shared machine: PostgreSQL full, a slow start
                    if smoke:
                        raise
                    traceback.print_exc()
                    result.setdefault("errors", []).append(f"{config.label}: {error!r}"[:2000])
                    continue
                runs.append(figures)
                print(
                    f"  {config.label:>26} run {repeat + 1}: {jobs} jobs in {figures['wall_s']}s "
                    f"({figures['jobs_per_s']}/s) efficiency {figures['efficiency']:.2f}  "
                    f"CPU {figures['cpu_ms_per_job']} ms/job  peak RSS {figures['peak_rss_mb']} MB"
                    f"  DB conns {figures['db_connections_peak']}  load {figures['load'][0]}"
                )
            if not runs:
                continue
            keys = [k for k, v in runs[0].items() if isinstance(v, int | float)]
            result["configs"].append(
                {
                    "label": config.label,
                    "label_per_process": config.label_per_process,
                    "pool": config.pool,
                    "concurrency": config.concurrency,
                    "processes": config.processes,
                    "env": dict(config.env),
                    "runs": runs,
                    "median": {k: harness.median([r[k] for r in runs]) for k in keys},
                }
            )
    finally:
        model.stop()
    rows = [
        {"config": c["label"], **{k: c["median"][k] for k in SUMMARY}} for c in result["configs"]
    ]
    print(harness.table(rows, ["config", *SUMMARY]))
    return result


SUMMARY = ["wall_s", "ideal_s", "efficiency", "efficiency_99", "jobs_per_s", "cpu_ms_per_job",
           "peak_rss_mb", "db_connections_peak"]  # fmt: skip


def parse_configs(text: str, processes: int = 1) -> list[Config]:
    """Parse "threads:32,prefork:2,threads:32:DATABASE_CONN_MAX_AGE=60"."""
    configs = []
    for item in text.split(","):
        pool, concurrency, *env = item.split(":")
        pairs = tuple(tuple(pair.split("=", 1)) for pair in env)
        repeats = 1 if pool == "prefork" else 3
        configs.append(Config(pool, int(concurrency), processes, repeats, env=pairs))
    return configs


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = harness.arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--configs", help='e.g. "prefork:2,threads:8,threads:32,threads:64"')
    parser.add_argument("--repeats", type=int, help="runs of each threads configuration")
    args = parser.parse_args(argv)
    configs = parse_configs(args.configs) if args.configs else CONFIGS
    if args.repeats:
        configs = [
            Config(c.pool, c.concurrency, c.processes, args.repeats if c.pool == "threads" else 1,
                   c.jobs, c.env)
            for c in configs
        ]  # fmt: skip
    if args.smoke:
        configs = [Config("threads", 8, repeats=1)]
    result = run(configs, name="worker_throughput", title="worker throughput", smoke=args.smoke,
                 results_dir=args.results_dir)  # fmt: skip
    path = harness.write_json(args.results_dir, "worker_throughput", result)
    plots.worker_throughput(result, path.with_suffix(".png"))
    return result


if __name__ == "__main__":
    main()
