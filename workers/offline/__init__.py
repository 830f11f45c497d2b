"""The offline "local" model: a simple tutor, grammar checker and reviewer that need no network."""

from workers.offline.model import build_local_model

__all__ = ["build_local_model"]
