"""An OpenAI-compatible chat-completions server on loopback: the AI provider's edge, faked.

Workers reach it through FINDUS_AI_MODEL=openai-chat:<model> and OPENAI_BASE_URL, so the real
provider path (HTTP client, SDK, pydantic-ai's OpenAI model) runs. Tests script its answers:
`server.script(["429", "ok"])` makes the next request a 429 and the one after a normal answer;
`server.script(["hang"], kind="analysis")` scripts only the next analysis request. The fault
tests also use a seeded random-fault mode, hangs that the test releases, and calls counted per
job (a job is its kind and its learner message's text, so tests give each message its own text).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from workers.prompts import parse_job_payload

REPLY_CHUNKS = ["¡Muy ", "bien! ", "¿Y qué ", "te gusta ", "hacer?"]


class FakeAI:
    def __init__(self) -> None:
        self._behaviours: deque[str] = deque()
        self._by_kind: dict[str, deque[str]] = {}
        self._lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self._per_job: Counter[tuple[str, str]] = Counter()
        self.default = "ok"
        self._random: tuple[float, tuple[str, ...], int] | None = None
        # The client port of the latest request per job: which process is asking (see peer_port).
        self._peers: dict[tuple[str, str], int] = {}
        self._released = threading.Event()
        self.hanging = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def script(self, behaviours: list[str], *, kind: str | None = None) -> None:
        """Queue behaviours for the next requests (of one kind of job, if given): ok, 429, 500,
        503, 429:<retry-after seconds>, 400, malformed, slow:<s>, hang (until `release_hangs`, then
        no answer), hold (until `release_hangs`, then a normal answer)."""
        with self._lock:
            if kind is None:
                self._behaviours.extend(behaviours)
            else:
                self._by_kind.setdefault(kind, deque()).extend(behaviours)

    def random_faults(self, *, rate: float, faults: list[str], seed: int) -> None:
        """Answer a share `rate` of requests with one of `faults`, chosen at random but the same
        for the same job's n-th call in every run, whatever order the workers ask in."""
        with self._lock:
            self._random = (rate, tuple(faults), seed)

    def release_hangs(self) -> None:
        """Let every hanging request go: it closes its connection without an answer."""
        self._released.set()

    def reset(self) -> None:
        self.release_hangs()
        with self._lock:
            self._behaviours.clear()
            self._by_kind.clear()
            self.requests.clear()
            self._per_job.clear()
            self._peers.clear()
            self.default = "ok"
            self._random = None
            self._released = threading.Event()

    def next_behaviour(self, request: dict[str, Any], peer_port: int | None = None) -> str:
        key = request_key(request)
        with self._lock:
            calls_before = self._per_job[key]
            self._per_job[key] += 1
            self.requests.append(request)
            if peer_port is not None:
                self._peers[key] = peer_port
            scripted = self._by_kind.get(key[0])
            if scripted:
                return scripted.popleft()
            if self._behaviours:
                return self._behaviours.popleft()
            return self._random_fault(key, calls_before) or self.default

    def random_fault(self, key: tuple[str, str], call: int) -> str | None:
        """Return the fault the random mode answers a job's `call`-th request with (from 0)."""
        with self._lock:
            return self._random_fault(key, call)

    def _random_fault(self, key: tuple[str, str], call: int) -> str | None:
        if self._random is None:
            return None
        rate, faults, seed = self._random
        draw = random.Random(f"{seed}:{key}:{call}")
        return draw.choice(faults) if draw.random() < rate else None

    def hang(self) -> None:
        with self._lock:
            self.hanging += 1
            released = self._released
        try:
            released.wait(3600)
        finally:
            with self._lock:
                self.hanging -= 1

    def calls(self, kind: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.requests if kind is None or request_kind(r) == kind)

    def calls_per_job(self) -> Counter[tuple[str, str]]:
        """Return how often the provider was asked for each job: (kind, learner text) -> calls."""
        with self._lock:
            return Counter(self._per_job)

    def peer_port(self, kind: str, text: str) -> int | None:
        """Return the client port of the latest request for a job: its worker's socket."""
        with self._lock:
            return self._peers.get((kind, text))


def request_key(request: dict[str, Any]) -> tuple[str, str]:
    """Return which job a request is for: its kind and the learner text it is about."""
    kind = request_kind(request)
    if kind == "reply":
        return kind, _last_user_text(request)
    payload = parse_job_payload(_last_user_text(request)) or {}
    if kind == "review":
        return kind, "\n".join(m.get("text", "") for m in payload.get("messages", []))
    if kind == "exercises":
        return kind, payload.get("pattern", {}).get("label", "")
    if kind == "summary":
        return kind, "\n".join(turn.get("text", "") for turn in payload.get("turns", []))
    return kind, payload.get("text", "")


def request_kind(request: dict[str, Any]) -> str:
    payload = parse_job_payload(_last_user_text(request)) or {}
    if "task" in payload:
        return payload["task"]
    return "unknown" if request.get("tools") else "reply"


def _last_user_text(request: dict[str, Any]) -> str:
    for message in reversed(request.get("messages", [])):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return "".join(part.get("text", "") for part in content)
            return content or ""
    return ""


