"""The real server (Granian) on a free port; a JSON client, and slow ones, for it."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Granian exits, workers and all, when a worker dies within 5.5 s of being
# respawned (a crash loop); a test waits a little longer before killing again.
CRASH_LOOP_S = 5.7


def _python() -> str:
    return sys.executable or str(ROOT / ".venv" / "bin" / "python")


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
    """One connection per request, closed after its answer; counts requests."""

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


def half_open(port: int, count: int) -> list[socket.socket]:
    """``count`` connections that each send a request's first lines, no more."""
    held = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        held.append(sock)
    return held


class SlowExport:
    """An export read as over a slow link: a little every 100 ms, into a small
    receive buffer, so the server soon waits on this client. A refusal's body
    is read at once (``problem``); ``close()`` hangs up."""

    def __init__(self, port: int, key: str | None, path="/events/?format=csv"):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(20)
        self.sock.connect(("127.0.0.1", port))
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.connection.sock = self.sock
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        self.status, self.headers = self.response.status, self.response.headers
        self.problem, self.received = None, 0
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._trickle, daemon=True)
        if self.status == 200:
            self._reader.start()
        else:
            self.problem = json.loads(self.response.read())
            self.connection.close()

    def _trickle(self):
        while not self._stop.wait(0.1):
            try:
                chunk = self.response.read(1024)
            except (OSError, ValueError, http.client.HTTPException):
                return  # hung up meanwhile
            if not chunk:
                return
            self.received += len(chunk)

    def close(self):
        self._stop.set()
        if self._reader.is_alive():
            # Wakes a read that waits for data: the hang-up the server sees.
            self.sock.shutdown(socket.SHUT_RDWR)
            self._reader.join(5)
        self.connection.close()


def _stat(pid: int | str) -> list[str]:
    """/proc/<pid>/stat from its third field (state) on; [] once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    # The command sits in parentheses and may hold spaces: split after it.
    return stat[stat.rindex(")") + 2 :].split()


def _children(parent: int) -> list[int]:
    """Live children of ``parent``: a killed one is left out while not yet reaped."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(entry.name)):
            if int(fields[1]) == parent and fields[0] != "Z":
                found.append(int(entry.name))
    return sorted(found)


def _age(pids: list[int]) -> float:
    """Seconds since the youngest of ``pids`` started."""
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    ticks = os.sysconf("SC_CLK_TCK")
    started = max((int(f[19]) for pid in pids if (f := _stat(pid))), default=0)
    return uptime - started / ticks


def _is_server(pid: int) -> bool:
    try:
        return b"api.serve" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class Server:
    """``python -m api.serve`` (Granian) on 127.0.0.1 and a free port, as deployed.

    ``env`` adds settings; a name mapped to None is left out of the environment.
    """

    def __init__(
        self,
        database_url: str,
        key: str,
        workers: int,
        workdir: Path,
        env: dict[str, str | None] | None = None,
    ):
        self.database_url, self.key, self.workers = database_url, key, workers
        self.workdir = workdir
        self.env = env or {}
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "server.log"

    def start(self, timeout: float = 30.0) -> "Server":
        metrics = self.workdir / "metrics"
        metrics.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(self.workers),
            "DATABASE_URL": self.database_url,
            "DATELINE_RATE_LIMIT": "100000/minute",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
            "DATELINE_LOG_LEVEL": "WARNING",
            **self.env,
        }
        env = {name: value for name, value in env.items() if value is not None}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [_python(), "-m", "api.serve"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
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
        """Granian's workers: processes the main one forked."""
        return _children(self.process.pid) if self.process else []

    def wait_ready(self, timeout: float = 30.0, replacing: int | None = None):
        """Until /ready answers 200 with every worker up (and ``replacing`` gone).

        After a respawn, also until Granian would respawn that worker again:
        a worker that dies within 5.5 s of its respawn is taken for a crash
        loop, and the whole server exits.
        """
        deadline = time.monotonic() + timeout
        probe = Client(self.port, self.key, timeout=2.0)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.process.returncode}:\n"
                    + self.log_tail()
                )
            workers = self.worker_pids()
            if len(workers) == self.workers and replacing not in workers:
                try:
                    ready = probe.get("/ready").status == 200
                except OSError:
                    ready = False  # not listening yet, or a worker still booting
                if ready:
                    if replacing is not None:
                        time.sleep(max(0.0, CRASH_LOOP_S - _age(workers)))
                    return
            time.sleep(0.1)
        raise TimeoutError(f"server not ready in {timeout} s:\n{self.log_tail()}")

    def kill_worker(self) -> int:
        (worker,) = self.worker_pids()
        os.kill(worker, signal.SIGKILL)
        return worker

    def stop(self):
        """SIGTERM, then SIGKILL for the main process and any worker it left."""
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
            if _is_server(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
