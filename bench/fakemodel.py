"""A fast OpenAI-compatible chat-completions server for benchmarks: a fixed delay, then an answer.

    uv run --group bench python -m bench.fakemodel --port 8765 --latency 0.5
    uv run --group bench python -m bench.fakemodel --capacity     # measure its own capacity

It is one asyncio process (uvloop when installed) that never blocks: each request sleeps its
latency on the event loop, so thousands can wait at once. It answers analysis prompts with a
tool call that findus' grammar-analysis agent accepts, review prompts with a review, and tutor
prompts (streamed or not) with a short reply, summary prompts with a summary of about 100 words.
The usage it reports counts the request's tokens (`count_tokens`), so the workers record what
their prompts would cost. The latency can be changed while it runs:
`POST /control {"latency": 5}`. `GET /stats` reports how many requests it answered, its own CPU
time and how late its timers fired (the proof that it is not the bottleneck).

A streamed reply's first chunk goes out after the latency (its time to first token); the next
chunks follow `chunk_interval` seconds apart (`--chunk-interval`, or `POST /control
{"chunk_interval": 0.03}`; 0 sends them all at once), as a real model's tokens trickle in.
`GET /arrivals` returns when each streamed request arrived (wall clock), keyed by its last user
message, so a benchmark can tell how long a worker took to reach the model.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import resource
import sys
import time
from typing import Any

PAYLOAD_MARKER = "INPUT (JSON):"  # workers.prompts.PAYLOAD_MARKER, without importing Django
REPLY_CHUNKS = ["¡Muy ", "bien! ", "¿Y qué ", "te gusta ", "hacer?"]
SUMMARY_WORDS = 100
TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """Return the tokens in `text` as a word-and-punctuation count: about what a provider's
    tokenizer counts (theirs split long words further), and the same for every variant."""
    return len(TOKEN.findall(text))


def usage(request: dict[str, Any], answer: str) -> dict[str, int]:
    """Return the usage of a request: every message's text and the tools' schemas, and the
    answer."""
    prompt = json.dumps(request.get("tools") or []) + "".join(
        _text(message.get("content")) for message in request.get("messages", [])
    )
    prompt_tokens, completion_tokens = count_tokens(prompt), count_tokens(answer)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""


ARRIVALS_KEPT = 100_000


class FakeModel:
    def __init__(self, latency: float, chunk_interval: float = 0.0) -> None:
        self.latency = latency
        self.chunk_interval = chunk_interval
        # Streamed requests: last user message -> wall time the request arrived.
        self.arrivals: dict[str, float] = {}
        self.requests = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        # How much later than asked each sleep ended: event-loop lag, in seconds.
        self.late: list[float] = []

    def stats(self) -> dict[str, Any]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        late = sorted(self.late)

        def pct(p: float) -> float:
            return late[min(len(late) - 1, int(p * len(late)))] * 1000 if late else 0.0

        return {
            "latency_s": self.latency,
            "chunk_interval_s": self.chunk_interval,
            "requests": self.requests,
            "in_flight": self.in_flight,
            "peak_in_flight": self.peak_in_flight,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "timer_late_ms": {"p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0)},
        }

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                method, path, _ = request_line.split(" ", 2)
                headers = {}
                for line in header_lines:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                body = await reader.readexactly(length) if length else b""
                if path.endswith("/control"):
                    control = json.loads(body)
                    self.latency = float(control.get("latency", self.latency))
                    self.chunk_interval = float(control.get("chunk_interval", self.chunk_interval))
                    await _send_json(
                        writer, {"latency": self.latency, "chunk_interval": self.chunk_interval}
                    )
                elif path.endswith("/stats"):
                    await _send_json(writer, self.stats())
                elif path.endswith("/arrivals"):
                    await _send_json(writer, self.arrivals)
                elif path.endswith("/reset"):
                    self.late.clear()
                    self.arrivals.clear()
                    self.requests = self.peak_in_flight = 0
                    await _send_json(writer, {"ok": True})
                elif method == "POST" and path.endswith("/chat/completions"):
                    await self._complete(writer, json.loads(body))
                else:
                    await _send_json(writer, {"error": {"message": "not found"}}, status=404)
                if headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _complete(self, writer: asyncio.StreamWriter, request: dict[str, Any]) -> None:
        if request.get("stream"):
            if len(self.arrivals) >= ARRIVALS_KEPT:
                self.arrivals.clear()
            self.arrivals[_last_user_text(request)] = time.time()
        self.requests += 1
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            latency = self.latency
            due = time.monotonic() + latency
            await asyncio.sleep(latency)
            self.late.append(max(0.0, time.monotonic() - due))
            if len(self.late) > 200_000:
                del self.late[:100_000]
            if request.get("stream"):
                await _send_stream(writer, request, self.chunk_interval)
            else:
                await _send_json(writer, completion(request))
        finally:
            self.in_flight -= 1


def completion(request: dict[str, Any]) -> dict[str, Any]:
    """Return a chat completion: a tool call for analysis and review prompts, else a reply."""
    base = {"id": "cmpl-bench", "object": "chat.completion", "created": 0, "model": "bench-model"}
    tools = request.get("tools") or []
    payload = _payload(request)
    if not tools:
        text = (
            summary_answer(payload) if payload.get("task") == "summary" else "".join(REPLY_CHUNKS)
        )
        message = {"role": "assistant", "content": text}
        choice = {"index": 0, "message": message, "finish_reason": "stop"}
        return {**base, "usage": usage(request, text), "choices": [choice]}
    answer = review_answer(payload) if payload.get("task") == "review" else analysis_answer(payload)
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": tools[0]["function"]["name"], "arguments": json.dumps(answer)},
    }
    message = {"role": "assistant", "content": None, "tool_calls": [call]}
    choice = {"index": 0, "message": message, "finish_reason": "tool_calls"}
    return {**base, "usage": usage(request, call["function"]["arguments"]), "choices": [choice]}


def summary_answer(payload: dict[str, Any]) -> str:
    """Return a summary as long as a model's (SUMMARY_WORDS words): the summary so far, then the
    learner's new words, cut to length from the front."""
    said = [t.get("text", "") for t in payload.get("turns", []) if t.get("role") == "learner"]
    words = " ".join([payload.get("summary", ""), *said]).split()
    return " ".join(words[-SUMMARY_WORDS:])


