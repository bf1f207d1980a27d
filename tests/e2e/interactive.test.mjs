// The graph page's "Interactive HTML" export, in headless Chromium: after
// browsing the fixture web, the file holds the current view (filters
// applied) and opens from disk with the network off: the graph drawn, pan
// (drag) and zoom (wheel, buttons), a site's details on click, the list view whose rows select a
// site. The file passes axe-core in both colour schemes and works by
// keyboard. A 500-site graph, imported into the graph page, exports under
// 2 MB. The CLI's `--format html` of the shared captures opens the same way,
// laid out by the viewer.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { AXE, keyboardWalk, seriousViolations } from './a11y.mjs';
import { launch, screenshotPath } from './browser.mjs';
import { startFixtureWeb } from './fixture-web.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
// The CLI built last (cargo test builds target/debug).
const CLI = ['target/debug/telltale', 'target/release/telltale'].map((p) => path.join(ROOT, p)).filter((p) => fs.existsSync(p))
  .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
const HARS = ['aftonbladet.se-2015.har', 'en.wikipedia.org-2015.har', 'mytoys.de-2017.har'].map((f) => path.resolve(ROOT, '../shared/data/har', f));
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
  assert.ok(!/\ssrc=|<link\b|@import|\burl\(/i.test(text), 'nothing to fetch');

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

    // By keyboard: every control reached by Tab with its focus shown; a row of the list taken
    // with Enter selects its site and its details take focus; Escape gives focus to the List button.
    const walk = await keyboardWalk(p);
    assert.ok(walk.reached >= 5, JSON.stringify(walk));
    assert.deepEqual({ missed: walk.missed, unseen: walk.unseen }, { missed: [], unseen: [] });
    await p.focus('#show-list');
    await p.keyboard.press('Enter');
    await p.focus(`#rows tr[data-site="${tracker.id}"] button`);
    await p.keyboard.press('Enter');
    await p.waitForFunction((site) => document.body.dataset.selected === site && document.activeElement === document.querySelector('#panel h2'), tracker.id, { timeout: 5000 });
    await p.keyboard.press('Tab');
    assert.equal(await p.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Close the details');
    await p.keyboard.press('Escape');
    await p.waitForFunction(() => document.body.dataset.selected === '' && document.activeElement.id === 'show-list', null, { timeout: 5000 });

    // axe-core, with a site's details open, in both colour schemes.
    await p.locator(`#rows tr[data-site="${tracker.id}"] button`).evaluate((b) => b.click());
    for (const scheme of ['light', 'dark']) {
      await p.emulateMedia({ colorScheme: scheme });
      await p.evaluate(AXE);
      assert.deepEqual(seriousViolations(await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }))), [], scheme);
      await p.screenshot({ path: screenshotPath(`interactive-graph-${scheme}.png`) });
    }
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

test("the CLI's interactive HTML of the shared captures opens offline, laid out, with every site of the graph", async (t) => {
  assert.ok(CLI, 'the telltale CLI is built (cargo build)');
  const dir = fs.mkdtempSync(path.join(screenshotPath(''), 'cli-'));
  const file = path.join(dir, 'graph.html');
  const json = path.join(dir, 'graph.json');
  execFileSync(CLI, ['audit', ...HARS, '--export', file, '--format', 'html'], { stdio: ['ignore', 'ignore', 'pipe'] });
  execFileSync(CLI, ['audit', ...HARS, '--export', json, '--format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const graph = JSON.parse(fs.readFileSync(json, 'utf8'));
  const text = fs.readFileSync(file, 'utf8');
  t.diagnostic(`CLI interactive HTML of ${graph.nodes.length} sites: ${text.length} bytes`);
  assert.ok(!/\ssrc=|<link\b|@import|\burl\(/i.test(text), 'nothing to fetch');
  assert.ok(!/[?#][^"\s]*=/.test(text.slice(text.indexOf('id="telltale-data"'), text.indexOf('</script>'))), 'no query string or fragment in the data');

  await s.ctx.setOffline(true);
  try {
    const p = await s.ctx.newPage();
    await p.setViewportSize({ width: 1200, height: 800 });
    const errors = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(`file://${file}`);
    await p.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
    assert.deepEqual(errors, []);
    const visited = graph.nodes.filter((n) => n.first_party).length;
    assert.equal(visited, 3);
    assert.match(await p.locator('#canvas').getAttribute('aria-label'), new RegExp(`^Tracker graph of ${graph.nodes.length} sites: ${visited} visited, \\d+ trackers\\.`));
    const rows = await p.locator('#rows tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.site));
    assert.deepEqual([...rows].sort(), graph.nodes.map((n) => n.site).sort());
    // Laid out by the viewer (ForceAtlas2), as the file asks.
    assert.equal(await p.evaluate(() => document.body.dataset.layout), 'settled');
    await p.screenshot({ path: screenshotPath('interactive-cli.png') });
    const site = graph.nodes.find((n) => n.first_party).site;
    await p.click('#show-list');
    await p.locator(`#rows tr[data-site="${site}"] button`).click();
    await p.waitForFunction((x) => document.body.dataset.selected === x, site, { timeout: 5000 });
    assert.equal(await p.locator('#panel h2').textContent(), site);
    await p.close();
  } finally {
    await s.ctx.setOffline(false);
  }
});
