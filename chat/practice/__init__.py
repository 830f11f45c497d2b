"""Practice with spaced repetition: cards made from the learner's own corrected mistakes (and
fresh exercises on the same patterns), scheduled with FSRS, answered by typing the fix."""
