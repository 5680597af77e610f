"""A running Comity, set up as `make run` sets it up, and a real Chromium driven by Playwright,
with the checks every page must pass: accessibility (axe-core), no request outside the
server, no Content-Security-Policy violation, and screenshots at two sizes."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("COMITY_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"
SCREENSHOTS = Path(os.environ.get("COMITY_SCREENSHOT_DIR", "artifacts/screenshots"))
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
DEMO_PASSWORD = "comity-demo-2026"
LITIGATOR = "litigator@demo.comity.test"
STAFF = "staff@demo.comity.test"
HUB_ADMIN = "hub@demo.comity.test"
SETUP = (
    ("db", "upgrade"),
    ("reference", "load"),
    ("demo", "load"),
    ("pleadings", "load-demo"),
    ("demo", "accounts"),
)


def require_browser() -> Any:
    """The Playwright module, or a skip that says what is missing (a failure where
    COMITY_REQUIRE_BROWSER is set, as in CI)."""
    missing = None
    try:
        from playwright import sync_api
    except ImportError:
        missing = "the playwright package is not installed (pip install -e '.[dev]')"
    if missing is None and not CHROMIUM.exists():
        missing = f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)"
    if missing is None:
        return sync_api
    if os.environ.get("COMITY_REQUIRE_BROWSER"):
        pytest.fail(missing)
    pytest.skip(missing)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_comity(database_url: str, env: dict[str, str]) -> Iterator[str]:
    """`make run` against database_url (migrate, reference data, demo corpus, pleadings and
    sign-ins), then `comity serve` on a free port; yields its base URL."""
    env = {**os.environ, **env, "COMITY_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "app.cli"]
    for step in SETUP:
        subprocess.run(  # noqa: S603 (our own CLI)
            [*command, *step], env=env, check=True, capture_output=True, timeout=600
        )
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (our own CLI)
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr:
            server.stderr.close()


def _wait_until_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"comity serve exited: {server.stderr.read().decode() if server.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2):  # noqa: S310 (our own server)
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("comity serve did not become ready within 60 s")


def api_token(base: str, email: str) -> str:
    data = f"username={email}&password={DEMO_PASSWORD}".encode()
    request = urllib.request.Request(f"{base}/api/v1/auth/token", data=data, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310
        return str(json.load(r)["access_token"])


def api(base: str, token: str, method: str, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(  # noqa: S310
        f"{base}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
        return json.load(r)


@dataclass
class Watch:
    """What a browser page did that it must not: requests to other hosts, CSP violations."""

    base: str
    foreign: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("request", self._request)
        page.on("console", self._console)

    def _request(self, request: Any) -> None:
        url = request.url
        if not url.startswith((self.base + "/", "data:", "blob:")) and url != self.base:
            self.foreign.append(url)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.violations.append(message.text)


def check_page(page: Any, watch: Watch, name: str) -> None:
    """axe-core finds no serious or critical violation; nothing left the server and nothing
    broke the CSP; a screenshot at each size."""
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target).join(' ')}`)"""
    )
    assert violations == [], f"{name}: {violations}"
    assert watch.foreign == [], f"{name} asked another host: {watch.foreign}"
    assert watch.violations == [], f"{name} broke the CSP: {watch.violations}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    safe = re.sub(r"[^a-z0-9_-]+", "-", name.lower())
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / f"{safe}-{size}.png"), full_page=True)
    page.set_viewport_size(original)
