"""Benchmark 1, the send path: POST a learner message, logged in, under open-loop load.

    uv run --group bench python -m bench.send_path            # about 7 minutes
    uv run --group bench python -m bench.send_path --smoke    # a few seconds

One uvicorn process (uvloop, httptools) serves findus' API and the variants of bench/variants.py
with the same settings: `findus` (POST /api/conversations/{id}/messages: store, enqueue after
commit, 202), `ceiling` (a bare async JSON view), `create_task` (the seed's design: the AI work
runs in the web process) and `await_model` (the request waits for the model). The model answers
after 1 s. No worker runs during the sweep, so the findus variant's jobs wait in Redis; the
create_task variant's AI work is the web process' own, which is what it costs.

Each variant gets open-loop load at rising rates (Python generator, latency from each request's
due time, HDR histogram) until its p99 passes 1 s or it no longer keeps up, then wrk measures its
closed-loop peak. Finally, with a worker consuming, findus' send path is measured at one rate
with the model at 0.1 s and at 5 s.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from bench import harness, loadgen, plots
from bench.fakemodel import run_event_loop

MODEL_LATENCY = 1.0
P99_TARGET_MS = 50.0
LEARNERS = 20
CONVERSATIONS_PER_LEARNER = 10
TEXT = "Mi cassa es grande y bonita, y tengo dos perros que corren en el jardín."
PATHS = {
    "findus": "/api/conversations/{id}/messages",
    "findus_pool": "/api/conversations/{id}/messages",
    "findus_whitenoise": "/api/conversations/{id}/messages",
    "ceiling": "/bench/ceiling",
    "create_task": "/bench/create-task/{id}/messages",
    "await_model": "/bench/await/{id}/messages",
}
# findus with DATABASE_POOL=true: the same endpoint, the same server, a connection pool; and with
# the async WhiteNoise subclass findus had before servestatic.
VARIANT_ENV = {
    "findus_pool": {"DATABASE_POOL": "true"},
    "findus_whitenoise": {"BENCH_STATIC_MIDDLEWARE": "whitenoise"},
}
DRAIN_TIMEOUT = 60.0
RATES = [10, 20, 30, 40, 50, 75, 100, 150, 200, 300, 400, 600, 800, 1200]


def learners(count: int, base: str) -> list[dict[str, str]]:
    """Create learners, each logged in; return each one's cookie and CSRF headers.

    The first logs in through the API, as a client would; the others get their sessions from
    Django's session store directly, which is what a login stores, minus the password hashing.
    """
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string

    first = User.objects.create_user(username="bench-0", password="bench-password-0192")  # noqa: S106
    with httpx.Client(base_url=base, timeout=120) as client:
        client.get("/api/auth/csrf").raise_for_status()
        client.post(
            "/api/auth/login",
            json={"username": first.username, "password": "bench-password-0192"},
            headers={"X-CSRFToken": client.cookies["csrftoken"]},
        ).raise_for_status()
        cookies = [{name: client.cookies[name] for name in ("sessionid", "csrftoken")}]
    for n in range(1, count):
        user = User(username=f"bench-{n}")
        user.set_unusable_password()
        user.save()
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append({"sessionid": session.session_key, "csrftoken": _get_new_csrf_string()})
    headers = [
        {
            "Cookie": f"sessionid={c['sessionid']}; csrftoken={c['csrftoken']}",
            "X-CSRFToken": c["csrftoken"],
            "Content-Type": "application/json",
        }
        for c in cookies
    ]
    with httpx.Client(base_url=base, timeout=120) as client:
        for header in headers:
            cookie = header["Cookie"]
            client.get("/api/conversations", headers={"Cookie": cookie}).raise_for_status()
    return headers


def make_conversations(per_learner: int) -> list[tuple[int, int]]:
    """Give each learner conversations; return (learner index, conversation id) pairs."""
    from django.contrib.auth.models import User

    from chat.models import Conversation

    owners = list(User.objects.filter(username__startswith="bench-").order_by("id"))
    created = Conversation.objects.bulk_create(
        Conversation(owner=owner, language="es", feedback_language="en", level="A2",
                     title="Spanish conversation")
        for _ in range(per_learner) for owner in owners
    )  # fmt: skip
    index = {owner.pk: n for n, owner in enumerate(owners)}
    return [(index[c.owner_id], c.pk) for c in created]


class Load:
    """Who posts where: one learner's headers and one of their conversations per request."""

    def __init__(self, variant: str, headers: list[dict[str, str]], pairs: list[tuple[int, int]]):
        self.variant = variant
        self.ids = [conversation_id for _, conversation_id in pairs]
        body = json.dumps({"text": TEXT})
        self.requests = [
            {
                "method": "POST",
                "path": PATHS[variant].format(id=conversation_id),
                "headers": headers[learner],
                "body": body,
            }
            for learner, conversation_id in pairs
        ]

    def target(self, port: int) -> loadgen.Target:
        return loadgen.Target(
            "127.0.0.1",
            port,
            [
                loadgen.build_request(
                    method=r["method"],
                    path=r["path"],
                    host=f"127.0.0.1:{port}",
                    headers=r["headers"],
                    body=r["body"].encode(),
                )
                for r in self.requests
            ],
        )


