"""Streamed exports: rows read in batches, CSV the server writes, cell writers."""
