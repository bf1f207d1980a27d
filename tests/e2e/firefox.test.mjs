// End-to-end tests in Firefox: the built extension (dist/firefox) in headless
// Firefox ESR (tests/e2e/firefox.mjs), browsing the same fixture web as the
// Chromium tests and held to the same expectations (tests/e2e/expect.mjs).
// Firefox differs where it matters to the extension: no `extraHeaders` (the
// Cookie and Set-Cookie headers come without it), an event page instead of a
// service worker, and MV3 content scripts in the MAIN world of its own.
//
// Firefox suspends the idle background here after 1.5 s (30 s by default), so
// the background stops and wakes again while the tests browse.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { poll, screenshotPath, sleep } from './browser.mjs';
import { launchFirefox } from './firefox.mjs';
import { BEHAVE, siteOf, startFixtureWeb } from './fixture-web.mjs';
import { BROWSE, RECORDER_SCRIPT, assertGraphHasEveryRequest, assertSitesAsExpected, expectedTrackers, thirdPartiesOf } from './expect.mjs';

const IDLE_MS = 1500;

let web;
let s; // the Firefox session
const tabs = {}; // first-party site → Puppeteer page

async function openSite(site) {
  const page = tabs[site] || (await s.browser.newPage());
  tabs[site] = page;
  await page.goto(`https://${site}/`, { waitUntil: 'load', timeout: 15_000 });
  return page;
}

async function tabIdOf(page) {
  const url = page.url();
  const all = await s.extPage.evaluate(() => chrome.tabs.query({}));
  const t = all.find((x) => x.url === url);
  assert.ok(t, `no tab with URL ${url} among ${all.map((x) => x.url).join(', ')}`);
  return t.id;
}


before(async () => {
  web = await startFixtureWeb();
  s = await launchFirefox(web, { idleMs: IDLE_MS });
});

after(async () => {
  try {
    if (s) await s.close();
  } finally {
    if (web) await web.close();
  }
});

test('Firefox: every third-party request of the fixture is in the graph, with the default pack\'s categories', async () => {
  for (const site of BROWSE) await openSite(site);
  // Web fonts included: Firefox makes no cache-only attempt first.
  await assertGraphHasEveryRequest(s);
  const view = await s.graph();
  // Cross-site cookies included: Firefox shows Cookie and Set-Cookie without extraHeaders.
  assertSitesAsExpected(view, BROWSE);
  for (const tp of new Set(BROWSE.flatMap(thirdPartiesOf))) {
    const d = await s.ask('nodeDetails', { site: tp });
    assert.deepEqual(d.seen_on, BROWSE.filter((site) => thirdPartiesOf(site).includes(tp)).sort(), `seen_on of ${tp}`);
  }
  const redirects = view.edges.filter((e) => e.redirect).map((e) => `${e.source} → ${e.target}`).sort();
  assert.deepEqual(redirects, ['adnxs.com → criteo.com', 'criteo.com → criteo.net']);
});

test("Firefox: each tab's report and badge count its page's trackers", async () => {
  const wrong = [];
  for (const site of BROWSE) {
    const id = await tabIdOf(tabs[site]);
    const n = expectedTrackers(site, BROWSE).length;
    const report = (await s.ask('tabReport', { tab: id })).report;
    assert.equal(report.site, site);
    assert.deepEqual(report.third_parties.map((t) => t.site).sort(), thirdPartiesOf(site), `third parties on ${site}`);
    assert.equal(report.trackers, n, `tracker count of ${site}'s report`);
    const badge = () => s.extPage.evaluate((tabId) => chrome.action.getBadgeText({ tabId }), id);
    const text = await poll(async () => (await badge()) === String(n) && String(n), { timeout: 3000 }).catch(badge);
    if (text !== String(n)) wrong.push(`${site}: badge "${text}", expected ${n}`);
  }
  assert.deepEqual(wrong, []);
});

test('Firefox: the probe records what the session recorder does', async () => {
  const page = tabs['news.example'];
  await page.bringToFront();
  const before = (await s.ask('signals'))['news.example']?.[RECORDER_SCRIPT] || {};
  for (let i = 0; i < 10; i++) await page.mouse.move(20 + i * 15, 30 + i * 10);
  await page.click('#q');
  await page.keyboard.type('secret', { delay: 10 });
  const after = await poll(async () => {
    const sig = (await s.ask('signals'))['news.example']?.[RECORDER_SCRIPT];
    return sig && (sig.input_read || 0) >= (before.input_read || 0) + 6 && sig;
  });
  for (const key of ['listener:mousemove', 'listener:keydown', 'listener:input', 'listener:scroll', 'mutation_observer', 'input_read', 'beacon']) {
    assert.ok(after[key] >= 1, `${key} missing for ${RECORDER_SCRIPT}: ${JSON.stringify(after)}`);
  }
  const all = (await s.ask('signals'))['news.example'];
  for (const [script, sig] of Object.entries(all)) {
    if (script !== RECORDER_SCRIPT) assert.ok(!sig.input_read && !sig.mutation_observer, `${script}: ${JSON.stringify(sig)}`);
  }
  // The recorder's uploads are requests too.
  await assertGraphHasEveryRequest(s);
});

