"""Template filters for the feedback shown under a learner's message."""

from django import template

from chat.feedback import category_label as label_of

register = template.Library()


@register.filter
def category_label(category: str, feedback_language: str) -> str:
    """Return a category's name in the feedback language.

    In a template: {{ issue.category|category_label:conversation.feedback_language }}.
    """
    return label_of(category, feedback_language=feedback_language)
