"""The Server-Sent Events stream, through uvicorn, fed by a real worker over Redis pub/sub."""

from __future__ import annotations

import json
import socket
import threading
import time

import httpx
import pytest
import redis
from django.conf import settings

from chat.live import conversation_channel as channel_name
from chat.models import Message
from tests.helpers import PASSWORD, SENTENCE
from tests.processes import wait_for, web_and_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def base_url(django_db_setup, clean_redis_db):
    with web_and_worker("live", FINDUS_LOCAL_STREAM_DELAY="0.02") as base:
        yield base
    clean_redis_db.flushdb()


def logged_in(base_url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=10)
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    response = client.post(
        "/api/auth/register",
        json={"username": username, "password": PASSWORD},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.text
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    return client


def new_conversation(client: httpx.Client) -> int:
    body = {"language": "es", "feedback_language": "en", "level": "A2"}
    return client.post("/api/conversations", json=body).json()["id"]


class EventReader(threading.Thread):
    """Read one SSE stream in the background into a list of (event, data)."""

    def __init__(self, client: httpx.Client, path: str) -> None:
        super().__init__(daemon=True)
        self.client, self.path = client, path
        self.events: list[tuple[str, dict]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with self.client.stream("GET", self.path, timeout=None) as response:
            self.status = response.status_code
            event = None
            for line in response.iter_lines():
                if self.stop.is_set():
                    return
                if line.startswith("event: "):
                    event = line.removeprefix("event: ")
                elif line.startswith("data: ") and event:
                    self.events.append((event, json.loads(line.removeprefix("data: "))))

    def named(self, name: str) -> list[dict]:
        return [data for event, data in self.events if event == name]


def subscribers(conversation_id: int) -> int:
    client = redis.Redis.from_url(settings.REDIS_URL)
    return dict(client.pubsub_numsub(channel_name(conversation_id)))[
        channel_name(conversation_id).encode()
    ]


def test_the_stream_carries_reply_deltas_and_finished_jobs(base_url):
    client = logged_in(base_url, "sol")
    conversation_id = new_conversation(client)
    reader = EventReader(client, f"/api/conversations/{conversation_id}/events")
    reader.start()
    wait_for(lambda: reader.named("ready"), timeout=10, what="the ready event")

    client.post(f"/api/conversations/{conversation_id}/messages", json={"text": SENTENCE})

    def finished() -> set[str]:
        return {d["kind"] for d in reader.named("job") if d["state"] == "succeeded"}

    wait_for(lambda: finished() == {"reply", "analysis"}, timeout=30, what="both jobs")
    reader.stop.set()
    deltas = reader.named("reply.delta")
    stored = Message.objects.get(role="tutor").text
    assert len(deltas) >= 2, "the reply should arrive in pieces"
    assert deltas[-1]["text"] == stored
    assert "".join(d["delta"] for d in deltas) == stored
    [analysis] = [d for d in reader.named("job") if d["kind"] == "analysis" and "analysis" in d]
    assert {i["original"] for i in analysis["analysis"]["issues"]} == {"el", "cassa"}
    states = [d["state"] for d in reader.named("job") if d["kind"] == "reply"]
    assert states[0] == "running" and states[-1] == "succeeded"


def open_raw_stream(base_url: str, path: str, client: httpx.Client) -> socket.socket:
    """Open an SSE stream on a plain socket, so the test can close it as a browser tab would."""
    host, port = base_url.removeprefix("http://").split(":")
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookies}\r\n\r\n".encode())
    received = b""
    while b"event: ready" not in received:
        received += sock.recv(4096)
    assert received.startswith(b"HTTP/1.1 200"), received
    return sock


def test_many_listeners_share_one_subscription_and_closing_releases_it(base_url):
    client = logged_in(base_url, "luz")
    conversation_id = new_conversation(client)
    path = f"/api/conversations/{conversation_id}/events"
    tabs = [open_raw_stream(base_url, path, client) for _ in range(50)]
    assert subscribers(conversation_id) == 1

    for tab in tabs[:49]:
        tab.close()
    time.sleep(0.5)
    assert subscribers(conversation_id) == 1  # one tab still listens
    tabs[49].close()
    wait_for(lambda: subscribers(conversation_id) == 0, timeout=10, what="the release")


def test_only_the_owner_may_listen(base_url):
    owner = logged_in(base_url, "ana-live")
    conversation_id = new_conversation(owner)
    other = logged_in(base_url, "eve-live")
    assert other.get(f"/api/conversations/{conversation_id}/events").status_code == 404
    anonymous = httpx.Client(base_url=base_url)
    assert anonymous.get(f"/api/conversations/{conversation_id}/events").status_code == 401
