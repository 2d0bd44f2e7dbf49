"""Integrity tests: history, the change feed, merges, idempotency, preconditions."""
