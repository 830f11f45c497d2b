"""What every benchmark needs: a fresh database, the real processes, /proc and pg_stat_activity
readings, the machine's description, and writing figures to bench/results/.

Benchmarks use their own Redis database (BENCH_REDIS_URL, default db 9) and their own PostgreSQL
database (BENCH_DATABASE_URL, default findus_bench), which each run drops and migrates afresh.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# Each child process logs to <LOGS>/<name>.log; the smoke tests point BENCH_LOGS elsewhere.
LOGS = Path(os.environ.get("BENCH_LOGS", ROOT / "bench" / "logs"))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/findus_bench")


def arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="a run of a few seconds, for CI")
    parser.add_argument(
        "--results-dir", type=Path, default=RESULTS, help="where the JSON and PNG go"
    )
    return parser


# --- Environment -------------------------------------------------------------------------------


def child_env(**overrides: str) -> dict[str, str]:
    """The environment of every findus process a benchmark starts: production-like settings."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url(),
        DEBUG="false",
        SECRET_KEY="bench-" + "x" * 60,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback, as behind a TLS-terminating proxy.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        FINDUS_AI_MODEL="openai-chat:bench-model",
        OPENAI_API_KEY="bench-key",
        PYTHONUNBUFFERED="1",
        # The per-learner caps stay on (their Redis counting is part of the send path) but so
        # high that the benchmark's few learners never reach them.
        FINDUS_MESSAGES_PER_MINUTE="100000000",
        FINDUS_MESSAGES_PER_DAY="100000000",
    )
    env.update(overrides)
    return env


def configure_django(**overrides: str) -> None:
    """Set up Django in this (driver) process, against the benchmark database."""
    os.environ.update(child_env(**overrides))
    import django

    django.setup()


def reset_database() -> None:
    """Drop and re-create the benchmark database, then migrate it."""
    url = urlsplit(database_url())
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, env=child_env(), check=True,
    )  # fmt: skip


def flush_redis() -> None:
    redis.Redis.from_url(redis_url()).flushdb()


def queue_length(queue: str) -> int:
    return redis.Redis.from_url(redis_url()).llen(queue)


def pg_connections() -> int | None:
    """Return how many connections other than ours are open to the benchmark database.

    None when PostgreSQL refuses a connection (max_connections is shared with everyone else).
    """
    url = urlsplit(database_url())
    admin = url._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True) as connection:
            row = connection.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [url.path.lstrip("/")],
            ).fetchone()
    except psycopg.OperationalError:
        return None
    return row[0]


# --- Processes ---------------------------------------------------------------------------------


class Process:
    """A child process in its own session, its output in bench/logs/<name>.log."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log_path = LOGS / f"{name}.log"
        self._log = self.log_path.open("w")
        self.popen = subprocess.Popen(  # noqa: S603 - our own commands
            args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 20) -> None:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        self._log.close()


def wait_for(predicate: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def start_fakemodel(latency: float, chunk_interval: float = 0.0) -> tuple[Process, str]:
    """Start bench/fakemodel.py on a free loopback port; return it and its /v1 URL.

    `latency` is its time to first token; a streamed reply's later chunks follow
    `chunk_interval` seconds apart (0: all at once).
    """
    ready = Path(tempfile.mkstemp(prefix="fakemodel-")[1])
    ready.unlink()
    process = Process(
        "fakemodel",
        [sys.executable, "-m", "bench.fakemodel", "--port", "0", "--latency", str(latency),
         "--chunk-interval", str(chunk_interval), "--ready-file", str(ready)],
        child_env(),
    )  # fmt: skip

    def port() -> str | None:
        if not process.alive():
            raise RuntimeError(process.output())
        return ready.read_text() if ready.exists() and ready.read_text() else None

    bound = wait_for(port, timeout=20, what="the fake model to listen")
    ready.unlink()
    return process, f"http://127.0.0.1:{bound}/v1"


def model_control(url: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    import httpx

    if body is None:
        return httpx.get(f"{url}/{path}", timeout=10).json()
    return httpx.post(f"{url}/{path}", json=body, timeout=10).json()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_uvicorn(env: dict[str, str]) -> tuple[Process, int]:
    """Start one uvicorn process (uvloop, httptools, no access log) and wait until it answers."""
    import httpx

    port = free_port()
    process = Process(
        "uvicorn",
        [sys.executable, "-m", "uvicorn", "findus.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--no-access-log", "--loop", "uvloop",
         "--http", "httptools", "--backlog", "4096"],
        env,
    )  # fmt: skip

    def up() -> bool:
        if not process.alive():
            raise RuntimeError(process.output())
        try:
            return httpx.get(f"http://127.0.0.1:{port}/bench/ceiling", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(up, timeout=60, what="uvicorn to answer", interval=0.2)
    return process, port


def start_worker(
    name: str, *, pool: str, concurrency: int, env: dict[str, str], queues: str = ""
) -> Process:
    """Start a real Celery worker process and wait until it consumes."""
    args = [
        sys.executable, "-m", "celery", "-A", "findus", "worker", "--loglevel", "INFO",
        "--hostname", f"{name}@%h", "--pool", pool, "--concurrency", str(concurrency),
        "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    if queues:
        args += ["-Q", queues]
    worker = Process(name, args, env)

    def ready() -> bool:
        if not worker.alive():
            raise RuntimeError(worker.output())
        return "ready." in worker.output()

    wait_for(ready, timeout=60, what=f"worker {name} to start", interval=0.2)
    return worker


# --- /proc readings ----------------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """Return `pid` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, stack = [], [pid]
    while stack:
        current = stack.pop()
        tree.append(current)
        stack.extend(children.get(current, []))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """Return the user + system CPU time of these processes (and their reaped children)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime are fields 14-17 of stat, 12-15 after the command.
        total += sum(int(value) for value in fields[11:15])
    return total / CLOCK_TICKS


def memory_mb(pids: list[int], field: str = "VmRSS") -> float:
    """Return the sum of a /proc/<pid>/status memory field (VmRSS now, VmHWM peak), in MB."""
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return round(total_kb / 1024, 1)


# --- Reporting ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "commit": commit,
        "load_before": load(),
    }


def load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def write_json(results_dir: Path, name: str, data: dict[str, Any]) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{name}.json"
    data = {**data, "load_after": load()}
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """Return rows as a plain aligned text table."""
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(column), *(len(row[i]) for row in cells)) for i, column in enumerate(columns)]
    lines = ["  ".join(column.rjust(width) for column, width in zip(columns, widths, strict=True))]
    for row in cells:
        lines.append("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3g}"
    return str(value)


def median(values: list[float]) -> float | None:
    ordered = sorted(value for value in values if value is not None)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: list[float], p: float) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
