"""A small HTTP load driver: latency percentiles and throughput through a real socket.

The module's one job: send N GET requests to a running server from a few threads, each with
its own keep-alive connection, and report what came back: p50/p95/p99 latency, requests per
second and errors.

The client is the standard library's ``http.client``, not httpx2: on a 2-core machine the
driver shares the CPU with the server and PostgreSQL, and ``http.client`` spends several times
less CPU per request, so it disturbs the figures less. Threads are enough because the client
spends its time waiting on sockets.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["Client", "LoadResult", "merge", "percentile", "run"]

PathSource = Sequence[str] | Callable[[int], str]


@dataclass(frozen=True, slots=True)
class LoadResult:
    name: str
    requests: int
    errors: int
    concurrency: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_bytes: float
    first_error: str | None
    latencies_ms: tuple[float, ...] = field(default=(), repr=False)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        errors = f", {self.errors} errors ({self.first_error})" if self.errors else ""
        return (
            f"{self.name}: {self.requests} requests x{self.concurrency} in {self.seconds:.2f} s "
            f"= {self.rps:,.0f} req/s; p50 {self.p50_ms:.2f} ms, p95 {self.p95_ms:.2f} ms, "
            f"p99 {self.p99_ms:.2f} ms, max {self.max_ms:.2f} ms; "
            f"{self.mean_bytes:,.0f} B/response{errors}"
        )


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by the nearest-rank method; 0.0 for no values."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


class Client:
    """One keep-alive connection; reconnects after a transport error."""

    def __init__(
        self, host: str, port: int, headers: Mapping[str, str] | None = None, timeout: float = 30.0
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.headers = {"Accept": "application/json", **(headers or {})}
        self.conn: http.client.HTTPConnection | None = None

    def send(
        self,
        method: str,
        path: str,
        body: object | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """The status, headers and body of one request; a body is sent as JSON."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        sent = {**self.headers, **(headers or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=payload, headers=sent)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status, response.headers, data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def run(
    base_url: str,
    paths: PathSource,
    *,
    name: str = "",
    requests: int = 1_000,
    warmup: int = 50,
    concurrency: int = 1,
    headers: Mapping[str, str] | None = None,
    expect_status: int = 200,
    timeout: float = 30.0,
) -> LoadResult:
    """GET requests paths from concurrency threads; paths[i % len] or paths(i) gives the i-th.

    Each thread first sends its share of the warmup requests (unmeasured); the measured
    requests then start together and are handed out one by one, so fast threads take more.
    """
    if requests < 1 or concurrency < 1:
        raise ValueError("requests and concurrency must be positive")
    target = urlsplit(base_url)
    if target.scheme != "http" or not target.hostname:
        raise ValueError(f"only http:// URLs are supported, not {base_url!r}")
    host, port = target.hostname, target.port or 80
    prefix = target.path.rstrip("/")
    if callable(paths):
        path_at = paths
    else:
        if not paths:
            raise ValueError("no paths to request")
        pool = list(paths)
        path_at = lambda i: pool[i % len(pool)]  # noqa: E731

    counter = itertools.count()  # next() on a count is atomic under the GIL
    start = threading.Barrier(concurrency + 1)
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    sizes = [0] * concurrency
    errors = [0] * concurrency
    first_errors: list[str] = []
    warmup_each = math.ceil(warmup / concurrency)

    def worker(slot: int) -> None:
        client = Client(host, port, headers, timeout)
        try:
            try:
                for i in range(warmup_each):
                    with contextlib.suppress(OSError, http.client.HTTPException):
                        client.send("GET", prefix + path_at(i * concurrency + slot))
            except BaseException:
                start.abort()  # the other threads and run() must not wait for this one
                raise
            start.wait()
            mine = latencies[slot]
            while (i := next(counter)) < requests:
                path = prefix + path_at(i)
                began = time.perf_counter()
                try:
                    status, _, body = client.send("GET", path)
                except (OSError, http.client.HTTPException) as exc:
                    errors[slot] += 1
                    first_errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                mine.append((time.perf_counter() - began) * 1000)
                sizes[slot] += len(body)
                if status != expect_status:
                    errors[slot] += 1
                    first_errors.append(f"HTTP {status} for {path}")
        finally:
            client.close()

    threads = [
        threading.Thread(target=worker, args=(slot,), name=f"load-{slot}", daemon=True)
        for slot in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began

    return _result(
        name or "load",
        requests=requests,
        errors=sum(errors),
        concurrency=concurrency,
        seconds=seconds,
        latencies=itertools.chain.from_iterable(latencies),
        total_bytes=sum(sizes),
        first_error=first_errors[0] if first_errors else None,
    )


def _result(
    name: str,
    *,
    requests: int,
    errors: int,
    concurrency: int,
    seconds: float,
    latencies: Iterable[float],
    total_bytes: float,
    first_error: str | None,
) -> LoadResult:
    measured = tuple(sorted(latencies))
    return LoadResult(
        name=name,
        requests=requests,
        errors=errors,
        concurrency=concurrency,
        seconds=seconds,
        p50_ms=percentile(measured, 50),
        p95_ms=percentile(measured, 95),
        p99_ms=percentile(measured, 99),
        max_ms=measured[-1] if measured else 0.0,
        mean_bytes=total_bytes / len(measured) if measured else 0.0,
        first_error=first_error,
        latencies_ms=measured,
    )


def merge(results: Sequence[LoadResult]) -> LoadResult:
    """Several runs of one scenario as one: summed requests and time, pooled latencies."""
    if not results:
        raise ValueError("nothing to merge")
    errors = [r.first_error for r in results if r.first_error]
    return _result(
        results[0].name,
        requests=sum(r.requests for r in results),
        errors=sum(r.errors for r in results),
        concurrency=results[0].concurrency,
        seconds=sum(r.seconds for r in results),
        latencies=itertools.chain.from_iterable(r.latencies_ms for r in results),
        total_bytes=sum(r.mean_bytes * len(r.latencies_ms) for r in results),
        first_error=errors[0] if errors else None,
    )
