"""gunicorn settings for Dateline; override any with GUNICORN_CMD_ARGS."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# In-flight requests get this long to finish after SIGTERM.
graceful_timeout = 30
timeout = 60
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 10000
max_requests_jitter = 1000
accesslog = "-"
