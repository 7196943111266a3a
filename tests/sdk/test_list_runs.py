"""GET /extract_runs: filters, sorting and pagination through the SDK.

Runs whose order or status must not move while we page are created on the
`--workers 0` server (nothing ever processes there).
"""

from __future__ import annotations

import time

from _support import (
    INVOICE_TEXT,
    POLL,
    as_utc,
    ids,
    invoice_schema,
    list_all,
    text_file,
    unique,
)


def _create_runs(client, n, *, marker, extractor_id=None, pause=0.03):
    runs = []
    for i in range(n):
        kwargs = {"extractor": {"id": extractor_id}} if extractor_id else {"config": {"schema": invoice_schema()}}
        runs.append(client.extract_runs.create(file=text_file(INVOICE_TEXT, name=f"{marker}-{i}.txt"), **kwargs))
        time.sleep(pause)  # keep createdAt strictly increasing on millisecond clocks
    return runs


def _check_order(items, key, descending):
    stamps = [as_utc(getattr(i, key)) for i in items]
    expected = sorted(stamps, reverse=descending)
    assert stamps == expected, f"{key} not sorted {'desc' if descending else 'asc'}: {stamps}"


def test_pagination_collects_every_run_once_in_order(idle_client):
    ex = idle_client.extractors.create(name=unique("paged"), config={"schema": invoice_schema()})
    created = _create_runs(idle_client, 5, marker=unique("page"), extractor_id=ex.id)
    created_ids = ids(created)

    for direction in ("asc", "desc"):
        pages = list_all(
            idle_client.extract_runs.list, extractor_id=ex.id, max_page_size=2, sort_by="createdAt", sort_dir=direction
        )
        sizes = [len(p) for p in pages]
        assert sizes == [2, 2, 1], f"{direction}: page sizes {sizes}"
        flat = [r for p in pages for r in p]
        flat_ids = ids(flat)
        assert len(flat_ids) == len(set(flat_ids)), f"duplicates across pages: {flat_ids}"
        assert set(flat_ids) == set(created_ids)
        _check_order(flat, "created_at", descending=direction == "desc")
        if len({r.created_at for r in created}) == len(created):
            expected = created_ids if direction == "asc" else list(reversed(created_ids))
            assert flat_ids == expected, f"{direction}: order {flat_ids} != creation order {expected}"


def test_default_page_has_next_token_only_when_more(idle_client):
    ex = idle_client.extractors.create(name=unique("tok"), config={"schema": invoice_schema()})
    _create_runs(idle_client, 3, marker=unique("tok"), extractor_id=ex.id, pause=0)
    full = idle_client.extract_runs.list(extractor_id=ex.id, max_page_size=3)
    assert len(full.data) == 3
    big = idle_client.extract_runs.list(extractor_id=ex.id, max_page_size=50)
    assert len(big.data) == 3
    assert not big.next_page_token, "last page must not carry a nextPageToken"


def test_sort_by_updated_at(idle_client):
    marker = unique("upd")
    created = _create_runs(idle_client, 3, marker=marker)
    # Cancelling bumps updatedAt of the first run past the others.
    idle_client.extract_runs.cancel(created[0].id)
    for direction in ("asc", "desc"):
        flat = [
            r
            for p in list_all(
                idle_client.extract_runs.list,
                file_name_contains=marker,
                max_page_size=2,
                sort_by="updatedAt",
                sort_dir=direction,
            )
            for r in p
        ]
        assert set(ids(flat)) == set(ids(created))
        _check_order(flat, "updated_at", descending=direction == "desc")
        newest = flat[-1] if direction == "asc" else flat[0]
        assert newest.id == created[0].id, f"{direction}: cancelled run should be most recently updated"


