// Classifiers and classify runs through the official TypeScript SDK.
"use strict";

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { INVOICE_TEXT, POLL, useServer } = require("./support");

const CONFIG = {
  classifications: [
    {
      id: "invoice",
      type: "invoice",
      description: "A supplier invoice or bill: invoice number, seller and buyer, line items and an amount due.",
    },
    {
      id: "bank_statement",
      type: "bank_statement",
      description: "A bank account statement: account holder, IBAN, period, transactions with running balance.",
    },
  ],
};

describe("classify runs", () => {
  const server = useServer({ before, after }, { workers: 2 });

  it("a saved classifier's published version classifies an invoice", async () => {
    const client = server.client();
    const classifier = await client.classifiers.create({ name: `ts-${Date.now()}`, config: CONFIG });
    assert.equal(classifier.object, "classifier");
    const version = await client.classifierVersions.create(classifier.id, { releaseType: "major" });
    assert.equal(version.version, "1.0");
    const run = await client.classifyRuns.createAndPoll(
      { classifier: { id: classifier.id, version: "1.0" }, file: { text: INVOICE_TEXT } },
      POLL,
    );
    assert.equal(run.status, "PROCESSED", `${run.failureReason}: ${run.failureMessage}`);
    assert.equal(run.object, "classify_run");
    assert.equal(run.output.type, "invoice");
    assert.ok(run.output.confidence >= 0 && run.output.confidence <= 1);
    assert.equal(run.classifierVersion.id, version.id);
    const listed = await client.classifyRuns.list({ classifierId: classifier.id });
    assert.deepEqual(listed.data.map((r) => r.id), [run.id]);
  });
});
