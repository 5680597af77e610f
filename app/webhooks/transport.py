"""POST a webhook to an address that may not reach inside the network (SSRF), within a
timeout and a response-size cap.

The host is resolved once, every address it resolves to is checked, and the connection goes
to the checked address (with the host name for TLS and `Host`), so that a DNS answer that
changes between the check and the connection cannot point the request inside.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit


class BlockedAddress(ValueError):
    """The URL is not http(s), or resolves to an address webhooks may not reach."""


class DeliveryFailed(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


def parse(url: str) -> Target:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedAddress("A webhook URL must be http:// or https:// with a host.")
    if parts.username or parts.password:
        raise BlockedAddress("A webhook URL may not carry credentials.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise BlockedAddress("The webhook URL's port is not valid.") from exc
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path)


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(target: Target, *, allow_private: bool) -> str:
    """The address to connect to: every address of the host must be public (unless
    allowed), so that no round-robin answer reaches inside."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DeliveryFailed(f"cannot resolve {target.host}") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not allow_private and not all(is_public(a) for a in addresses):
        raise BlockedAddress(
            f"{target.host} resolves to a private, loopback or link-local address."
        )
    return addresses[0]


def check_url(url: str, *, allow_private: bool) -> None:
    """At registration: the URL's form, and a literal address or `localhost` (names are
    checked again at each delivery, when they are resolved)."""
    target = parse(url)
    if allow_private:
        return
    if target.host.lower() in ("localhost", "localhost.localdomain") or target.host.endswith(
        ".localhost"
    ):
        raise BlockedAddress("A webhook may not target localhost.")
    try:
        literal = ipaddress.ip_address(target.host.strip("[]"))
    except ValueError:
        return
    if not is_public(str(literal)):
        raise BlockedAddress("A webhook may not target a private, loopback or link-local address.")


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    max_response_bytes: int,
    allow_private: bool,
) -> int:
    """The receiver's status code; raises DeliveryFailed on a network error, a timeout or a
    response over the cap, and BlockedAddress for a forbidden address.

    Connections are kept alive per worker thread and checked address, so a busy endpoint is
    not handshaken with for every event; one that the receiver closed meanwhile is opened
    again once.
    """
    target = parse(url)
    address = resolve(target, allow_private=allow_private)
    key = (target.scheme, target.host, target.port, address)
    pool: dict[tuple[str, str, int, str], http.client.HTTPConnection] = _POOL.__dict__.setdefault(
        "connections", {}
    )
    for reused in (key in pool, False):
        connection = pool.pop(key, None) if reused else None
        try:
            connection = connection or _connect(target, address, timeout)
            connection.sock.settimeout(timeout)
            connection.request(
                "POST",
                target.path,
                body=body,
                headers={
                    **headers,
                    "content-type": "application/json",
                    "user-agent": "Comity-Webhooks/1",
                },
            )
            response = connection.getresponse()
            received = response.read(max_response_bytes + 1)
        except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
            if connection is not None:
                connection.close()
            if reused:
                continue  # the receiver closed a kept-alive connection: open a new one
            raise DeliveryFailed("the receiver closed the connection") from None
        except (OSError, http.client.HTTPException) as exc:
            if connection is not None:
                connection.close()
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if len(received) > max_response_bytes or response.will_close:
            connection.close()
        else:
            if len(pool) >= MAX_KEPT:
                pool.pop(next(iter(pool))).close()
            pool[key] = connection
        if len(received) > max_response_bytes:
            raise DeliveryFailed(f"the response exceeds {max_response_bytes} bytes")
        return response.status
    raise AssertionError("unreachable")


_POOL = threading.local()
MAX_KEPT = 32  # kept-alive connections per worker thread


def _connect(target: Target, address: str, timeout: float) -> http.client.HTTPConnection:
    sock = socket.create_connection((address, target.port), timeout=timeout)
    # Small requests on a kept-alive connection would otherwise wait for delayed ACKs.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if target.scheme == "https":
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=target.host)
    connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    connection.sock = sock  # connected to the checked address, not a new lookup
    return connection