def analysis_answer(payload: dict[str, Any]) -> dict[str, Any]:
    """Correct every "cassa", as a model does: the corrected text and the edit, no positions;
    the worker finds the spans by aligning the texts."""
    text = payload["text"]
    edits = []
    if "cassa" in text:
        edits.append(
            {
                "original": "cassa", "correction": "casa",
                "explanation": "Casa se escribe con una sola s.", "category": "spelling",
                "severity": "minor",
            }
        )  # fmt: skip
    return {
        "edits": edits,
        "corrected_text": text.replace("cassa", "casa"),
        "summary": f"{len(edits)} issue(s).",
    }


def summary_answer(payload: dict[str, Any]) -> str:
    """The summary so far and every learner message after it, as a model that forgets nothing."""
    said = [t["text"] for t in payload.get("turns", []) if t.get("role") == "learner"]
    return " ".join([payload.get("summary", ""), *(f"The learner said: {s}" for s in said)]).strip()


def review_answer(payload: dict[str, Any]) -> dict[str, Any]:
    first = payload["messages"][0]["text"] if payload["messages"] else ""
    return {
        "recurring_issues": [
            {"title": "Spelling", "explanation": "Double letters.", "examples": [first[:20]]}
        ],
        "strengths": ["You write complete sentences."],
        "exercises": ["Write five words with one s.", "Read aloud.", "Copy a short text."],
        "estimated_level": "A2",
        "summary": "<script>alert(1)</script> Good work.",
    }


def exercises_answer(payload: dict[str, Any]) -> dict[str, Any]:
    """Two good exercises on the first example's mistake, one that does not quote its mistake
    (the worker must drop it), and one with markup in it (stored as text)."""
    example = payload["examples"][0]
    wrong, right = example["original"], example["correction"]
    exercise = {"original": wrong, "correction": right, "explanation": f"Se escribe {right}."}
    return {
        "exercises": [
            {**exercise, "sentence": f"Mañana limpio la {wrong} de mi abuela."},
            {**exercise, "sentence": f"¿Dónde está tu {wrong}?"},
            {**exercise, "sentence": "Esta frase no tiene el error."},
            {**exercise, "sentence": f"<b>Una {wrong}</b> muy grande.",
             "explanation": "<script>alert(1)</script>"},
        ]
    }  # fmt: skip


def _handler(fake: FakeAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            request = json.loads(body)
            behaviour = fake.next_behaviour(request, self.client_address[1])
            if behaviour.startswith("slow:"):
                time.sleep(float(behaviour.split(":", 1)[1]))
                behaviour = "ok"
            if behaviour == "hang":
                fake.hang()
                self.close_connection = True
                return None
            if behaviour == "hold":
                fake.hang()
                behaviour = "ok"
            if behaviour == "429" or behaviour.startswith("429:"):
                # "429:<s>" asks the client to wait <s> seconds; plain "429" asks for one.
                wait = behaviour.partition(":")[2] or "1"
                return self._json(
                    429, {"error": {"message": "Rate limited"}}, {"Retry-After": wait}
                )
            if behaviour in ("500", "503"):
                return self._json(int(behaviour), {"error": {"message": "Server exploded"}})
            if behaviour == "400":
                return self._json(400, {"error": {"message": "Bad request: model not allowed"}})
            if request.get("stream"):
                return self._stream(request, behaviour)
            return self._json(200, self._completion(request, behaviour))

        def _completion(self, request: dict[str, Any], behaviour: str) -> dict[str, Any]:
            usage = {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49}
            base = {"id": "cmpl-1", "object": "chat.completion", "created": 0, "model": "fake-1"}
            tools = request.get("tools") or []
            if not tools:
                summarising = request_kind(request) == "summary"
                content = (
                    summary_answer(parse_job_payload(_last_user_text(request)) or {})
                    if summarising
                    else "".join(REPLY_CHUNKS)
                )
                message = {"role": "assistant", "content": content}
                return {**base, "usage": usage, "choices": [
                    {"index": 0, "message": message, "finish_reason": "stop"}]}  # fmt: skip
            payload = parse_job_payload(_last_user_text(request)) or {}
            if behaviour == "malformed":
                arguments = json.dumps({"issues": "not a list"})
            elif payload.get("task") == "review":
                arguments = json.dumps(review_answer(payload))
            elif payload.get("task") == "exercises":
                arguments = json.dumps(exercises_answer(payload))
            else:
                arguments = json.dumps(analysis_answer(payload))
            call = {
                "id": "call_1",
                "type": "function",
                "function": {"name": tools[0]["function"]["name"], "arguments": arguments},
            }
            message = {"role": "assistant", "content": None, "tool_calls": [call]}
            return {**base, "usage": usage, "choices": [
                {"index": 0, "message": message, "finish_reason": "tool_calls"}]}  # fmt: skip

        def _stream(self, request: dict[str, Any], behaviour: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            base = {
                "id": "cmpl-1",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "fake-1",
            }
            for n, chunk in enumerate(REPLY_CHUNKS):
                delta = {"content": chunk, **({"role": "assistant"} if n == 0 else {})}
                self._event(
                    {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                )
                time.sleep(0.01)
            self._event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            usage = {"prompt_tokens": 30, "completion_tokens": 5, "total_tokens": 35}
            self._event({**base, "choices": [], "usage": usage})
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _event(self, data: dict[str, Any]) -> None:
            self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()

        def _json(self, status: int, data: dict[str, Any], headers: dict[str, str] | None = None):
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

    return Handler
