"""Classifiers and classify runs (`/classifiers`, `/classify_runs`, `POST
/classify`) through the official SDK.

Small text documents of unmistakable kinds are classified with an inline
config and with a saved classifier (draft, published versions, overrides);
list filters, paging, cancel (on the `--workers 0` server), delete, batches
and the documented errors are checked as a client would see them.
"""

from __future__ import annotations

import pytest
from _receiver import Receiver
from _support import API_VERSION, POLL, Server, dump, list_all, unique, wait_until
from extend_ai.errors import BadRequestError, NotFoundError

CLASSIFICATIONS = [
    {
        "id": "invoice",
        "type": "invoice",
        "description": "A supplier invoice or bill: invoice number, seller and buyer, line items and an amount due.",
    },
    {
        "id": "bank_statement",
        "type": "bank_statement",
        "description": "A bank account statement: account holder, IBAN, period, transactions with running balance.",
    },
]
CONFIG = {"classifications": CLASSIFICATIONS}

INVOICE = """ACME Tools GmbH
INVOICE
Invoice Number: INV-2041
Invoice Date: 2026-03-01
Bill To: Northwind Ltd
Description            Qty   Unit Price   Amount
Steel hammer             2        12.00    24.00
Subtotal 24.00
VAT 19% 4.56
Amount Due: 28.56 EUR
"""

STATEMENT = """First Savings Bank
ACCOUNT STATEMENT
Account holder: Jane Doe
IBAN: DE89 3704 0044 0532 0130 00
Statement period: 01.03.2026 - 31.03.2026
Date        Description              Debit     Credit    Balance
02.03.2026  Opening balance                               1,200.00
03.03.2026  Card payment grocery     45.10               1,154.90
10.03.2026  Salary                              2,500.00  3,654.90
15.03.2026  Rent transfer            900.00              2,754.90
31.03.2026  Closing balance                               2,754.90
"""


def doc(text: str, prefix: str) -> dict:
    return {"text": text, "name": f"{unique(prefix)}.txt"}


def assert_classified(run, expected: str) -> None:
    assert run.object == "classify_run"
    assert run.id.startswith("clr_")
    assert run.status == "PROCESSED", f"{run.id}: {run.failure_reason} {run.failure_message}"
    out = run.output
    assert (out.id, out.type) == (expected, expected), dump(run)
    assert 0.0 <= out.confidence <= 1.0
    assert out.insights and all(i.type == "reasoning" and i.content for i in out.insights)
    assert run.usage is not None and run.usage.credits >= 1


def test_inline_config_classifies_each_kind(client):
    inv = client.classify_runs.create_and_poll(
        file=doc(INVOICE, "inv"), config=CONFIG, metadata={"k": "v"}, polling_options=POLL
    )
    assert_classified(inv, "invoice")
    assert inv.metadata == {"k": "v"}
    assert inv.classifier is None and inv.classifier_version is None
    assert [c.id for c in inv.config.classifications] == ["invoice", "bank_statement"]
    assert inv.config.base_processor == "classification_performance"
    stm = client.classify_runs.create_and_poll(file=doc(STATEMENT, "stm"), config=CONFIG, polling_options=POLL)
    assert_classified(stm, "bank_statement")
    # The parse the run read is kept as a parse run of its own.
    assert stm.parse_run_id and client.parse_runs.retrieve(stm.parse_run_id).status == "PROCESSED"


def test_sync_classify_returns_the_finished_run(client):
    run = client.classify(file=doc(STATEMENT, "sync"), config=CONFIG)
    assert_classified(run, "bank_statement")


def test_classifier_versions_and_runs_pinned_to_them(client):
    cl = client.classifiers.create(name=unique("classifier"), config=CONFIG)
    assert cl.object == "classifier" and cl.id.startswith("cl_")
    assert cl.draft_version.version == "draft" and cl.draft_version.classifier_id == cl.id
    assert [c.id for c in cl.draft_version.config.classifications] == ["invoice", "bank_statement"]

    v1 = client.classifier_versions.create(cl.id, release_type="major", description="GA")
    assert (v1.object, v1.version, v1.classifier_id) == ("classifier_version", "1.0", cl.id)
    # The draft now holds only one class; version 1.0 keeps both.
    only_invoice = {"classifications": CLASSIFICATIONS[:1]}
    updated = client.classifiers.update(cl.id, name="renamed", config=only_invoice)
    assert updated.name == "renamed" and len(updated.draft_version.config.classifications) == 1
    assert client.classifier_versions.retrieve(cl.id, "latest").id == v1.id
    assert client.classifier_versions.retrieve(cl.id, "1.0").id == v1.id
    versions = {v.version for v in client.classifier_versions.list(cl.id).data}
    assert {"draft", "1.0"} <= versions

    pinned = client.classify_runs.create_and_poll(
        classifier={"id": cl.id, "version": "1.0"}, file=doc(STATEMENT, "pin"), polling_options=POLL
    )
    assert_classified(pinned, "bank_statement")
    assert pinned.classifier.id == cl.id and pinned.classifier_version.id == v1.id
    draft = client.classify_runs.create_and_poll(
        classifier={"id": cl.id, "version": "draft"}, file=doc(STATEMENT, "draft"), polling_options=POLL
    )
    assert_classified(draft, "invoice")  # the only class the draft offers

    # overrideConfig replaces top-level keys of the version's config.
    overridden = client.classify_runs.create_and_poll(
        classifier={"id": cl.id, "version": "1.0", "override_config": only_invoice},
        file=doc(STATEMENT, "ovr"),
        polling_options=POLL,
    )
    assert_classified(overridden, "invoice")

    clone = client.classifiers.create(name=unique("clone"), clone_classifier_id=cl.id)
    assert len(clone.draft_version.config.classifications) == 1
    names = {c.id for page in list_all(client.classifiers.list, max_page_size=100) for c in page}
    assert {cl.id, clone.id} <= names


