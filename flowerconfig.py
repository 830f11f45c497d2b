"""Flower's settings, read by `celery -A findus flower` from the working directory.

Flower shows task names, states and ids; task arguments are job ids only, never learner text.
"""

import os
import sys

from findus.env import envbool, read_dotenv

read_dotenv()  # Like the settings: a local .env fills in what the environment leaves unset.

address = os.environ.get("FLOWER_ADDRESS", "127.0.0.1")
_basic_auth = os.environ.get("FLOWER_BASIC_AUTH", "").strip()
if _basic_auth:
    basic_auth = [pair.strip() for pair in _basic_auth.split(",") if pair.strip()]
elif envbool("DEBUG", False):
    # Without a password Flower's API answers 401 unless this is set, even to the README's
    # GET /api/queues/length. In development the whole of Flower is open anyway, on loopback.
    os.environ.setdefault("FLOWER_UNAUTHENTICATED_API", "true")
else:
    sys.exit(
        "Flower will not start without a password: set FLOWER_BASIC_AUTH=user:password "
        "(or run in debug mode with DEBUG=true)."
    )
# Keep Flower's view of recent tasks bounded in memory.
max_tasks = int(os.environ.get("FLOWER_MAX_TASKS", "10000"))
