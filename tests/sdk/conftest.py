"""Fixtures for the Extend-SDK compatibility suite.

Two `quarry serve` processes are shared by the whole session, each on its own
random port and temporary data dir:

* ``server``       -- normal server (2 workers): runs get processed.
* ``idle_server``  -- ``--workers 0``: API only, runs stay pending forever, so
                      cancellation can be tested deterministically.
* ``webhook_server`` -- ``--url-allow 127.0.0.1`` and fast webhook retries, so
                      deliveries to local receivers can be tested.

Tests never depend on each other: each one creates its own extractors/runs and
filters lists by ids or unique names it generated itself.
"""

from __future__ import annotations

import os
import sys
from typing import Iterator

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from _support import Server  # noqa: E402
from extend_ai import Extend  # noqa: E402


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    srv = Server(workers=2).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def idle_server() -> Iterator[Server]:
    srv = Server(workers=0).start()
    try:
        yield srv
    finally:
        srv.stop()


# Webhook receivers listen on 127.0.0.1, which the SSRF guard refuses unless
# allow-listed; retries are kept fast so failure scenarios finish in seconds.
WEBHOOK_ARGS = [
    "--url-allow",
    "127.0.0.1",
    "--webhook-timeout-ms",
    "1000",
    "--webhook-backoff-base-ms",
    "200",
    "--webhook-backoff-cap-ms",
    "1000",
    "--webhook-max-attempts",
    "100",
]


@pytest.fixture(scope="session")
def webhook_server() -> Iterator[Server]:
    srv = Server(workers=2, extra_args=WEBHOOK_ARGS).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def client(server: Server) -> Extend:
    """Official SDK client pointed at the processing server."""
    return server.client()


@pytest.fixture
def idle_client(idle_server: Server) -> Extend:
    """Official SDK client pointed at the `--workers 0` server."""
    return idle_server.client()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """On failure, attach the tail of the involved server logs to the report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for name in ("server", "idle_server", "webhook_server"):
            srv = getattr(item, "funcargs", {}).get(name)
            if isinstance(srv, Server) and srv.root:
                report.sections.append((f"quarry log ({name})", srv.log_tail()))
