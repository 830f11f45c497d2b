"""findus' settings plus the benchmark-only variants' URLs (bench/variants.py).

Every benchmarked process (uvicorn, workers) runs with these, so the findus endpoints and the
variants they are compared with share one server and one configuration.
"""

import os

from findus.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The send path's `findus_whitenoise` variant: the same app with findus' own async subclass of
# WhiteNoise's middleware (what served static files before servestatic), to compare the two.
if os.environ.get("BENCH_STATIC_MIDDLEWARE") == "whitenoise":
    MIDDLEWARE = [
        "bench.whitenoise_middleware.AsyncWhiteNoiseMiddleware"
        if name.startswith("servestatic.")
        else name
        for name in MIDDLEWARE  # noqa: F405
    ]
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG  # noqa: F405
