"""`uv run python -m findus.dev`: migrate, then run web, Flower, worker and beat from the Procfile.

The first run writes a local, git-ignored .env with debug mode on and a generated SECRET_KEY, so
that the commands the launcher and the README print (`manage.py createsuperuser`, `jobs`,
`rerun_failed`) work as printed. The environment wins over .env. The database is the SQLite file
and the tutor is the offline one unless DATABASE_URL and FINDUS_AI_MODEL say otherwise.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import redis

from findus.env import DOTENV_PATH, read_dotenv

ROOT = Path(__file__).resolve().parent.parent

DEVELOPMENT_DOTENV = """\
# Written by `uv run python -m findus.dev` for development on this machine; git ignores it.
# The environment wins over these values. For production, start from .env.example.
DEBUG=true
SECRET_KEY={secret_key}
"""


def write_dotenv(path: Path = DOTENV_PATH) -> bool:
    """Write a development .env unless there is one already; return whether it was written."""
    try:
        # Readable by its owner only: it holds the signing key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w") as dotenv_file:
        dotenv_file.write(DEVELOPMENT_DOTENV.format(secret_key=secrets.token_urlsafe(50)))
    return True


def banner(*, port: int, model: str) -> str:
    """Return what the launcher prints once the database is ready: where each part answers."""
    return (
        f"\nfindus is starting:\n"
        f"  app     http://127.0.0.1:{port}/\n"
        f"  API     http://127.0.0.1:{port}/api/docs\n"
        f"  admin   http://127.0.0.1:{port}/admin/"
        "  (make a login: uv run python manage.py createsuperuser)\n"
        f"  Flower  http://127.0.0.1:{port + 100}/\n"
        f"  model   {model}\n"
    )


def main() -> int:
    os.chdir(ROOT)
    if write_dotenv():
        print(f"Wrote {DOTENV_PATH}: debug mode and a new SECRET_KEY, for development.", flush=True)
    read_dotenv()
    os.environ.setdefault("DEBUG", "true")  # for a .env of one's own that leaves it out
    redis_url = os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        print(f"findus needs Redis at {redis_url}, and it does not answer ({error}).")
        print("Start it (e.g. `redis-server --daemonize yes`) or set REDIS_URL, then try again.")
        return 1
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], check=True)
    port = int(os.environ.get("PORT", "8000"))
    print(banner(port=port, model=os.environ.get("FINDUS_AI_MODEL", "local")), flush=True)
    honcho = shutil.which("honcho") or str(Path(sys.executable).with_name("honcho"))
    # The processes inherit this environment, .env included. Honcho's own reading of .env would
    # let .env override variables set in the shell, so it reads nothing.
    command = [honcho, "start", "-f", "Procfile", "-p", str(port), "--env", os.devnull]
    os.execv(honcho, command)  # noqa: S606
    return 0


if __name__ == "__main__":
    sys.exit(main())
