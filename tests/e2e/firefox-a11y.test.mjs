// Accessibility in Firefox ESR (tests/e2e/firefox.mjs), as a11y.test.mjs in
// Chromium: the popup, the graph page (graph and list), the site report and the options page,
// after browsing the fixture web, pass axe-core with no violation of impact
// "serious" or "critical".

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { poll, screenshotPath } from './browser.mjs';
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
