// Accessibility in Firefox ESR (tests/e2e/firefox.mjs), as a11y.test.mjs in
// Chromium: the popup, the graph page (graph and list), the site report and the options page,
// after browsing the fixture web, pass axe-core with no violation of impact
// "serious" or "critical", in the light colour scheme and the dark. The graph page's Interactive HTML, saved and
// opened from disk, pans, zooms, selects a site and passes it too.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import fs from 'node:fs';

import { poll, screenshotPath, sleep } from './browser.mjs';
import { launchFirefox } from './firefox.mjs';
import { startFixtureWeb } from './fixture-web.mjs';
import { AXE, seriousViolations } from './a11y.mjs';

let web;
let s;
let newsTab;

before(async () => {
  web = await startFixtureWeb();
  s = await launchFirefox(web);
  for (const site of ['news.example', 'shop.example']) {
    const p = await s.browser.newPage();
    await p.goto(`https://${site}/`, { waitUntil: 'load', timeout: 15_000 });
    if (site === 'news.example') newsTab = p;
  }
  await s.webQuiet();
});

after(async () => {
  try {
    if (s) await s.close();
  } finally {
    if (web) await web.close();
  }
});

async function violations(page) {
  await page.evaluate(AXE);
  return seriousViolations(await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] })));
}

test('Firefox: the popup passes axe-core', async () => {
  const url = newsTab.url();
  const id = (await s.extPage.evaluate(() => chrome.tabs.query({}))).find((t) => t.url === url).id;
  const popup = await s.browser.newPage();
  await popup.setViewport({ width: 420, height: 720 });
  await s.openExtensionPage(popup, `popup/popup.html?tab=${id}`);
  await poll(() => popup.evaluate(() => document.body.dataset.ready === '1'), { timeout: 10_000 });
  await popup.screenshot({ path: screenshotPath('firefox-a11y-popup.png'), fullPage: true });
  assert.deepEqual(await violations(popup), []);
  await popup.close();
});

test('Firefox: the graph page, graph and list, passes axe-core', async () => {
  const page = await s.browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await s.openExtensionPage(page, 'graph/graph.html');
  await poll(() => page.evaluate(() => document.querySelectorAll('#table-body tr[data-site]').length > 0), { timeout: 10_000 });
  const graph = await violations(page);
  await page.click('#show-list');
  await poll(() => page.evaluate(() => document.getElementById('show-list').getAttribute('aria-pressed') === 'true'), { timeout: 5000 });
  await page.screenshot({ path: screenshotPath('firefox-a11y-list.png') });
  assert.deepEqual({ graph, list: await violations(page) }, { graph: [], list: [] });
  await page.close();
});

test('Firefox: the site report passes axe-core', async () => {
  const page = await s.browser.newPage();
  await page.setViewport({ width: 1000, height: 900 });
  await s.openExtensionPage(page, 'report/report.html?site=news.example');
  await poll(() => page.evaluate(() => document.body.dataset.ready === '1'), { timeout: 10_000 });
  await page.screenshot({ path: screenshotPath('firefox-a11y-report.png') });
  assert.deepEqual(await violations(page), []);
  await page.close();
});

test('Firefox: the options page passes axe-core', async () => {
  const page = await s.browser.newPage();
  await page.setViewport({ width: 1000, height: 900 });
  await s.openExtensionPage(page, 'options/options.html');
  await poll(() => page.evaluate(() => document.querySelectorAll('#packs tbody tr').length > 0), { timeout: 10_000 });
  await page.screenshot({ path: screenshotPath('firefox-a11y-options.png'), fullPage: true });
  assert.deepEqual(await violations(page), []);
  await page.close();
});

