"""HTTP load for the benchmarks: an open-loop generator in Python, and wrk for closed-loop peaks.

Open loop: request i is due at start + i/rate whether or not earlier ones have answered, and its
latency is measured from that due time, not from when it was actually sent, so a stalled server
cannot hide its stall by slowing the generator down (coordinated omission). Latencies go into an
HDR histogram. The generator reports how late it sent (`send_lag_ms`) and its own CPU use, so a
run where the generator itself was the bottleneck shows as such.

wrk2 (open-loop wrk) is not packaged here, and oha needs crates.io, which this machine does not
reach; Debian's wrk does the closed-loop peak when it is installed (`apt-get install wrk`).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import resource
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hdrh.histogram import HdrHistogram

PERCENTILES = {"p50": 50.0, "p90": 90.0, "p99": 99.0, "p99_9": 99.9}


@dataclass
class Target:
    """Where to send, and the raw HTTP/1.1 requests to cycle through (one per conversation...)."""

    host: str
    port: int
    requests: list[bytes]
    expect_status: tuple[int, ...] = (200, 201, 202)


def build_request(
    *, method: str, path: str, host: str, headers: dict[str, str], body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def exchange(self, raw: bytes) -> int:
        """Send one request and read its whole response; return the status code."""
        status, _ = await self.exchange_body(raw)
        return status

    async def exchange_body(self, raw: bytes) -> tuple[int, bytes]:
        """Send one request and read its whole response; return the status code and body."""
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        body = b""
        match = re.search(rb"content-length:\s*(\d+)", lower)
        if match:
            body = await self.reader.readexactly(int(match.group(1)))
        elif b"transfer-encoding: chunked" in lower:
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                chunks.append((await self.reader.readexactly(size + 2))[:-2])
                if size == 0:
                    break
            body = b"".join(chunks)
        if b"connection: close" in lower:
            raise ConnectionResetError("server closed the connection")
        return status, body

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


@dataclass
class _Pool:
    target: Target
    limit: int
    idle: list[_Connection] = field(default_factory=list)
    opened: int = 0
    waiters: asyncio.Queue | None = None

    async def get(self) -> _Connection:
        if self.idle:
            return self.idle.pop()
        if self.opened < self.limit:
            self.opened += 1
            try:
                reader, writer = await asyncio.open_connection(self.target.host, self.target.port)
            except OSError:
                self.opened -= 1
                raise
            return _Connection(reader, writer)
        if self.waiters is None:
            self.waiters = asyncio.Queue()
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        await self.waiters.put(future)
        return await future

    def put(self, connection: _Connection) -> None:
        while self.waiters is not None and not self.waiters.empty():
            future = self.waiters.get_nowait()
            if not future.done():
                future.set_result(connection)
                return
        self.idle.append(connection)

    def discard(self, connection: _Connection) -> None:
        connection.close()
        self.opened -= 1
        if self.waiters is not None and not self.waiters.empty():
            # Someone waits for a connection that will now never come back: open a new one.
            asyncio.get_running_loop().create_task(self._replace())

    async def _replace(self) -> None:
        self.opened += 1
        try:
            reader, writer = await asyncio.open_connection(self.target.host, self.target.port)
        except OSError:
            self.opened -= 1
            return
        self.put(_Connection(reader, writer))

    def close(self) -> None:
        for connection in self.idle:
            connection.close()


def _histogram() -> HdrHistogram:
    # Microseconds, from 1 µs to 10 minutes, 3 significant digits.
    return HdrHistogram(1, 600_000_000, 3)


def summary_ms(histogram: HdrHistogram) -> dict[str, float]:
    if histogram.get_total_count() == 0:
        return {name: None for name in [*PERCENTILES, "max", "mean"]}
    result = {
        name: round(histogram.get_value_at_percentile(p) / 1000, 3)
        for name, p in PERCENTILES.items()
    }
    result["max"] = round(histogram.get_max_value() / 1000, 3)
    result["mean"] = round(histogram.get_mean_value() / 1000, 3)
    return result


async def open_loop(
    target: Target,
    *,
    rate: float,
    duration: float,
    warmup: float = 1.0,
    max_connections: int = 1024,
    drain_timeout: float = 30.0,
) -> dict[str, Any]:
    """Send `rate` requests per second for `warmup + duration` seconds; measure the last part."""
    latency, service, lag = _histogram(), _histogram(), _histogram()
    statuses: Counter[str] = Counter()
    pool = _Pool(target, max_connections)
    loop = asyncio.get_running_loop()
    total = int((warmup + duration) * rate)
    measured_from = int(warmup * rate)
    cpu_before = _cpu_seconds()
    start = loop.time() + 0.05
    tasks: set[asyncio.Task] = set()

    async def one(index: int, due: float) -> None:
        sent = loop.time()
        connection = None
        try:
            connection = await pool.get()
            sent = loop.time()
            status = await connection.exchange(target.requests[index % len(target.requests)])
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            if connection is not None:
                pool.discard(connection)
            if index >= measured_from:
                statuses[type(error).__name__] += 1
                latency.record_value(max(1, int((loop.time() - due) * 1e6)))
            return
        done = loop.time()
        pool.put(connection)
        if index >= measured_from:
            statuses[str(status)] += 1
            latency.record_value(max(1, int((done - due) * 1e6)))
            service.record_value(max(1, int((done - sent) * 1e6)))

    for index in range(total):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if index >= measured_from:
            lag.record_value(max(1, int((loop.time() - due) * 1e6)))
        task = loop.create_task(one(index, due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    sending_ended = loop.time()
    pending = list(tasks)
    timed_out = 0
    if pending:
        _, still = await asyncio.wait(pending, timeout=drain_timeout)
        timed_out = len(still)
        for task in still:
            task.cancel()
    pool.close()
    cpu = _cpu_seconds() - cpu_before
    wall = loop.time() - start
    measured = total - measured_from
    ok = sum(n for status, n in statuses.items() if status.isdigit() and
             int(status) in target.expect_status)  # fmt: skip
    return {
        "offered_rate": rate,
        "duration_s": duration,
        "requests": measured,
        "ok": ok,
        "statuses": dict(statuses),
        "timed_out": timed_out,
        "achieved_rate": round(ok / duration, 1),
        "latency_ms": summary_ms(latency),
        "service_ms": summary_ms(service),
        "send_lag_ms": summary_ms(lag),
        "send_span_s": round(sending_ended - start, 3),
        "connections_opened": pool.opened,
        "generator_cpu_share": round(cpu / wall, 3) if wall else None,
    }


async def closed_loop(
    target: Target, *, connections: int, duration: float, warmup: float = 1.0
) -> dict[str, Any]:
    """Keep `connections` requests in flight for a time; return the throughput and latencies."""
    latency = _histogram()
    statuses: Counter[str] = Counter()
    loop = asyncio.get_running_loop()
    measure_from = loop.time() + warmup
    stop = measure_from + duration
    counter = iter(range(10**12))

    async def client() -> None:
        reader, writer = await asyncio.open_connection(target.host, target.port)
        connection = _Connection(reader, writer)
        try:
            while loop.time() < stop:
                index = next(counter)
                began = loop.time()
                status = await connection.exchange(target.requests[index % len(target.requests)])
                if began >= measure_from:
                    statuses[str(status)] += 1
                    latency.record_value(max(1, int((loop.time() - began) * 1e6)))
        finally:
            connection.close()

    cpu_before = _cpu_seconds()
    await asyncio.gather(*(client() for _ in range(connections)), return_exceptions=True)
    cpu = _cpu_seconds() - cpu_before
    ok = sum(n for status, n in statuses.items() if int(status) in target.expect_status)
    return {
        "tool": "python closed loop",
        "connections": connections,
        "duration_s": duration,
        "ok": ok,
        "statuses": dict(statuses),
        "rate": round(ok / duration, 1),
        "latency_ms": summary_ms(latency),
        "generator_cpu_share": round(cpu / (duration + warmup), 3),
    }


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    target: Target,
    *,
    requests: list[dict[str, Any]],
    connections: int,
    duration: float,
    threads: int = 1,
) -> dict[str, Any]:
    """Run wrk (closed loop) over `requests` ({method, path, headers, body}) in turn."""
    lua = ["local requests = {}"]
    for n, request in enumerate(requests, 1):
        headers = ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in request["headers"].items())
        lua.append(
            f"requests[{n}] = wrk.format({_lua(request['method'])}, {_lua(request['path'])}, "
            f"{{{headers}}}, {_lua(request.get('body', ''))})"
        )
    lua += [
        "local i = 0",
        "request = function() i = i % #requests + 1; return requests[i] end",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lua) + "\n")
    command = [
        "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s",
        "--timeout", "30s", "--latency", "-s", script.name,
        f"http://{target.host}:{target.port}",
    ]  # fmt: skip
    started = time.monotonic()
    # wrk with our own arguments.
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s*([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    bad = int(non_2xx.group(1)) if non_2xx else 0
    latency = {
        f"p{p}": _wrk_ms(m.group(1))
        for p, m in ((p, re.search(rf"\s{p}%\s+([\d.]+\w+)", output)) for p in (50, 99))
        if m
    }
    return {
        "tool": "wrk",
        "connections": connections,
        "duration_s": round(time.monotonic() - started, 1),
        "requests": total,
        "non_2xx": bad,
        "socket_errors": errors.group(1).strip() if errors else "",
        # Only good answers count as throughput.
        "rate": round(rate * (total - bad) / total, 1) if total else 0.0,
        "latency_ms": latency,
    }


def _lua(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrk_ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return round(float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit], 3)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
