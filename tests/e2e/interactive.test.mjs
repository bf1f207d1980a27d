// The graph page's "Interactive HTML" export, in headless Chromium: after
// browsing the fixture web, the file holds the current view (filters
// applied) and opens from disk with the network off: the graph drawn, pan
// (drag) and zoom (wheel, buttons), a site's details on click, the list view whose rows select a
// site. A 500-site graph, imported into the graph page, exports under 2 MB.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { launch, screenshotPath } from './browser.mjs';
import { startFixtureWeb } from './fixture-web.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
let web;
let s;

before(async () => {
  web = await startFixtureWeb();
  s = await launch(web);
  for (const site of ['news.example', 'shop.example']) {
    const p = await s.ctx.newPage();
    await p.goto(`https://${site}/`, { waitUntil: 'load' });
    await p.close();
  }
  await s.webQuiet(300);
});

after(async () => {
  try {
    if (s) await s.close();
  } finally {
    if (web) await web.close();
  }
});

/** Exports "Interactive HTML" from `page` (the graph page) and returns the saved file's path. */
async function exportInteractive(page, name) {
  await page.click('#export-menu > summary');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.click('#export-menu [data-interactive]')]);
  assert.match(download.suggestedFilename(), /^telltale-graph-\d{4}-\d\d-\d\d\.html$/);
  const file = screenshotPath(name);
  await download.saveAs(file);
  return file;
}

const camera = (p) => p.evaluate(() => (document.body.dataset.camera || '').split(',').map(Number));

test('Interactive HTML: the current view, opened from disk offline, pans, zooms, and shows a site', async () => {
  const page = await s.ctx.newPage();
  await page.setViewportSize({ width: 1200, height: 800 });
  await page.goto(`chrome-extension://${s.extensionId}/graph/graph.html`);
  await page.waitForSelector('#table-body tr[data-site]', { state: 'attached', timeout: 10_000 });
  // Only trackers: the file must hold the filtered view.
  await page.check('#trackers-only');
  const view = await s.ask('graphView', { filters: { trackers_only: true } });
  await page.waitForFunction((n) => document.querySelectorAll('#table-body tr[data-site]').length === n, view.nodes.length, { timeout: 10_000 });
  await page.waitForTimeout(1500); // the layout settles
  const file = await exportInteractive(page, 'interactive-graph.html');
  await page.close();
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(!/\ssrc=|<link\b|@import|url\(/i.test(text), 'nothing to fetch');

  await s.ctx.setOffline(true);
  try {
    const p = await s.ctx.newPage();
    await p.setViewportSize({ width: 1200, height: 800 });
    const fetched = [];
    p.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) fetched.push(r.url()); });
    const errors = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(`file://${file}`);
    await p.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
    assert.deepEqual(errors, []);
    const trackers = view.nodes.filter((n) => n.tracker).length;
    const visited = view.nodes.filter((n) => n.first_party).length;
    assert.equal(await p.locator('#canvas').getAttribute('aria-label'),
      `Tracker graph of ${view.nodes.length} sites: ${visited} visited, ${trackers} trackers. The List view shows the same sites as a table.`);
    assert.ok(await p.locator('#canvas canvas').count() > 0, 'sigma drew');
    await p.screenshot({ path: screenshotPath('interactive-graph.png') });

    // Zoom by the wheel and the buttons; pan by dragging.
    await p.mouse.move(600, 450);
    for (let i = 0; i < 5; i++) {
      await p.mouse.wheel(0, -120);
      await p.waitForTimeout(100);
    }
    await p.waitForFunction(() => Number((document.body.dataset.camera || '').split(',')[2]) < 0.9, null, { timeout: 5000 });
    await p.click('#fit');
    await p.waitForFunction(() => Number(document.body.dataset.camera.split(',')[2]) > 0.99, null, { timeout: 5000 });
    await p.click('#zoom-in');
    await p.waitForFunction(() => Number(document.body.dataset.camera.split(',')[2]) < 0.9, null, { timeout: 5000 });
    const zoomed = await camera(p);
    await p.click('#zoom-out');
    await p.waitForFunction((r) => Number(document.body.dataset.camera.split(',')[2]) > r, zoomed[2], { timeout: 5000 });
    const before = await camera(p);
    await p.mouse.move(300, 500);
    await p.mouse.down();
    await p.mouse.move(500, 400, { steps: 8 });
    await p.mouse.up();
    const after = await camera(p);
    assert.ok(after[0] !== before[0] || after[1] !== before[1], `panned: ${before} → ${after}`);

    // The list: every site of the view; a row selects its site, and the panel says what it is.
    await p.click('#show-list');
    const rows = await p.locator('#rows tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.site));
    assert.deepEqual([...rows].sort(), view.nodes.map((n) => n.id).sort());
    const tracker = view.nodes.find((n) => n.tracker && n.company);
    await p.locator(`#rows tr[data-site="${tracker.id}"] button`).click();
    await p.waitForFunction((site) => document.body.dataset.selected === site, tracker.id, { timeout: 5000 });
    assert.equal(await p.locator('#graph-view').isVisible(), true, 'back on the graph');
    assert.equal(await p.locator('#panel h2').textContent(), tracker.id);
    assert.match(await p.locator('#panel .who').textContent(), new RegExp(tracker.company.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await p.screenshot({ path: screenshotPath('interactive-graph-selected.png') });
    await p.keyboard.press('Escape');
    await p.waitForFunction(() => document.body.dataset.selected === '', null, { timeout: 5000 });
    assert.deepEqual(fetched, []);
    await p.close();
  } finally {
    await s.ctx.setOffline(false);
  }
});

test('Interactive HTML of a 500-site graph is under 2 MB', async (t) => {
  const graph = execFileSync('node', [path.join(ROOT, 'bench/make-graph.mjs'), '500', '2000'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const page = await s.ctx.newPage();
  await page.setViewportSize({ width: 1200, height: 800 });
  await page.goto(`chrome-extension://${s.extensionId}/graph/graph.html`);
  await page.waitForSelector('#table-body tr[data-site]', { state: 'attached', timeout: 10_000 });
  await page.setInputFiles('#import', { name: 'graph-500.json', mimeType: 'application/json', buffer: Buffer.from(graph) });
  await page.locator('#banner:not([hidden])').waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => document.querySelectorAll('#table-body tr[data-site]').length >= 500, null, { timeout: 20_000 });
  await page.waitForTimeout(1500);
  const file = await exportInteractive(page, 'interactive-graph-500.html');
  await page.close();
  const bytes = fs.statSync(file).size;
  t.diagnostic(`interactive HTML of 500 sites and 2,000 edges: ${bytes} bytes`);
  assert.ok(bytes < 2 * 1024 * 1024, `${bytes} bytes`);
  const p = await s.ctx.newPage();
  await p.goto(`file://${file}`);
  await p.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
  assert.equal(await p.locator('#rows tr').count(), 500);
  await p.close();
});