test('Firefox: Interactive HTML, saved from the graph page, opens from disk: pans, zooms, selects a site, and passes axe-core', async () => {
  const page = await s.browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  await s.openExtensionPage(page, 'graph/graph.html');
  await poll(() => page.evaluate(() => document.querySelectorAll('#canvas canvas').length > 0 && document.querySelectorAll('#table-body tr[data-site]').length > 0), { timeout: 10_000 });
  await sleep(1500); // the layout settles
  // The file the Export menu saves, read from its blob as the page hands it to the browser.
  await page.evaluate(() => {
    const blobs = new Map();
    const objectUrl = URL.createObjectURL;
    URL.createObjectURL = (blob) => {
      const url = objectUrl.call(URL, blob);
      blobs.set(url, blob);
      return url;
    };
    HTMLAnchorElement.prototype.click = function save() {
      window.saved = blobs.get(this.href).text().then((text) => ({ name: this.download, text }));
    };
  });
  await page.click('#export-menu > summary');
  await page.click('#export-menu [data-interactive]');
  await poll(() => page.evaluate(() => !!window.saved), { timeout: 20_000 });
  const saved = await page.evaluate(() => window.saved);
  assert.match(saved.name, /^telltale-graph-\d{4}-\d\d-\d\d\.html$/);
  assert.ok(!/\ssrc=|<link\b|@import|\burl\(/i.test(saved.text), 'nothing to fetch');
  const { nodes } = await s.graph();
  await page.close();
  const file = screenshotPath('firefox-interactive-graph.html');
  fs.writeFileSync(file, saved.text);

  const p = await s.browser.newPage();
  await p.setViewport({ width: 1200, height: 800 });
  await p.goto(`file://${file}`);
  await poll(() => p.evaluate(() => document.body.dataset.ready === '1'), { timeout: 10_000 });
  assert.equal(await p.evaluate(() => document.body.dataset.layout), 'given');
  assert.ok(await p.evaluate(() => document.querySelectorAll('#canvas canvas').length) > 0, 'sigma drew');
  const camera = () => p.evaluate(() => (document.body.dataset.camera || '1,1,1').split(',').map(Number));
  // Zoom: the wheel and the buttons; pan: a drag.
  await p.mouse.move(600, 450);
  for (let i = 0; i < 5; i++) {
    await p.mouse.wheel({ deltaY: -120 });
    await sleep(100);
  }
  await poll(async () => (await camera())[2] < 0.9, { timeout: 5000 });
  await p.click('#fit');
  await poll(async () => (await camera())[2] > 0.99, { timeout: 5000 });
  await p.click('#zoom-in');
  await poll(async () => (await camera())[2] < 0.9, { timeout: 5000 });
  const before = await camera();
  await p.mouse.move(300, 500);
  await p.mouse.down();
  await p.mouse.move(400, 450, { steps: 4 });
  await p.mouse.move(500, 400, { steps: 4 });
  await p.mouse.up();
  await poll(async () => { const a = await camera(); return a[0] !== before[0] || a[1] !== before[1]; }, { timeout: 5000 });
  await p.screenshot({ path: screenshotPath('firefox-interactive-graph.png') });
  // The list: every site; a row selects it in the graph and shows its details.
  await p.click('#show-list');
  const rows = await p.evaluate(() => [...document.querySelectorAll('#rows tr')].map((tr) => tr.dataset.site));
  assert.deepEqual([...rows].sort(), nodes.map((n) => n.id).sort());
  const tracker = nodes.find((n) => n.tracker && n.company);
  await p.click(`#rows tr[data-site="${tracker.id}"] button`);
  await poll(() => p.evaluate((x) => document.body.dataset.selected === x, tracker.id), { timeout: 5000 });
  assert.equal(await p.evaluate(() => document.querySelector('#panel h2').textContent), tracker.id);
  assert.ok((await p.evaluate(() => document.querySelector('#panel .who').textContent)).includes(tracker.company));
  await p.screenshot({ path: screenshotPath('firefox-interactive-selected.png') });
  assert.deepEqual(await violations(p), []);
  await p.close();
});

test('Firefox in dark mode: the popup, the graph page, the site report and the options page pass axe-core', async () => {
  const dark = await launchFirefox(web, { colorScheme: 'dark' });
  try {
    const site = await dark.browser.newPage();
    await site.goto('https://news.example/', { waitUntil: 'load', timeout: 15_000 });
    await dark.webQuiet();
    const id = (await dark.extPage.evaluate(() => chrome.tabs.query({}))).find((t) => t.url === site.url()).id;
    const pages = [
      ['popup', `popup/popup.html?tab=${id}`, () => document.body.dataset.ready === '1', { width: 420, height: 720 }],
      ['graph', 'graph/graph.html', () => document.querySelectorAll('#table-body tr[data-site]').length > 0, { width: 1280, height: 800 }],
      ['report', 'report/report.html?site=news.example', () => document.body.dataset.ready === '1', { width: 1000, height: 900 }],
      ['options', 'options/options.html', () => document.querySelectorAll('#packs tbody tr').length > 0, { width: 1000, height: 900 }],
    ];
    const found = {};
    for (const [name, url, ready, viewport] of pages) {
      const page = await dark.browser.newPage();
      await page.setViewport(viewport);
      await dark.openExtensionPage(page, url);
      await poll(() => page.evaluate(ready), { timeout: 10_000 });
      assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true, name);
      await page.screenshot({ path: screenshotPath(`firefox-a11y-${name}-dark.png`) });
      found[name] = await violations(page);
      await page.close();
    }
    assert.deepEqual(found, { popup: [], graph: [], report: [], options: [] });
  } finally {
    await dark.close();
  }
});
