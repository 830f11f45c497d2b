"""findus' settings plus the benchmark-only variants' URLs (bench/variants.py).

Every benchmarked process (uvicorn, workers) runs with these, so the findus endpoints and the
variants they are compared with share one server and one configuration.
"""

from findus.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
