"""Flower, started as the Procfile starts it: behind a password unless in debug mode."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.processes import ROOT, Process, child_env, free_port, wait_for

AUTH = ("operator", "a-flower-passphrase")


def start_flower(name: str, env: dict[str, str]) -> tuple[Process, str]:
    port = free_port()
    args = [sys.executable, "-m", "celery", "-A", "findus", "flower", f"--port={port}"]
    process = Process(name, args, env)
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert process.popen.poll() is None, process.output()
        try:
            return httpx.get(f"{base}/healthcheck", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(up, timeout=60, interval=0.2, what="Flower to answer")
    return process, base


@pytest.fixture(scope="module")
def flower():
    process, base = start_flower("flower", child_env(FLOWER_BASIC_AUTH=":".join(AUTH)))
    yield base
    process.stop()


@pytest.fixture(scope="module")
def development_flower():
    """Flower as `python -m findus.dev` starts it: debug mode, no password."""
    env = child_env(DEBUG="true")
    env.pop("FLOWER_BASIC_AUTH", None)
    env.pop("FLOWER_UNAUTHENTICATED_API", None)
    process, base = start_flower("flower-development", env)
    yield base
    process.stop()


def test_flower_refuses_a_request_without_the_password(flower):
    assert httpx.get(f"{flower}/").status_code == 401
    assert httpx.get(f"{flower}/api/workers").status_code == 401
    assert httpx.get(f"{flower}/api/queues/length").status_code == 401
    assert httpx.get(f"{flower}/", auth=(AUTH[0], "wrong")).status_code == 401


def test_flower_shows_its_pages_with_the_password(flower):
    assert httpx.get(f"{flower}/", auth=AUTH).status_code == 200
    queues = httpx.get(f"{flower}/api/queues/length", auth=AUTH)
    assert queues.status_code == 200
    names = {queue["name"] for queue in queues.json()["active_queues"]}
    assert names == {"replies", "analysis", "reviews", "maintenance"}


def test_flower_serves_prometheus_metrics_without_the_password(flower):
    # Flower leaves /metrics open for scrapers, which is why it listens on a private address.
    metrics = httpx.get(f"{flower}/metrics")
    assert metrics.status_code == 200
    assert "flower_events_total" in metrics.text
    assert "flower_worker_online" in metrics.text


def test_flower_will_not_start_without_a_password_outside_debug_mode():
    env = child_env(DEBUG="false", SECRET_KEY="a-secret-key-for-this-test-" + "x" * 40)
    env.pop("FLOWER_BASIC_AUTH", None)
    port = free_port()
    finished = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "findus", "flower", f"--port={port}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert finished.returncode != 0
    assert "Flower will not start without a password: set FLOWER_BASIC_AUTH" in finished.stderr


def test_in_development_the_documented_queue_length_call_answers_without_a_password(
    development_flower,
):
    # The README's way to read queue lengths: GET /api/queues/length.
    queues = httpx.get(f"{development_flower}/api/queues/length")

    assert queues.status_code == 200, queues.text
    names = {queue["name"] for queue in queues.json()["active_queues"]}
    assert names == {"replies", "analysis", "reviews", "maintenance"}
