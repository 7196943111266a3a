"""A local webhook receiver for the webhook tests.

A ``ThreadingHTTPServer`` on 127.0.0.1 that records every POST (headers, raw
body, what it answered) and can be switched between behaviours while a test
runs: ``ok`` (200), ``error`` (500), ``hang`` (answers only after the sender's
timeout). Before ``start()`` / after ``stop()`` the port refuses connections.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional

from _support import free_port


@dataclass
class Received:
    headers: Dict[str, str]
    body: bytes
    answer: str  # "ok", "error" or "hang"
    at: float = field(default_factory=time.time)

    @property
    def event(self) -> Dict[str, Any]:
        return json.loads(self.body)


class Receiver:
    def __init__(self, port: Optional[int] = None, hang_s: float = 1.6) -> None:
        self.port = port or free_port()
        self.mode = "ok"
        self.hang_s = hang_s
        self.received: List[Received] = []
        self._lock = threading.Lock()
        self._httpd: Optional[ThreadingHTTPServer] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                mode = receiver.mode
                with receiver._lock:
                    receiver.received.append(Received(dict(self.headers.items()), body, mode))
                if mode == "hang":
                    time.sleep(receiver.hang_s)
                status = 500 if mode == "error" else 200
                try:
                    self.send_response(status)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up (timeout)

            def log_message(self, *args: Any) -> None:
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def snapshot(self) -> List[Received]:
        with self._lock:
            return list(self.received)

    def delivered(self) -> List[Received]:
        """Requests answered 200, i.e. deliveries the sender saw succeed."""
        return [r for r in self.snapshot() if r.answer == "ok"]

    def delivered_ids(self) -> List[str]:
        return [r.event["eventId"] for r in self.delivered()]
