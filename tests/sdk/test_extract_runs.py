"""Extract runs: create/poll, inputs, get, sync extract, delete, metadata, priority."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pytest
from _support import (
    INVOICE_EXPECTED,
    INVOICE_TEXT,
    POLL,
    assert_error_body,
    assert_invoice_extracted,
    dump,
    invoice_schema,
    output_value,
    run_schema,
    text_file,
    unique,
    wait_until,
)
from extend_ai.errors import BadRequestError, NotFoundError
from pydantic import BaseModel, Field


def _assert_run_envelope(run) -> None:
    """Fields the SDK model declares required must be there."""
    assert run.object == "extract_run"
    assert run.id.startswith("exr_")
    assert run.reviewed is False
    assert run.edited is False
    assert isinstance(run.dashboard_url, str) and run.dashboard_url
    assert run.created_at is not None and run.updated_at is not None
    assert run.config is not None


def test_create_and_poll_with_extractor_id(client):
    ex = client.extractors.create(name=unique("by-id"), config={"schema": invoice_schema()})
    run = client.extract_runs.create_and_poll(
        extractor={"id": ex.id}, file=text_file(INVOICE_TEXT, name="invoice-by-id.txt"), polling_options=POLL
    )
    _assert_run_envelope(run)
    assert_invoice_extracted(run)
    assert run.extractor is not None and run.extractor.id == ex.id
    assert run.extractor_version is not None and run.extractor_version.extractor_id == ex.id
    assert run_schema(run) == invoice_schema()
    assert run.file is not None and run.file.name == "invoice-by-id.txt"
    assert run.usage is not None


def test_create_and_poll_with_inline_config(client):
    run = client.extract_runs.create_and_poll(
        config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT, name="inline.txt"), polling_options=POLL
    )
    _assert_run_envelope(run)
    assert_invoice_extracted(run)
    assert run_schema(run) == invoice_schema()
    assert run.extractor is None, "inline-config runs must not reference an extractor"


def test_create_and_poll_with_raw_text_input(client):
    run = client.extract_runs.create_and_poll(
        config={"schema": invoice_schema()}, file={"text": INVOICE_TEXT}, polling_options=POLL
    )
    assert_invoice_extracted(run)
    assert run.file is not None, "raw text must become a File"
    assert run.file.id.startswith("file_")
    assert run.file.type == "TXT"
    assert isinstance(run.file.name, str) and run.file.name


def test_create_returns_immediately_then_get_matches(client):
    created = client.extract_runs.create(config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT))
    _assert_run_envelope(created)
    assert created.status in {"PENDING", "PROCESSING", "PROCESSED"}

    final = wait_until(
        lambda: (r := client.extract_runs.retrieve(created.id)).status not in {"PENDING", "PROCESSING"} and r,
        what=f"run {created.id} to finish",
    )
    assert final.id == created.id
    assert_invoice_extracted(final)
    assert final.created_at == created.created_at
    assert final.updated_at >= created.updated_at
    again = client.extract_runs.retrieve(created.id)
    assert dump(again) == dump(final), "GET of a finished run is not stable"


def test_upload_file_then_run_by_id(client):
    name = f"{unique('upload')}.txt"
    uploaded = client.files.upload(file=(name, INVOICE_TEXT.encode(), "text/plain"))
    assert uploaded.object == "file"
    assert uploaded.id.startswith("file_")
    assert uploaded.name == name
    assert uploaded.type == "TXT"
    assert uploaded.metadata is not None

    got = client.files.retrieve(uploaded.id)
    assert got.id == uploaded.id and got.name == name

    run = client.extract_runs.create_and_poll(
        config={"schema": invoice_schema()}, file={"id": uploaded.id}, polling_options=POLL
    )
    assert_invoice_extracted(run)
    assert run.file is not None and run.file.id == uploaded.id and run.file.name == name


def test_run_on_unknown_file_id_is_rejected(client):
    with pytest.raises((BadRequestError, NotFoundError)) as e:
        client.extract_runs.create(config={"schema": invoice_schema()}, file={"id": "file_doesNotExist0000000"})
    assert e.value.status_code in (400, 404)


class Invoice(BaseModel):
    invoice_number: Optional[str] = Field(None, description="The invoice number")
    invoice_date: Optional[dt.date] = Field(None, description="Date of the invoice")
    total_amount: Optional[float] = Field(None, description="Total amount due")
    vendor_name: Optional[str] = Field(None, description="Name of the vendor")


def test_pydantic_schema_gives_typed_output(client):
    """The SDK converts a pydantic model to the Extend schema dialect and validates the output into it."""
    run = client.extract_runs.create_and_poll(
        config={"schema": Invoice}, file=text_file(INVOICE_TEXT), polling_options=POLL
    )
    assert run.status == "PROCESSED", dump(run)
    inv = run.output.value
    assert isinstance(inv, Invoice)
    assert inv.invoice_number == "INV-001"
    assert inv.invoice_date == dt.date(2024, 3, 5)
    assert inv.total_amount == pytest.approx(1234.5)
    assert inv.vendor_name == "Acme GmbH"


def test_sync_extract_returns_processed_run(client):
    run = client.extract(config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT, name="sync.txt"))
    _assert_run_envelope(run)
    assert_invoice_extracted(run)
    # The run is persisted like any other.
    got = client.extract_runs.retrieve(run.id)
    assert got.status == "PROCESSED"
    assert output_value(got) == INVOICE_EXPECTED


def test_sync_extract_with_extractor(client):
    ex = client.extractors.create(name=unique("sync-ex"), config={"schema": invoice_schema()})
    run = client.extract(extractor={"id": ex.id}, file=text_file(INVOICE_TEXT))
    assert_invoice_extracted(run)
    assert run.extractor is not None and run.extractor.id == ex.id


METADATA = {
    "customer": {"id": 42, "tags": ["a", "b"], "nested": {"deep": [1, 2.5, {"k": "v"}]}},
    "note": "héllo ✓ — 日本",
    "flag": True,
    "ratio": 0.25,
    "empty": {},
    "nothing": None,
}


def test_metadata_is_echoed_verbatim(client):
    marker = unique("meta")
    metadata = {**METADATA, "marker": marker}
    created = client.extract_runs.create(
        config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT, name=f"{marker}.txt"), metadata=metadata
    )
    assert created.metadata == metadata

    run = client.extract_runs.retrieve(created.id)
    assert run.metadata == metadata

    listed = client.extract_runs.list(file_name_contains=marker)
    assert [r.id for r in listed.data] == [created.id]
    assert listed.data[0].metadata == metadata

    done = client.extract_runs.create_and_poll(
        config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT), metadata=metadata, polling_options=POLL
    )
    assert done.status == "PROCESSED"
    assert done.metadata == metadata


@pytest.mark.parametrize("priority", [0, 101, -5])
def test_priority_out_of_range_is_rejected(idle_client, priority):
    with pytest.raises(BadRequestError) as e:
        idle_client.extract_runs.create(
            config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT), priority=priority
        )
    body = assert_error_body(e.value.body, "INVALID_REQUEST")
    assert "priority" in body["message"].lower()


@pytest.mark.parametrize("priority", [1, 100])
def test_priority_bounds_are_accepted(idle_client, priority):
    run = idle_client.extract_runs.create(
        config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT), priority=priority
    )
    assert run.status in {"PENDING", "PROCESSING"}


def test_delete_run_then_get_is_404(client):
    marker = unique("del")
    run = client.extract_runs.create_and_poll(
        config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT, name=f"{marker}.txt"), polling_options=POLL
    )
    assert run.status == "PROCESSED"

    deleted = client.extract_runs.delete(run.id)
    assert deleted.id == run.id

    with pytest.raises(NotFoundError) as e:
        client.extract_runs.retrieve(run.id)
    assert_error_body(e.value.body, "NOT_FOUND")

    assert client.extract_runs.list(file_name_contains=marker).data == []

    with pytest.raises(NotFoundError):
        client.extract_runs.delete(run.id)


def test_get_unknown_run_is_404(client):
    with pytest.raises(NotFoundError) as e:
        client.extract_runs.retrieve("exr_doesNotExist000000000")
    assert e.value.status_code == 404
    assert_error_body(e.value.body, "NOT_FOUND")


def test_page_ranges_extract_and_charge_only_the_pages_named(client):
    schema = {
        "type": "object",
        "properties": {"invoice_number": {"type": ["string", "null"]}},
        "required": ["invoice_number"],
        "additionalProperties": False,
    }
    three_pages = "Invoice Number: FIRST-1\fNotes only\fInvoice Number: THIRD-3\n"
    run = client.extract_runs.create_and_poll(
        file={"text": three_pages, "name": "three-pages.txt"},
        config={"schema": schema, "advancedOptions": {"pageRanges": [{"start": 3, "end": 3}]}},
        polling_options=POLL,
    )
    assert run.status == "PROCESSED", dump(run)
    assert output_value(run)["invoice_number"] == "THIRD-3"
    assert run.usage.credits == 1
