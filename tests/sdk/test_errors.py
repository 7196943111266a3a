"""Auth, versioning and validation errors.

Where the SDK cannot produce the bad request (wrong version header, broken
JSON) the request is sent with `requests` instead.
"""

from __future__ import annotations

import pytest
import requests
from _support import (
    API_VERSION,
    INVOICE_TEXT,
    assert_error_body,
    expect_invalid_request,
    invoice_schema,
    text_file,
    unique,
)
from extend_ai.errors import BadRequestError, UnauthorizedError


def _json_error(resp: requests.Response, status: int, code: str) -> dict:
    assert resp.status_code == status, f"{resp.request.method} {resp.request.url}: {resp.status_code} {resp.text[:500]}"
    assert resp.headers.get("content-type", "").startswith("application/json"), resp.headers.get("content-type")
    return assert_error_body(resp.json(), code)


# -- auth -------------------------------------------------------------------


def test_bad_token_is_unauthorized(server):
    bad = server.client(token="qk_definitely_not_a_key")
    with pytest.raises(UnauthorizedError) as e:
        bad.extractors.list()
    assert e.value.status_code == 401
    assert_error_body(e.value.body, "UNAUTHORIZED")
    with pytest.raises(UnauthorizedError):
        bad.extract_runs.create(config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT))


def test_missing_authorization_is_401(server):
    resp = requests.get(server.url("/extract_runs"), headers={"x-extend-api-version": API_VERSION}, timeout=10)
    _json_error(resp, 401, "UNAUTHORIZED")


def test_healthz_needs_no_auth(server):
    resp = requests.get(server.url("/healthz"), timeout=10)
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok"}


# -- version header -----------------------------------------------------------


def test_missing_version_header_is_400(server):
    resp = requests.get(server.url("/extractors"), headers={"Authorization": f"Bearer {server.api_key}"}, timeout=10)
    body = _json_error(resp, 400, "INVALID_REQUEST")
    assert "x-extend-api-version" in body["message"].lower()


@pytest.mark.parametrize("version", ["1999-01-01", "latest", "2026-02-09x"])
def test_wrong_version_header_is_400(server, version):
    resp = requests.get(server.url("/extractors"), headers=server.headers(**{"x-extend-api-version": version}), timeout=10)
    body = _json_error(resp, 400, "INVALID_REQUEST")
    assert "x-extend-api-version" in body["message"].lower()


def test_sdk_with_other_api_version_is_rejected(server):
    old = server.client(extend_api_version="1999-01-01")
    with pytest.raises(BadRequestError) as e:
        old.extractors.list()
    assert "x-extend-api-version" in assert_error_body(e.value.body, "INVALID_REQUEST")["message"].lower()


# -- routing / malformed bodies ---------------------------------------------


def test_unknown_route_is_404_json(server):
    resp = requests.get(server.url("/no_such_resource"), headers=server.headers(), timeout=10)
    _json_error(resp, 404, "NOT_FOUND")
    resp = requests.post(server.url("/extract_runs/exr_x/frobnicate"), headers=server.headers(), json={}, timeout=10)
    _json_error(resp, 404, "NOT_FOUND")


def test_malformed_json_is_400(server):
    resp = requests.post(
        server.url("/extract_runs"),
        headers=server.headers(**{"content-type": "application/json"}),
        data=b'{"config": {"schema": ',
        timeout=10,
    )
    body = _json_error(resp, 400, "INVALID_REQUEST")
    assert body["retryable"] is False


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(["not", "an", "object"], id="array-body"),
        pytest.param({"config": {"schema": invoice_schema()}, "file": 42}, id="file-is-number"),
        pytest.param({"config": {"schema": invoice_schema()}, "file": {"text": "x"}, "priority": "high"}, id="priority-string"),
    ],
)
def test_json_of_wrong_shape_is_rejected(server, payload):
    resp = requests.post(server.url("/extract_runs"), headers=server.headers(), json=payload, timeout=10)
    assert resp.status_code in (400, 422), f"{resp.status_code} {resp.text[:300]}"
    _json_error(resp, resp.status_code, "INVALID_REQUEST")


# -- request validation through the SDK ---------------------------------------


def _non_nullable_x():
    return {
        "type": "object",
        "properties": {"x": {"type": "string"}},
        "required": ["x"],
        "additionalProperties": False,
    }


def test_non_nullable_primitive_rejected_on_extractor_create(client):
    with pytest.raises(BadRequestError) as e:
        client.extractors.create(name=unique("bad"), config={"schema": _non_nullable_x()})
    body = assert_error_body(e.value.body, "INVALID_REQUEST")
    assert "Path: schema.properties.x" in body["message"], body["message"]
    assert body["retryable"] is False


def test_non_nullable_primitive_rejected_on_run_create(client):
    with pytest.raises(BadRequestError) as e:
        client.extract_runs.create(config={"schema": _non_nullable_x()}, file=text_file(INVOICE_TEXT))
    body = assert_error_body(e.value.body, "INVALID_REQUEST")
    assert "schema.properties.x" in body["message"], body["message"]


def test_non_nullable_primitive_rejected_on_sync_extract(client):
    with pytest.raises(BadRequestError) as e:
        client.extract(config={"schema": _non_nullable_x()}, file=text_file(INVOICE_TEXT))
    assert "schema.properties.x" in assert_error_body(e.value.body, "INVALID_REQUEST")["message"]


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param({"type": "array", "items": {"type": "string"}}, id="root-not-object"),
        pytest.param(
            {"type": "object", "properties": {"kind": {"enum": ["a", "b"]}}, "required": ["kind"]}, id="enum-without-null"
        ),
        pytest.param(
            {"type": "object", "properties": {"v": {"anyOf": [{"type": ["string", "null"]}, {"type": ["number", "null"]}]}}},
            id="anyOf",
        ),
        pytest.param({"type": "object", "properties": {"n": {"type": ["integer", "null"], "const": 1}}}, id="const"),
        pytest.param({"type": "object", "properties": {"n": {"type": ["strin", "null"]}}}, id="unknown-type"),
    ],
)
def test_invalid_schemas_rejected(client, schema):
    with pytest.raises(BadRequestError) as e:
        client.extractors.create(name=unique("bad"), config={"schema": schema})
    assert_error_body(e.value.body, "INVALID_REQUEST")


def test_invalid_schema_rejected_on_update_and_draft_unchanged(client):
    ex = client.extractors.create(name=unique("keep"), config={"schema": invoice_schema()})
    with pytest.raises(BadRequestError) as e:
        client.extractors.update(ex.id, config={"schema": _non_nullable_x()})
    assert "schema.properties.x" in assert_error_body(e.value.body, "INVALID_REQUEST")["message"]
    assert client.extractors.retrieve(ex.id).draft_version.config.schema_ == invoice_schema()


def test_run_without_file_is_rejected(client):
    expect_invalid_request(lambda: client.extract_runs.create(config={"schema": invoice_schema()}), allow_422=True)


def test_extractor_and_config_together_are_rejected(client):
    ex = client.extractors.create(name=unique("excl"), config={"schema": invoice_schema()})
    expect_invalid_request(
        lambda: client.extract_runs.create(
            extractor={"id": ex.id}, config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT)
        ),
        allow_422=True,
    )


def test_bad_release_type_is_rejected(client):
    ex = client.extractors.create(name=unique("rel"), config={"schema": invoice_schema()})
    expect_invalid_request(lambda: client.extractor_versions.create(ex.id, release_type="patch"), allow_422=True)
