"""Extractors and extractor versions through the official SDK."""

from __future__ import annotations

import pytest
from _support import (
    INVOICE_TEXT,
    POLL,
    dump,
    invoice_schema,
    output_value,
    run_schema,
    text_file,
    unique,
    vendor_only_schema,
)
from extend_ai.errors import NotFoundError


def test_create_extractor_returns_draft_version(client):
    name = unique("invoices")
    ex = client.extractors.create(name=name, config={"schema": invoice_schema()})

    assert ex.object == "extractor"
    assert ex.id.startswith("ex_")
    assert ex.name == name
    assert ex.created_at is not None and ex.updated_at is not None
    draft = ex.draft_version
    assert draft.version == "draft"
    assert draft.extractor_id == ex.id
    assert draft.config.schema_ == invoice_schema()

    got = client.extractors.retrieve(ex.id)
    assert got.id == ex.id and got.name == name
    assert got.draft_version.config.schema_ == invoice_schema()


def test_extractor_list_contains_new_extractor(client):
    ex = client.extractors.create(name=unique("listed"), config={"schema": invoice_schema()})
    seen = []
    token = None
    for _ in range(100):
        page = client.extractors.list(max_page_size=50, next_page_token=token) if token else client.extractors.list(
            max_page_size=50
        )
        seen.extend(page.data)
        token = page.next_page_token
        if not token:
            break
    match = [e for e in seen if e.id == ex.id]
    assert len(match) == 1
    assert match[0].name == ex.name


def test_update_extractor_replaces_draft_config(client):
    ex = client.extractors.create(name=unique("upd"), config={"schema": invoice_schema()})
    new_name = unique("renamed")
    updated = client.extractors.update(ex.id, name=new_name, config={"schema": vendor_only_schema()})
    assert updated.name == new_name
    assert updated.draft_version.config.schema_ == vendor_only_schema()
    draft = client.extractor_versions.retrieve(ex.id, "draft")
    assert draft.config.schema_ == vendor_only_schema()


def test_publish_minor_then_major_and_retrieve_by_alias(client):
    ex = client.extractors.create(name=unique("versions"), config={"schema": invoice_schema()})

    minor = client.extractor_versions.create(ex.id, release_type="minor", description="first minor")
    assert minor.object == "extractor_version"
    assert minor.version == "0.1"
    assert minor.extractor_id == ex.id
    assert minor.description == "first minor"
    assert minor.config.schema_ == invoice_schema()

    # Latest now resolves to 0.1.
    assert client.extractor_versions.retrieve(ex.id, "latest").version == "0.1"

    major = client.extractor_versions.create(ex.id, release_type="major", description="GA")
    assert major.version == "1.0"
    assert major.id != minor.id

    by_draft = client.extractor_versions.retrieve(ex.id, "draft")
    assert by_draft.version == "draft"
    assert by_draft.config.schema_ == invoice_schema()

    by_latest = client.extractor_versions.retrieve(ex.id, "latest")
    assert by_latest.version == "1.0" and by_latest.id == major.id

    assert client.extractor_versions.retrieve(ex.id, "0.1").id == minor.id
    assert client.extractor_versions.retrieve(ex.id, "1.0").id == major.id
    assert client.extractor_versions.retrieve(ex.id, major.id).version == "1.0"

    listed = client.extractor_versions.list(ex.id, max_page_size=50)
    assert listed.object == "list"
    versions = {v.version: v.id for v in listed.data}
    assert {"draft", "0.1", "1.0"} <= set(versions), f"versions listed: {sorted(versions)}"
    assert versions["0.1"] == minor.id and versions["1.0"] == major.id
    assert all(v.extractor_id == ex.id for v in listed.data)

    # A further minor bumps 1.0 -> 1.1.
    assert client.extractor_versions.create(ex.id, release_type="minor").version == "1.1"


def test_publish_with_explicit_config_snapshots_it(client):
    ex = client.extractors.create(name=unique("snap"), config={"schema": invoice_schema()})
    v = client.extractor_versions.create(ex.id, release_type="major", config={"schema": vendor_only_schema()})
    assert v.version == "1.0"
    assert v.config.schema_ == vendor_only_schema()
    assert client.extractor_versions.retrieve(ex.id, "1.0").config.schema_ == vendor_only_schema()


def test_unknown_version_and_extractor_are_404(client):
    ex = client.extractors.create(name=unique("nover"), config={"schema": invoice_schema()})
    with pytest.raises(NotFoundError) as e:
        client.extractor_versions.retrieve(ex.id, "9.9")
    assert e.value.status_code == 404
    with pytest.raises(NotFoundError):
        client.extractors.retrieve("ex_doesNotExist000000000")


def test_run_pinned_to_version_uses_that_versions_config(client):
    ex = client.extractors.create(name=unique("pinned"), config={"schema": invoice_schema()})
    client.extractor_versions.create(ex.id, release_type="major")  # 1.0 = invoice schema
    client.extractors.update(ex.id, config={"schema": vendor_only_schema()})  # draft = vendor only

    pinned = client.extract_runs.create_and_poll(
        extractor={"id": ex.id, "version": "1.0"}, file=text_file(INVOICE_TEXT), polling_options=POLL
    )
    assert pinned.status == "PROCESSED", dump(pinned)
    assert set(output_value(pinned)) == set(invoice_schema()["properties"])
    assert pinned.extractor_version is not None and pinned.extractor_version.version == "1.0"
    assert pinned.extractor.id == ex.id

    draft = client.extract_runs.create_and_poll(
        extractor={"id": ex.id, "version": "draft"}, file=text_file(INVOICE_TEXT), polling_options=POLL
    )
    assert draft.status == "PROCESSED", dump(draft)
    assert output_value(draft) == {"vendor_name": "Acme GmbH"}
    assert run_schema(draft) == vendor_only_schema()
