"""`uv run python -m findus.dev`: migrate, then run web, Flower, worker and beat from the Procfile.

Debug mode is on unless the environment says otherwise; the database is the SQLite file and the
tutor is the offline one unless DATABASE_URL and FINDUS_AI_MODEL say otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    os.environ.setdefault("DEBUG", "true")
    os.chdir(ROOT)
    redis_url = os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        print(f"findus needs Redis at {redis_url}, and it does not answer ({error}).")
        print("Start it (e.g. `redis-server --daemonize yes`) or set REDIS_URL, then try again.")
        return 1
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], check=True)
    port = int(os.environ.get("PORT", "8000"))
    print(
        f"\nfindus is starting:\n"
        f"  app     http://127.0.0.1:{port}/\n"
        f"  API     http://127.0.0.1:{port}/api/docs\n"
        f"  admin   http://127.0.0.1:{port}/admin/"
        "  (make a login: uv run python manage.py createsuperuser)\n"
        f"  Flower  http://127.0.0.1:{port + 100}/\n"
        f"  model   {os.environ.get('FINDUS_AI_MODEL', 'local')}\n",
        flush=True,
    )
    honcho = shutil.which("honcho") or str(Path(sys.executable).with_name("honcho"))
    os.execv(honcho, [honcho, "start", "-f", "Procfile", "-p", str(port)])  # noqa: S606
    return 0


if __name__ == "__main__":
    sys.exit(main())
