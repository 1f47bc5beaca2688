"""Benchmarks for the targets in shared/design/quality.md. Run with ``make bench``."""
