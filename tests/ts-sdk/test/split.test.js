// Split runs through the official TypeScript SDK.
"use strict";

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { POLL, useServer } = require("./support");

const CONFIG = {
  splitClassifications: [
    {
      id: "invoice",
      type: "invoice",
      description: "A supplier invoice or bill: invoice number, seller and buyer, line items and an amount due.",
      identifierKey: "the invoice number",
    },
    {
      id: "bank_statement",
      type: "bank_statement",
      description: "A bank account statement: account holder, IBAN, period, transactions with running balance.",
    },
  ],
};

const PACKET = [
  "INVOICE\nInvoice Number: TS-1\nDescription Qty Price Amount\nHammer 2 12.00 24.00\nAmount Due: 24.00",
  "ACCOUNT STATEMENT\nIBAN: DE89 3704 0044 0532 0130 00\nDate Description Debit Credit Balance\n" +
    "02.03.2026 Opening balance 1,200.00\n03.03.2026 Card payment 45.10 1,154.90",
].join("\f");

describe("split runs", () => {
  const server = useServer({ before, after }, { workers: 2 });

  it("a splitter splits a packet and every split is a file", async () => {
    const client = server.client();
    const splitter = await client.splitters.create({ name: `ts-${Date.now()}`, config: CONFIG });
    assert.equal(splitter.object, "splitter");
    const run = await client.splitRuns.createAndPoll(
      { splitter: { id: splitter.id }, file: { text: PACKET, name: "packet.txt" } },
      POLL,
    );
    assert.equal(run.status, "PROCESSED", `${run.failureReason}: ${run.failureMessage}`);
    const splits = run.output.splits;
    assert.deepEqual(
      splits.map((s) => [s.type, s.startPage, s.endPage]),
      [["invoice", 1, 1], ["bank_statement", 2, 2]],
    );
    assert.equal(splits[0].identifier, "TS-1");
    const file = await client.files.retrieve(splits[1].fileId);
    assert.equal(file.parentFileId, run.file.id);
  });
});