test('Firefox: the background suspended when idle loses nothing when browsing wakes it', async () => {
  const first = (await s.ask('status')).startedAt;
  for (let round = 0; round < 3; round++) {
    // Idle (nothing asks, nothing loads) past the idle timeout: Firefox suspends the background.
    await sleep(IDLE_MS + 2000);
    // A page load wakes it; its requests must all arrive.
    await openSite(BROWSE[round]);
    await s.webQuiet();
  }
  const st = await s.ask('status');
  assert.ok(st.startedAt > first, `the background did not restart (started at ${first}, now ${st.startedAt})`);
  await assertGraphHasEveryRequest(s);
});

test('Firefox: the popup and the graph page show what was seen', async () => {
  const id = await tabIdOf(tabs['news.example']);
  const popup = await s.browser.newPage();
  await popup.setViewport({ width: 420, height: 720 });
  await s.openExtensionPage(popup, `popup/popup.html?tab=${id}`);
  await poll(() => popup.evaluate(() => document.body.dataset.ready === '1'), { timeout: 10_000 });
  const text = await popup.evaluate(() => document.body.innerText);
  assert.ok(text.includes('news.example'), text);
  assert.match(text, new RegExp(`\\b${expectedTrackers('news.example', BROWSE).length}\\s+trackers?\\b`));
  assert.match(text, /Hotjar/);
  await popup.screenshot({ path: screenshotPath('firefox-popup-news.png'), fullPage: true });
  await popup.close();

  const page = await s.browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await s.openExtensionPage(page, 'graph/graph.html');
  await poll(() => page.evaluate(() => document.querySelectorAll('#canvas canvas').length > 0), { timeout: 10_000 });
  await sleep(1500);
  await page.screenshot({ path: screenshotPath('firefox-graph.png') });
  const drawn = await page.evaluate(() => ({ error: document.querySelector('#error:not([hidden]) #error-text')?.textContent || '', nodes: document.body.dataset.nodes }));
  assert.equal(drawn.error, '', 'the graph page reported an error');
  assert.equal(Number(drawn.nodes), (await s.graph()).nodes.length);
  await page.click('#show-list');
  await poll(() => page.evaluate(() => !!document.querySelector('#table-body tr[data-site="hotjar.com"]')), { timeout: 5000 });
  const rows = await page.evaluate(() => [...document.querySelectorAll('#table-body tr[data-site]')].map((r) => r.dataset.site));
  for (const tp of thirdPartiesOf('news.example')) assert.ok(rows.includes(tp), `${tp} not in the list view`);
  await page.screenshot({ path: screenshotPath('firefox-graph-list.png'), fullPage: true });
  await page.close();
});

test('Firefox: behaviour detection catches the unlisted recorder and fingerprinter, not the look-alikes', async (t) => {
  const page = await openSite(BEHAVE.site);
  await page.bringToFront();
  for (let i = 0; i < 20; i++) await page.mouse.move(30 + i * 12, 40 + i * 8);
  await page.mouse.wheel({ deltaY: 400 });
  await page.click('#q');
  await page.keyboard.type('sector', { delay: 20 });
  await page.click('#save-logo');
  const rec = await poll(async () => {
    const n = await s.ask('nodeDetails', { site: BEHAVE.recorder });
    return n && n.categories.includes('session-replay') && n;
  }, { timeout: 15_000 });
  assert.ok(rec.tracker && rec.evidence.some((e) => e.startsWith('behaviour session-replay: records your mouse, keys and page changes')), JSON.stringify(rec));
  const fp = await poll(async () => {
    const n = await s.ask('nodeDetails', { site: BEHAVE.fingerprinter });
    return n && n.evidence.some((e) => e.startsWith('behaviour canvas-fingerprinting')) && n.evidence.some((e) => e.startsWith('behaviour font-fingerprinting')) && n;
  }, { timeout: 15_000 });
  assert.ok(fp.tracker && fp.categories.includes('fingerprinting'), JSON.stringify(fp));
  const flagged = [];
  for (const host of Object.values(BEHAVE.benign)) {
    const n = await s.ask('nodeDetails', { site: siteOf(host) });
    if (n && n.evidence.some((e) => e.startsWith('behaviour '))) flagged.push(host);
  }
  t.diagnostic(`false positives: ${flagged.length} of ${Object.keys(BEHAVE.benign).length} benign look-alikes`);
  assert.deepEqual(flagged, []);
});
