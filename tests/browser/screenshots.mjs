// Regenerates docs/images/runs-list.png and docs/images/run-page.png with
// the same tooling as the browser tests: a fresh server, an extractor, a few
// invoices (one of them broken), then the runs list and a run page with a
// selected, highlighted and edited field. Run through scripts/screenshots.

import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';

import { INVOICE_SCHEMA, api, launch, makePdf, signIn, startServer, upload, waitDone } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'docs', 'images');
mkdirSync(out, { recursive: true });

const invoices = [
  ['northwind-0412.pdf', 'Northwind Traders', 'INV-0412', '2026-02-03', '842.10'],
  ['acme-2041.pdf', 'ACME Supplies Ltd', 'INV-2041', '2026-03-14', '1,250.00'],
  ['globex-77.pdf', 'Globex Corporation', 'GX-77', '2026-03-20', '96.00'],
  ['initech-1138.pdf', 'Initech', 'IT-1138', '2026-04-01', '4,410.75'],
];

const server = await startServer();
const browser = await launch();
try {
  const extractor = await api(server, 'POST', '/extractors', {
    name: 'Supplier invoices',
    config: { schema: INVOICE_SCHEMA, advancedOptions: { citationsEnabled: true } },
  });
  await api(server, 'POST', `/extractors/${extractor.id}/versions`, { releaseType: 'major', description: 'First release' });
  const runs = [];
  for (const [name, vendor, number, date, total] of invoices) {
    const file = await upload(server, makePdf([vendor, `Invoice Number: ${number}`, `Vendor Name: ${vendor}`,
      `Invoice Date: ${date}`, 'Currency: USD', `Total: ${total}`]), name);
    const run = await api(server, 'POST', '/extract_runs', { extractor: { id: extractor.id }, file: { id: file.id } });
    runs.push(await waitDone(server, run.id));
  }
  const broken = await upload(server, Buffer.from('%PDF-1.4 this is not a PDF'), 'scan-broken.pdf');
  await waitDone(server, (await api(server, 'POST', '/extract_runs', { extractor: { id: extractor.id }, file: { id: broken.id } })).id);

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, server);
  await page.screenshot({ path: join(out, 'runs-list.png') });

  await page.goto(`${server.base}/dashboard/runs/${runs[1].id}`);
  await page.waitForFunction(() => {
    const i = document.querySelector('#document .page img');
    return i && i.complete && i.naturalWidth > 0;
  });
  await page.selectOption('.field[data-path="paid"] select', { label: 'false' });
  await page.click('.field[data-path="total"] .name');
  await page.locator('.hl-box').first().waitFor();
  await page.screenshot({ path: join(out, 'run-page.png') });
  console.log(`wrote ${join(out, 'runs-list.png')} and ${join(out, 'run-page.png')}`);
} finally {
  await browser.close();
  await server.stop();
}
