"""Template filters of the history pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def category_name(category: str) -> str:
    """Return a mistake category as the learner reads it: "word_choice" is "word choice"."""
    return category.replace("_", " ")
