"""Parse runs (`/parse_runs`, `POST /parse`) through the official SDK.

Text and a small hand-written PDF are parsed into chunks of blocks; chunking
strategies, the spatial target, list filters and paging, cancel (on the
`--workers 0` server), delete, config validation and a corrupt file's
documented failureReason are checked as a client would see them.
"""

from __future__ import annotations

import pytest
import requests
from _support import API_VERSION, POLL, assert_error_body, dump, list_all, unique, wait_until
from extend_ai.errors import BadRequestError, NotFoundError

# The failureReasons the parse API documents for unreadable files.
FILE_FAILURES = {
    "CORRUPT_FILE",
    "FILE_TYPE_NOT_SUPPORTED",
    "PASSWORD_PROTECTED_FILE",
    "FILE_SIZE_TOO_LARGE",
    "UNABLE_TO_DOWNLOAD_FILE",
}

TWO_PAGES = "Quarterly report\nRevenue grew 12 percent\fSecond page\nCosts were flat"


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF: one Helvetica text line per string, per page."""
    objs: list[bytes] = []
    n = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    font_id = 3 + 2 * n
    for i, lines in enumerate(pages):
        content_id = 4 + 2 * i
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>".encode()
        )
        ops = ["BT", "/F1 14 Tf", "72 720 Td", "18 TL"]
        for line in lines:
            ops.append(f"({line}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode()
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs):
        offsets.append(len(out))
        out += f"{i + 1} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def text(t: str = TWO_PAGES, name: str | None = None) -> dict:
    return {"text": t, "name": name or f"{unique('parse')}.txt"}


def chunk_texts(run) -> list[str]:
    return [c.content for c in run.output.chunks]


def assert_processed(run) -> None:
    assert run.object == "parse_run"
    assert run.id.startswith("pr_")
    assert run.status == "PROCESSED", f"{run.id}: {run.failure_reason} {run.failure_message}"
    assert run.output is not None and run.output.chunks


def test_text_file_parses_into_page_chunks(client):
    run = client.parse_runs.create_and_poll(file=text(), metadata={"k": "v"}, polling_options=POLL)
    assert_processed(run)
    assert [c.type for c in run.output.chunks] == ["page", "page"]
    assert "Revenue grew 12 percent" in run.output.chunks[0].content
    assert "Costs were flat" in run.output.chunks[1].content
    second = run.output.chunks[1]
    assert (second.metadata.page_range.start, second.metadata.page_range.end) == (2, 2)
    block = run.output.chunks[0].blocks[0]
    assert block.object == "block" and block.type == "text" and block.id
    assert "Quarterly report" in block.content
    assert len(block.polygon) == 4
    assert block.bounding_box.right > block.bounding_box.left
    assert block.metadata.page.number == 1
    wire = dump(run)
    assert wire["config"]["target"] == "markdown"
    assert wire["config"]["chunkingStrategy"]["type"] == "page"
    assert wire["metrics"]["pageCount"] == 2
    assert [p["number"] for p in wire["output"]["metadata"]["pages"]] == [1, 2]
    assert run.metadata == {"k": "v"}
    assert run.file.id.startswith("file_")


def test_pdf_parses_with_document_chunking(client):
    pdf = make_pdf([["Invoice INV-42", "Total due 99.00"], ["Thank you for your business"]])
    uploaded = client.files.upload(file=(f"{unique('doc')}.pdf", pdf, "application/pdf"))
    run = client.parse_runs.create_and_poll(
        file={"id": uploaded.id},
        config={"chunkingStrategy": {"type": "document"}},
        polling_options=POLL,
    )
    assert_processed(run)
    assert len(run.output.chunks) == 1
    chunk = run.output.chunks[0]
    assert chunk.type == "document"
    assert "INV-42" in chunk.content and "Thank you" in chunk.content
    assert (chunk.metadata.page_range.start, chunk.metadata.page_range.end) == (1, 2)
    assert {b.metadata.page.number for b in chunk.blocks} == {1, 2}
    assert run.metrics.page_count == 2


def test_sync_parse_and_spatial_target(client):
    layout = "Item        Qty\nBolt          3\nNut          12"
    run = client.parse(file=text(layout), config={"target": "spatial"})
    assert_processed(run)
    assert run.output.chunks[0].content == layout
    assert dump(run)["config"]["target"] == "spatial"


def test_page_ranges_and_section_chunking(client):
    run = client.parse(
        file=text("one\fsecond page\fthird page"),
        config={"advancedOptions": {"pageRanges": [{"start": 2, "end": 3}]}},
    )
    assert_processed(run)
    assert chunk_texts(run) == ["second page", "third page"]
    sections = client.parse(file=text("alpha\n\nbeta"), config={"chunkingStrategy": {"type": "section"}})
    assert_processed(sections)
    assert [c.type for c in sections.output.chunks] == ["section"]


def test_list_filters_and_pagination(client):
    tag = unique("list")
    ids = [client.parse_runs.create(file=text(name=f"{tag}-{i}.txt")).id for i in range(3)]
    pages = list_all(client.parse_runs.list, file_name_contains=tag, max_page_size=2)
    assert [len(p) for p in pages] == [2, 1]
    listed = [r for p in pages for r in p]
    assert sorted(r.id for r in listed) == sorted(ids)
    summary = listed[0]
    assert summary.object == "parse_run"
    assert getattr(summary, "output", None) is None
    assert summary.created_at is not None
    for rid in ids:
        wait_until(lambda rid=rid: client.parse_runs.retrieve(rid).status == "PROCESSED", what=f"{rid} processed")
    done = client.parse_runs.list(file_name_contains=tag, status="PROCESSED", max_page_size=10)
    assert sorted(r.id for r in done.data) == sorted(ids)
    assert client.parse_runs.list(file_name_contains=tag, status="FAILED").data == []


def test_batch_runs_are_listed_by_batch_id(client):
    batch = client.parse_runs.create_batch(inputs=[{"file": text()}, {"file": text()}])
    assert batch.object == "batch_run"
    assert batch.run_count == 2
    runs = client.parse_runs.list(batch_id=batch.id).data
    assert len(runs) == 2 and all(r.batch_id == batch.id for r in runs)
    wait_until(lambda: client.batch_runs.get(batch.id).status == "PROCESSED", what="batch processed")


def test_cancel_pending_run_and_delete(idle_server, idle_client):
    run = idle_client.parse_runs.create(file=text())
    assert run.status == "PROCESSING"  # as documented for single runs
    cancelled = idle_client.parse_runs.cancel(run.id)
    assert cancelled.id == run.id
    # ParseRunStatus in SDK 1.20 has no CANCELLED member (the SDK shows it as
    # an unknown value), so read the wire status directly.
    headers = {"Authorization": f"Bearer {idle_server.api_key}", "x-extend-api-version": API_VERSION}
    wire = requests.get(idle_server.url(f"/parse_runs/{run.id}"), headers=headers, timeout=10).json()
    assert wire["status"] == "CANCELLED"
    with pytest.raises(BadRequestError) as e:
        idle_client.parse_runs.cancel(run.id, request_options={"max_retries": 0})
    assert_error_body(e.value.body, "INVALID_REQUEST")

    deleted = idle_client.parse_runs.delete(run.id)
    assert deleted.id == run.id
    with pytest.raises(NotFoundError) as e:
        idle_client.parse_runs.retrieve(run.id, request_options={"max_retries": 0})
    assert_error_body(e.value.body, "NOT_FOUND")


@pytest.mark.parametrize(
    "config, path",
    [
        ({"bogus": True}, "config.bogus"),
        ({"target": "pdf"}, "config.target"),
        ({"chunkingStrategy": {"type": "paragraph"}}, "config.chunkingStrategy.type"),
        ({"blockOptions": {"tables": {"targetFormat": "csv"}}}, "config.blockOptions.tables.targetFormat"),
    ],
)
def test_invalid_config_is_400_naming_the_path(idle_client, config, path):
    with pytest.raises(BadRequestError) as e:
        idle_client.parse_runs.create(file=text(), config=config, request_options={"max_retries": 0})
    body = assert_error_body(e.value.body, "INVALID_REQUEST")
    assert path in body["message"]


def test_corrupt_file_fails_with_documented_reason(client):
    uploaded = client.files.upload(file=(f"{unique('bad')}.pdf", b"%PDF-1.7\n\x00\x01garbage", "application/pdf"))
    run = client.parse_runs.create_and_poll(file={"id": uploaded.id}, polling_options=POLL)
    assert run.status == "FAILED"
    assert run.failure_reason in FILE_FAILURES
    assert run.failure_message
    assert run.output is None


def test_webhooks_report_parse_runs_slim(webhook_server):
    from _receiver import Receiver

    receiver = Receiver().start()
    client = webhook_server.client()
    endpoint = client.webhook_endpoints.create(
        url=receiver.url,
        name=unique("wh"),
        enabled_events=["parse_run.processed", "parse_run.failed", "batch_parse_run.processed"],
        api_version=API_VERSION,
    )
    try:
        run = client.parse_runs.create_and_poll(file=text(), metadata={"n": 1}, polling_options=POLL)
        assert_processed(run)
        batch = client.parse_runs.create_batch(inputs=[{"file": text()}])

        def by_resource(rid: str):
            hits = [r.event for r in receiver.delivered() if r.event["payload"].get("id") == rid]
            return hits or None

        [event] = wait_until(lambda: by_resource(run.id), what="parse_run.processed delivery")
        assert event["eventType"] == "parse_run.processed"
        assert event["payload"] == {
            "object": "parse_run_status",
            "id": run.id,
            "status": "PROCESSED",
            "metadata": {"n": 1},
        }
        [batch_event] = wait_until(lambda: by_resource(batch.id), what="batch_parse_run.processed delivery")
        assert batch_event["eventType"] == "batch_parse_run.processed"
        assert batch_event["payload"]["object"] == "batch_run"
    finally:
        client.webhook_endpoints.delete(endpoint.id)
        receiver.stop()


def test_extract_run_names_the_parse_run_it_read(client):
    schema = {
        "type": "object",
        "properties": {"total": {"type": ["number", "null"]}},
        "required": ["total"],
        "additionalProperties": False,
    }
    run = client.extract_runs.create_and_poll(
        config={"schema": schema, "parseConfig": {"target": "spatial"}},
        file=text("Revenue grew\nTotal: 42.50"),
        polling_options=POLL,
    )
    assert run.status == "PROCESSED", f"{run.failure_reason} {run.failure_message}"
    assert run.parse_run_id and run.parse_run_id.startswith("pr_")
    parse = client.parse_runs.retrieve(run.parse_run_id)
    assert_processed(parse)
    assert "Total: 42.50" in parse.output.chunks[0].content
    assert dump(parse)["config"]["target"] == "spatial"
    assert parse.file.id == run.file.id
    with pytest.raises(BadRequestError) as bad:
        client.extract_runs.create(config={"schema": schema, "parseConfig": {"target": "pdf"}}, file=text())
    body = assert_error_body(bad.value.body, "INVALID_REQUEST")
    assert "config.parseConfig.target" in body["message"]


def test_cell_blocks_and_ocr_words_parse_through_the_sdk(client):
    csv = "Item,Qty\nBolt,3\nNut,12\n"
    uploaded = client.files.upload(file=(f"{unique('cells')}.csv", csv.encode(), "text/csv"))
    run = client.parse(
        file={"id": uploaded.id},
        config={
            "blockOptions": {"tables": {"cellBlocksEnabled": True}},
            "advancedOptions": {"returnOcr": {"words": True, "lines": True}},
        },
    )
    assert_processed(run)
    table = next(b for b in run.output.chunks[0].blocks if b.type == "table")
    cells = table.children
    assert [c.content for c in cells] == ["Item", "Qty", "Bolt", "3", "Nut", "12"]
    assert all(c.type == "table_cell" and c.parent_block_id == table.id for c in cells)
    wire = dump(run)
    cell = wire["output"]["chunks"][0]["blocks"][0]["children"][3]
    assert cell["details"] == {"type": "table_cell_details", "rowIndex": 1, "columnIndex": 1}
    words = wire["output"]["ocr"]["words"]
    assert [w["content"] for w in words][:2] == ["Item", "Qty"]
    assert all(w["pageNumber"] == 1 and 0 <= w["confidence"] <= 1 for w in words)
    assert wire["output"]["ocr"]["lines"][0]["content"].startswith("Item")


def test_figure_and_key_value_blocks_parse_through_the_sdk(client):
    html = (
        "<html><body><p>Invoice No: 4711</p><p>Due date: 2024-04-05</p>"
        '<img src="logo.png" alt="ACME logo"><p>Thank you for your order.</p></body></html>'
    )
    uploaded = client.files.upload(file=(f"{unique('fig')}.html", html.encode(), "text/html"))
    run = client.parse(file={"id": uploaded.id})
    assert_processed(run)
    blocks = run.output.chunks[0].blocks
    assert [b.type for b in blocks] == ["key_value", "key_value", "figure", "text"]
    assert blocks[0].content == "Invoice No: 4711"
    assert blocks[2].content == "<!-- image: ACME logo -->"
    wire = dump(run)["output"]["chunks"][0]["blocks"]
    assert wire[2]["details"] == {"type": "figure_details", "figureType": "image"}
    assert wire[0]["details"] == {"type": "key_value_details"}
    assert "<!-- image: ACME logo -->" in run.output.chunks[0].content
    off = client.parse(file={"id": uploaded.id}, config={"blockOptions": {"figures": {"enabled": False}}})
    assert_processed(off)
    assert "figure" not in [b.type for b in off.output.chunks[0].blocks]
