"""Benchmarks for the performance targets P1–P6 in docs/quality.md. Run with ``make bench``."""
