"""A small HTTP/1.1 keep-alive load generator on raw asyncio streams.

httpx costs more CPU per request than the server under test; this writes the request bytes itself
and reads just the status line, the headers and Content-Length bytes of body.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    error_samples: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, float | int | list[str]]:
        lat = sorted(self.latencies)

        def pct(p: float) -> float:
            return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 2) if lat else 0.0

        return {
            "requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 2),
            "requests_per_second": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99), "error_samples": self.error_samples[:3],
        }


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        reused = self.writer is not None
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None and self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        if not status_line and reused:  # the server closed the idle keep-alive connection: once more, anew
            self.close()
            return await self.request(method, path, body, headers)
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def run_load(
    host: str, port: int, *, clients: int, seconds: float, path: str,
    make_request: Callable[[int], tuple[bytes, dict[str, str]]],
    check: Callable[[int, int, bytes], str | None],
) -> LoadResult:
    """``clients`` connections, each sending ``make_request(client)`` back to back for ``seconds``;
    ``check(client, status, body)`` returns an error description or None."""
    result = LoadResult()
    deadline = time.perf_counter() + seconds

    async def client(n: int) -> None:
        conn = Connection(host, port)
        try:
            while time.perf_counter() < deadline:
                body, headers = make_request(n)
                started = time.perf_counter()
                try:
                    status, payload = await conn.request("POST", path, body, headers)
                    error = check(n, status, payload)
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                    conn.close()
                    error = f"{type(exc).__name__}: {exc}"
                result.latencies.append(time.perf_counter() - started)
                result.requests += 1
                if error:
                    result.errors += 1
                    result.error_samples.append(error)
        finally:
            conn.close()

    began = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    result.seconds = time.perf_counter() - began
    return result


async def run_open_loop(
    host: str, port: int, *, rate: float, seconds: float, clients: int, path: str,
    make_request: Callable[[int], tuple[bytes, dict[str, str]]],
    check: Callable[[int, int, bytes], str | None],
) -> LoadResult:
    """Requests offered at ``rate`` per second, evenly spaced, whatever the answers' pace (open loop).

    Each request is sent by one of ``clients`` simulated devices (a device sends its next request
    only after its last one was answered, as a phone's outbox does); a request that finds every
    device busy waits for one. Latency counts from the moment the request was due, so a slow server
    cannot hide its queue (no coordinated omission)."""
    result = LoadResult()
    idle: asyncio.Queue[int] = asyncio.Queue()
    connections = [Connection(host, port) for _ in range(clients)]
    for n in range(clients):
        idle.put_nowait(n)
    tasks: set[asyncio.Task[None]] = set()

    async def one(due: float) -> None:
        n = await idle.get()
        body, headers = make_request(n)
        try:
            status, payload = await connections[n].request("POST", path, body, headers)
            error = check(n, status, payload)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            connections[n].close()
            error = f"{type(exc).__name__}: {exc}"
        result.latencies.append(time.perf_counter() - due)
        result.requests += 1
        if error:
            result.errors += 1
            result.error_samples.append(error)
        idle.put_nowait(n)

    began = time.perf_counter()
    total = int(rate * seconds)
    for i in range(total):
        due = began + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    result.seconds = time.perf_counter() - began
    for conn in connections:
        conn.close()
    return result
