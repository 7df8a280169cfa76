"""A real ``bedside serve`` process on a free port, for benchmarks and for tests that stop, kill and
restart the server (offline and crash tests)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, database_url: str, *, port: int | None = None, env: dict[str, str] | None = None,
                 log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = os.environ | {
            "BEDSIDE_DATABASE_URL": database_url, "BEDSIDE_SECRET_KEY": "live-server-secret",
            "BEDSIDE_BASE_URL": self.base_url, "BEDSIDE_PORT": str(self.port),
        } | (env or {})
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> str:
        """Run a ``bedside`` command against this server's database; returns its output."""
        done = subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=REPO, env=self.env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"bedside {' '.join(args)} failed: {done.stderr or done.stdout}")
        return done.stdout

    def start(self, timeout: float = 30.0) -> None:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port)], cwd=REPO, env=self.env,
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode} while starting")
            try:
                with urllib.request.urlopen(f"{self.base_url}/api/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the server did not answer /api/health in time")

    def stop(self) -> None:
        """Stop gracefully (SIGTERM) and wait."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, like a power cut of the process."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def empty_postgres(dsn: str) -> None:
    """Drop everything in the benchmark's PostgreSQL database (a run starts from nothing)."""
    import asyncio

    import asyncpg

    async def reset() -> None:
        conn = await asyncpg.connect(dsn)
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
        await conn.close()

    asyncio.run(reset())
