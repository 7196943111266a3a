"""Splitters and split runs (`/splitters`, `/split_runs`, `POST /split`)
through the official SDK.

A packet PDF of four pages (a two-page invoice, a one-page invoice of
another vendor, a bank statement) is split into its documents; every split
is a new File cut from the packet, whose extract run gives that document's
values. Versions, list filters, cancel, delete, batches and errors are
checked as a client would see them.
"""

from __future__ import annotations

import pytest
from _support import POLL, dump, output_value, unique, wait_until
from extend_ai.errors import BadRequestError, NotFoundError
from test_parse_runs import make_pdf

CLASSES = [
    {
        "id": "invoice",
        "type": "invoice",
        "description": "A supplier invoice or bill: invoice number, seller and buyer, line items and an amount due.",
        "identifierKey": "the invoice number",
    },
    {
        "id": "bank_statement",
        "type": "bank_statement",
        "description": "A bank account statement: account holder, IBAN, period, transactions with running balance.",
    },
]
CONFIG = {"splitClassifications": CLASSES}

PACKET = [
    [
        "ACME Tools GmbH",
        "INVOICE",
        "Invoice Number: INV-1001",
        "Invoice Date: 2026-03-01",
        "Page 1 of 2",
        "Description Qty Unit Price Amount",
        "Steel hammer 2 12.00 24.00",
    ],
    [
        "ACME Tools GmbH",
        "Invoice Number: INV-1001",
        "Page 2 of 2",
        "Subtotal 24.00",
        "VAT 19% 4.56",
        "Amount Due: 28.56 EUR",
    ],
    [
        "Northwind Supplies Ltd",
        "INVOICE",
        "Invoice Number: NW-0077",
        "Invoice Date: 2026-03-04",
        "Page 1 of 1",
        "Description Qty Unit Price Amount",
        "Copy paper 10 5.00 50.00",
        "Amount Due: 50.00 EUR",
    ],
    [
        "First Savings Bank",
        "ACCOUNT STATEMENT",
        "Account holder: Jane Doe",
        "IBAN: DE89 3704 0044 0532 0130 00",
        "Statement period: 01.03.2026 - 31.03.2026",
        "Date Description Debit Credit Balance",
        "02.03.2026 Opening balance 1,200.00",
        "03.03.2026 Card payment 45.10 1,154.90",
        "10.03.2026 Salary 2,500.00 3,654.90",
        "31.03.2026 Closing balance 3,654.90",
    ],
]

INVOICE_NUMBER = {
    "type": "object",
    "properties": {"invoice_number": {"type": ["string", "null"]}},
    "required": ["invoice_number"],
    "additionalProperties": False,
}


def packet(client):
    return client.files.upload(file=(f"{unique('packet')}.pdf", make_pdf(PACKET), "application/pdf"))


def ranges(run):
    return [(s.type, s.start_page, s.end_page) for s in run.output.splits]


def test_a_packet_is_split_into_files_that_extract_on_their_own(client):
    upload = packet(client)
    run = client.split_runs.create_and_poll(file={"id": upload.id}, config=CONFIG, polling_options=POLL)
    assert run.object == "split_run" and run.id.startswith("splr_")
    assert run.status == "PROCESSED", f"{run.failure_reason} {run.failure_message}"
    assert ranges(run) == [("invoice", 1, 2), ("invoice", 3, 3), ("bank_statement", 4, 4)], dump(run)
    splits = run.output.splits
    assert [s.identifier for s in splits[:2]] == ["INV-1001", "NW-0077"]
    assert splits[2].identifier, "a split without identifierKey is still named"
    assert [s.classification_id for s in splits] == ["invoice", "invoice", "bank_statement"]
    assert len({s.id for s in splits}) == 3 and all(s.observation for s in splits)
    assert run.usage.credits == 4

    numbers = []
    for split in splits:
        f = client.files.retrieve(split.file_id)
        assert f.parent_file_id == upload.id
        parent = f.metadata.parent_split
        assert (parent.start_page, parent.end_page, parent.type) == (split.start_page, split.end_page, split.type)
        assert f.metadata.page_count in (None, split.end_page - split.start_page + 1)
        extracted = client.extract_runs.create_and_poll(
            file={"id": split.file_id}, config={"schema": INVOICE_NUMBER}, polling_options=POLL
        )
        assert extracted.status == "PROCESSED", dump(extracted)
        numbers.append(output_value(extracted)["invoice_number"])
    assert numbers[:2] == ["INV-1001", "NW-0077"], numbers

    # The same packet again gives the same splits and new files of its own.
    again = client.split(file={"id": upload.id}, config=CONFIG)
    assert ranges(again) == ranges(run)
    assert {s.file_id for s in again.output.splits}.isdisjoint({s.file_id for s in splits})


