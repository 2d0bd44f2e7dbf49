"""Settings read from the environment; tests override them with a dict."""

import os
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from marshmallow.validate import OneOf

from environs import Env

env = Env()

DEFAULT_DATABASE_URL = "sqlite:///instance/dateline.db"
# GET /metrics: open to all, for an admin key, or a 404 (scraped elsewhere).
METRICS_MODES = ("open", "key", "off")


class Config:
    """Flask and flask-smorest settings, then Dateline's own (``DATELINE_*``)."""

    def __init__(self):
        env.read_env(os.environ.get("DATELINE_ENV_FILE"), recurse=False)
        self.DATABASE_URL = env.str("DATABASE_URL", DEFAULT_DATABASE_URL)
        # Streaming replicas of a PostgreSQL primary that GET and HEAD read from.
        self.DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", [])
        self.DATELINE_REPLICA_MAX_LAG_S = env.float("DATELINE_REPLICA_MAX_LAG_S", 10.0)
        self.DATELINE_READ_YOUR_WRITES_S = env.float("DATELINE_READ_YOUR_WRITES_S", 5.0)
        self.DATELINE_DB_POOL_SIZE = env.int("DATELINE_DB_POOL_SIZE", 8)
        self.DATELINE_SQLITE_BUSY_TIMEOUT_MS = env.int(
            "DATELINE_SQLITE_BUSY_TIMEOUT_MS", 5000
        )
        self.DATELINE_REQUIRE_IF_MATCH = env.bool("DATELINE_REQUIRE_IF_MATCH", False)
        self.DATELINE_PUBLIC_URL = env.str("DATELINE_PUBLIC_URL", "")
        self.MAX_CONTENT_LENGTH = env.int("DATELINE_MAX_BODY_BYTES", 10 * 1024 * 1024)
        self.DATELINE_MAX_URL_BYTES = env.int("DATELINE_MAX_URL_BYTES", 8190)
        self.DATELINE_MAX_IMPORT_BYTES = env.int(
            "DATELINE_MAX_IMPORT_BYTES", 1024 * 1024 * 1024
        )
        self.DATELINE_IMPORT_DIR = env.str("DATELINE_IMPORT_DIR", "") or None
        self.DATELINE_IMPORTS_INLINE = env.bool("DATELINE_IMPORTS_INLINE", False)
        self.REDIS_URL = env.str("REDIS_URL", "") or None
        self.DATELINE_RATE_LIMIT = env.str("DATELINE_RATE_LIMIT", "300/minute")
        self.DATELINE_READS_REQUIRE_KEY = env.bool("DATELINE_READS_REQUIRE_KEY", False)
        # Metrics tell anyone who reads them how the service is used and where
        # it is slow: closed unless opened on purpose (README, production).
        self.DATELINE_METRICS = env.str(
            "DATELINE_METRICS", "key", validate=OneOf(METRICS_MODES)
        )
        self.DATELINE_CORS_ORIGINS = env.list("DATELINE_CORS_ORIGINS", ["*"])
        self.DATELINE_TRUSTED_PROXIES = env.int("DATELINE_TRUSTED_PROXIES", 0)
        self.DATELINE_LOG_LEVEL = env.str("DATELINE_LOG_LEVEL", "INFO")
        self.DATELINE_EXPORT_BATCH_SIZE = env.int("DATELINE_EXPORT_BATCH_SIZE", 1000)
        # Exports streaming at once in one worker process, and per client in it.
        self.DATELINE_EXPORT_SLOTS = env.int("DATELINE_EXPORT_SLOTS", 3)
        self.DATELINE_EXPORT_SLOTS_PER_CLIENT = env.int(
            "DATELINE_EXPORT_SLOTS_PER_CLIENT", 2
        )

        self.API_TITLE = "Dateline"
        self.API_VERSION = package_version()
        self.OPENAPI_VERSION = "3.1.0"
        self.OPENAPI_URL_PREFIX = "/"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.OPENAPI_SWAGGER_UI_PATH = None
        self.JSON_SORT_KEYS = False


def package_version() -> str:
    """pyproject.toml's version, as installed: the package's and the API's."""
    try:
        return version("dateline")
    except PackageNotFoundError:  # a checkout run without being installed
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        with pyproject.open("rb") as file:
            return tomllib.load(file)["project"]["version"]