def unfinished_jobs(ids: list[int]) -> int:
    from chat.models import Job

    return Job.objects.filter(
        conversation_id__in=ids, state__in=[Job.State.QUEUED, Job.State.RUNNING]
    ).count()


def drain(variant: str, ids: list[int], timeout: float = 60) -> float:
    """Let the previous step's work finish so it does not spill into the next; return seconds."""
    started = time.monotonic()
    if variant == "create_task":
        deadline = started + timeout
        while unfinished_jobs(ids) and time.monotonic() < deadline:
            time.sleep(0.25)
    elif variant.startswith("findus"):
        import redis

        redis.Redis.from_url(harness.redis_url()).delete("replies", "analysis")
    return round(time.monotonic() - started, 2)


def sweep(
    load: Load, web: harness.Process, port: int, rates: list[float], step: dict
) -> list[dict[str, Any]]:
    variant, ids, target = load.variant, load.ids, load.target(port)
    rows = []
    give_up_ms = (MODEL_LATENCY * 1000 + 1000) if variant == "await_model" else 1000.0
    for rate in rates:
        cpu_before = harness.cpu_seconds(harness.process_tree(web.pid))
        result = run_event_loop(loadgen.open_loop(target, rate=rate, **step))
        result["drain_s"] = drain(variant, ids, timeout=DRAIN_TIMEOUT)
        # The web process' CPU per request, background AI work included: a figure that the
        # machine's other load inflates far less than latencies.
        cpu = harness.cpu_seconds(harness.process_tree(web.pid)) - cpu_before
        sent = rate * (step["duration"] + step["warmup"])
        result["web_cpu_ms_per_request"] = round(cpu * 1000 / sent, 2)
        result["load"] = harness.load()
        rows.append(result)
        latency = result["latency_ms"]
        print(
            f"  {variant:>12} {rate:>6.0f}/s  ok {result['achieved_rate']:>7.1f}/s  "
            f"p50 {latency['p50']:>8} ms  p99 {latency['p99']:>8} ms  p99.9 "
            f"{latency['p99_9']:>8} ms  gen lag p99 {result['send_lag_ms']['p99']} ms  "
            f"gen CPU {result['generator_cpu_share']}  web CPU "
            f"{result['web_cpu_ms_per_request']} ms/req"
        )
        keeping_up = result["ok"] >= 0.95 * result["requests"]
        if latency["p99"] is None or latency["p99"] > give_up_ms or not keeping_up:
            break
    return rows


def warm_up(load: Load, port: int, seconds: float) -> None:
    """Run a little load first, so imports, clients and connections are made before measuring."""
    run_event_loop(loadgen.closed_loop(load.target(port), connections=4, duration=seconds))
    drain(load.variant, load.ids, timeout=DRAIN_TIMEOUT)


def knee(rows: list[dict[str, Any]]) -> float | None:
    """Return the highest offered rate with p99 under the target and every request answered."""
    passing = [
        row["offered_rate"]
        for row in rows
        if row["latency_ms"]["p99"] is not None
        and row["latency_ms"]["p99"] < P99_TARGET_MS
        and row["ok"] >= 0.99 * row["requests"]
    ]
    return max(passing) if passing else None


def peak(load: Load, port: int, smoke: bool) -> dict:
    variant = load.variant
    connections = 512 if variant == "await_model" else 64
    duration = 2.0 if smoke else 10.0
    if loadgen.wrk_available():
        result = loadgen.run_wrk(
            loadgen.Target("127.0.0.1", port, []),
            requests=load.requests,
            connections=connections,
            duration=duration,
        )
    else:
        result = run_event_loop(
            loadgen.closed_loop(
                load.target(port),
                connections=connections,
                duration=duration,
            )
        )
    result["drain_s"] = drain(variant, load.ids, timeout=DRAIN_TIMEOUT)
    print(f"  {variant:>12} closed-loop peak ({result['tool']}, {connections} connections): "
          f"{result['rate']:.1f}/s p50 {result['latency_ms'].get('p50')} ms")  # fmt: skip
    return result


