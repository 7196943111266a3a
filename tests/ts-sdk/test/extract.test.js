// Extractors and extract runs through the official TypeScript SDK: create,
// createAndPoll, sync extract, typed (zod) schemas, uploads and pagination.
"use strict";

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { Blob } = require("node:buffer");
const { z } = require("zod");
const { extendDate, extendCurrency } = require("extend-ai");
const { INVOICE_EXPECTED, INVOICE_TEXT, POLL, invoiceSchema, unique, useServer } = require("./support");

describe("extract runs", () => {
  const server = useServer({ before, after }, { workers: 2 });

  it("createAndPoll with an extractor returns the extracted invoice", async () => {
    const client = server.client();
    const extractor = await client.extractors.create({ name: unique("ex"), config: { schema: invoiceSchema() } });
    assert.match(extractor.id, /^ex_/);
    assert.equal(extractor.object, "extractor");

    const run = await client.extractRuns.createAndPoll(
      { extractor: { id: extractor.id }, file: { text: INVOICE_TEXT } },
      POLL,
    );
    assert.equal(run.status, "PROCESSED", `${run.failureReason}: ${run.failureMessage}`);
    assert.equal(run.object, "extract_run");
    assert.deepEqual(run.output.value, INVOICE_EXPECTED);
    assert.equal(typeof run.output.metadata, "object");
    assert.equal(run.reviewed, false);
    assert.equal(run.edited, false);
    assert.equal(run.extractor.id, extractor.id);
    assert.ok(run.dashboardUrl.includes(run.id));

    const again = await client.extractRuns.retrieve(run.id);
    assert.deepEqual(again.output, run.output);
  });

  it("sync extract with an inline config", async () => {
    const run = await server.client().extract({ config: { schema: invoiceSchema() }, file: { text: INVOICE_TEXT } });
    assert.equal(run.status, "PROCESSED");
    assert.deepEqual(run.output.value, INVOICE_EXPECTED);
  });

  it("accepts the schema the SDK generates from a zod object", async () => {
    const run = await server.client().extractRuns.createAndPoll(
      {
        file: { text: INVOICE_TEXT },
        config: {
          schema: z.object({
            invoice_number: z.string().nullable().describe("The invoice number"),
            invoice_date: extendDate().describe("Date of the invoice"),
            total: extendCurrency().describe("Total amount due"),
          }),
        },
      },
      POLL,
    );
    assert.equal(run.status, "PROCESSED", `${run.failureReason}: ${run.failureMessage}`);
    assert.equal(run.output.value.invoice_number, "INV-001");
    assert.equal(run.output.value.invoice_date, "2024-03-05");
    assert.equal(run.output.value.total.amount, 1234.5);
  });

  it("extracts from an uploaded file", async () => {
    const client = server.client();
    const blob = new Blob([INVOICE_TEXT], { type: "text/plain" });
    const file = await client.files.upload(new File([blob], "invoice.txt", { type: "text/plain" }), {});
    assert.match(file.id, /^file_/);
    assert.equal(file.name, "invoice.txt");
    const run = await client.extractRuns.createAndPoll(
      { config: { schema: invoiceSchema() }, file: { id: file.id } },
      POLL,
    );
    assert.equal(run.status, "PROCESSED");
    assert.equal(run.file.id, file.id);
    assert.deepEqual(run.output.value, INVOICE_EXPECTED);
  });

  it("lists runs page by page, filtered by extractor", async () => {
    const client = server.client();
    const extractor = await client.extractors.create({ name: unique("ex"), config: { schema: invoiceSchema() } });
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push((await client.extractRuns.create({ extractor: { id: extractor.id }, file: { text: INVOICE_TEXT } })).id);
    }
    const seen = [];
    let token;
    for (let page = 0; page < 10; page++) {
      const resp = await client.extractRuns.list({ extractorId: extractor.id, maxPageSize: 2, nextPageToken: token });
      assert.equal(resp.object, "list");
      assert.ok(resp.data.length <= 2);
      seen.push(...resp.data.map((r) => r.id));
      token = resp.nextPageToken;
      if (!token) break;
    }
    assert.deepEqual([...seen].sort(), [...created].sort());
    assert.equal(new Set(seen).size, seen.length, "a run appeared on two pages");
  });

  it("lists extractors newest first", async () => {
    const client = server.client();
    const extractor = await client.extractors.create({ name: unique("listed"), config: { schema: invoiceSchema() } });
    const resp = await client.extractors.list({ sortBy: "createdAt", sortDir: "desc", maxPageSize: 1 });
    assert.deepEqual(resp.data.map((e) => e.id), [extractor.id]);
    assert.equal(resp.data[0].object, "extractor");
    assert.ok(resp.nextPageToken, "older extractors remain on later pages");
  });
});
