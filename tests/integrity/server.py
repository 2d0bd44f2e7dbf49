"""A real gunicorn serving the app on a free port, and a small JSON client for it."""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _gunicorn() -> str:
    local = ROOT / ".venv" / "bin" / "gunicorn"
    return str(local) if local.exists() else shutil.which("gunicorn") or "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: object

    def __repr__(self):
        return f"<{self.status} {str(self.body)[:300]}>"


class Client:
    """One connection per request (sync workers close them anyway); counts requests."""

    def __init__(self, port: int, key: str, timeout: float = 20.0):
        self.port, self.key, self.timeout = port, key, timeout
        self._lock = threading.Lock()
        self.requests = 0

    def request(self, method, path, body=None, headers=None) -> Response:
        with self._lock:
            self.requests += 1
        sent = {"Authorization": f"Bearer {self.key}", **(headers or {})}
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=self.timeout
        )
        try:
            connection.request(method, path, data, sent)
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        is_json = "json" in (response.headers.get("Content-Type") or "")
        parsed = json.loads(raw) if raw and is_json else (raw or None)
        return Response(response.status, response.headers, parsed)

    def get(self, path, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path, body, **kwargs) -> Response:
        return self.request("POST", path, body, **kwargs)

    def upload(self, path, fields: dict, filename: str, content: bytes) -> Response:
        """POST a multipart form: ``fields`` and one file, as ``file``."""
        boundary = f"dateline-{uuid.uuid4().hex}"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
            f"\r\n\r\n{value}\r\n".encode()
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", path, b"".join(parts), headers)

    def patch(self, path, body, **kwargs) -> Response:
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path, **kwargs) -> Response:
        return self.request("DELETE", path, **kwargs)


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # The command sits in parentheses and may hold spaces: split after it.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == parent:
            found.append(int(entry.name))
    return sorted(found)


def _is_gunicorn(pid: int) -> bool:
    try:
        return b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class Gunicorn:
    """``gunicorn --config gunicorn.conf.py wsgi:app`` on 127.0.0.1, as deployed."""

    def __init__(self, database_url: str, key: str, workers: int, workdir: Path):
        self.database_url, self.key, self.workers = database_url, key, workers
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "gunicorn.log"

    def start(self, timeout: float = 30.0) -> "Gunicorn":
        metrics = self.workdir / "metrics"
        metrics.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DATELINE_RATE_LIMIT": "100000/minute",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
            "DATELINE_LOG_LEVEL": "WARNING",
        }
        command = [
            _gunicorn(),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            # Servers side by side would share the default control socket path.
            "--no-control-socket",
            "wsgi:app",
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.wait_ready(timeout)
        return self

    def client(self, timeout: float = 20.0) -> Client:
        return Client(self.port, self.key, timeout)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def worker_pids(self) -> list[int]:
        return _children(self.process.pid) if self.process else []

    def wait_ready(self, timeout: float = 30.0, replacing: int | None = None):
        """Until /ready answers 200 with every worker up (and ``replacing`` gone)."""
        deadline = time.monotonic() + timeout
        probe = Client(self.port, self.key, timeout=2.0)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n"
                    + self.log_tail()
                )
            workers = self.worker_pids()
            if len(workers) == self.workers and replacing not in workers:
                try:
                    if probe.get("/ready").status == 200:
                        return
                except OSError:
                    pass  # not listening yet, or a worker still booting
            time.sleep(0.1)
        raise TimeoutError(f"gunicorn not ready in {timeout} s:\n{self.log_tail()}")

    def kill_worker(self) -> int:
        (worker,) = self.worker_pids()
        os.kill(worker, signal.SIGKILL)
        return worker

    def stop(self):
        """SIGTERM, then SIGKILL for the master and any worker it left behind."""
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.worker_pids()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        for pid in workers:
            if _is_gunicorn(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
