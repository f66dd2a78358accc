"""Helpers shared by the benchmarks, the load test and the serving tests: percentiles of measured
times, a free loopback port, and gunicorn started on it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard.config import ROOT
from dashboard.dash_http import HttpSession


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank; no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn app:server` on a free loopback port over the given plan and extracts, started when
    made. Its output goes to a log file rather than a pipe, which a long run with nobody reading
    would fill and stall; stop() returns the log."""

    def __init__(
        self,
        plan: Path,
        extracts: Path,
        workers: int = 3,
        threads: int = 1,
        watch_seconds: float = 0.5,
        store: Path | None = None,
        env: dict[str, str] | None = None,
    ):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.session = HttpSession(self.base, timeout=30)
        env = {
            **os.environ,
            "ESR_PLAN_DIR": str(plan),
            "ESR_EXTRACTS_DIR": str(extracts),
            "ESR_WATCH_SECONDS": str(watch_seconds),
            **({"ESR_STORE": str(store)} if store else {}),
            **(env or {}),
        }
        env.pop("ESR_PASSWORD", None)
        env.pop("ESR_DEBUG", None)
        command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads)]
        self._log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [*command, "-b", f"127.0.0.1:{self.port}", "app:server"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.workers = workers
        self._wait_until_up()

    def _wait_until_up(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                if self.session.get("/_dash-layout").status_code == 200 and len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start:\n" + self.stop())
            time.sleep(0.3)

    def worker_pids(self) -> set[int]:
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return {int(pid) for pid in children.stdout.split()}

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        path = Path(self._log.name)
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        path.unlink(missing_ok=True)
        return text
