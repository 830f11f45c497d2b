"""A newcomer's first steps: from a fresh copy of the repository, the launcher's first run and then
every `manage.py` command that the README or the launcher prints work as printed.

The copy holds what a clone of the working tree would (tracked and new files, nothing that git
ignores: no .env, no database). Its commands run with this interpreter, which is the project's
environment that `uv run` would use, and with a shell environment as bare as a newcomer's.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from findus.dev import banner, write_dotenv
from findus.env import read_dotenv
from tests.processes import ROOT

PROCESS_BASICS = ("PATH", "HOME", "LANG", "TMPDIR")
UV_RUN_PYTHON = "uv run python "
SUPERUSER = {
    "DJANGO_SUPERUSER_USERNAME": "admin",
    "DJANGO_SUPERUSER_EMAIL": "admin@example.org",
    "DJANGO_SUPERUSER_PASSWORD": "a-long-admin-passphrase",
}


def copy_of_the_repository(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    return target


def printed_commands() -> list[str]:
    """Return each `manage.py` command the launcher or the README prints, in its first printed
    form (`rerun_failed --dry-run` before `rerun_failed`, which has nothing more to do here).

    `check --deploy` is left out: it is for production values (test_deploy_check.py runs it).
    """
    text = banner(port=8000, model="local") + (ROOT / "README.md").read_text()
    commands: dict[str, str] = {}
    for command in re.findall(r"uv run python manage\.py [^`\n)]*", text):
        name = command.split()[4]
        if name != "check":
            commands.setdefault(name, command.strip())
    return list(commands.values())


def python(clone: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run this interpreter in the copy, with a newcomer's environment and `env`."""
    newcomer = {name: os.environ[name] for name in PROCESS_BASICS if name in os.environ}
    # Keep off the shared Redis database 0 that a newcomer's commands would use.
    newcomer |= {"REDIS_URL": settings.REDIS_URL, **env}
    return subprocess.run(
        [sys.executable, *args], cwd=clone, env=newcomer, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def run(clone: Path, command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a printed `uv run python ...` command in the copy."""
    assert command.startswith(UV_RUN_PYTHON), command
    return python(clone, *shlex.split(command.removeprefix(UV_RUN_PYTHON)), **env)


@pytest.fixture
def clone(tmp_path) -> Path:
    return copy_of_the_repository(tmp_path / "findus")


def test_after_the_launchers_first_run_every_printed_command_works(clone):
    commands = printed_commands()
    assert {
        "uv run python manage.py createsuperuser",
        "uv run python manage.py jobs",
        "uv run python manage.py rerun_failed --kind analysis --since 2h --limit 100 --dry-run",
    } <= set(commands)
    # Without a .env or a SECRET_KEY, in production mode, nothing starts.
    refused = run(clone, "uv run python manage.py jobs")
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr

    # The launcher's first steps, short of starting the processes: write .env, then migrate.
    first_run = python(clone, "-c", "from findus.dev import write_dotenv; write_dotenv()")
    assert first_run.returncode == 0, first_run.stderr
    dotenv = clone / ".env"
    assert dotenv.stat().st_mode & 0o077 == 0, "only its owner may read the signing key"
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=clone)
    assert ignored.returncode == 0, ".env must be git-ignored"
    migrated = run(clone, "uv run python manage.py migrate --noinput")
    assert migrated.returncode == 0, migrated.stderr

    for command in commands:
        if command.endswith("createsuperuser"):
            finished = run(clone, command + " --noinput", **SUPERUSER)
            assert "Superuser created successfully." in finished.stdout, finished.stderr
        else:
            finished = run(clone, command)
        assert finished.returncode == 0, f"{command}\n{finished.stdout}\n{finished.stderr}"


def test_the_launcher_writes_a_development_env_once_and_keeps_an_existing_one(tmp_path):
    dotenv = tmp_path / ".env"
    assert write_dotenv(dotenv) is True
    written = dotenv.read_text()
    assert "DEBUG=true" in written.splitlines()
    secret_key = re.search(r"^SECRET_KEY=(\S{50,})$", written, re.M)
    assert secret_key, written

    assert write_dotenv(dotenv) is False
    assert dotenv.read_text() == written
    assert write_dotenv(tmp_path / "other.env")
    assert secret_key.group(1) not in (tmp_path / "other.env").read_text()


def test_the_environment_wins_over_env(tmp_path, monkeypatch):
    dotenv = tmp_path / ".env"
    dotenv.write_text("FINDUS_TEST_FROM_FILE=file\nFINDUS_TEST_SET_IN_BOTH=file\n")
    monkeypatch.delenv("FINDUS_TEST_FROM_FILE", raising=False)
    monkeypatch.setenv("FINDUS_TEST_SET_IN_BOTH", "environment")

    read_dotenv(dotenv)

    assert os.environ["FINDUS_TEST_FROM_FILE"] == "file"
    assert os.environ["FINDUS_TEST_SET_IN_BOTH"] == "environment"


def test_a_development_env_stays_out_of_git_and_of_the_docker_image():
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
    # The Dockerfile copies the whole checkout; an image must not start in debug mode.
    assert "COPY . ." in (ROOT / "Dockerfile").read_text()
    assert ".env" in (ROOT / ".dockerignore").read_text().splitlines()
