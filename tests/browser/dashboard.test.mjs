// End-to-end tests of the dashboard in headless Debian chromium against a
// real `quarry serve`: sign-in, the runs list, the run page's citation
// highlight, and a review whose result is checked through the public API.
// Run by scripts/test (`npm test` here); needs QUARRY_BIN or CARGO_TARGET_DIR.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { INVOICE_SCHEMA, api, launch, processedInvoice, signIn, startServer, waitDone } from './lib.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('nothing is visible without signing in', async () => {
  const run = await processedInvoice(server, 'secret-invoice.pdf');
  for (const path of ['/dashboard/runs', `/dashboard/runs/${run.id}`, `/dashboard/runs/${run.id}/pages/1`,
    '/dashboard/extractors', `/dashboard/runs/status?ids=${run.id}`]) {
    const r = await fetch(server.base + path, { redirect: 'manual' });
    assert.equal(r.status, 303, path);
    assert.match(r.headers.get('location'), /^\/dashboard\/login\?next=/, path);
    assert.doesNotMatch(await r.text(), /secret-invoice|INV-2041/, path);
  }
  const post = await fetch(`${server.base}/dashboard/runs/${run.id}/review`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"value":{}}',
  });
  assert.equal(post.status, 401);

  const page = await browser.newPage();
  await page.goto(`${server.base}/dashboard/runs`);
  await page.fill('#api-key', 'qk_wrong');
  await page.click('#sign-in');
  await page.waitForSelector('.login .error');
  assert.equal(await page.locator('#runs').count(), 0);
  await page.close();
});

test('runs list shows runs with filters, paging and sign-out', async () => {
  const run = await processedInvoice(server, 'listed-invoice.pdf');
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server);
  const row = page.locator(`tr[data-run="${run.id}"]`);
  await row.waitFor();
  assert.equal(await row.locator('.badge[data-status]').textContent(), 'PROCESSED');
  assert.match(await row.textContent(), /listed-invoice\.pdf/);

  await page.fill('input[name="fileNameContains"]', 'no-such-file');
  await Promise.all([page.waitForNavigation(), page.click('.filters button[type="submit"]')]);
  assert.equal(await page.locator('tr[data-run]').count(), 0);
  assert.match(page.url(), /fileNameContains=no-such-file/);

  await page.goto(`${server.base}/dashboard/runs?maxPageSize=1`);
  assert.equal(await page.locator('tr[data-run]').count(), 1);
  const first = await page.locator('tr[data-run]').getAttribute('data-run');
  await Promise.all([page.waitForNavigation(), page.click('#next-page')]);
  assert.equal(await page.locator('tr[data-run]').count(), 1);
  assert.notEqual(await page.locator('tr[data-run]').getAttribute('data-run'), first);

  await Promise.all([page.waitForNavigation(), page.click('nav button.link')]);
  assert.match(page.url(), /\/dashboard\/login$/);
  await page.goto(`${server.base}/dashboard/runs`);
  assert.match(page.url(), /\/dashboard\/login\?next=/);
  await context.close();
});

