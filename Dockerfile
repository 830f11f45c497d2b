FROM python:3.12-slim
COPY --from=ghcr.io/astral-sh/uv:latest /uv /usr/local/bin/uv
WORKDIR /app
# Spelling dictionaries for the offline checker (it runs without them, less precisely).
RUN apt-get update && apt-get install -y --no-install-recommends hunspell-en-us hunspell-es \
    hunspell-de-de hunspell-fr hunspell-it hunspell-pt-pt hunspell-pt-br \
    && rm -rf /var/lib/apt/lists/*
ENV UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --locked --no-dev
COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput
USER nobody
