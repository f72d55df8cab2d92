"""Concord's benchmark harness: synthetic projects at research-team scale, timed on PostgreSQL.

`python -m bench --help` (or `make bench BENCH_ARGS=...`). Not part of the test suite; see
docs/performance.md for the latest figures and how to rerun them.
"""
