"""Exports a learner downloads: an Anki deck of their practice cards and a CSV of every
correction, made by an export job (workers/kinds/export.py) and kept for FINDUS_EXPORT_TTL."""