test('a field click highlights its citation and a saved review is visible in the API', async () => {
  const run = await processedInvoice(server);
  assert.equal(run.status, 'PROCESSED', JSON.stringify(run));
  assert.equal(run.output.value.total, 1250);
  assert.equal(run.dashboardUrl, `${server.base}/dashboard/runs/${run.id}`);
  const citation = run.output.metadata.invoice_number.citations[0];
  assert.ok(citation.polygon.length >= 3, 'the engine cites the invoice number');

  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  await signIn(page, server, `/dashboard/runs/${run.id}`);
  assert.equal(new URL(page.url()).pathname, `/dashboard/runs/${run.id}`);
  const img = page.locator('#document .page[data-page="1"] img');
  await img.waitFor();
  await page.waitForFunction(() => {
    const i = document.querySelector('#document .page img');
    return i && i.complete && i.naturalWidth > 0;
  });

  // Select the field: its box is drawn where the citation says, scaled to the image.
  await page.click('.field[data-path="invoice_number"] .name');
  const box = page.locator('.hl-box[data-path="invoice_number"]');
  await box.waitFor();
  const [b, i] = [await box.boundingBox(), await img.boundingBox()];
  const scale = i.width / citation.page.width;
  const xs = citation.polygon.map((p) => p.x);
  const ys = citation.polygon.map((p) => p.y);
  const near = (got, want, what) => assert.ok(Math.abs(got - want) <= 2, `${what}: ${got} vs ${want}`);
  near(b.x, i.x + Math.min(...xs) * scale, 'left');
  near(b.y, i.y + Math.min(...ys) * scale, 'top');
  near(b.width, (Math.max(...xs) - Math.min(...xs)) * scale, 'width');
  near(b.height, (Math.max(...ys) - Math.min(...ys)) * scale, 'height');
  // The invoice number sits on the second text line, well inside the page.
  assert.ok(b.y > i.y && b.y + b.height < i.y + i.height / 4, 'box is near the top of the page');

  // Typed inputs: number, date, enum and boolean.
  assert.equal(await page.locator('.field[data-path="total"] input').getAttribute('type'), 'number');
  assert.equal(await page.locator('.field[data-path="invoice_date"] input').getAttribute('type'), 'date');
  assert.equal(await page.locator('.field[data-path="currency"] select').count(), 1);
  assert.equal(await page.locator('.field[data-path="paid"] select').count(), 1);

  // Edit two fields and save.
  await page.fill('.field[data-path="total"] input', '1300.5');
  await page.fill('.field[data-path="invoice_number"] input', 'INV-2041-A');
  await page.click('#save-review');
  await page.waitForSelector('#save-status.saved');
  assert.match(await page.textContent('#review-state'), /reviewed, edited/);

  const reviewed = await api(server, 'GET', `/extract_runs/${run.id}`);
  assert.equal(reviewed.reviewed, true);
  assert.equal(reviewed.edited, true);
  assert.deepEqual(reviewed.initialOutput, run.output);
  assert.equal(reviewed.reviewedOutput.value.total, 1300.5);
  assert.equal(reviewed.reviewedOutput.value.invoice_number, 'INV-2041-A');
  assert.deepEqual(reviewed.output, reviewed.reviewedOutput);
  assert.deepEqual(reviewed.reviewedOutput.metadata, run.output.metadata);
  assert.deepEqual(reviewed.edits, {
    invoice_number: { originalValue: 'INV-2041', editedValue: 'INV-2041-A', page: 1, fieldType: 'string' },
    total: { originalValue: 1250, editedValue: 1300.5, page: 1, fieldType: 'number' },
  });
  await page.close();
});

test('array items can be added and removed, and invalid reviews are refused', async () => {
  const schema = {
    type: 'object',
    properties: {
      invoice_number: { type: ['string', 'null'] },
      tags: { type: 'array', items: { type: 'string' } },
    },
    required: ['invoice_number', 'tags'],
    additionalProperties: false,
  };
  const created = await api(server, 'POST', '/extract_runs', {
    file: { text: 'Invoice Number: INV-7\n' },
    config: { schema },
  });
  const run = await waitDone(server, created.id);
  assert.equal(run.status, 'PROCESSED');

  const page = await browser.newPage();
  await signIn(page, server, `/dashboard/runs/${run.id}`);
  await page.click('fieldset[data-path="tags"] .add-item');
  await page.click('fieldset[data-path="tags"] .add-item');
  await page.fill('.field[data-path="tags[0]"] input', 'urgent');
  await page.fill('.field[data-path="tags[1]"] input', 'drop-me');
  await page.click('.field[data-path="tags[1]"]');
  await page.locator('fieldset[data-path="tags"] .remove-item').nth(1).click();
  await page.click('#save-review');
  await page.waitForSelector('#save-status.saved');
  const reviewed = await api(server, 'GET', `/extract_runs/${run.id}`);
  assert.deepEqual(reviewed.output.value.tags, ['urgent']);
  assert.deepEqual(reviewed.edits['tags[0]'], { editedValue: 'urgent', fieldType: 'string' });

  // The API route validates against the schema like the dashboard does.
  await assert.rejects(
    api(server, 'POST', `/quarry/extract_runs/${run.id}/review`, { value: { invoice_number: 5, tags: [] } }),
    /400.*INVALID_REQUEST/,
  );
  const ok = await api(server, 'POST', `/quarry/extract_runs/${run.id}/review`, {
    value: { invoice_number: 'INV-7', tags: [] },
  });
  assert.equal(ok.reviewed, true);
  assert.equal(ok.edited, false);
  assert.deepEqual(ok.edits, {});
  await page.close();
});

