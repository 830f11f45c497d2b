"""compose.yaml, the Procfile, .env.example and the README agree with each other and the settings.

compose cannot run on these machines (no Docker engine), so it is parsed and checked here.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ["DATABASE_URL", "REDIS_URL", "FINDUS_AI_MODEL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
            "FLOWER_BASIC_AUTH"]  # fmt: skip


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def settings_variables() -> set[str]:
    sources = (ROOT / "findus" / "settings.py").read_text() + (ROOT / "flowerconfig.py").read_text()
    return set(
        re.findall(r"""env(?:str|bool|int|float|list)?\(\s*["']([A-Z_]+)["']""", sources)
    ) | set(re.findall(r"""os\.environ\.get\(\s*["']([A-Z_]+)["']""", sources))


def test_the_procfile_runs_web_worker_flower_and_beat_listening_on_port():
    processes = procfile()
    assert set(processes) == {"web", "worker", "flower", "beat"}
    assert "uvicorn findus.asgi:application" in processes["web"]
    assert "$PORT" in processes["web"] and "$PORT" in processes["flower"]
    assert processes["worker"].startswith("celery -A findus worker")


def test_compose_has_every_service_with_health_checks_and_volumes():
    services = compose()["services"]
    assert {"web", "worker", "flower", "beat", "redis", "postgres"} <= set(services)
    for name in ("web", "worker", "flower", "redis", "postgres"):
        assert "healthcheck" in services[name], name
    assert any("postgres-data" in v for v in services["postgres"]["volumes"])
    assert any("redis-data" in v for v in services["redis"]["volumes"])


def test_compose_runs_the_procfile_commands():
    services, processes = compose()["services"], procfile()
    for name in ("web", "worker", "flower", "beat"):
        # The program and its fixed options; host and port values differ by design.
        fixed = [word for word in processes[name].split() if "$" not in word and "=" not in word]
        for word in fixed:
            assert word in services[name]["command"].replace('"', " ").split(), (name, word)


def test_compose_sets_the_contract_variables_that_the_settings_read():
    services, known = compose()["services"], settings_variables()
    for name in CONTRACT:
        assert name in known, f"{name} is not read by the settings"
    for service in ("web", "worker", "flower", "beat"):
        environment = services[service]["environment"]
        for name in CONTRACT:
            assert name in environment, (service, name)
        assert set(environment) - {"PORT", "FLOWER_ADDRESS"} <= known, service
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:" in services["web"]["environment"]["DATABASE_URL"]
    assert services["web"]["environment"]["REDIS_URL"].startswith("redis://redis:")


def test_every_setting_is_in_env_example_and_the_readme_table():
    example = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    readme_table = set(re.findall(r"^\| `([A-Z_]+)` \|", (ROOT / "README.md").read_text(), re.M))
    missing_from_example = settings_variables() - example
    assert not missing_from_example, missing_from_example
    missing_from_readme = settings_variables() - readme_table
    assert not missing_from_readme, missing_from_readme
