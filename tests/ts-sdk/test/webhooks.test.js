// Signed webhook delivery verified by the official TypeScript SDK's own
// helper (`client.webhooks.verifyAndParse`): a real local receiver gets the
// extract_run.processed event of a real run, and a tampered body fails.
"use strict";

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const http = require("node:http");
const { WebhookSignatureVerificationError } = require("extend-ai");
const { API_VERSION, INVOICE_EXPECTED, INVOICE_TEXT, invoiceSchema, unique, useServer, waitUntil } = require("./support");

/** Records every POST it receives (raw body + headers) and answers 200. */
function startReceiver() {
  const received = [];
  const srv = http.createServer((req, res) => {
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => {
      received.push({ body: Buffer.concat(parts).toString("utf8"), headers: req.headers });
      res.writeHead(200).end("ok");
    });
  });
  return new Promise((resolve) =>
    srv.listen(0, "127.0.0.1", () => resolve({ srv, received, url: `http://127.0.0.1:${srv.address().port}/hook` })),
  );
}

describe("webhooks", () => {
  // The SSRF guard refuses loopback targets unless allow-listed.
  const server = useServer({ before, after }, { workers: 2, extraArgs: ["--url-allow", "127.0.0.1"] });
  let receiver;
  before(async () => {
    receiver = await startReceiver();
  });
  after(() => receiver.srv.close());

  it("delivers a signed extract_run.processed event the SDK verifies", async () => {
    const client = server.client();
    const endpoint = await client.webhookEndpoints.create({
      url: receiver.url,
      name: unique("wh"),
      enabledEvents: ["extract_run.processed"],
      apiVersion: API_VERSION,
    });
    assert.match(endpoint.signingSecret, /\S{16,}/);
    const run = await client.extractRuns.create({ config: { schema: invoiceSchema() }, file: { text: INVOICE_TEXT } });

    const delivery = await waitUntil(
      () => receiver.received.find((d) => JSON.parse(d.body).payload?.id === run.id),
      "the run's webhook delivery",
    );
    const event = client.webhooks.verifyAndParse(delivery.body, delivery.headers, endpoint.signingSecret);
    assert.equal(event.eventType, "extract_run.processed");
    assert.equal(event.payload.id, run.id);
    assert.equal(event.payload.status, "PROCESSED");
    assert.deepEqual(event.payload.output.value, INVOICE_EXPECTED);

    const tampered = delivery.body.replace('"PROCESSED"', '"FAILED"');
    assert.throws(
      () => client.webhooks.verifyAndParse(tampered, delivery.headers, endpoint.signingSecret),
      WebhookSignatureVerificationError,
    );
    assert.throws(
      () => client.webhooks.verifyAndParse(delivery.body, delivery.headers, "wrong-secret"),
      WebhookSignatureVerificationError,
    );
  });
});
