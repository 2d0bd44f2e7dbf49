"""Content negotiation and column specs for CSV, NDJSON and GeoJSON lists."""
