"""Benchmark 4, scale: benchmark 2 with one and with two worker processes, in one run.

    uv run --group bench python -m bench.scale            # about 9 minutes
    uv run --group bench python -m bench.scale --smoke    # a few seconds

The same analyses, model (0.5 s) and measurements as bench/worker_throughput.py, for threads
8, 32 and 64 and prefork 2 per process, each with one and with two worker processes (all
consuming the analysis queue). Throughput against processes and against the total number of
concurrent jobs is the curve. To stay within ten minutes, each configuration runs once, and the
prefork ones (two jobs at a time per process) get 100 analyses, the threads ones 300.
"""

from __future__ import annotations

from typing import Any

from bench import harness, plots
from bench.worker_throughput import Config, run

CONFIGS = [
    Config(pool, concurrency, processes, repeats=1, jobs=100 if pool == "prefork" else 300)
    for pool, concurrency in (("prefork", 2), ("threads", 8), ("threads", 32), ("threads", 64))
    for processes in (1, 2)
]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = harness.arguments(__doc__.split("\n\n")[0])
    args = parser.parse_args(argv)
    configs = [c for c in CONFIGS if c.label_per_process == "threads 8"] if args.smoke else CONFIGS
    result = run(configs, name="scale", title="scale", smoke=args.smoke,
                 results_dir=args.results_dir)  # fmt: skip
    by_label = {c["label"]: c for c in result["configs"]}
    speedups = {}
    for config in configs:
        if config.processes == 2:
            if config.label not in by_label or f"1x {config.label_per_process}" not in by_label:
                continue
            one = by_label[f"1x {config.label_per_process}"]["median"]["jobs_per_s"]
            two = by_label[config.label]["median"]["jobs_per_s"]
            speedups[config.label_per_process] = round(two / one, 2) if one else None
    result["two_over_one_process"] = speedups
    print(f"throughput with 2 processes / with 1: {speedups}")
    path = harness.write_json(args.results_dir, "scale", result)
    plots.scale(result, path.with_suffix(".png"))
    return result


if __name__ == "__main__":
    main()
