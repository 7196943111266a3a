// Parse runs through the official TypeScript SDK.
"use strict";

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { INVOICE_TEXT, POLL, useServer } = require("./support");

describe("parse runs", () => {
  const server = useServer({ before, after }, { workers: 2 });

  it("createAndPoll returns markdown chunks", async () => {
    const run = await server.client().parseRuns.createAndPoll({ file: { text: INVOICE_TEXT } }, POLL);
    assert.equal(run.status, "PROCESSED", `${run.failureReason}: ${run.failureMessage}`);
    assert.equal(run.object, "parse_run");
    const chunks = run.output.chunks;
    assert.ok(chunks.length >= 1);
    assert.match(chunks.map((c) => c.content).join("\n"), /Invoice Number: INV-001/);
    assert.equal(run.config.target, "markdown");
  });
});
