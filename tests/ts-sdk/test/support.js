// Shared helpers for the TypeScript-SDK conformance suite: a real
// `quarry serve` process per test file (random port, fresh data dir), and
// the invoice fixture the Python suite uses too, so both SDKs are held to
// the same answers.
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const crypto = require("node:crypto");
const { ExtendClient } = require("extend-ai");

const API_VERSION = "2026-02-09";

const INVOICE_TEXT = [
  "ACME GMBH - INVOICE",
  "Invoice Number: INV-001",
  "Invoice Date: 2024-03-05",
  "Total Amount: 1,234.50",
  "Vendor Name: Acme GmbH",
  "",
].join("\n");

const INVOICE_EXPECTED = {
  invoice_number: "INV-001",
  invoice_date: "2024-03-05",
  total_amount: 1234.5,
  vendor_name: "Acme GmbH",
  po_number: null,
};

function invoiceSchema() {
  const nullable = (type, extra = {}) => ({ type: [type, "null"], ...extra });
  return {
    type: "object",
    properties: {
      invoice_number: nullable("string", { description: "The invoice number" }),
      invoice_date: nullable("string", { "extend:type": "date", description: "Date of the invoice" }),
      total_amount: nullable("number", { description: "Total amount due" }),
      vendor_name: nullable("string", { description: "Name of the vendor" }),
      po_number: nullable("string", { description: "Purchase order number" }),
    },
    required: ["invoice_number", "invoice_date", "total_amount", "vendor_name", "po_number"],
    additionalProperties: false,
  };
}

function unique(prefix = "t") {
  return `${prefix}-${crypto.randomBytes(6).toString("hex")}`;
}

/** Polls fast (the server is local) and gives up well before the test timeout. */
const POLL = { maxWaitMs: 25_000, fastPollIntervalMs: 200, jitterFraction: 0.1 };

function quarryBin() {
  const target = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), ".cache/quarry/target");
  const bin = process.env.QUARRY_BIN || path.join(target, "debug/quarry");
  fs.accessSync(bin, fs.constants.X_OK);
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until `fn()` returns something truthy, or fails naming `what`. */
async function waitUntil(fn, what, timeoutMs = 25_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

/** A `quarry serve` child process with its own data dir and API key. */
class Server {
  constructor({ workers = 2, extraArgs = [] } = {}) {
    this.workers = workers;
    this.extraArgs = extraArgs;
    this.apiKey = `qk_test_${crypto.randomBytes(16).toString("hex")}`;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-ts-sdk-"));
    this.logPath = path.join(this.root, "server.log");
    this.port = await freePort();
    // Drop the caller's QUARRY_* knobs: every test server is fresh and default.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("QUARRY_")));
    env.QUARRY_API_KEY = this.apiKey;
    const log = fs.openSync(this.logPath, "a");
    const args = ["serve", "--bind", `127.0.0.1:${this.port}`, "--data-dir", path.join(this.root, "data"),
      "--workers", String(this.workers), ...this.extraArgs];
    this.proc = spawn(quarryBin(), args, { env, stdio: ["ignore", log, log] });
    await waitUntil(async () => {
      if (this.proc.exitCode !== null) throw new Error(`quarry serve exited:\n${this.logTail()}`);
      try {
        return (await fetch(`${this.baseUrl}/healthz`)).ok;
      } catch {
        return false;
      }
    }, "quarry serve to become ready", 30_000);
    return this;
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.proc.kill("SIGTERM");
    // A graceful stop should take well under a second; do not let the
    // fallback timer keep the test process alive once the server is gone.
    let timer;
    const grace = new Promise((r) => (timer = setTimeout(r, 10_000)));
    await Promise.race([exited, grace]);
    clearTimeout(timer);
    if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
  }

  logTail(lines = 40) {
    try {
      return fs.readFileSync(this.logPath, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  /** The official client, changed only by `baseUrl` (and no retries, so errors surface at once). */
  client(options = {}) {
    return new ExtendClient({ token: this.apiKey, baseUrl: this.baseUrl, maxRetries: 0, ...options });
  }
}

/** Starts a server before the file's tests and stops it after them. */
function useServer(t, options) {
  const server = new Server(options);
  t.before(() => server.start());
  t.after(() => server.stop());
  return server;
}

module.exports = {
  API_VERSION,
  INVOICE_EXPECTED,
  INVOICE_TEXT,
  POLL,
  Server,
  invoiceSchema,
  unique,
  useServer,
  waitUntil,
};
