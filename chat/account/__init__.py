"""A learner's account: everything findus stores about them, as one download, and deleting it
all."""