def test_splitter_versions_and_filters(client):
    sp = client.splitters.create(name=unique("splitter"), config=CONFIG)
    assert sp.object == "splitter" and sp.id.startswith("spl_")
    assert sp.draft_version.splitter_id == sp.id
    v1 = client.splitter_versions.create(sp.id, release_type="major")
    assert (v1.object, v1.version) == ("splitter_version", "1.0")
    assert client.splitter_versions.retrieve(sp.id, "latest").id == v1.id
    upload = packet(client)
    run = client.split_runs.create_and_poll(
        splitter={"id": sp.id, "version": "1.0"}, file={"id": upload.id}, polling_options=POLL
    )
    assert run.status == "PROCESSED" and run.splitter.id == sp.id and run.splitter_version.id == v1.id
    listed = client.split_runs.list(splitter_id=sp.id).data
    assert [r.id for r in listed] == [run.id]
    assert getattr(listed[0], "output", None) is None, "lists are summaries"

    batch = client.split_runs.create_batch(splitter={"id": sp.id}, inputs=[{"file": {"id": upload.id}}])
    done = wait_until(
        lambda: (b := client.batch_runs.get(batch.id)).status not in {"PENDING", "PROCESSING"} and b,
        what="batch",
    )
    assert done.status == "PROCESSED"


def test_cancel_delete_and_errors(idle_client, client):
    run = idle_client.split_runs.create(file={"text": "one\fmore", "name": "p.txt"}, config=CONFIG)
    assert idle_client.split_runs.cancel(run.id).status == "CANCELLED"
    assert idle_client.split_runs.delete(run.id).id == run.id
    with pytest.raises(NotFoundError):
        idle_client.split_runs.retrieve(run.id)
    with pytest.raises(BadRequestError) as e:
        client.split_runs.create(file={"text": "x"}, config={"splitClassifications": []})
    assert "config.splitClassifications" in str(e.value.body)
    with pytest.raises(NotFoundError):
        client.split_runs.create(splitter={"id": "spl_doesNotExist000000000"}, file={"text": "x"})


def test_webhooks_of_a_splitter_verify_with_the_sdk(webhook_server):
    from _receiver import Receiver
    from _support import API_VERSION

    client = webhook_server.client()
    receiver = Receiver().start()
    try:
        endpoint = client.webhook_endpoints.create(
            url=receiver.url, name=unique("wh"), enabled_events=[], api_version=API_VERSION
        )
        sp = client.splitters.create(name=unique("hooked"), config=CONFIG)
        client.webhook_subscriptions.create(
            webhook_endpoint_id=endpoint.id,
            resource_type="splitter",
            resource_id=sp.id,
            enabled_events=["split_run.processed", "split_run.failed"],
        )
        run = client.split_runs.create_and_poll(
            splitter={"id": sp.id}, file={"id": packet(client).id}, polling_options=POLL
        )
        assert run.status == "PROCESSED"
        got = wait_until(lambda: receiver.delivered() or None, what="the split_run webhook")
        event = client.webhooks.verify_and_parse(got[0].body, got[0].headers, endpoint.signing_secret)
        # The SDK returns a dict when the payload does not validate as its
        # SplitRun: a typed event means the payload has the SDK's shape.
        assert not isinstance(event, dict), event
        assert event.event_type == "split_run.processed"
        payload = got[0].event["payload"]
        assert (payload["object"], payload["id"]) == ("split_run", run.id)
        assert [s["fileId"] for s in payload["output"]["splits"]] == [s.file_id for s in run.output.splits]
    finally:
        receiver.stop()
