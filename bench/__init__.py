"""Benchmarks and the retrieval evaluation; run with `make bench` (not part of the tests)."""
