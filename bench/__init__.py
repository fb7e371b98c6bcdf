"""Benchmarks (`make bench`): long measurements, never part of `make test`."""