def test_filter_by_extractor_id(idle_client):
    a = idle_client.extractors.create(name=unique("exa"), config={"schema": invoice_schema()})
    b = idle_client.extractors.create(name=unique("exb"), config={"schema": invoice_schema()})
    runs_a = _create_runs(idle_client, 2, marker=unique("a"), extractor_id=a.id, pause=0)
    runs_b = _create_runs(idle_client, 1, marker=unique("b"), extractor_id=b.id, pause=0)
    _create_runs(idle_client, 1, marker=unique("inline"), pause=0)

    got_a = idle_client.extract_runs.list(extractor_id=a.id, max_page_size=50)
    assert sorted(ids(got_a.data)) == sorted(ids(runs_a))
    assert all(r.extractor is not None and r.extractor.id == a.id for r in got_a.data)
    got_b = idle_client.extract_runs.list(extractor_id=b.id, max_page_size=50)
    assert ids(got_b.data) == ids(runs_b)
    assert idle_client.extract_runs.list(extractor_id="ex_doesNotExist000000000").data == []


def test_filter_by_status(idle_client):
    marker = unique("status")
    runs = _create_runs(idle_client, 3, marker=marker, pause=0)
    pending_status = runs[0].status
    assert pending_status in {"PENDING", "PROCESSING"}
    cancelled = idle_client.extract_runs.cancel(runs[1].id)
    assert cancelled.status == "CANCELLED"

    got = idle_client.extract_runs.list(status="CANCELLED", file_name_contains=marker)
    assert ids(got.data) == [runs[1].id]
    assert got.data[0].status == "CANCELLED"

    got = idle_client.extract_runs.list(status=pending_status, file_name_contains=marker)
    assert sorted(ids(got.data)) == sorted([runs[0].id, runs[2].id])
    assert {r.status for r in got.data} == {pending_status}

    assert idle_client.extract_runs.list(status="PROCESSED", file_name_contains=marker).data == []


def test_filter_by_status_processed(client):
    marker = unique("done")
    run = client.extract_runs.create_and_poll(
        config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT, name=f"{marker}.txt"), polling_options=POLL
    )
    assert run.status == "PROCESSED"
    got = client.extract_runs.list(status="PROCESSED", file_name_contains=marker)
    assert ids(got.data) == [run.id]
    summary = got.data[0]
    assert summary.status == "PROCESSED"
    assert summary.file is not None and summary.file.name == f"{marker}.txt"
    assert client.extract_runs.list(status="FAILED", file_name_contains=marker).data == []


def test_filter_by_file_name_contains(idle_client):
    marker = unique("fname")
    alpha = idle_client.extract_runs.create(
        config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT, name=f"{marker}-alpha.txt")
    )
    beta = idle_client.extract_runs.create(
        config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT, name=f"{marker}-beta.txt")
    )
    idle_client.extract_runs.create(config={"schema": invoice_schema()}, file=text_file(INVOICE_TEXT, name="unrelated.txt"))

    both = idle_client.extract_runs.list(file_name_contains=marker, max_page_size=50)
    assert sorted(ids(both.data)) == sorted([alpha.id, beta.id])
    # Substring match, not prefix match.
    only_alpha = idle_client.extract_runs.list(file_name_contains=f"{marker[3:]}-alph")
    assert ids(only_alpha.data) == [alpha.id]
    assert idle_client.extract_runs.list(file_name_contains=unique("nomatch")).data == []


def test_combined_filters_and_pagination(idle_client):
    ex = idle_client.extractors.create(name=unique("combo"), config={"schema": invoice_schema()})
    marker = unique("combo")
    runs = _create_runs(idle_client, 5, marker=marker, extractor_id=ex.id)
    idle_client.extract_runs.cancel(runs[2].id)
    pending = runs[0].status
    pages = list_all(
        idle_client.extract_runs.list,
        extractor_id=ex.id,
        status=pending,
        file_name_contains=marker,
        max_page_size=2,
        sort_by="createdAt",
        sort_dir="asc",
    )
    assert [len(p) for p in pages if p] == [2, 2]
    flat = [r for p in pages for r in p]
    expected = [runs[0].id, runs[1].id, runs[3].id, runs[4].id]
    assert sorted(ids(flat)) == sorted(expected)
    _check_order(flat, "created_at", descending=False)
    if len({r.created_at for r in runs}) == len(runs):
        assert ids(flat) == expected
