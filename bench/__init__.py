"""Benchmarks: load generators, baselines and reports."""
