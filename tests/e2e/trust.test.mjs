// End-to-end tests of what Telltale trusts, in headless Chromium
// (tests/e2e/browser.mjs): only its own pages may change or read its state
// (a content script, which speaks for a possibly hostile page, may only
// report probe signals); a rule list loaded from a URL stays within its
// limits (https every hop, a time limit on the whole list, a size cap); and a
// page flooding forged probe events cannot flood the worker.
//
// Code runs in the content script's own world (the relay's isolated world)
// through CDP: `Runtime.executionContextCreated` names it after the
// extension, and `Runtime.evaluate` runs there with its `chrome.runtime`.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launch, poll, screenshotPath, sleep } from './browser.mjs';
import { FLOOD, LIMITS, startFixtureWeb } from './fixture-web.mjs';
import { FLOOD_FORGERIES, FLOOD_SCRIPT, GOOD_PACK, guardedState, handlerNames, privilegedMessages } from './trust-checks.mjs';

let web;
let session;
const ask = (...a) => session.ask(...a);

before(async () => {
  web = await startFixtureWeb();
  session = await launch(web);
});

after(async () => {
  try {
    if (session) await session.close();
  } finally {
    if (web) await web.close();
  }
});

/**
 * A function that runs an expression in the extension's content-script world
 * of `page`'s main frame (the relay's isolated world) and returns its value.
 */
async function contentScriptWorld(page) {
  const cdp = await session.ctx.newCDPSession(page);
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', ({ context }) => contexts.push(context));
  await cdp.send('Runtime.enable');
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const ctx = await poll(() => contexts.find((c) => c.auxData && c.auxData.type === 'isolated' && c.auxData.frameId === frameTree.frame.id
    && c.name === 'Telltale' && c.origin === `chrome-extension://${session.extensionId}`));
  return async (expression) => {
    const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression, contextId: ctx.id, awaitPromise: true, returnByValue: true });
    assert.ok(!exceptionDetails, JSON.stringify(exceptionDetails));
    return result.value;
  };
}

test('a content script may report probe signals and nothing else: every other message from it is refused and changes nothing', async () => {
  // A valid export of an empty state, taken before any browsing: importing it would empty the graph.
  const emptyExport = await ask('exportAll');
  await ask('addPack', { name: 'trusted.json', text: GOOD_PACK });
  const page = await session.ctx.newPage();
  await page.goto('https://news.example/', { waitUntil: 'load' });
  await poll(async () => (await ask('graphView', { filters: {} })).nodes.length >= 5);
  await session.webQuiet();
  const tab = (await session.extPage.evaluate(() => chrome.tabs.query({}))).find((t) => t.url === page.url()).id;
  const { user } = await ask('packs');
  const packId = user.find((p) => p.name === 'trusted.json').id;

  const run = await contentScriptWorld(page);
  assert.equal(await run('typeof chrome.runtime.sendMessage'), 'function', 'the content script world has the extension API');
  const before = await guardedState(ask);
  const forgedBefore = (await ask('status')).stats.probe_forged;

  const messages = privilegedMessages({ tab, packId, emptyExport });
  assert.deepEqual(messages.map((m) => m.type).sort(), handlerNames().filter((n) => n !== 'signals_report').sort(), 'every handler is tried');
  for (const m of messages) {
    const res = await run(`chrome.runtime.sendMessage(${JSON.stringify(m)})`);
    assert.equal(res && res.ok, false, `${m.type} from a content script: ${JSON.stringify(res).slice(0, 300)}`);
    assert.match(res.error, new RegExp(`^${m.type}: refused: only Telltale's own pages`), m.type);
  }
  // Nothing changed: the graph kept its nodes (no clearAll, no importAll), no choice was added,
  // the pack is there and enabled (no addPack, setPackEnabled, removePack), the settings are as they were.
  await sleep(500);
  const afterwards = await guardedState(ask);
  assert.deepEqual(afterwards, before);
  assert.ok(afterwards.nodes.includes('doubleclick.net'), afterwards.nodes.join(', '));
  assert.deepEqual(afterwards.packs.map((p) => [p.name, p.enabled]), [['trusted.json', true]]);
  assert.equal(afterwards.settings.retentionDays, before.settings.retentionDays);
  assert.ok(!afterwards.loaded.includes('evil-pack'));

  // The same world is a content script the background listens to: its probe report is taken.
  const taken = await run(`chrome.runtime.sendMessage({ type: 'signals_report', signals: [], forged: 7 })`);
  assert.equal(taken, true);
  await poll(async () => (await ask('status')).stats.probe_forged === forgedBefore + 7);
  await page.close();
});

