"""Webhooks through the official SDK: endpoints and subscriptions, and every
delivered event verified with the SDK's own ``client.webhooks`` helper.

The receiver is a real HTTP server on 127.0.0.1; the ``webhook_server``
fixture allow-lists that address (the SSRF guard refuses it otherwise).
"""

from __future__ import annotations

import time
from typing import Any, Dict, List

import pytest
from extend_ai.core.api_error import ApiError
from extend_ai.wrapper.errors import WebhookSignatureVerificationError

from _receiver import Receiver, Received
from _support import API_VERSION, POLL, Server, invoice_schema, text_file, unique, wait_until

ALL_EVENTS = [
    "extract_run.processed",
    "extract_run.failed",
    "batch_processor_run.processed",
    "batch_processor_run.failed",
    "extractor.created",
    "extractor.updated",
    "extractor.version.published",
]


@pytest.fixture
def receiver():
    r = Receiver().start()
    try:
        yield r
    finally:
        r.stop()


def events_for(receiver: Receiver, resource_id: str) -> List[Received]:
    return [r for r in receiver.delivered() if r.event["payload"].get("id") == resource_id]


def wait_event(receiver: Receiver, resource_id: str, event_type: str) -> Received:
    def found() -> Any:
        hits = [r for r in events_for(receiver, resource_id) if r.event["eventType"] == event_type]
        return hits[0] if hits else None

    return wait_until(found, what=f"{event_type} for {resource_id}")


def test_endpoint_crud_and_secret_shown_once(webhook_server: Server, receiver: Receiver) -> None:
    client = webhook_server.client()
    created = client.webhook_endpoints.create(
        url=receiver.url, name=unique("wh"), enabled_events=["extract_run.processed"], api_version=API_VERSION
    )
    assert created.id.startswith("wh_") and created.status == "enabled"
    assert created.signing_secret.startswith("wss_")
    got = client.webhook_endpoints.retrieve(created.id)
    assert got.url == receiver.url and getattr(got, "signing_secret", None) is None
    updated = client.webhook_endpoints.update(created.id, name="renamed", status="disabled")
    assert (updated.name, updated.status, updated.enabled_events) == ("renamed", "disabled", ["extract_run.processed"])
    listed = client.webhook_endpoints.list(status="disabled", max_page_size=100)
    assert created.id in [e.id for e in listed.data]
    assert client.webhook_endpoints.delete(created.id).id == created.id
    with pytest.raises(ApiError) as e:
        client.webhook_endpoints.retrieve(created.id)
    assert e.value.status_code == 404


def test_internal_urls_are_refused_without_allow_list(client: Any) -> None:
    for url in ["http://127.0.0.1:9/hook", "http://169.254.169.254/latest", "file:///etc/passwd"]:
        with pytest.raises(ApiError) as e:
            client.webhook_endpoints.create(url=url, name="x", enabled_events=[], api_version=API_VERSION)
        assert e.value.status_code == 400, url


def test_unknown_event_types_are_rejected(webhook_server: Server, receiver: Receiver) -> None:
    client = webhook_server.client()
    with pytest.raises(ApiError) as e:
        client.webhook_endpoints.create(url=receiver.url, name="x", enabled_events=["nope.done"], api_version=API_VERSION)
    assert e.value.status_code == 400


