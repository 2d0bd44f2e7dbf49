"""Benchmarks: a synthetic corpus builder and timed requests through the app."""
