"""A learner's history: their mistakes grouped into patterns, and their progress over time."""