def test_every_event_verifies_with_the_sdk_helper(webhook_server: Server, receiver: Receiver) -> None:
    client = webhook_server.client()
    tag = unique("hdr")
    endpoint = client.webhook_endpoints.create(
        url=receiver.url,
        name=unique("wh"),
        enabled_events=ALL_EVENTS,
        api_version=API_VERSION,
        advanced_options={"headers": {"x-test-tag": tag}},
    )
    secret = endpoint.signing_secret

    ex = client.extractors.create(name=unique("ex"), config={"schema": invoice_schema()})
    client.extractors.update(ex.id, name=unique("ex-renamed"))
    version = client.extractor_versions.create(ex.id, release_type="major")
    run = client.extract_runs.create_and_poll(
        extractor={"id": ex.id}, file=text_file(), metadata={"tag": tag}, polling_options=POLL
    )
    assert run.status == "PROCESSED"
    bad = client.extract_runs.create_and_poll(
        config={"schema": invoice_schema()}, file={"url": "http://169.254.169.254/doc.txt"}, polling_options=POLL
    )
    assert bad.status == "FAILED"
    batch = client.extract_runs.create_batch(extractor={"id": ex.id}, inputs=[{"file": text_file()}] * 2)

    expected = [
        (ex.id, "extractor.created"),
        (ex.id, "extractor.updated"),
        (version.id, "extractor.version.published"),
        (run.id, "extract_run.processed"),
        (bad.id, "extract_run.failed"),
        (batch.id, "batch_processor_run.processed"),
    ]
    for resource_id, event_type in expected:
        got = wait_event(receiver, resource_id, event_type)
        event = client.webhooks.verify_and_parse(got.body, got.headers, secret)
        assert event.event_type == event_type
        assert event.payload.id == resource_id
        assert got.headers.get("x-test-tag") == tag
        assert got.headers.get("content-type") == "application/json"

    # The run payload is the full run as GET returns it, metadata included.
    got = wait_event(receiver, run.id, "extract_run.processed")
    payload = got.event["payload"]
    fetched = webhook_server.url(f"extract_runs/{run.id}")
    import requests

    assert payload == requests.get(fetched, headers=webhook_server.headers()).json()
    assert payload["metadata"] == {"tag": tag} and payload["output"]["value"]["invoice_number"] == "INV-001"

    # Tampering with the body or the timestamp breaks verification.
    tampered = got.body.replace(b"PROCESSED", b"FAILED")
    assert client.webhooks.verify(got.body, got.headers, secret)
    assert not client.webhooks.verify(tampered, got.headers, secret)
    with pytest.raises(WebhookSignatureVerificationError):
        client.webhooks.verify_and_parse(tampered, got.headers, secret)
    old = dict(got.headers)
    old["x-extend-request-timestamp"] = str(int(old["x-extend-request-timestamp"]) - 1000)
    assert not client.webhooks.verify(got.body, old, secret)
    assert not client.webhooks.verify(got.body, got.headers, "wss_wrong")
    # A genuine but stale delivery is rejected by the helper's max age.
    time.sleep(2.1)
    assert not client.webhooks.verify(got.body, got.headers, secret, max_age_seconds=1)


def test_subscription_scopes_events_to_one_extractor(webhook_server: Server, receiver: Receiver) -> None:
    client = webhook_server.client()
    endpoint = client.webhook_endpoints.create(url=receiver.url, name=unique("wh"), enabled_events=[], api_version=API_VERSION)
    ex = client.extractors.create(name=unique("ex"), config={"schema": invoice_schema()})
    sub = client.webhook_subscriptions.create(
        webhook_endpoint_id=endpoint.id, resource_type="extractor", resource_id=ex.id, enabled_events=["extract_run.failed"]
    )
    again = client.webhook_subscriptions.create(
        webhook_endpoint_id=endpoint.id, resource_type="extractor", resource_id=ex.id, enabled_events=["extract_run.processed"]
    )
    assert again.id == sub.id and again.enabled_events == ["extract_run.processed"]
    assert client.webhook_subscriptions.retrieve(sub.id).enabled_events == ["extract_run.processed"]
    listed = client.webhook_subscriptions.list(webhook_endpoint_id=endpoint.id)
    assert [s.id for s in listed.data] == [sub.id]

    other = client.extract_runs.create_and_poll(config={"schema": invoice_schema()}, file=text_file(), polling_options=POLL)
    mine = client.extract_runs.create_and_poll(extractor={"id": ex.id}, file=text_file(), polling_options=POLL)
    got = wait_event(receiver, mine.id, "extract_run.processed")
    assert client.webhooks.verify(got.body, got.headers, endpoint.signing_secret)
    time.sleep(0.5)
    assert events_for(receiver, other.id) == []

    with pytest.raises(ApiError) as e:
        client.webhook_subscriptions.create(
            webhook_endpoint_id=endpoint.id, resource_type="extractor", resource_id=ex.id, enabled_events=["extractor.created"]
        )
    assert e.value.status_code == 400
    assert client.webhook_subscriptions.delete(sub.id).id == sub.id
    client.webhook_endpoints.delete(endpoint.id)


def event_of(srv: Server, resource_id: str, event_type: str) -> Dict[str, Any]:
    """The outbox event for a resource, from the Quarry event list."""
    import requests

    def find() -> Any:
        page = requests.get(srv.url("quarry/events?maxPageSize=1000"), headers=srv.headers()).json()
        hits = [e for e in page["data"] if e["resourceId"] == resource_id and e["eventType"] == event_type]
        return hits[0] if hits else None

    return wait_until(find, what=f"event {event_type} for {resource_id}")
