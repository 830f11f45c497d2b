"""Print the figures of bench/results/*.json as Markdown tables (what BENCHMARKS.md quotes).

uv run --group bench python -m bench.report
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.harness import RESULTS


def markdown(rows: list[dict[str, Any]]) -> str:
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row[c]) for c in columns) + " |")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 10:
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def header(data: dict[str, Any]) -> str:
    machine = data["machine"]
    return (
        f"Run {machine['date']}, commit {machine['commit']}, {machine['cores']} cores "
        f"({machine['cpu']}), load average before {machine['load_before']}, "
        f"after {data.get('load_after')}."
    )


def fakemodel(data: dict[str, Any]) -> str:
    rows = [
        {
            "offered/s": step["rate"],
            "answered/s": step["achieved_rate"],
            "in flight": step["in_flight_peak"],
            "added p50 ms": step["overhead_ms"]["p50"],
            "added p99 ms": step["overhead_ms"]["p99"],
            "timer late p99 ms": step["timer_late_ms"]["p99"],
            "server CPU ms/req": step["server_cpu_ms_per_request"],
        }
        for step in data["steps"]
    ]
    return markdown(rows)


def send_path(data: dict[str, Any]) -> str:
    summary, steps = [], []
    for name, variant in data["variants"].items():
        knee = variant["highest_rate_p99_under_target"]
        summary.append(
            {
                "variant": name,
                "closed-loop peak/s": variant["peak"]["rate"],
                "highest rate with p99 < 50 ms": knee,
                "web CPU ms/request": variant["steps"][0]["web_cpu_ms_per_request"],
            }
        )
        for step in variant["steps"]:
            steps.append(
                {
                    "variant": name,
                    "offered/s": step["offered_rate"],
                    "answered/s": step["achieved_rate"],
                    "p50 ms": step["latency_ms"]["p50"],
                    "p99 ms": step["latency_ms"]["p99"],
                    "p99.9 ms": step["latency_ms"]["p99_9"],
                    "gen. lag p99 ms": step["send_lag_ms"]["p99"],
                    "load": step["load"][0],
                }
            )
    text = markdown(summary) + "\n\n" + markdown(steps)
    independence = data.get("model_latency_independence")
    if independence:
        rows = [
            {
                "model latency": latency,
                "rate/s": independence["rate"],
                "p50 ms": run["latency_ms"]["p50"],
                "p99 ms": run["latency_ms"]["p99"],
                "load": run["load"][0],
            }
            for latency, run in independence["runs"].items()
        ]
        text += "\n\n" + markdown(rows)
    return text


def workers(data: dict[str, Any]) -> str:
    rows = []
    for config in data["configs"]:
        median = config["median"]
        rows.append(
            {
                "configuration": config["label"],
                "runs": len(config["runs"]),
                "jobs": median["jobs"],
                "wall s": median["wall_s"],
                "ideal s": median["ideal_s"],
                "efficiency": median["efficiency"],
                "efficiency to 99%": median.get("efficiency_99"),
                "analyses/s": median["jobs_per_s"],
                "CPU ms/job": median["cpu_ms_per_job"],
                "peak RSS MB": median["peak_rss_mb"],
                "DB conns peak": median["db_connections_peak"],
                "load": median["load"] if "load" in median else config["runs"][0]["load"][0],
            }
        )
    return markdown(rows)


def end_to_end(data: dict[str, Any]) -> str:
    runs = [(data["rate"], data["designs"])]
    if "lower_rate" in data:
        runs.append((data["lower_rate"]["rate"], data["lower_rate"]["designs"]))
    rows = []
    for rate, designs in runs:
        for name, design in designs.items():
            parts = design["parts_ms"]
            rows.append(
                {
                    "rate/s": rate,
                    "design": name,
                    "messages": design["messages_measured"],
                    "overhead p50 ms": design["overhead_ms"]["p50"],
                    "overhead p99 ms": design["overhead_ms"]["p99"],
                    "send p50/p99": f"{_cell(parts['send']['p50'])} / "
                    f"{_cell(parts['send']['p99'])}",
                    "queue wait p50/p99": f"{_cell(parts['queue_wait']['p50'])} / "
                    f"{_cell(parts['queue_wait']['p99'])}",
                    "job overhead p50/p99": f"{_cell(parts['job_overhead']['p50'])} / "
                    f"{_cell(parts['job_overhead']['p99'])}",
                    "delivery p50/p99": f"{_cell(parts['delivery']['p50'])} / "
                    f"{_cell(parts['delivery']['p99'])}",
                    "missing": design["analyses_missing"],
                    "load": design["load"][0],
                }
            )
    return markdown(rows)


def learner_history(data: dict[str, Any]) -> str:
    seed = data["seed"]
    rows = [
        {
            "page": name,
            "requests": page["requests"],
            "p50 ms": page["latency_ms"]["p50"],
            "p95 ms": page["latency_ms"]["p95"],
            "p99 ms": page["latency_ms"]["p99"],
            "queries": page["queries"],
            "KB": round(page["bytes"] / 1024, 1),
        }
        for name, page in data["pages"].items()
    ]
    return (
        f"{seed['conversations']} conversations, {seed['messages']} messages, "
        f"{seed['mistakes']} mistakes.\n\n{markdown(rows)}"
    )


def main() -> None:
    for name, render in (
        ("fakemodel", fakemodel),
        ("send_path", send_path),
        ("worker_throughput", workers),
        ("end_to_end", end_to_end),
        ("scale", workers),
        ("learner_history", learner_history),
    ):
        path = Path(RESULTS) / f"{name}.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        print(f"## {name}\n\n{header(data)}\n\n{render(data)}\n")


if __name__ == "__main__":
    main()
