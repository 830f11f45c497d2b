"""PNG plots of the benchmarks' JSON figures (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

COLOURS = {
    "findus": "tab:blue",
    "findus_pool": "tab:cyan",
    "ceiling": "tab:gray",
    "create_task": "tab:orange",
    "await_model": "tab:red",
}


def _save(figure: Any, path: Path, title: str, result: dict[str, Any]) -> None:
    machine = result["machine"]
    figure.suptitle(title, fontsize=11)
    figure.text(
        0.01, 0.005,
        f"{machine['date']}  {machine['cores']} cores {machine['cpu']}  "
        f"load before {machine['load_before']}  commit {machine['commit']}",
        fontsize=7, color="gray",
    )  # fmt: skip
    figure.tight_layout(rect=(0, 0.03, 1, 0.97))
    figure.savefig(path, dpi=110)
    plt.close(figure)
    print(f"wrote {path.name}")


def send_path(result: dict[str, Any], path: Path) -> None:
    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(12, 4.8))
    for name, data in result["variants"].items():
        steps = [s for s in data["steps"] if s["latency_ms"]["p99"] is not None]
        rates = [s["offered_rate"] for s in steps]
        colour = COLOURS.get(name)
        latency.plot(rates, [s["latency_ms"]["p99"] for s in steps], "o-", color=colour,
                     label=f"{name} p99")  # fmt: skip
        latency.plot(rates, [s["latency_ms"]["p50"] for s in steps], ".--", color=colour,
                     alpha=0.6, label=f"{name} p50")  # fmt: skip
        throughput.bar(name, data["peak"]["rate"], color=colour)
    latency.axhline(result["p99_target_ms"], color="black", linewidth=0.8, linestyle=":")
    latency.set_xscale("log")
    latency.set_yscale("log")
    latency.set_xlabel("offered rate (requests/s, open loop)")
    latency.set_ylabel("latency from due time (ms)")
    latency.legend(fontsize=7, ncol=2)
    latency.set_title("latency vs offered rate")
    throughput.set_ylabel("requests/s")
    throughput.set_title("closed-loop peak")
    _save(figure, path, f"Send path, model at {result['model_latency_s']} s", result)


def worker_throughput(result: dict[str, Any], path: Path) -> None:
    configs = result["configs"]
    labels = [
        c["label"].replace("DATABASE_CONN_MAX_AGE=", "conn age ").replace("1x ", "")
        for c in configs
    ]
    figure, axes = plt.subplots(1, 4, figsize=(15, 4.2))
    series = [
        ("efficiency", "efficiency (ideal / measured)", None),
        ("cpu_ms_per_job", "worker CPU ms per analysis", 10),
        ("peak_rss_mb", "peak RSS (MB)", 250),
        ("db_connections_peak", "DB connections held (peak)", None),
    ]
    for axis, (key, title, line) in zip(axes, series, strict=True):
        axis.bar(labels, [c["median"][key] for c in configs], color="tab:blue")
        if line:
            axis.axhline(line, color="black", linestyle=":", linewidth=0.8)
        if key == "efficiency":
            axis.axhline(0.9, color="black", linestyle=":", linewidth=0.8)
        axis.set_title(title, fontsize=9)
        axis.tick_params(axis="x", labelrotation=30, labelsize=8)
    jobs = ", ".join(sorted({f"{c['median']['jobs']:.0f}" for c in configs}))
    _save(figure, path, f"{jobs} analyses per configuration, one worker process, model at "
          f"{result['model_latency_s']} s", result)  # fmt: skip


def scale(result: dict[str, Any], path: Path) -> None:
    figure, (by_concurrency, by_processes) = plt.subplots(1, 2, figsize=(12, 4.6))
    for processes, marker in ((1, "o-"), (2, "s-")):
        points = sorted(
            (
                c
                for c in result["configs"]
                if c["processes"] == processes and c["pool"] == "threads"
            ),
            key=lambda c: c["concurrency"],
        )
        if not points:
            continue
        xs = [c["concurrency"] * processes for c in points]
        by_concurrency.plot(xs, [c["median"]["jobs_per_s"] for c in points], marker,
                            label=f"{processes} process(es), threads")  # fmt: skip
    total = [c["concurrency"] * c["processes"] for c in result["configs"]]
    if total:
        ideal_x = sorted(set(total))
        by_concurrency.plot(ideal_x, [x / result["model_latency_s"] for x in ideal_x], ":",
                            color="gray", label="ideal (slots / model latency)")  # fmt: skip
    by_concurrency.set_xscale("log", base=2)
    by_concurrency.set_yscale("log", base=2)
    by_concurrency.set_xlabel("concurrent jobs in all (processes x concurrency)")
    by_concurrency.set_ylabel("analyses/s")
    by_concurrency.legend(fontsize=8)
    by_concurrency.set_title("throughput vs concurrency")
    for label in sorted({c["label_per_process"] for c in result["configs"]}):
        points = sorted(
            (c for c in result["configs"] if c["label_per_process"] == label),
            key=lambda c: c["processes"],
        )
        rates = [c["median"]["jobs_per_s"] for c in points]
        by_processes.plot([c["processes"] for c in points], rates, "o-", label=label)
    by_processes.set_xticks([1, 2])
    by_processes.set_xlabel("worker processes")
    by_processes.set_ylabel("analyses/s")
    by_processes.set_yscale("log", base=2)
    by_processes.legend(fontsize=8)
    by_processes.set_title("throughput vs processes")
    _save(figure, path, f"Worker scaling, model at {result['model_latency_s']} s", result)


def end_to_end(result: dict[str, Any], path: Path) -> None:
    figure, (stacked, cdf) = plt.subplots(1, 2, figsize=(12, 4.6))
    names = list(result["designs"])
    parts = ["send", "queue_wait", "job_overhead", "delivery"]
    # The split at the lower rate, when measured: at a rate the machine cannot carry, the bars
    # only show the backlog.
    split_rate, split = result["rate"], result["designs"]
    if "lower_rate" in result:
        split_rate, split = result["lower_rate"]["rate"], result["lower_rate"]["designs"]
    for statistic, offset in (("p50", -0.2), ("p99", 0.2)):
        bottom = [0.0] * len(names)
        for part, colour in zip(parts, ["tab:gray", "tab:orange", "tab:blue", "tab:green"],
                                strict=True):  # fmt: skip
            values = [split[n]["parts_ms"][part][statistic] or 0 for n in names]
            stacked.bar([i + offset for i in range(len(names))], values, width=0.38,
                        bottom=bottom, color=colour,
                        label=part if statistic == "p50" else None,
                        hatch="" if statistic == "p50" else "//")  # fmt: skip
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    stacked.set_xticks(range(len(names)), [f"{n}\n(p50 | p99)" for n in names])
    stacked.set_ylabel("ms (each part's own percentile)")
    stacked.legend(fontsize=8)
    stacked.set_title(f"where the overhead goes, at {split_rate:g} messages/s")
    runs = [(result["rate"], result["designs"], "-")]
    if "lower_rate" in result:
        runs.append((result["lower_rate"]["rate"], result["lower_rate"]["designs"], "--"))
    for rate, designs, style in runs:
        for name in names:
            values = sorted(v for v in designs[name]["overhead_samples_ms"] if v > 0)
            if values:
                cdf.plot(values, [(i + 1) / len(values) for i in range(len(values))], style,
                         color=COLOURS.get(name), label=f"{name} at {rate:g}/s")  # fmt: skip
    cdf.axvline(30, color="black", linestyle=":", linewidth=0.8)
    cdf.axvline(150, color="black", linestyle=":", linewidth=0.8)
    cdf.set_xscale("log")
    cdf.set_xlabel("POST to analysis event, minus model latency (ms)")
    cdf.set_ylabel("fraction of messages")
    cdf.legend(fontsize=8)
    cdf.set_title("overhead distribution")
    _save(figure, path, f"End to end at {result['rate']} messages/s, model at "
          f"{result['model_latency_s']} s", result)  # fmt: skip


def tokens(result: dict[str, Any], path: Path) -> None:
    figure, axis = plt.subplots(figsize=(7, 4))
    for name, run in result["runs"].items():
        counts = run["reply_input_tokens"]
        axis.plot(
            range(1, len(counts) + 1), counts, label=f"{name} ({run['input_tokens']:,} in all)"
        )
    axis.set_xlabel("turn")
    axis.set_ylabel("tutor reply input tokens")
    axis.set_ylim(bottom=0)
    axis.legend()
    _save(figure, path, "Tokens the tutor is sent per turn", result)
