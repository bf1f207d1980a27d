// Accessibility, in headless Chromium (tests/e2e/browser.mjs): the popup,
// the graph page (graph and list), the site report and the options page, after browsing the
// fixture web, pass axe-core (from npm, injected into the page from disk)
// with no violation of impact "serious" or "critical". Screenshots of each
// page go under target/screens.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { AXE, keyboardWalk, seriousViolations } from './a11y.mjs';
import { launch, screenshotPath } from './browser.mjs';
import { startFixtureWeb } from './fixture-web.mjs';

let web;
let session;

before(async () => {
  web = await startFixtureWeb();
  session = await launch(web);
  for (const site of ['news.example', 'shop.example']) {
    const p = await session.ctx.newPage();
    await p.goto(`https://${site}/`, { waitUntil: 'load' });
  }
  await session.webQuiet(300);
});

after(async () => {
  try {
    if (session) await session.close();
  } finally {
    if (web) await web.close();
  }
});

/** axe-core's serious and critical violations on `page`. */
async function violations(page) {
  await page.evaluate(AXE);
  return seriousViolations(await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] })));
}

async function tabIdOf(url) {
  const all = await session.extPage.evaluate(() => chrome.tabs.query({}));
  return all.find((x) => x.url === url).id;
}

for (const scheme of ['light', 'dark']) {
  test(`the popup passes axe-core (${scheme})`, async () => {
    const id = await tabIdOf('https://news.example/');
    const popup = await session.ctx.newPage();
    await popup.emulateMedia({ colorScheme: scheme });
    await popup.setViewportSize({ width: 420, height: 600 });
    await popup.goto(`chrome-extension://${session.extensionId}/popup/popup.html?tab=${id}`);
    await popup.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
    await popup.screenshot({ path: screenshotPath(`a11y-popup-${scheme}.png`), fullPage: true });
    assert.deepEqual(await violations(popup), []);
    // Every control is reached with Tab, and shows where focus is.
    const walk = await keyboardWalk(popup);
    assert.ok(walk.reached >= 10, JSON.stringify(walk));
    assert.deepEqual({ missed: walk.missed, unseen: walk.unseen }, { missed: [], unseen: [] });
    await popup.close();
  });

  test(`the graph page, graph and list, passes axe-core (${scheme})`, async () => {
    const page = await session.ctx.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`chrome-extension://${session.extensionId}/graph/graph.html`);
    await page.waitForSelector('#table-body tr[data-site]', { state: 'attached', timeout: 10_000 });
    await page.screenshot({ path: screenshotPath(`a11y-graph-${scheme}.png`) });
    const graph = await violations(page);
    // The drawing has a text alternative with the same counts as the data, pointing to the list.
    const { nodes } = await session.graph();
    const trackers = nodes.filter((n) => n.tracker).length;
    const alt = await page.evaluate(() => [document.getElementById('canvas').getAttribute('role'), document.getElementById('canvas').getAttribute('aria-label')]);
    assert.equal(alt[0], 'img');
    assert.match(alt[1], new RegExp(`^Tracker graph of ${nodes.length} sites: 2 you visited, ${trackers} trackers, \\d+ connections\\. The List view shows the same sites as a table\\.$`));
    // The Export menu, by keyboard: Enter opens it, its items take focus, Escape closes it and gives focus back.
    await page.focus('#export-menu summary');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.getElementById('export-menu').open), true);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.format), 'json');
    await page.keyboard.press('Escape');
    assert.deepEqual(await page.evaluate(() => [document.getElementById('export-menu').open, document.activeElement.tagName]), [false, 'SUMMARY']);
    await page.click('#show-list');
    await page.waitForSelector('#table-body tr[data-site]', { state: 'visible', timeout: 5000 });
    await page.screenshot({ path: screenshotPath(`a11y-list-${scheme}.png`) });
    assert.deepEqual({ graph, list: await violations(page) }, { graph: [], list: [] });
    await page.close();
  });

  test(`the site report passes axe-core, and its buttons are reached by Tab (${scheme})`, async () => {
    const page = await session.ctx.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1000, height: 900 });
    await page.goto(`chrome-extension://${session.extensionId}/report/report.html?site=news.example`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
    await page.screenshot({ path: screenshotPath(`a11y-report-${scheme}.png`) });
    assert.deepEqual(await violations(page), []);
    const walk = await keyboardWalk(page);
    assert.ok(walk.reached >= 2, JSON.stringify(walk));
    assert.deepEqual({ missed: walk.missed, unseen: walk.unseen }, { missed: [], unseen: [] });
    await page.close();
  });

  test(`the options page passes axe-core (${scheme})`, async () => {
    const page = await session.ctx.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1000, height: 900 });
    await page.goto(`chrome-extension://${session.extensionId}/options/options.html`);
    await page.waitForSelector('#packs tbody tr', { timeout: 10_000 });
    await page.screenshot({ path: screenshotPath(`a11y-options-${scheme}.png`), fullPage: true });
    assert.deepEqual(await violations(page), []);
    const walk = await keyboardWalk(page);
    assert.ok(walk.reached >= 10, JSON.stringify(walk));
    assert.deepEqual({ missed: walk.missed, unseen: walk.unseen }, { missed: [], unseen: [] });
    await page.close();
  });
}
