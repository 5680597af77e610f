"""Tests of the benchmark helpers: retrieval metrics and the BM25 baseline."""
