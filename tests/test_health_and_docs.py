"""GET /healthz and the published API description."""

from __future__ import annotations

import pytest

from tests.processes import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_says_degraded_when_no_worker_answers(client):
    # Runs before any worker of this module starts: Redis answers, nobody consumes.
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["worker"] == {"ok": False, "workers": []}
    assert body["status"] == "degraded"


def test_healthz_reports_database_redis_and_a_live_worker(client, local_worker):
    # A worker that just logged "ready" may take a moment to answer control messages.
    body = wait_for(
        lambda: (b := client.get("/healthz").json())["worker"]["ok"] and b,
        timeout=15,
        interval=0.5,
        what="a worker to answer /healthz",
    )
    assert body["database"]["ok"] is True
    assert body["redis"]["ok"] is True
    assert body["worker"]["ok"] is True
    assert any(name.startswith("worker-local@") for name in body["worker"]["workers"])
    assert body["status"] == "ok"
    assert body["ai_model"] == "local"


def test_healthz_is_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["redis"]["ok"] is False and body["worker"]["ok"] is False


def test_the_openapi_schema_describes_every_endpoint(client):
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/conversations",
        "/api/conversations/{conversation_id}",
        "/api/conversations/{conversation_id}/messages",
        "/api/conversations/{conversation_id}/end",
        "/api/conversations/{conversation_id}/review",
        "/api/conversations/{conversation_id}/events",
        "/api/jobs/{job_id}/retry",
    ):
        assert path in paths, path
    assert "202" in paths["/api/conversations/{conversation_id}/messages"]["post"]["responses"]
    assert client.get("/api/docs").status_code == 200
