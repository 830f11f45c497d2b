"""Each benchmark in bench/ runs end to end in its --smoke form and writes sane figures.

The smoke runs use their own PostgreSQL database (findus_bench_smoke_<pid>, dropped afterwards)
and Redis database (10), so they do not disturb a full benchmark run (findus_bench, Redis db 9) or
the rest of the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_benchmark(module: str, results: Path, *args: str, name: str = "") -> dict:
    uv = [shutil.which("uv")] if shutil.which("uv") else [sys.executable, "-m", "uv"]
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres"):
        database = "postgres://postgres@127.0.0.1:5432/findus"
    server, database_name = database.rsplit("/", 1)[0], f"findus_bench_smoke_{os.getpid()}"
    smoke_database = f"{server}/{database_name}"
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": smoke_database,
        "BENCH_REDIS_URL": "redis://127.0.0.1:6379/10",
        "BENCH_LOGS": str(results.parent / "logs"),
    }
    completed = subprocess.run(
        [*uv, "run", "--group", "bench", "python", "-m", f"bench.{module}", *args, "--smoke",
         "--results-dir", str(results)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=280,
    )  # fmt: skip
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    data = json.loads((results / f"{name or module}.json").read_text())
    assert data["smoke"] is True
    assert data["machine"]["cores"] >= 1 and data["machine"]["date"]
    assert len(data["load_after"]) == 3
    return data


@pytest.fixture
def results(tmp_path: Path) -> Path:
    return tmp_path / "results"


def test_the_fake_model_server_measures_its_own_capacity(results):
    data = run_benchmark("fakemodel", results)
    step = data["steps"][0]
    assert step["achieved_rate"] > 0.9 * step["rate"]
    assert 0 <= step["overhead_ms"]["p50"] < 500


def test_the_send_path_benchmark_measures_every_variant(results):
    data = run_benchmark("send_path", results)
    assert set(data["variants"]) == {
        "findus",
        "findus_pool",
        "ceiling",
        "create_task",
        "await_model",
    }
    for name, variant in data["variants"].items():
        step = variant["steps"][0]
        assert step["ok"] > 0, (name, step["statuses"])
        assert step["latency_ms"]["p50"] <= step["latency_ms"]["p99"] <= step["latency_ms"]["max"]
        assert variant["peak"]["rate"] >= 0
    # Waiting for the model shows in the latency; findus' send path does not wait for it.
    assert data["variants"]["await_model"]["steps"][0]["latency_ms"]["p50"] >= 1000
    assert data["model_latency_independence"]["p99_ratio_5s_over_0.1s"] > 0
    assert (results / "send_path.png").stat().st_size > 0


def test_the_worker_throughput_benchmark_runs_every_analysis(results):
    data = run_benchmark("worker_throughput", results)
    for config in data["configs"]:
        figures = config["runs"][0]
        assert figures["states"] == {"succeeded": figures["jobs"]}
        assert 0 < figures["efficiency"] <= 1.05
        assert figures["cpu_ms_per_job"] > 0 and figures["peak_rss_mb"] > 0
        assert figures["db_connections_peak"] >= 1
    assert (results / "worker_throughput.png").stat().st_size > 0


def test_the_end_to_end_benchmark_splits_the_overhead(results):
    data = run_benchmark("end_to_end", results)
    for name, design in data["designs"].items():
        assert design["messages_measured"] > 0, name
        assert design["analyses_missing"] == 0, name
        parts = design["parts_ms"]
        assert set(parts) == {"send", "queue_wait", "job_overhead", "delivery"}
        assert all(parts[part]["p50"] is not None for part in parts)
    assert (results / "end_to_end.png").stat().st_size > 0


def test_the_first_word_benchmark_splits_the_time_to_the_tutors_first_word(results):
    data = run_benchmark("first_word", results)
    assert set(data["designs"]) == {"findus", "create_task"}
    for name, design in data["designs"].items():
        assert design["messages_measured"] > 0, name
        assert design["first_words_missing"] == 0, name
        first_word, parts = design["first_word_ms"], design["parts_ms"]
        assert first_word["p50"] <= first_word["p99"], name
        assert set(parts) == {"post", "send", "pick_up", "to_model", "to_learner"}
        # Each part is a slice of the first word's latency, measured on one clock.
        assert all(0 <= parts[part]["p50"] <= first_word["max"] + 1 for part in parts), name
    assert data["findus_minus_create_task_ms"]["p50"] is not None


def test_the_scale_benchmark_compares_one_and_two_processes(results):
    data = run_benchmark("scale", results)
    assert {config["processes"] for config in data["configs"]} == {1, 2}
    assert all(ratio > 0 for ratio in data["two_over_one_process"].values())
    assert (results / "scale.png").stat().st_size > 0


@pytest.mark.parametrize("target", ["web", "worker"])
def test_the_profiler_says_where_the_cpu_goes(results, target):
    data = run_benchmark("profile", results, target, name=f"profile_{target}")
    assert data["samples"] > 0
    assert sum(data["self_by_area"].values()) == pytest.approx(1, abs=0.01)
    # The process sampled is findus' own: its code shows on the stacks.
    assert any(("chat/" in frame or "workers/" in frame) for frame, _ in data["inclusive_top"])
    assert (results / f"profile_{target}.txt").read_text().startswith(f"{target}: ")


def test_the_quality_benchmark_scores_the_offline_and_the_reference_model(tmp_path):
    """bench/quality.py on a few sentences written for this test (tests/fixtures)."""
    fixture = ROOT / "tests" / "fixtures" / "quality_smoke.jsonl"
    uv = [shutil.which("uv")] if shutil.which("uv") else [sys.executable, "-m", "uv"]
    figures = {}
    for model in ("offline", "reference"):
        out = tmp_path / f"{model}.json"
        completed = subprocess.run(
            [*uv, "run", "python", "-m", "bench.quality", str(fixture), "--model", model,
             "--json", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=280,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
        assert "erroneous sentences flagged" in completed.stdout
        figures[model] = json.loads(out.read_text())["corpora"]["quality_smoke"]
    offline, reference = figures["offline"], figures["reference"]
    assert offline["sentences"] == 6 and offline["failures"] == 0
    assert offline["erroneous_flagged"] > 0 and offline["correct_flagged"] == 0
    assert offline["cpu_ms_p95"] > 0
    assert reference["reference"]["edit_f1"] == 1.0
    assert reference["reference"]["corrected_text_rebuilt_from_spans"] == 1.0


def test_the_learner_history_benchmark_measures_every_page(results):
    data = run_benchmark("learner_history", results)
    assert set(data["pages"]) == {
        "mistakes_page",
        "mistakes_api",
        "pattern_page",
        "progress_page",
        "progress_api",
        "practice_page",
        "practice_api",
    }
    assert data["seed"]["mistakes"] > 0 and data["seed"]["messages"] == 40
    assert data["seed"]["cards"] == data["seed"]["mistakes"]
    for name, page in data["pages"].items():
        latency = page["latency_ms"]
        assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"], name
        assert 0 < page["queries"] <= 12, name


def test_the_tokens_benchmark_counts_the_tutor_s_prompt_as_the_conversation_grows(results):
    data = run_benchmark("tokens", results)
    findus, whole = data["runs"]["findus"], data["runs"]["whole"]
    for run in (findus, whole):
        assert run["failed_jobs"] == 0
        assert len(run["reply_input_tokens"]) == data["turns"] == 14
        assert all(tokens > 0 for tokens in run["reply_input_tokens"])
    # Past the recent turns, the bounded context is folded once and sends less than the whole.
    assert findus["summary_jobs"] >= 1 and whole["summary_jobs"] == 0
    assert findus["reply_input_tokens"][-1] < whole["reply_input_tokens"][-1]
    assert findus["reply_input_tokens"][:10] == whole["reply_input_tokens"][:10]
