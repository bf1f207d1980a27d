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

test('the graph page by keyboard: a row taken with Enter selects its site and opens its details, Tab reaches their actions, Escape gives focus back', async () => {
  const page = await session.ctx.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`chrome-extension://${session.extensionId}/graph/graph.html`);
  await page.waitForSelector('#table-body tr[data-site]', { state: 'attached', timeout: 10_000 });
  await page.focus('#show-list');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#table-body tr[data-site]', { state: 'visible', timeout: 5000 });
  // From the search field, Tab walks to the first row.
  let row = null;
  for (let i = 0; i < 30 && !row; i++) {
    await page.keyboard.press('Tab');
    row = await page.evaluate(() => document.activeElement.closest('#table-body tr[data-site]')?.dataset.site ?? null);
  }
  assert.ok(row, 'Tab reaches a row of the list');
  const { nodes } = await session.graph();
  assert.ok(nodes.find((n) => n.id === row).tracker, `${row}: the list puts trackers first`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((site) => document.body.dataset.selected === site
    && document.querySelector('#panel-body h2')?.textContent === site && document.activeElement === document.querySelector('#panel-body h2'), row, { timeout: 5000 });
  assert.equal(await page.evaluate(() => document.querySelector(`#table-body tr.selected`)?.dataset.site), row);
  // The details' controls, by Tab, each with its focus shown.
  const reached = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => {
      const e = document.activeElement;
      if (!document.getElementById('panel').contains(e)) return null;
      const s = getComputedStyle(e);
      return { text: e.textContent.trim(), shows: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 };
    });
    if (!at) break;
    reached.push(at);
  }
  assert.ok(reached.some((c) => c.text === 'Block'), JSON.stringify(reached));
  assert.deepEqual(reached.filter((c) => !c.shows), []);
  await page.screenshot({ path: screenshotPath('a11y-graph-keyboard.png') });
  // Enter on Block blocks it; Escape closes the details and focus is back on the row.
  await page.focus('#panel-body button.act');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#panel-body button.act')?.textContent === 'Unblock', null, { timeout: 10_000 });
  await page.keyboard.press('Escape');
  await page.waitForFunction((site) => document.body.dataset.selected === '' && document.getElementById('panel').getAttribute('aria-hidden') === 'true'
    && document.activeElement.closest('#table-body tr[data-site]')?.dataset.site === site, row, { timeout: 5000 });
  await session.ask('act', { intent: { do: 'unblock', site: row }, tab: -1 });
  await page.close();
});

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
