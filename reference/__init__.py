"""Reference codes shared by schemas and services: countries, languages, kinds."""
