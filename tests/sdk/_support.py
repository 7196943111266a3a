"""Shared helpers for the SDK compatibility suite.

Everything here is plain Python (no fixtures) so test modules can import it
directly: ``from _support import ...``.  The fixtures live in conftest.py.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional

import jsonschema
import requests
from extend_ai import Extend, PollingOptions

API_VERSION = "2026-02-09"

# A run on a few lines of text finishes in ~1-2 s; never wait longer than this.
RUN_TIMEOUT_S = 25.0

# Poll fast (the server is local) but give up well before the per-test limit.
POLL = PollingOptions(max_wait_ms=int(RUN_TIMEOUT_S * 1000), fast_poll_interval_ms=200, jitter_fraction=0.1)

TERMINAL = {"PROCESSED", "FAILED", "CANCELLED"}

INVOICE_TEXT = (
    "ACME GMBH - INVOICE\n"
    "Invoice Number: INV-001\n"
    "Invoice Date: 2024-03-05\n"
    "Total Amount: 1,234.50\n"
    "Vendor Name: Acme GmbH\n"
)

# What the rules engine must pull out of INVOICE_TEXT with INVOICE_SCHEMA.
# `po_number` has no matching line: it must be present and null.
INVOICE_EXPECTED: Dict[str, Any] = {
    "invoice_number": "INV-001",
    "invoice_date": "2024-03-05",
    "total_amount": 1234.5,
    "vendor_name": "Acme GmbH",
    "po_number": None,
}


def invoice_schema() -> Dict[str, Any]:
    """Schema in the 2026-02-09 dialect: nullable primitives, closed root object."""
    return {
        "type": "object",
        "properties": {
            "invoice_number": {"type": ["string", "null"], "description": "The invoice number"},
            "invoice_date": {"type": ["string", "null"], "extend:type": "date", "description": "Date of the invoice"},
            "total_amount": {"type": ["number", "null"], "description": "Total amount due"},
            "vendor_name": {"type": ["string", "null"], "description": "Name of the vendor"},
            "po_number": {"type": ["string", "null"], "description": "Purchase order number"},
        },
        "required": ["invoice_number", "invoice_date", "total_amount", "vendor_name", "po_number"],
        "additionalProperties": False,
    }


def vendor_only_schema() -> Dict[str, Any]:
    return {
        "type": "object",
        "properties": {"vendor_name": {"type": ["string", "null"]}},
        "required": ["vendor_name"],
        "additionalProperties": False,
    }


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def text_file(text: str = INVOICE_TEXT, name: Optional[str] = None) -> Dict[str, Any]:
    """A raw-text FileInput (`{"text": ..., "name"?: ...}`)."""
    f: Dict[str, Any] = {"text": text}
    if name is not None:
        f["name"] = name
    return f


def dump(obj: Any) -> Any:
    """SDK model -> plain JSON-ish dict with wire (camelCase) keys."""
    if hasattr(obj, "model_dump"):
        return obj.model_dump(by_alias=True, mode="json")
    if hasattr(obj, "dict"):
        return obj.dict(by_alias=True)
    return obj


def output_value(run: Any) -> Dict[str, Any]:
    assert run.output is not None, f"PROCESSED run {run.id} has no output: {dump(run)}"
    value = getattr(run.output, "value", None)
    assert isinstance(value, dict), f"run {run.id}: output is not the {{value, metadata}} form: {dump(run.output)}"
    assert hasattr(run.output, "metadata"), f"run {run.id}: output has no metadata: {dump(run.output)}"
    return value


def run_schema(run: Any) -> Dict[str, Any]:
    schema = getattr(run.config, "schema_", None)
    assert isinstance(schema, dict), f"run {run.id}: config.schema missing: {dump(run.config)}"
    return schema


def assert_matches_schema(value: Dict[str, Any], schema: Dict[str, Any]) -> None:
    """Every property present, nothing extra, and valid against the JSON Schema."""
    assert set(value) == set(schema["properties"]), (
        f"output keys {sorted(value)} != schema properties {sorted(schema['properties'])}"
    )
    jsonschema.Draft202012Validator(schema).validate(value)
    for key, prop in schema["properties"].items():
        if prop.get("extend:type") == "date" and value[key] is not None:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[key]), f"{key}={value[key]!r} is not yyyy-mm-dd"


def assert_invoice_extracted(run: Any, schema: Optional[Dict[str, Any]] = None) -> None:
    assert run.status == "PROCESSED", f"run {run.id} ended {run.status}: {run.failure_reason} {run.failure_message}"
    schema = schema or invoice_schema()
    value = output_value(run)
    assert_matches_schema(value, schema)
    assert value == INVOICE_EXPECTED
    # output.metadata is keyed by field path; for a flat schema, by property name.
    meta = run.output.metadata
    assert isinstance(meta, dict), f"output.metadata is not an object: {meta!r}"
    assert set(meta) <= set(schema["properties"]), f"unexpected metadata paths: {sorted(set(meta) - set(schema['properties']))}"


def assert_error_body(body: Any, code: str) -> Dict[str, Any]:
    """The documented error envelope: {code, message, retryable, requestId}."""
    assert isinstance(body, dict), f"error body is not a JSON object: {body!r}"
    assert body.get("code") == code, f"expected code {code}, got body {body}"
    assert isinstance(body.get("message"), str) and body["message"], f"error body lacks message: {body}"
    assert isinstance(body.get("retryable"), bool), f"error body lacks boolean retryable: {body}"
    assert isinstance(body.get("requestId"), str) and body["requestId"], f"error body lacks requestId: {body}"
    return body


def wait_until(fn: Callable[[], Any], *, timeout: float = RUN_TIMEOUT_S, interval: float = 0.2, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = fn()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; last={last!r}")
        time.sleep(interval)


def list_all(list_fn: Callable[..., Any], *, max_pages: int = 50, **kwargs: Any) -> List[List[Any]]:
    """Follow nextPageToken to the end; returns the pages (lists of items)."""
    pages: List[List[Any]] = []
    token: Optional[str] = None
    seen_tokens = set()
    while True:
        resp = list_fn(next_page_token=token, **kwargs) if token else list_fn(**kwargs)
        assert resp.object == "list"
        assert len(pages) == 0 or pages[-1], "only the last page may be empty"
        pages.append(list(resp.data))
        if "max_page_size" in kwargs:
            assert len(resp.data) <= kwargs["max_page_size"], f"page larger than maxPageSize: {len(resp.data)}"
        token = resp.next_page_token
        if not token:
            return pages
        assert token not in seen_tokens, f"nextPageToken repeated: {token}"
        seen_tokens.add(token)
        assert len(pages) < max_pages, "pagination does not terminate"


def as_utc(ts: Any) -> _dt.datetime:
    if isinstance(ts, str):
        ts = _dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=_dt.timezone.utc)
    return ts


# ---------------------------------------------------------------------------
# Server process management
# ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quarry_bin() -> str:
    path = os.environ.get("QUARRY_BIN")
    if not path:
        default = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/quarry/target")) / "debug/quarry"
        path = str(default)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise RuntimeError(f"quarry binary not found or not executable: {path} (set QUARRY_BIN)")
    return path


class Server:
    """A `quarry serve` process on a random local port with its own data dir."""

    def __init__(
        self,
        binary: Optional[str] = None,
        *,
        workers: int = 2,
        api_key: Optional[str] = None,
        extra_args: Optional[List[str]] = None,
    ) -> None:
        self.binary = binary or quarry_bin()
        self.workers = workers
        self.extra_args = list(extra_args or [])
        self.api_key = api_key or f"qk_test_{secrets.token_hex(16)}"
        self.root: Optional[str] = None
        self.proc: Optional[subprocess.Popen] = None
        self.port: Optional[int] = None
        self._log = None

    # -- lifecycle ---------------------------------------------------------
    @property
    def data_dir(self) -> str:
        assert self.root is not None
        return os.path.join(self.root, "data")

    @property
    def log_path(self) -> str:
        assert self.root is not None
        return os.path.join(self.root, "server.log")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0, attempts: int = 3) -> "Server":
        self.root = tempfile.mkdtemp(prefix="quarry-sdk-test-")
        os.makedirs(self.data_dir)
        return self._launch(timeout, attempts)

    def restart(self, timeout: float = 30.0) -> "Server":
        """Stops the process (SIGTERM, graceful) and starts it again on the same data dir."""
        self._terminate()
        return self._launch(timeout, 3)

    def _launch(self, timeout: float, attempts: int) -> "Server":
        last_error = ""
        for _ in range(attempts):
            self.port = free_port()
            self._spawn()
            error = self._wait_ready(timeout)
            if error is None:
                return self
            last_error = error
            self._terminate()
            if "in use" not in error.lower():  # only a port race is worth retrying
                break
        raise RuntimeError(f"quarry serve did not become ready: {last_error}")

    def _spawn(self) -> None:
        # Every QUARRY_* knob of the caller's environment (database URL, default
        # API version, ...) is dropped: each test server is fresh and default.
        env = {k: v for k, v in os.environ.items() if not k.startswith("QUARRY_")}
        env["QUARRY_API_KEY"] = self.api_key
        self._log = open(self.log_path, "ab")
        cmd = [
            self.binary,
            "serve",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--data-dir",
            self.data_dir,
            "--workers",
            str(self.workers),
            *self.extra_args,
        ]
        self._log.write(("$ " + " ".join(cmd) + "\n").encode())
        self._log.flush()
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )

    def _wait_ready(self, timeout: float) -> Optional[str]:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                return f"process exited with status {rc}\n{self.log_tail()}"
            try:
                r = requests.get(self.base_url + "/healthz", timeout=1)
                if r.status_code == 200 and r.json().get("status") == "ok":
                    return None
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.1)
        return f"/healthz not OK within {timeout}s\n{self.log_tail()}"

    def _terminate(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        self._terminate()
        if self.root and not os.environ.get("QUARRY_TEST_KEEP_DATA"):
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def log_tail(self, lines: int = 60) -> str:
        try:
            with open(self.log_path, "rb") as f:
                data = f.read().decode(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return "\n".join(data[-lines:])

    # -- clients -----------------------------------------------------------
    def client(self, token: Optional[str] = None, **kwargs: Any) -> Extend:
        kwargs.setdefault("timeout", 30)
        return Extend(base_url=self.base_url, token=token if token is not None else self.api_key, **kwargs)

    def headers(self, **extra: str) -> Dict[str, str]:
        h = {"Authorization": f"Bearer {self.api_key}", "x-extend-api-version": API_VERSION}
        h.update(extra)
        return h

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")


def ids(items: Iterable[Any]) -> List[str]:
    return [i.id for i in items]


def expect_invalid_request(fn: Callable[[], Any], *, allow_422: bool = False) -> Dict[str, Any]:
    """Call an SDK method that must fail validation; return the error body.

    400 INVALID_REQUEST is what the digest documents; `allow_422` also accepts
    422 (the SDK declares it) where the brief leaves the status open.
    """
    from extend_ai.core.api_error import ApiError

    try:
        result = fn()
    except ApiError as e:  # BadRequestError, UnprocessableEntityError, ...
        allowed = (400, 422) if allow_422 else (400,)
        assert e.status_code in allowed, f"expected {allowed}, got {e.status_code}: {e.body}"
        return assert_error_body(dump(e.body), "INVALID_REQUEST")
    raise AssertionError(f"request unexpectedly succeeded: {dump(result)}")
