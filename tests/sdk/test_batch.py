"""Batch extract runs: POST /extract_runs/batch and GET /batch_runs/{id}."""

from __future__ import annotations

import pytest
from _support import (
    INVOICE_EXPECTED,
    INVOICE_TEXT,
    assert_error_body,
    ids,
    invoice_schema,
    list_all,
    output_value,
    text_file,
    unique,
    wait_until,
)
from extend_ai.errors import BadRequestError, NotFoundError


def _inputs(marker, n):
    return [{"file": text_file(INVOICE_TEXT, name=f"{marker}-{i}.txt"), "metadata": {"index": i, "marker": marker}} for i in range(n)]


def test_batch_runs_to_completion(client):
    ex = client.extractors.create(name=unique("batch"), config={"schema": invoice_schema()})
    marker = unique("batch")
    batch = client.extract_runs.create_batch(extractor={"id": ex.id}, inputs=_inputs(marker, 3))

    assert batch.object == "batch_run"
    assert batch.id.startswith("bpr_")
    assert batch.run_count == 3
    assert batch.status in {"PENDING", "PROCESSING", "PROCESSED"}
    assert batch.created_at is not None

    final = wait_until(
        lambda: (b := client.batch_runs.get(batch.id)).status not in {"PENDING", "PROCESSING"} and b,
        what=f"batch {batch.id} to finish",
    )
    assert final.status == "PROCESSED"
    assert final.id == batch.id and final.run_count == 3

    pages = list_all(client.extract_runs.list, batch_id=batch.id, max_page_size=2)
    runs = [r for p in pages for r in p]
    assert len(runs) == final.run_count
    assert len(set(ids(runs))) == 3
    assert {r.status for r in runs} == {"PROCESSED"}
    assert sorted(r.metadata["index"] for r in runs) == [0, 1, 2]
    assert all(r.metadata["marker"] == marker for r in runs)
    assert all(r.extractor is not None and r.extractor.id == ex.id for r in runs)
    assert sorted(r.file.name for r in runs) == [f"{marker}-{i}.txt" for i in range(3)]

    for summary in runs:
        full = client.extract_runs.retrieve(summary.id)
        assert output_value(full) == INVOICE_EXPECTED

    # batchId filter combines with other filters.
    assert len(client.extract_runs.list(batch_id=batch.id, extractor_id=ex.id).data) == 3
    assert client.extract_runs.list(batch_id=batch.id, status="FAILED").data == []


def test_pending_batch_lists_its_runs(idle_client):
    ex = idle_client.extractors.create(name=unique("pbatch"), config={"schema": invoice_schema()})
    marker = unique("pbatch")
    batch = idle_client.extract_runs.create_batch(extractor={"id": ex.id}, inputs=_inputs(marker, 2), priority=10)
    assert batch.run_count == 2

    got = idle_client.batch_runs.get(batch.id)
    assert got.status in {"PENDING", "PROCESSING"}
    listed = idle_client.extract_runs.list(batch_id=batch.id)
    assert len(listed.data) == 2
    assert {r.status for r in listed.data} <= {"PENDING", "PROCESSING"}
    # Another batch's id does not leak these runs.
    other = idle_client.extract_runs.create_batch(extractor={"id": ex.id}, inputs=_inputs(unique("other"), 1))
    assert len(idle_client.extract_runs.list(batch_id=other.id).data) == 1


def test_batch_without_inputs_is_rejected(client):
    ex = client.extractors.create(name=unique("empty"), config={"schema": invoice_schema()})
    with pytest.raises(BadRequestError) as e:
        client.extract_runs.create_batch(extractor={"id": ex.id}, inputs=[])
    assert_error_body(e.value.body, "INVALID_REQUEST")


def test_unknown_batch_is_404(client):
    with pytest.raises(NotFoundError) as e:
        client.batch_runs.get("bpr_doesNotExist000000000")
    assert_error_body(e.value.body, "NOT_FOUND")