def analysis_answer(payload: dict[str, Any]) -> dict[str, Any]:
    """Correct "cassa" (a typical analysis: the corrected text, one edit, a summary)."""
    text = payload.get("text", "")
    edits = []
    if "cassa" in text:
        edits.append(
            {
                "original": "cassa", "correction": "casa",
                "explanation": "Casa se escribe con una sola s.",
                "category": "spelling", "severity": "minor",
            }
        )  # fmt: skip
    return {
        "edits": edits,
        "corrected_text": text.replace("cassa", "casa"),
        "summary": f"{len(edits)} issue(s).",
    }


def review_answer(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "recurring_issues": [{"title": "Spelling", "explanation": "Double s.", "examples": []}],
        "strengths": ["Complete sentences."],
        "exercises": ["One.", "Two.", "Three."],
        "estimated_level": "A2",
        "summary": "Good work.",
    }


def _payload(request: dict[str, Any]) -> dict[str, Any]:
    _, marker, tail = _last_user_text(request).partition(PAYLOAD_MARKER)
    if marker:
        with contextlib.suppress(ValueError):
            return json.loads(tail)
    return {}


def _last_user_text(request: dict[str, Any]) -> str:
    for message in reversed(request.get("messages", [])):
        if message.get("role") != "user":
            continue
        content = message.get("content") or ""
        if isinstance(content, list):
            content = "".join(part.get("text", "") for part in content)
        return content
    return ""


async def _send_json(writer: asyncio.StreamWriter, data: dict[str, Any], status: int = 200) -> None:
    raw = json.dumps(data).encode()
    writer.write(
        f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(raw)}\r\n\r\n".encode()
        + raw
    )
    await writer.drain()


async def _send_stream(
    writer: asyncio.StreamWriter, request: dict[str, Any], chunk_interval: float = 0.0
) -> None:
    """Send the reply as SSE: each chunk `chunk_interval` s after the last (0: all at once)."""
    base = {"id": "cmpl-bench", "object": "chat.completion.chunk", "created": 0,
            "model": "bench-model"}  # fmt: skip
    events = []
    for n, chunk in enumerate(REPLY_CHUNKS):
        delta = {"content": chunk, **({"role": "assistant"} if n == 0 else {})}
        events.append({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
    events.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    events.append({**base, "choices": [], "usage": usage(request, "".join(REPLY_CHUNKS))})
    frames = [f"data: {json.dumps(event)}\n\n".encode() for event in events]
    frames.append(b"data: [DONE]\n\n")
    if chunk_interval <= 0:
        frames = [b"".join(frames)]
    else:
        # One HTTP chunk per content chunk; the end of the stream goes with the last one.
        last = len(REPLY_CHUNKS) - 1
        frames = [*frames[:last], b"".join(frames[last:])]
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    for n, frame in enumerate(frames):
        if n:
            await asyncio.sleep(chunk_interval)
        writer.write(f"{len(frame):x}\r\n".encode() + frame + b"\r\n")
        await writer.drain()
    writer.write(b"0\r\n\r\n")
    await writer.drain()


async def serve(
    host: str, port: int, latency: float, ready_file: str | None = None, chunk_interval: float = 0.0
) -> None:
    model = FakeModel(latency, chunk_interval)
    server = await asyncio.start_server(model.handle, host, port, backlog=4096)
    bound = server.sockets[0].getsockname()[1]
    print(f"fakemodel listening on http://{host}:{bound}/v1 latency={latency}s", flush=True)
    if ready_file:
        with open(ready_file, "w") as handle:  # noqa: ASYNC230 - once, at startup
            handle.write(str(bound))
    async with server:
        await server.serve_forever()


def run_event_loop(coroutine: Any) -> Any:
    try:
        import uvloop

        return uvloop.run(coroutine)
    except ImportError:
        return asyncio.run(coroutine)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument(
        "--chunk-interval", type=float, default=0.0,
        help="seconds between a streamed reply's chunks (0: all at once)",
    )  # fmt: skip
    parser.add_argument("--ready-file", help="write the bound port here once listening")
    parser.add_argument("--capacity", action="store_true", help="measure this server's capacity")
    parser.add_argument("--smoke", action="store_true", help="a few seconds' capacity check")
    parser.add_argument("--results-dir", help="where --capacity writes fakemodel.json")
    args = parser.parse_args(argv)
    if args.capacity or args.smoke:
        from bench.capacity import main as capacity

        capacity(smoke=args.smoke, results_dir=args.results_dir)
        return
    with contextlib.suppress(KeyboardInterrupt):
        run_event_loop(
            serve(args.host, args.port, args.latency, args.ready_file, args.chunk_interval)
        )


if __name__ == "__main__":
    main(sys.argv[1:])
