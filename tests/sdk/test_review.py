"""Human review (Quarry's POST /quarry/extract_runs/{id}/review): the SDK
must still parse a reviewed run, with initialOutput, reviewedOutput and
edits, and the dashboard link must answer."""

from __future__ import annotations

import requests
from _support import INVOICE_TEXT, POLL, dump, invoice_schema, text_file


def test_sdk_parses_a_reviewed_run(server, client):
    run = client.extract_runs.create_and_poll(
        file=text_file(INVOICE_TEXT), config={"schema": invoice_schema()}, polling_options=POLL
    )
    assert run.status == "PROCESSED"
    engine = dump(run.output)
    value = dict(engine["value"], invoice_number="INV-001-R")

    r = requests.post(
        server.url(f"/quarry/extract_runs/{run.id}/review"),
        headers=server.headers(),
        json={"value": value, "notes": {"invoice_number": "typo on the scan"}},
        timeout=30,
    )
    assert r.status_code == 200, r.text

    reviewed = client.extract_runs.retrieve(run.id)
    assert reviewed.reviewed is True
    assert reviewed.edited is True
    assert dump(reviewed.initial_output)["value"] == engine["value"]
    assert dump(reviewed.reviewed_output)["value"]["invoice_number"] == "INV-001-R"
    assert dump(reviewed.output)["value"]["invoice_number"] == "INV-001-R"
    assert set(reviewed.edits) == {"invoice_number"}
    edit = reviewed.edits["invoice_number"]
    assert edit.original_value == "INV-001"
    assert edit.edited_value == "INV-001-R"
    assert edit.notes == "typo on the scan"
    assert edit.field_type == "string"

    # dashboardUrl leads to the run page (the login form until signed in).
    page = requests.get(reviewed.dashboard_url, timeout=30)
    assert page.status_code == 200
    assert "/dashboard/login" in page.url
