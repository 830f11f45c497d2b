from django.conf import settings
from django.http import HttpRequest

from chat.failures import SLOW_AFTER_SECONDS


def findus(request: HttpRequest) -> dict:
    return {
        "offline_tutor_note": offline_tutor_note(request),
        "ai_model": settings.FINDUS_AI_MODEL,
        "slow_after_seconds": SLOW_AFTER_SECONDS,
    }


def offline_tutor_note(request: HttpRequest) -> str:
    """Return which note about the offline tutor the page shows: "operator" to staff (how to set
    a real model), "learner" to a learner (what to expect), "" to visitors or with a real model."""
    user = getattr(request, "user", None)
    if settings.FINDUS_AI_MODEL != "local" or user is None or not user.is_authenticated:
        return ""
    return "operator" if user.is_staff else "learner"
