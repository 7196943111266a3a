// Shared by the dashboard tests and the screenshot script: a real
// `quarry serve` on 127.0.0.1 (port 0, its own data dir), a tiny API client,
// generated PDF documents, and headless Debian chromium via playwright-core.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';

export const API_VERSION = '2026-02-09';
const CHROMIUM = process.env.QUARRY_CHROMIUM || '/usr/bin/chromium';

function quarryBin() {
  if (process.env.QUARRY_BIN) return process.env.QUARRY_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(process.env.HOME, '.cache/quarry/target');
  return join(target, 'debug/quarry');
}

/** Starts `quarry serve`; resolves once it prints its address. */
export async function startServer({ workers = 2 } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'quarry-browser-'));
  const key = `qk_browser_${randomBytes(16).toString('hex')}`;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('QUARRY_')));
  env.QUARRY_API_KEY = key;
  const proc = spawn(
    quarryBin(),
    ['serve', '--bind', '127.0.0.1:0', '--data-dir', join(root, 'data'), '--workers', String(workers)],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`quarry serve did not start:\n${log}`)), 60_000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /quarry listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`quarry serve exited (${code}):\n${log}`)); });
  });
  return {
    base,
    key,
    log: () => log,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Calls the Extend-compatible API with the server's key. */
export async function api(server, method, path, body) {
  const headers = { authorization: `Bearer ${server.key}`, 'x-extend-api-version': API_VERSION };
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const r = await fetch(server.base + path, { method, headers, body: payload });
  const json = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** Uploads `bytes` as a file named `name`; returns the File object. */
export async function upload(server, bytes, name) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
  return api(server, 'POST', '/files/upload', form);
}

/** Polls a run until it is no longer pending or processing. */
export async function waitDone(server, id) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const run = await api(server, 'GET', `/extract_runs/${id}`);
    if (!['PENDING', 'PROCESSING', 'CANCELLING'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`run ${id} did not finish`);
}

/**
 * A one-page US-letter PDF with one Helvetica line per entry of `lines`,
 * 14 pt, from the top at a 26 pt pitch (a real text layer for pdfium).
 */
export function makePdf(lines) {
  const esc = (s) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = lines
    .map((l, i) => `BT /F1 14 Tf 72 ${720 - i * 26} Td (${esc(l)}) Tj ET`)
    .join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** The invoice schema the tests extract with (SDK-style: all required, nullable). */
export const INVOICE_SCHEMA = {
  type: 'object',
  properties: {
    invoice_number: { type: ['string', 'null'] },
    vendor_name: { type: ['string', 'null'] },
    invoice_date: { type: ['string', 'null'], 'extend:type': 'date' },
    total: { type: ['number', 'null'] },
    currency: { enum: ['USD', 'EUR', null] },
    paid: { type: ['boolean', 'null'] },
  },
  required: ['invoice_number', 'vendor_name', 'invoice_date', 'total', 'currency', 'paid'],
  additionalProperties: false,
};

export const INVOICE_LINES = [
  'ACME Supplies Ltd',
  'Invoice Number: INV-2041',
  'Vendor Name: ACME Supplies Ltd',
  'Invoice Date: 2026-03-14',
  'Currency: USD',
  'Total: 1,250.00',
];

/** Uploads an invoice PDF and runs `config` on it; resolves to the finished run. */
export async function processedInvoice(server, name = 'invoice-2041.pdf', lines = INVOICE_LINES) {
  const file = await upload(server, makePdf(lines), name);
  const run = await api(server, 'POST', '/extract_runs', {
    file: { id: file.id },
    config: { schema: INVOICE_SCHEMA, advancedOptions: { citationsEnabled: true } },
  });
  return waitDone(server, run.id);
}

/** Headless Debian chromium. */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** Signs `page` in through the login form (after being sent there). */
export async function signIn(page, server, path = '/dashboard/runs') {
  await page.goto(server.base + path);
  await page.fill('#api-key', server.key);
  await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
}