def test_list_filters_by_classifier_and_pages(client):
    cl = client.classifiers.create(name=unique("listed"), config=CONFIG)
    ids = {
        client.classify_runs.create(classifier={"id": cl.id}, file=doc(INVOICE, "lst")).id for _ in range(3)
    }
    pages = list_all(client.classify_runs.list, classifier_id=cl.id, max_page_size=2)
    listed = [r for page in pages for r in page]
    assert {r.id for r in listed} == ids
    assert len(pages) >= 2, "three runs at two per page take two pages"
    assert all(getattr(r, "output", None) is None and getattr(r, "config", None) is None for r in listed), (
        "lists are summaries"
    )
    for run_id in ids:
        wait_until(lambda: client.classify_runs.retrieve(run_id).status == "PROCESSED", what=run_id)


def test_cancel_and_delete(idle_client):
    run = idle_client.classify_runs.create(file=doc(INVOICE, "cxl"), config=CONFIG)
    assert run.status in ("PENDING", "PROCESSING")
    cancelled = idle_client.classify_runs.cancel(run.id)
    assert cancelled.status == "CANCELLED"
    with pytest.raises(BadRequestError):
        idle_client.classify_runs.cancel(run.id)
    assert idle_client.classify_runs.delete(run.id).id == run.id
    with pytest.raises(NotFoundError):
        idle_client.classify_runs.retrieve(run.id)


def test_batch_of_classify_runs(client):
    cl = client.classifiers.create(name=unique("batch"), config=CONFIG)
    batch = client.classify_runs.create_batch(
        classifier={"id": cl.id},
        inputs=[{"file": doc(INVOICE, "b1")}, {"file": doc(STATEMENT, "b2"), "metadata": {"n": 2}}],
    )
    assert batch.object == "batch_run" and batch.run_count == 2
    done = wait_until(
        lambda: (b := client.batch_runs.get(batch.id)).status not in {"PENDING", "PROCESSING"} and b,
        what="batch",
    )
    assert done.status == "PROCESSED"
    runs = client.classify_runs.list(batch_id=batch.id).data
    assert len(runs) == 2 and all(getattr(r, "output", None) is None for r in runs)
    types = sorted(client.classify_runs.retrieve(r.id).output.type for r in runs)
    assert types == ["bank_statement", "invoice"]


def test_errors_name_the_problem(client):
    with pytest.raises(BadRequestError) as e:
        client.classify_runs.create(file=doc(INVOICE, "err"), config={"classifications": []})
    assert "config.classifications" in str(e.value.body)
    with pytest.raises(BadRequestError) as e:
        client.classify_runs.create(
            file=doc(INVOICE, "err"),
            config={"classifications": [CLASSIFICATIONS[0], CLASSIFICATIONS[0]]},
        )
    assert "config.classifications[1].id" in str(e.value.body)
    with pytest.raises(NotFoundError):
        client.classify_runs.create(classifier={"id": "cl_doesNotExist000000000"}, file=doc(INVOICE, "err"))
    with pytest.raises(NotFoundError):
        client.classifiers.retrieve("cl_doesNotExist000000000")
    with pytest.raises(BadRequestError):
        client.classifiers.create(name=unique("bad"), config={"classifications": []})


def test_webhooks_of_a_classifier_verify_with_the_sdk(webhook_server: Server):
    client = webhook_server.client()
    receiver = Receiver().start()
    try:
        endpoint = client.webhook_endpoints.create(
            url=receiver.url, name=unique("wh"), enabled_events=[], api_version=API_VERSION
        )
        cl = client.classifiers.create(name=unique("hooked"), config=CONFIG)
        client.webhook_subscriptions.create(
            webhook_endpoint_id=endpoint.id,
            resource_type="classifier",
            resource_id=cl.id,
            enabled_events=["classify_run.processed", "classify_run.failed"],
        )
        run = client.classify_runs.create_and_poll(
            classifier={"id": cl.id}, file=doc(STATEMENT, "hook"), polling_options=POLL
        )
        assert_classified(run, "bank_statement")
        got = wait_until(lambda: receiver.delivered() or None, what="the classify_run webhook")
        event = client.webhooks.verify_and_parse(got[0].body, got[0].headers, endpoint.signing_secret)
        assert event.event_type == "classify_run.processed"
        payload = got[0].event["payload"]
        assert (payload["object"], payload["id"]) == ("classify_run", run.id)
        assert payload["output"]["type"] == "bank_statement"
    finally:
        receiver.stop()
