"""WSGI entry point: python -m api.serve (Granian), or flask --app wsgi."""

from api import create_app

app = create_app()