test("probe reports from Telltale's own pages are refused; its pages' own messages still work", async () => {
  const forged = (await ask('status')).stats.probe_forged;
  // The options page, opened in a tab: the browser gives it a tab, yet it is no content script.
  const res = await session.extPage.evaluate(() => chrome.runtime.sendMessage({ type: 'signals_report', signals: [], forged: 5 }));
  assert.deepEqual(res, { ok: false, error: 'signals_report: refused: only the content script in a web page reports probe signals' });
  const popup = await session.ctx.newPage();
  await popup.goto(`chrome-extension://${session.extensionId}/popup/popup.html`);
  const fromPopup = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'signals_report', signals: [{ script: 'https://x.test/a.js', signal: { type: 'canvas_extract' }, count: 1 }], forged: 5 }));
  assert.equal(fromPopup.ok, false, JSON.stringify(fromPopup));
  const status = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'status' }));
  assert.equal(status.ok, true, 'the popup still asks what it needs');
  await popup.close();
  await sleep(300);
  assert.equal((await ask('status')).stats.probe_forged, forged);
});

test('a page flooding forged probe events sends the worker at most one message a second, every forgery counted', async (t) => {
  const page = await session.ctx.newPage();
  await page.goto(`https://${FLOOD.site}/`, { waitUntil: 'load' });
  await session.webQuiet();
  await sleep(1500); // past the probe's first batch and the relay's period
  const before = (await ask('status')).stats;
  const start = Date.now();
  await page.evaluate(FLOOD_SCRIPT);
  await poll(async () => (await ask('status')).stats.probe_forged - before.probe_forged >= FLOOD_FORGERIES, { timeout: 10_000 });
  const seconds = (Date.now() - start) / 1000;
  await sleep(1500); // anything still on its way
  const settled = (await ask('status')).stats;
  assert.equal(settled.probe_forged - before.probe_forged, FLOOD_FORGERIES, 'every forgery counted, none twice');
  const messages = settled.events - before.events;
  t.diagnostic(`${FLOOD_FORGERIES} forgeries in ${seconds.toFixed(1)} s: ${messages} events`);
  assert.ok(messages >= 2 && messages <= Math.ceil(seconds) + 2, `${messages} events for the flood in ${seconds.toFixed(1)} s`);
  await page.close();
});

test('a rule list from a URL: no redirect off https (not even requested), a redirect to https loads, the whole list within 20 s, at most 32 MB', async () => {
  const o = await session.ctx.newPage();
  await o.goto(`chrome-extension://${session.extensionId}/options/options.html`);
  await o.waitForSelector('body[data-ready="1"]');
  const packsBefore = (await ask('packs')).user.map((p) => p.name);
  const shown = async (url, pattern, timeout = 8000) => {
    await o.fill('#pack-url', '');
    await o.locator('#pack-error').evaluate((e) => { e.textContent = ''; });
    await o.fill('#pack-url', url);
    const t0 = Date.now();
    await o.getByRole('button', { name: 'Load', exact: true }).click();
    const text = await poll(async () => (await o.locator('#pack-error').innerText()) || null, { timeout });
    assert.match(text, pattern, url);
    assert.ok(await o.locator('#pack-error').isVisible());
    return Date.now() - t0;
  };
  const url = (p) => `https://lists.example${p}`;

  // (a) A redirect to http: refused, and the http request is never made.
  const plain = web.plain.length;
  const mark = web.log.length;
  await shown(url(LIMITS.toHttp), new RegExp(`^${url(LIMITS.toHttp)}: redirected to an address that is not https: lists are loaded over https only`));
  await sleep(300);
  assert.equal(web.plain.length, plain, 'no plain http request reached the server');
  assert.deepEqual(web.log.slice(mark).map((r) => r.path), [LIMITS.toHttp], 'only the https request was made');

  // (c) A body that trickles: the 20 s cover the whole list, not only the answer's headers.
  const took = await shown(url(LIMITS.trickle), new RegExp(`^${url(LIMITS.trickle)}: not received in full in 20 s \\(\\d+ KB arrived\\): expected the whole list within that time$`), 30_000);
  assert.ok(took >= 19_000 && took < 26_000, `gave up after ${took} ms`);

  // (d) Over 32 MB, as it streams (no length given), and when the length says so.
  await shown(url(LIMITS.huge), new RegExp(`^${url(LIMITS.huge)}: larger than 32 MB: expected a rule list of at most 32 MB$`), 15_000);
  await shown(url(LIMITS.declared), new RegExp(`^${url(LIMITS.declared)}: larger than 32 MB: expected a rule list of at most 32 MB$`));
  assert.deepEqual((await ask('packs')).user.map((p) => p.name), packsBefore, 'no pack added by a refused list');
  await o.screenshot({ path: screenshotPath('options-list-limits.png'), fullPage: true });

  // (b) A redirect to an https list: followed, and the list loads.
  await o.fill('#pack-url', url(LIMITS.moved));
  await o.getByRole('button', { name: 'Load', exact: true }).click();
  await o.locator('#packs tr[data-pack="moved.json"]').waitFor();
  assert.ok(await o.locator('#pack-error').isHidden());
  assert.ok((await ask('packs')).loaded.some((p) => p.name === 'from-a-url' && p.entities === 1));
  await o.close();
});
