"""Outbound webhooks never reach inside the network, and a slow or chatty receiver cannot
hold a worker: the SSRF guard, the timeout and the response-size cap, against real sockets."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.webhooks import transport


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8080/hook",
        "http://api.localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.4/hook",
        "http://169.254.169.254/latest/meta-data",  # the cloud metadata service
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://100.64.0.1/hook",  # carrier-grade NAT
        "http://0.0.0.0/hook",
        "ftp://hooks.example.org/hook",
        "http://user:pw@hooks.example.org/hook",
        "file:///etc/passwd",
    ],
)
def test_private_loopback_and_link_local_targets_are_refused(url: str) -> None:
    with pytest.raises(transport.BlockedAddress):
        transport.check_url(url, allow_private=False)


def test_public_names_and_addresses_pass_registration() -> None:
    transport.check_url("https://hooks.example.org/comity", allow_private=False)
    transport.check_url("https://8.8.8.8/comity", allow_private=False)


def test_a_name_resolving_inside_is_refused_at_delivery() -> None:
    """The check is repeated on the resolved addresses, so a name registered while public
    that later resolves to loopback (DNS rebinding) is refused when it is posted to."""
    with pytest.raises(transport.BlockedAddress):
        transport.post(
            "http://localhost:9/hook",
            b"{}",
            {},
            timeout=1,
            max_response_bytes=1024,
            allow_private=False,
        )


class _Slow(BaseHTTPRequestHandler):
    delay = 5.0
    size = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        time.sleep(self.delay)
        self.send_response(200)
        self.send_header("content-length", str(self.size))
        self.end_headers()
        self.wfile.write(b"x" * self.size)

    def log_message(self, *args: object) -> None:
        pass


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


@pytest.fixture
def hanging() -> Iterator[str]:
    yield from _serve(type("Hang", (_Slow,), {"delay": 5.0}))


@pytest.fixture
def chatty() -> Iterator[str]:
    yield from _serve(type("Chatty", (_Slow,), {"delay": 0.0, "size": 10_000}))


def test_a_hanging_receiver_times_out(hanging: str) -> None:
    started = time.monotonic()
    with pytest.raises(transport.DeliveryFailed):
        transport.post(hanging, b"{}", {}, timeout=0.5, max_response_bytes=1024, allow_private=True)
    assert time.monotonic() - started < 3


def test_a_response_over_the_cap_fails(chatty: str) -> None:
    with pytest.raises(transport.DeliveryFailed, match="exceeds"):
        transport.post(chatty, b"{}", {}, timeout=2, max_response_bytes=1024, allow_private=True)


def test_a_closed_port_fails_cleanly() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(transport.DeliveryFailed):
        transport.post(
            f"http://127.0.0.1:{port}/",
            b"{}",
            {},
            timeout=1,
            max_response_bytes=1024,
            allow_private=True,
        )
