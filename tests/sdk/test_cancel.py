"""Cancelling extract runs.

A pending run is cancelled on the `--workers 0` server, where it can never be
picked up, so the outcome is deterministic.
"""

from __future__ import annotations

import pytest
from _support import INVOICE_TEXT, POLL, assert_error_body, invoice_schema, text_file
from extend_ai.errors import BadRequestError, NotFoundError


def test_cancel_pending_run(idle_client):
    run = idle_client.extract_runs.create(config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT))
    assert run.status in {"PENDING", "PROCESSING"}

    cancelled = idle_client.extract_runs.cancel(run.id)
    assert cancelled.object == "extract_run"
    assert cancelled.id == run.id
    assert cancelled.status == "CANCELLED"
    assert cancelled.output is None

    got = idle_client.extract_runs.retrieve(run.id)
    assert got.status == "CANCELLED"
    assert got.updated_at >= run.updated_at


def test_cancel_twice_is_bad_request(idle_client):
    run = idle_client.extract_runs.create(config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT))
    assert idle_client.extract_runs.cancel(run.id).status == "CANCELLED"

    # max_retries=0: a 400 must never be retried anyway, but do not hide a 409/5xx behind retries.
    with pytest.raises(BadRequestError) as e:
        idle_client.extract_runs.cancel(run.id, request_options={"max_retries": 0})
    assert e.value.status_code == 400
    body = assert_error_body(e.value.body, "INVALID_REQUEST")
    assert body["retryable"] is False
    assert idle_client.extract_runs.retrieve(run.id).status == "CANCELLED"


def test_cancel_processed_run_is_bad_request(client):
    run = client.extract_runs.create_and_poll(
        config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT), polling_options=POLL
    )
    assert run.status == "PROCESSED"
    with pytest.raises(BadRequestError) as e:
        client.extract_runs.cancel(run.id, request_options={"max_retries": 0})
    assert_error_body(e.value.body, "INVALID_REQUEST")
    after = client.extract_runs.retrieve(run.id)
    assert after.status == "PROCESSED"
    assert after.output is not None


def test_cancel_unknown_run_is_404(idle_client):
    with pytest.raises(NotFoundError) as e:
        idle_client.extract_runs.cancel("exr_doesNotExist000000000", request_options={"max_retries": 0})
    assert_error_body(e.value.body, "NOT_FOUND")


def test_cancelled_run_can_be_deleted(idle_client):
    run = idle_client.extract_runs.create(config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT))
    idle_client.extract_runs.cancel(run.id)
    assert idle_client.extract_runs.delete(run.id).id == run.id
    with pytest.raises(NotFoundError):
        idle_client.extract_runs.retrieve(run.id)
