"""What findus stores. Conversations and what the AI made of them; the jobs that did it; the
learner's history of mistakes, practice cards and exports; their settings."""

from chat.models.conversations import (
    LANGUAGE_CHOICES,
    LEVEL_CHOICES,
    Conversation,
    GrammarAnalysis,
    Message,
    Review,
)
from chat.models.exports import Export
from chat.models.history import Mistake, MistakePattern
from chat.models.jobs import Job, JobRerun, TokenUse
from chat.models.learners import LearnerSettings
from chat.models.practice import Card, CardReview, PracticeRequest

__all__ = [
    "LANGUAGE_CHOICES",
    "LEVEL_CHOICES",
    "Card",
    "CardReview",
    "Conversation",
    "Export",
    "GrammarAnalysis",
    "Job",
    "JobRerun",
    "LearnerSettings",
    "Message",
    "Mistake",
    "MistakePattern",
    "PracticeRequest",
    "Review",
    "TokenUse",
]