def independence(port: int, model_url: str, load: Load, rate: float, step: dict) -> dict[str, Any]:
    """findus' send path at one rate, a worker consuming, the model at 0.1 s and then 5 s."""
    worker = harness.start_worker(
        "worker-send-path",
        pool="threads",
        concurrency=64,
        env=harness.child_env(OPENAI_BASE_URL=model_url),
    )
    results = {}
    try:
        for latency in (0.1, 5.0):
            harness.model_control(model_url, "control", {"latency": latency})
            target = load.target(port)
            # A longer warm-up: the worker's threads make their model clients on first use.
            warm = {**step, "warmup": max(step["warmup"], 5.0 if step["duration"] > 2 else 1.0)}
            result = run_event_loop(loadgen.open_loop(target, rate=rate, **warm))
            result["load"] = harness.load()
            results[f"{latency:g}s"] = result
            print(
                f"  findus with a worker, model {latency:g}s, {rate:g}/s: "
                f"p50 {result['latency_ms']['p50']} ms p99 {result['latency_ms']['p99']} ms"
            )
    finally:
        worker.stop()
        harness.model_control(model_url, "control", {"latency": MODEL_LATENCY})
        drain("findus", load.ids)
    fast, slow = results["0.1s"]["latency_ms"]["p99"], results["5s"]["latency_ms"]["p99"]
    return {"rate": rate, "runs": results, "p99_ratio_5s_over_0.1s": round(slow / fast, 3)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = harness.arguments(__doc__.split("\n\n")[0])
    parser.add_argument(
        "--variants",
        default=",".join(variant for variant in PATHS if variant != "findus_whitenoise"),
        help="comma-separated; findus_whitenoise runs only when named",
    )
    parser.add_argument("--rates", help="comma-separated requests/s (default: a rising sweep)")
    parser.add_argument("--independence-rate", type=float, default=None)
    args = parser.parse_args(argv)
    variants = args.variants.split(",")
    rates = [float(r) for r in args.rates.split(",")] if args.rates else RATES
    step = {"duration": 8.0, "warmup": 2.0}
    if args.smoke:
        rates, step = rates[:1], {"duration": 1.0, "warmup": 1.0}
    info = harness.machine()
    print(f"send path: load {info['load_before']}, model {MODEL_LATENCY}s, rates {rates}")
    harness.reset_database()
    harness.flush_redis()
    harness.configure_django()
    global DRAIN_TIMEOUT
    DRAIN_TIMEOUT = 5.0 if args.smoke else 20.0
    model, model_url = harness.start_fakemodel(MODEL_LATENCY)
    env = harness.child_env(OPENAI_BASE_URL=model_url)
    web, port = harness.start_uvicorn(env)
    result: dict[str, Any] = {
        "benchmark": "send_path",
        "smoke": args.smoke,
        "machine": info,
        "model_latency_s": MODEL_LATENCY,
        "p99_target_ms": P99_TARGET_MS,
        "learners": LEARNERS,
        "conversations": LEARNERS * CONVERSATIONS_PER_LEARNER,
        "server": "1 uvicorn process (restarted for each variant), uvloop + httptools, "
        "DEBUG off, PostgreSQL, Redis",
        "variants": {},
    }
    try:
        headers = learners(LEARNERS, f"http://127.0.0.1:{port}")
        for variant in variants:
            # A fresh server for each variant, same settings: the create_task variant's
            # leftover AI work must not run on during the next variant's measurements.
            if not args.smoke or variant in VARIANT_ENV:
                web.stop()
                web, port = harness.start_uvicorn({**env, **VARIANT_ENV.get(variant, {})})
            load = Load(variant, headers, make_conversations(CONVERSATIONS_PER_LEARNER))
            warm_up(load, port, 0.5 if args.smoke else 3.0)
            rows = sweep(load, web, port, rates, step)
            result["variants"][variant] = {
                "steps": rows,
                "highest_rate_p99_under_target": knee(rows),
                "peak": peak(load, port, args.smoke),
            }
        result["fake_model"] = harness.model_control(model_url, "stats")
        if "findus" in variants:
            findus_knee = result["variants"]["findus"]["highest_rate_p99_under_target"]
            rate = args.independence_rate or (
                20.0 if args.smoke else max(10.0, (findus_knee or 20) / 2)
            )
            if not args.smoke:
                web.stop()
                web, port = harness.start_uvicorn(env)
            load = Load("findus", headers, make_conversations(CONVERSATIONS_PER_LEARNER))
            warm_up(load, port, 0.5 if args.smoke else 3.0)
            result["model_latency_independence"] = independence(port, model_url, load, rate, step)
    finally:
        web.stop()
        model.stop()
    summarise(result)
    path = harness.write_json(args.results_dir, "send_path", result)
    plots.send_path(result, path.with_suffix(".png"))
    return result


def summarise(result: dict[str, Any]) -> None:
    rows = []
    for name, data in result["variants"].items():
        knee_rate = data["highest_rate_p99_under_target"]
        at_knee = next(
            (s for s in data["steps"] if s["offered_rate"] == knee_rate), data["steps"][0]
        )
        rows.append(
            {
                "variant": name,
                "peak/s": data["peak"]["rate"],
                "p99<50ms up to /s": knee_rate,
                "p50 ms": at_knee["latency_ms"]["p50"],
                "p99 ms": at_knee["latency_ms"]["p99"],
                "p99.9 ms": at_knee["latency_ms"]["p99_9"],
            }
        )
    print(harness.table(rows, list(rows[0])))
    ceiling = result["variants"].get("ceiling", {}).get("peak", {}).get("rate")
    findus = result["variants"].get("findus", {}).get("peak", {}).get("rate")
    if ceiling and findus:
        result["findus_peak_over_ceiling"] = round(findus / ceiling, 3)
        print(f"findus peak / ceiling peak: {result['findus_peak_over_ceiling']}")
    if "model_latency_independence" in result:
        ratio = result["model_latency_independence"]["p99_ratio_5s_over_0.1s"]
        print(f"findus p99 with the model at 5 s / at 0.1 s: {ratio}")


if __name__ == "__main__":
    main()
