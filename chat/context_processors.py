from django.conf import settings
from django.http import HttpRequest


def findus(request: HttpRequest) -> dict:
    """Let every page say when the offline tutor answers instead of a real model."""
    return {
        "offline_tutor": settings.FINDUS_AI_MODEL == "local",
        "ai_model": settings.FINDUS_AI_MODEL,
    }
