"""Start the real processes the tests talk to: Celery workers and uvicorn, on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "tests" / "logs"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """Return a DATABASE_URL for the test database the current test run created."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        DEBUG="true",
        PYTHONUNBUFFERED="1",
        FINDUS_LOCAL_STREAM_DELAY="0",
    )
    env.update(overrides)
    return env


def wait_for(
    predicate: Callable[[], object], *, timeout: float, interval: float = 0.05, what: str = ""
):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)


class Process:
    """A child process whose output goes to tests/logs/<name>.log."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        LOGS.mkdir(exist_ok=True)
        self.name = name
        self.killed = False  # set by a test that kills it on purpose
        self.log_path = LOGS / f"{name}.log"
        self._log = self.log_path.open("w")
        self.popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        self._log.close()


def start_worker(
    name: str, *, queues: str = "", concurrency: int = 8, include: str = "", **env: str
) -> Process:
    """Start a real Celery worker process and wait until it is consuming.

    `include` names modules to import before it consumes (celery's --include), e.g. a provider's
    SDK, so that its first job does not spend seconds of its time budget importing it.
    """
    args = [
        sys.executable, "-m", "celery", "-A", "findus", "worker", "--loglevel", "INFO",
        "--hostname", f"{name}@%h", "--concurrency", str(concurrency), "--without-mingle",
        "--without-gossip",
    ]  # fmt: skip
    if queues:
        args += ["-Q", queues]
    if include:
        args += ["--include", include]
    worker = Process(name, args, child_env(**env))
    wait_for(
        lambda: "ready." in worker.output() or worker.popen.poll() is not None,
        timeout=60,
        what=f"worker {name} to start",
    )
    assert worker.popen.poll() is None, worker.output()
    return worker


def start_uvicorn(name: str = "uvicorn", **env: str) -> tuple[Process, str]:
    import httpx

    port = free_port()
    args = [
        sys.executable, "-m", "uvicorn", "findus.asgi:application", "--host", "127.0.0.1",
        "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    server = Process(name, args, child_env(**env))
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert server.popen.poll() is None, server.output()
        try:
            return httpx.get(f"{base}/healthz", timeout=5).status_code in (200, 503)
        except httpx.HTTPError:
            return False

    wait_for(up, timeout=60, interval=0.2, what="uvicorn to answer")
    return server, base


def start_redis(name: str, port: int | None = None) -> tuple[Process, int]:
    """Start a redis-server of the test's own on loopback, without persistence; wait for PING.

    Tests that stop, kill or empty Redis use one of these, never the machine's shared server.
    """
    import redis

    port = port or free_port()
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--daemonize", "no"]  # fmt: skip
    server = Process(name, args, dict(os.environ))
    client = redis.Redis(port=port, socket_connect_timeout=1)

    def answers() -> bool:
        assert server.popen.poll() is None, server.output()
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    wait_for(answers, timeout=20, what=f"redis-server {name} to answer")
    client.close()
    return server, port


def start_beat(name: str, schedule: Path, **env: str) -> Process:
    """Start celery beat with its own schedule file and wait until it runs."""
    args = [sys.executable, "-m", "celery", "-A", "findus", "beat", "--loglevel", "INFO",
            "--schedule", str(schedule)]  # fmt: skip
    beat = Process(name, args, child_env(**env))
    wait_for(lambda: "beat: Starting" in beat.output(), timeout=30, what=f"beat {name} to start")
    return beat


def children_of(pid: int) -> list[int]:
    """Return the ids of a process's child processes (a prefork worker's pool)."""
    children: list[int] = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name in parentheses may hold spaces; the parent id follows the state.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def pid_with_local_port(port: int, among: list[int]) -> int | None:
    """Return which of `among` holds the TCP socket bound to local `port` on loopback."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for pid in among:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                if os.readlink(fd) in inodes:
                    return pid
            except OSError:
                continue
    return None


@contextmanager
def web_and_worker(name: str, **worker_env: str) -> Iterator[str]:
    """A worker (the offline tutor, every queue) and a uvicorn process; yield the web's URL."""
    worker = start_worker(f"worker-{name}", **worker_env)
    server, base = start_uvicorn(f"uvicorn-{name}")
    try:
        yield base
    finally:
        server.stop()
        worker.stop()
