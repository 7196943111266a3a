// Error handling through the official TypeScript SDK: documented statuses
// map to the SDK's typed errors, and every body is {code, message,
// retryable, requestId}.
"use strict";

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { Extend } = require("extend-ai");
const { INVOICE_TEXT, invoiceSchema, unique, useServer } = require("./support");

function assertErrorBody(err, ErrorClass, status, code) {
  assert.ok(err instanceof ErrorClass, `expected ${ErrorClass.name}, got ${err && err.constructor.name}: ${err}`);
  assert.equal(err.statusCode, status);
  assert.equal(err.body.code, code);
  assert.equal(typeof err.body.message, "string");
  assert.equal(typeof err.body.retryable, "boolean");
  assert.match(err.body.requestId, /^req_/);
  return true;
}

describe("errors", () => {
  const server = useServer({ before, after }, { workers: 0 });

  it("unknown run is a NotFoundError", async () => {
    await assert.rejects(server.client().extractRuns.retrieve("exr_doesnotexist"), (e) =>
      assertErrorBody(e, Extend.NotFoundError, 404, "NOT_FOUND"),
    );
  });

  it("a wrong key is an UnauthorizedError", async () => {
    const client = server.client({ token: "qk_wrong" });
    await assert.rejects(client.extractors.list(), (e) => assertErrorBody(e, Extend.UnauthorizedError, 401, "UNAUTHORIZED"));
  });

  it("an invalid schema is a BadRequestError naming the path", async () => {
    const schema = invoiceSchema();
    schema.properties.total_amount = { type: "number" }; // not nullable
    await assert.rejects(
      server.client().extractors.create({ name: unique("bad"), config: { schema } }),
      (e) => assertErrorBody(e, Extend.BadRequestError, 400, e.body.code) && /total_amount/.test(e.body.message),
    );
  });

  it("a pending run can be cancelled, and only once", async () => {
    const client = server.client();
    const run = await client.extractRuns.create({ config: { schema: invoiceSchema() }, file: { text: INVOICE_TEXT } });
    assert.equal(run.status, "PENDING");
    const cancelled = await client.extractRuns.cancel(run.id);
    assert.equal(cancelled.status, "CANCELLED");
    await assert.rejects(client.extractRuns.cancel(run.id), (e) => e.statusCode === 400 && typeof e.body.code === "string");
  });

  it("a deleted run is gone", async () => {
    const client = server.client();
    const run = await client.extractRuns.create({ config: { schema: invoiceSchema() }, file: { text: INVOICE_TEXT } });
    const deleted = await client.extractRuns.delete(run.id);
    assert.equal(deleted.id, run.id);
    await assert.rejects(client.extractRuns.retrieve(run.id), (e) => assertErrorBody(e, Extend.NotFoundError, 404, "NOT_FOUND"));
  });
});
