"""Files: multipart upload, get, list, delete."""

from __future__ import annotations

import pytest
from _support import INVOICE_TEXT, assert_error_body, ids, unique
from extend_ai.errors import NotFoundError


def test_upload_get_list_delete(client):
    name = f"{unique('doc')}.txt"
    f = client.files.upload(file=(name, INVOICE_TEXT.encode(), "text/plain"))
    assert f.object == "file"
    assert f.id.startswith("file_")
    assert f.name == name
    assert f.type == "TXT"
    assert f.created_at is not None and f.updated_at is not None

    got = client.files.retrieve(f.id)
    assert (got.id, got.name, got.type) == (f.id, name, "TXT")

    listed = client.files.list(name_contains=name[:-4], max_page_size=10)
    assert listed.object == "list"
    assert ids(listed.data) == [f.id]

    assert client.files.delete(f.id).id == f.id
    with pytest.raises(NotFoundError) as e:
        client.files.retrieve(f.id)
    assert_error_body(e.value.body, "NOT_FOUND")


def test_upload_with_name_and_bytes_only(client):
    f = client.files.upload(file=(f"{unique('raw')}.txt", b"Vendor Name: Solo Ltd\n"))
    assert f.id.startswith("file_")
    assert client.files.retrieve(f.id).id == f.id