test('low-confidence fields and citations that differ from the value stand out', async () => {
  const run = await processedInvoice(server, 'marked-invoice.pdf');
  const page = await browser.newPage();
  await signIn(page, server, '/dashboard/runs');
  // Serve the real run page with the engine's metadata altered the way an
  // OCR'd scan would look: a low confidence, and a citation of other text.
  await page.route(`${server.base}/dashboard/runs/${run.id}`, async (route) => {
    const response = await route.fetch();
    const html = await response.text();
    const open = '<script type="application/json" id="run-data">';
    const start = html.indexOf(open) + open.length;
    const end = html.indexOf('</script>', start);
    const data = JSON.parse(html.slice(start, end));
    const meta = data.run.output.metadata;
    meta.vendor_name.ocrConfidence = 0.42;
    // The engine's confidences are calibrated probabilities, refitted with
    // the rules; pin the two fields that must stay unmarked above any
    // auto-accept threshold, so this test checks the marking, not the fit.
    meta.total.ocrConfidence = 0.999;
    meta.currency.ocrConfidence = 0.999;
    meta.invoice_number.citations[0].referenceText = 'Invoice Number: INV-9999';
    const json = JSON.stringify(data).replace(/</g, '\\u003c');
    await route.fulfill({ response, body: html.slice(0, start) + json + html.slice(end) });
  });
  await page.goto(`${server.base}/dashboard/runs/${run.id}`);
  const field = (path) => page.locator(`.field[data-path="${path}"]`);
  await field('vendor_name').waitFor();
  assert.match(await field('vendor_name').getAttribute('class'), /\blow\b/);
  assert.equal(await field('vendor_name').locator('.conf').textContent(), '42%');
  assert.match(await field('invoice_number').getAttribute('class'), /\bmismatch\b/);
  assert.match(await field('invoice_number').locator('.why').textContent(), /INV-9999/);
  for (const path of ['total', 'currency']) {
    assert.doesNotMatch(await field(path).getAttribute('class'), /\b(low|mismatch)\b/, path);
  }
  await page.close();
});

test('the runs list updates unfinished runs live', async () => {
  // No workers: the run stays PENDING until the API cancels it.
  const idle = await startServer({ workers: 0 });
  const page = await browser.newPage();
  try {
    const run = await api(idle, 'POST', '/extract_runs', {
      file: { text: 'Invoice Number: INV-1\n' },
      config: { schema: INVOICE_SCHEMA },
    });
    await signIn(page, idle);
    const row = page.locator(`tr[data-run="${run.id}"]`);
    assert.equal(await row.locator('.badge[data-status]').textContent(), 'PENDING');
    assert.equal(await row.getAttribute('data-live'), '');
    await api(idle, 'POST', `/extract_runs/${run.id}/cancel`);
    await page.waitForFunction(
      (id) => document.querySelector(`tr[data-run="${id}"] .badge`).textContent === 'CANCELLED',
      run.id,
      { timeout: 20_000 },
    );
    assert.equal(await row.getAttribute('data-live'), null, 'finished runs are no longer polled');
  } finally {
    await page.close();
    await idle.stop();
  }
});

test('classify runs show the chosen type and confidence, and classifiers are listed', async () => {
  const classifications = [
    { id: 'invoice', type: 'invoice', description: 'A supplier invoice: invoice number, line items, amount due.' },
    { id: 'statement', type: 'bank_statement', description: 'A bank statement: IBAN, transactions, running balance.' },
  ];
  const classifier = await api(server, 'POST', '/classifiers', { name: 'Mailroom kinds', config: { classifications } });
  const sync = await api(server, 'POST', '/classify', {
    classifier: { id: classifier.id },
    file: { text: 'INVOICE\nInvoice Number: INV-77\nItem Qty Price Amount\nHammer 2 12.00 24.00\nAmount Due: 24.00\n', name: 'mail-1.txt' },
  });
  assert.equal(sync.status, 'PROCESSED');
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server, '/dashboard/classify');
  const row = page.locator(`tr[data-run="${sync.id}"]`);
  await row.waitFor();
  assert.equal(await row.locator('.type').textContent(), 'invoice');
  assert.equal(await row.locator('.confidence').textContent(), sync.output.confidence.toFixed(2));
  assert.match(await row.textContent(), /Mailroom kinds/);
  assert.equal(await page.locator(`tr[data-classifier="${classifier.id}"]`).count(), 1);

  const split = await api(server, 'POST', '/split', {
    config: { splitClassifications: classifications },
    file: { text: 'INVOICE\nInvoice Number: A-1\nAmount Due: 5.00\fACCOUNT STATEMENT\nIBAN DE89 3704 0044 0532 0130 00\nClosing balance 1,154.90\n', name: 'packet.txt' },
  });
  assert.equal(split.status, 'PROCESSED');
  await page.reload();
  const splitRow = page.locator(`#split-runs tr[data-run="${split.id}"]`);
  await splitRow.waitFor();
  assert.deepEqual(await splitRow.locator('ul.splits li').allTextContents(), ['invoice p. 1', 'bank_statement p. 2']);

  await page.selectOption('select[name="status"]', 'FAILED');
  await Promise.all([page.waitForNavigation(), page.click('.filters button[type="submit"]')]);
  assert.equal(await page.locator(`tr[data-run="${sync.id}"]`).count(), 0);
  await context.close();
});
