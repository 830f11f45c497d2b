"""How much the fake model server takes before it adds latency of its own.

    uv run --group bench python -m bench.fakemodel --capacity

Offers it analysis requests (the same JSON the workers send) at rising open-loop rates with the
latency at 0.5 s, and reports how far above 0.5 s the answers come, its timer lateness and its
CPU per request. The benchmarks need at most ~260 model requests/s (128 concurrent jobs at 0.5 s).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import harness, loadgen
from bench.fakemodel import run_event_loop

LATENCY = 0.5


def analysis_request_body() -> bytes:
    prompt = (
        "Analyse this Spanish text by a A2 learner. Write explanations in English.\n\n"
        "INPUT (JSON):\n"
        + json.dumps({"task": "analysis", "language": "es", "feedback_language": "en",
                      "level": "A2", "text": "Mi cassa es grande y bonita."}, indent=1)
    )  # fmt: skip
    tool = {
        "type": "function",
        "function": {"name": "final_result", "description": "x" * 600, "parameters": {}},
    }
    return json.dumps(
        {
            "model": "bench-model",
            "messages": [
                {"role": "system", "content": "x" * 700},
                {"role": "user", "content": prompt},
            ],
            "tools": [tool],
            "tool_choice": "required",
        }
    ).encode()


async def _measure(port: int, url: str, rates: list[float], duration: float) -> list[dict]:
    request = loadgen.build_request(
        method="POST",
        path="/v1/chat/completions",
        host=f"127.0.0.1:{port}",
        headers={"Content-Type": "application/json"},
        body=analysis_request_body(),
    )
    target = loadgen.Target("127.0.0.1", port, [request])
    steps = []
    for rate in rates:
        harness.model_control(url, "reset", {})
        before = harness.model_control(url, "stats")
        result = await loadgen.open_loop(
            target, rate=rate, duration=duration, warmup=LATENCY + 0.5, max_connections=4096
        )
        after = harness.model_control(url, "stats")
        served = after["requests"] or 1
        overhead = {
            name: round(value - LATENCY * 1000, 2) if value is not None else None
            for name, value in result["latency_ms"].items()
        }
        steps.append(
            {
                "rate": rate,
                "achieved_rate": result["achieved_rate"],
                "in_flight_peak": after["peak_in_flight"],
                "overhead_ms": overhead,
                "timer_late_ms": after["timer_late_ms"],
                "server_cpu_ms_per_request": round(
                    (after["cpu_s"] - before["cpu_s"]) * 1000 / served, 3
                ),
                "generator_cpu_share": result["generator_cpu_share"],
                "generator_send_lag_p99_ms": result["send_lag_ms"]["p99"],
                "errors": {k: v for k, v in result["statuses"].items() if k != "200"},
            }
        )
        row = steps[-1]
        print(
            f"  {rate:>6.0f}/s  achieved {row['achieved_rate']:>7.1f}/s  in flight "
            f"{row['in_flight_peak']:>5}  overhead p50 {overhead['p50']} ms p99 {overhead['p99']}"
            f" ms  server CPU {row['server_cpu_ms_per_request']} ms/req"
        )
    return steps


def measure(rates: list[float], duration: float) -> dict[str, Any]:
    process, url = harness.start_fakemodel(LATENCY)
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    try:
        steps = run_event_loop(_measure(port, url, rates, duration))
    finally:
        process.stop()
    return {"latency_s": LATENCY, "steps": steps}


def main(*, smoke: bool = False, results_dir: str | None = None) -> dict[str, Any]:
    rates, duration = ([100.0], 1.5) if smoke else ([250.0, 500.0, 1000.0, 2000.0], 8.0)
    print(f"fake model capacity, latency {LATENCY}s, open loop, analysis-sized requests")
    result = {"benchmark": "fakemodel", "smoke": smoke, "machine": harness.machine(),
              **measure(rates, duration)}  # fmt: skip
    harness.write_json(Path(results_dir) if results_dir else harness.RESULTS, "fakemodel", result)
    return result
