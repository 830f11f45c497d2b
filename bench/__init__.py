"""Benchmarks for findus: one command each, figures printed and written to bench/results/."""
