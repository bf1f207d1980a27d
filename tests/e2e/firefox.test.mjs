// End-to-end tests in Firefox: the built extension (dist/firefox) in headless
// Firefox ESR (tests/e2e/firefox.mjs), browsing the same fixture web as the
// Chromium tests and held to the same expectations (tests/e2e/expect.mjs).
// Firefox differs where it matters to the extension: no `extraHeaders` (the
// Cookie and Set-Cookie headers come without it), an event page instead of a
// service worker, and MV3 content scripts in the MAIN world of its own.
//
// Firefox suspends the idle background here after 1.5 s (30 s by default), so
// the background stops and wakes again while the tests browse.
//
// Behaviour detection, cookie syncing and the probe's integrity are held to
// what tests/e2e/behaviour.test.mjs asks of Chromium; where Firefox words its
// own errors differently, to what Firefox says without the probe.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { poll, screenshotPath, sleep } from './browser.mjs';
import { EXT_FIREFOX, launchFirefox } from './firefox.mjs';
import { BEHAVE, FRAMES, LONG_SCRIPT_PATH, SYNC, TRICKS, siteOf, startFixtureWeb } from './fixture-web.mjs';
import {
  BREAK_HASHING, CANVAS_IMAGE, COLLECTION_HOOKS, EXPECTED_SHAPES, EXTENSION_TRACES, FORGE_REPORTS, HOOK_COUNTS, HOSTILE_PAGE, JSON_HOOKS, PROBE_EVENTS_HEARD, STEER,
  TRICK_EVENTS, WRAPPER_SHAPES, WRONG_RECEIVER_ERRORS,
} from './page-checks.mjs';
import { BUDGET_STEER, budgetSteered } from './page-checks.mjs';
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

// What the person types on behave.example, as in behaviour.test.mjs: never stored, exported or hashed outside the page.
const TYPED = { q: 'sector', pw: 'fixture-pass-42', comment: 'a comment posted on submit' };

// A person on behave.example, once for the tests that judge it: moves, scrolls,
// types a search and a password, saves the logo, then writes a comment and
// submits the form. Each test awaits it, so one's failed assertion leaves the
// others their page.
let behaved = null;
function behave() {
  behaved ??= (async () => {
    const page = await openSite(BEHAVE.site);
    await page.bringToFront();
    await s.webQuiet();
    for (let i = 0; i < 20; i++) await page.mouse.move(30 + i * 12, 40 + i * 8);
    await page.mouse.wheel({ deltaY: 400 });
    await page.click('#q');
    await page.keyboard.type(TYPED.q, { delay: 20 });
    await page.click('#pw');
    await page.keyboard.type(TYPED.pw, { delay: 20 });
    // The key logger sends a quarter of a second after the last key.
    await poll(() => web.log.some((r) => r.host === `in.${BEHAVE.keylogger}`), { timeout: 5000 });
    await page.click('#save-logo');
    assert.ok(await page.evaluate(() => window.__logo > 0), 'the logo was saved');
    await page.evaluate(() => { document.getElementById('suggest').append(document.createElement('p')); });
    await page.click('#comment');
    await page.keyboard.type(TYPED.comment, { delay: 5 });
    await page.click('#send');
    await poll(() => web.log.some((r) => r.host === BEHAVE.benign.form && r.path === '/post'), { timeout: 5000 });
    await s.webQuiet();
    return page;
  })();
  return behaved;
}

/** All the extension keeps in storage, as text (made in the extension page: no value is lost on the way). */
const stored = () => s.extPage.evaluate(async () => JSON.stringify(await chrome.storage.local.get(null)));

test('Firefox: behaviour detection catches the unlisted recorder and fingerprinter, not the look-alikes', async (t) => {
  await behave();
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
  // Judged after the form was submitted: the form's post holds the comment, sent on submit, so it is no key logging.
  const flagged = [];
  for (const [what, host] of Object.entries(BEHAVE.benign)) {
    const n = await s.ask('nodeDetails', { site: siteOf(host) });
    assert.ok(n, `${host} was loaded`);
    if (n.evidence.some((e) => e.startsWith('behaviour '))) flagged.push(`${what} (${host}): ${JSON.stringify(n.evidence)}`);
  }
  t.diagnostic(`false positives: ${flagged.length} of ${Object.keys(BEHAVE.benign).length} benign look-alikes`);
  assert.deepEqual(flagged, []);
});

test('Firefox: the key logger no pack names is caught by what it sends, the password called out, nothing typed kept', async () => {
  await behave();
  const d = await poll(async () => {
    const n = await s.ask('nodeDetails', { site: BEHAVE.keylogger });
    return n && n.evidence.some((e) => e.startsWith('behaviour key-logging')) && n;
  }, { timeout: 15_000 });
  assert.equal(d.tracker, true);
  assert.ok(d.categories.includes('session-replay'), JSON.stringify(d.categories));
  const line = d.evidence.find((e) => e.startsWith('behaviour key-logging'));
  assert.match(line, /^behaviour key-logging: sends what you type before you submit it, a password among it: a password field as its SHA-256 hash, a text field in base64, \d+ times? to keylog-fixture\.test \(on behave\.example, script k\.keylog-fixture\.test\/s\.js, /);
  // What was typed, and its hashes, are nowhere in what the extension keeps or exports.
  const kept = [await stored(), await s.ask('snapshot'), JSON.stringify(await s.ask('export', { format: 'json' })),
    JSON.stringify(await s.ask('signals'))].join('\n');
  for (const v of Object.values(TYPED)) {
    for (const form of [v, Buffer.from(v).toString('base64').replace(/=+$/, ''), crypto.createHash('sha256').update(v).digest('hex')]) {
      assert.ok(!kept.includes(form), `${form} is kept`);
    }
  }
});

test('Firefox: the site report of behave.example names each finding, how it was measured, and reads the same from disk', async () => {
  const page = await behave();
  for (const site of [BEHAVE.recorder, BEHAVE.keylogger, BEHAVE.fingerprinter]) {
    await poll(async () => (await s.ask('nodeDetails', { site })).evidence.some((e) => e.startsWith('behaviour ')), { timeout: 15_000 });
  }
  const id = (await s.extPage.evaluate(() => chrome.tabs.query({}))).find((t) => t.url === page.url()).id;
  const popup = await s.browser.newPage();
  await s.openExtensionPage(popup, `popup/popup.html?tab=${id}`);
  await poll(() => popup.evaluate(() => document.body.dataset.ready === '1'), { timeout: 10_000 });
  const href = await popup.evaluate(() => document.getElementById('site-report').getAttribute('href'));
  assert.equal(href, `../report/report.html?site=${BEHAVE.site}`);
  await popup.close();
  const report = await s.browser.newPage();
  await report.setViewport({ width: 1100, height: 900 });
  await s.openExtensionPage(report, `report/report.html?site=${BEHAVE.site}`);
  await poll(() => report.evaluate(() => document.body.dataset.ready === '1'), { timeout: 10_000 });
  assert.equal(await report.title(), `What ${BEHAVE.site} did`);
  const sec = await report.evaluate(() => Object.fromEntries([...document.querySelectorAll('main section')].map((x) => [x.querySelector('h2').textContent, x.textContent])));
  assert.match(sec['Session recorders'], /replay-fixture\.test/);
  assert.match(sec['Key logging'], /keylog-fixture\.test[\s\S]*a password field as its SHA-256 hash/);
  assert.match(sec['Canvas and font fingerprinting'], /canvas-fixture\.test/);
  assert.match(sec['How this was measured'], /Browser\s*Firefox \d+\.\d+/);
  assert.match(sec['How this was measured'], /Pages\s*\d+ pages?/);
  const text = await report.evaluate(() => document.querySelector('main').innerText);
  for (const v of Object.values(TYPED)) assert.ok(!text.includes(v), 'nothing typed is in the report');
  await report.screenshot({ path: screenshotPath('firefox-site-report.png') });
  // Export HTML: the button saves the core's document; that document, opened from disk, reads as the page.
  await report.click('#export-html');
  await poll(() => report.evaluate(() => document.getElementById('status').textContent === `Saved telltale-report-${location.search.slice(6)}.html.`), { timeout: 5000 });
  const html = await report.evaluate(async () => (await chrome.runtime.sendMessage({ type: 'siteReport', site: 'behave.example', userAgent: navigator.userAgent })).value);
  const file = screenshotPath('firefox-site-report-export.html');
  fs.writeFileSync(file, html);
  const fromDisk = await s.browser.newPage();
  await fromDisk.goto(`file://${file}`);
  assert.equal(await fromDisk.evaluate(() => document.querySelector('main').innerText), text);
  await fromDisk.close();
  await report.close();
});

// Third-party cookies are on in this profile (firefox.mjs: network.cookie.cookieBehavior 0), as in the Chromium tests.
test('Firefox: a syncing pair no pack names: an A → B "syncs with" edge, both cross-site-cookies, no value kept', async () => {
  const page = await openSite(SYNC.site);
  await poll(() => web.log.some((r) => r.host === SYNC.b && r.query.includes(SYNC.uid)), { timeout: 10_000 });
  // A's cookie came back to it: Firefox kept the third-party cookie.
  assert.ok(web.log.some((r) => r.host === SYNC.a && r.path === '/sync' && r.cookie.includes(`uid=${SYNC.uid}`)), 'the sync request carried A\'s cookie');
  await s.webQuiet();
  const [a, b] = [siteOf(SYNC.a), siteOf(SYNC.b)];
  const da = await poll(async () => {
    const n = await s.ask('nodeDetails', { site: a });
    return n && n.syncs_with.length && n;
  }, { timeout: 15_000 });
  assert.deepEqual(da.syncs_with, [[b, ['uid']]]);
  assert.ok(da.categories.includes('cross-site-cookies') && da.tracker, JSON.stringify(da));
  assert.ok(da.evidence.some((e) => e === `heuristic cookie-sync: syncs cookie uid with ${b} (its value in the query of a request there)`), JSON.stringify(da.evidence));
  const db = await s.ask('nodeDetails', { site: b });
  assert.deepEqual(db.synced_from, [[a, ['uid']]]);
  assert.ok(db.categories.includes('cross-site-cookies') && db.tracker, JSON.stringify(db));
  const edge = (await s.graph()).edges.find((e) => e.source === a && e.target === b);
  assert.equal(edge && edge.state, 'syncs', JSON.stringify(edge));
  const dot = await s.ask('export', { format: 'dot' });
  assert.ok(JSON.stringify(dot).includes('syncs with'), 'the DOT export labels the sync');
  const graph = await s.browser.newPage();
  await graph.setViewport({ width: 1280, height: 800 });
  await s.openExtensionPage(graph, 'graph/graph.html');
  await poll(() => graph.evaluate(() => !!document.querySelector('#legend .legend-syncs')), { timeout: 15_000 });
  await graph.screenshot({ path: screenshotPath('firefox-graph-syncs.png') });
  await graph.close();
  await page.close();
  delete tabs[SYNC.site];
  // The identifier is nowhere in what the extension stores or exports.
  assert.ok(!(await s.ask('snapshot')).includes(SYNC.uid), 'no cookie value in the snapshot');
  assert.ok(!JSON.stringify(await s.ask('export', { format: 'json' })).includes(SYNC.uid), 'no cookie value in the JSON export');
  assert.ok(!(await stored()).includes(SYNC.uid), 'no cookie value in storage');
});

/** behave.example in a tab of its own, for a test that plays the page. */
async function behavePage() {
  const page = await s.browser.newPage();
  await page.goto(`https://${BEHAVE.site}/`, { waitUntil: 'load', timeout: 15_000 });
  return page;
}

test('Firefox: the probe is invisible to the page and its reports cannot be forged', async () => {
  const page = await behavePage();
  const seen = await page.evaluate(() => ({
    globals: Object.getOwnPropertyNames(window).filter((n) => /telltale/i.test(n)),
    fetch: String(window.fetch),
    listener: Function.prototype.toString.call(EventTarget.prototype.addEventListener),
    toString: String(Function.prototype.toString),
  }));
  assert.deepEqual(seen.globals, []);
  for (const f of [seen.fetch, seen.listener, seen.toString]) assert.match(f, /\[native code\]/);
  // Wrapped functions look like the browser's own: name, length, no prototype, not constructible.
  assert.deepEqual(await page.evaluate(WRAPPER_SHAPES), EXPECTED_SHAPES);
  // The probe's reports travel where no page script can listen: a listener on the document hears none.
  const heard = await page.evaluate(PROBE_EVENTS_HEARD);
  assert.equal(heard, 0, 'a page heard the probe');
  // toJSON hooks on the page's prototypes neither break the probe's reports nor show the page an error.
  assert.equal(await page.evaluate(JSON_HOOKS), 0, 'error events the page saw');
  await poll(async () => Object.values((await s.ask('signals'))[BEHAVE.site] || {}).some((c) => c['listener:pointerdown'] > 0), { timeout: 5000 });
  // Hooks on Map, Set and WeakMap see none of the probe's data, and its report still arrives.
  assert.equal(await page.evaluate(COLLECTION_HOOKS), 0, 'probe data seen by the page\'s collection hooks');
  await poll(async () => Object.values((await s.ask('signals'))[BEHAVE.site] || {}).some((c) => c['listener:dblclick'] > 0), { timeout: 5000 });
  const before = (await s.ask('status')).stats.probe_forged || 0;
  await page.evaluate(FORGE_REPORTS);
  const after = await poll(async () => {
    const n = (await s.ask('status')).stats.probe_forged || 0;
    return n > before && n;
  }, { timeout: 5000 });
  assert.ok(after >= before + 1, `forged reports counted: ${after}`);
  const signals = (await s.ask('signals'))[BEHAVE.site] || {};
  assert.ok(!Object.keys(signals).some((k) => k.startsWith('innocent.example')), JSON.stringify(Object.keys(signals)));
  await page.close();
});

/**
 * A PNG data URL without its chunks of type `type`. Firefox's baseline
 * fingerprinting protection writes a chunk of its own (deBG, random bytes) into
 * the PNG a web page reads back, never into an extension page's; the pixels
 * are the same.
 */
function withoutChunk(dataUrl, type) {
  const [head, b64] = dataUrl.split(',');
  const png = Buffer.from(b64, 'base64');
  const kept = [png.subarray(0, 8)];
  for (let i = 8; i + 12 <= png.length;) {
    const end = i + 12 + png.readUInt32BE(i);
    if (png.toString('latin1', i + 4, i + 8) !== type) kept.push(png.subarray(i, end));
    i = end;
  }
  return `${head},${Buffer.concat(kept).toString('base64')}`;
}

test('Firefox: hostile page scripts: wrapped functions behave, throw and print as before; a flood is sampled and counted', async () => {
  const page = await behavePage();
  // Firefox's own words: an about:blank frame of the page has the probe too (it runs there at once), the extension page does not.
  const native = await s.extPage.evaluate(WRONG_RECEIVER_ERRORS);
  const nativeImage = await s.extPage.evaluate(CANVAS_IMAGE);
  const sampledBefore = (await s.ask('status')).stats.probe_sampled || 0;
  const r = await page.evaluate(HOSTILE_PAGE);
  assert.deepEqual(r.badThis, native);
  assert.deepEqual(r.badThis, [
    "TypeError: 'toDataURL' called on an object that does not implement interface HTMLCanvasElement.",
    "TypeError: 'getImageData' called on an object that does not implement interface CanvasRenderingContext2D.",
    "TypeError: 'addEventListener' called on an object that does not implement interface EventTarget.",
    "TypeError: 'send' called on an object that does not implement interface XMLHttpRequest.",
  ]);
  assert.equal(withoutChunk(r.image, 'deBG'), nativeImage, 'the canvas read back through the wrapper is what Firefox draws without it');
  assert.equal(r.secondListener, true);
  assert.equal(r.redefined, true);
  assert.equal(r.frozenStillDraws, true);
  // The flood's own: what was sampled before it (the page's earlier calls past the budget) is left out.
  const sampled = await poll(async () => {
    const n = ((await s.ask('status')).stats.probe_sampled || 0) - sampledBefore;
    return n >= 1000 && n;
  }, { timeout: 5000 }).catch(async () => ((await s.ask('status')).stats.probe_sampled || 0) - sampledBefore);
  assert.ok(sampled >= 1000, `a flood past 500 distinct signals a second is sampled and counted: ${sampled}`);
  const kept = Object.keys((await s.ask('signals'))[BEHAVE.site] || {}).length;
  assert.ok(kept <= 256, `scripts kept for the page: ${kept}`);
  // Its 2,000 requests end with the tab.
  await page.close();
});

test('Firefox: in cross-origin, sandboxed and sandboxed srcdoc frames the probe runs unseen: fingerprinting caught, hostile scripts unharmed', async () => {
  const page = await s.browser.newPage();
  await page.goto(`https://${FRAMES.site}/`, { waitUntil: 'load', timeout: 15_000 });
  const frames = await poll(() => page.evaluate(() => Object.keys(window.__frames).length === 3 && window.__frames), { timeout: 10_000 });
  assert.deepEqual(Object.keys(frames).sort(), [FRAMES.sandboxed, 'srcdoc', FRAMES.cross].sort());
  for (const f of Object.values(frames)) {
    assert.deepEqual(f.badThis, ['TypeError', 'TypeError'], JSON.stringify(f));
    assert.ok(f.native && f.secondListener && f.redefined && f.frozenStillDraws && f.image > 1000, JSON.stringify(f));
  }
  assert.equal(frames[FRAMES.sandboxed].origin, 'null', 'the sandboxed frame has an opaque origin');
  for (const host of [FRAMES.cross, FRAMES.sandboxed, FRAMES.srcdoc]) {
    const d = await poll(async () => {
      const n = await s.ask('nodeDetails', { site: siteOf(host) });
      return n && n.evidence.some((e) => e.startsWith('behaviour canvas-fingerprinting')) && n.evidence.some((e) => e.startsWith('behaviour font-fingerprinting')) && n;
    }, { timeout: 15_000 });
    assert.ok(d.tracker && d.categories.includes('fingerprinting'), JSON.stringify(d));
    assert.ok(d.evidence.some((e) => e.includes(`on ${FRAMES.site}, script ${host}/fp.js`)), JSON.stringify(d.evidence));
  }
  await page.close();
});

// What the probe records of each script on a page, by the page's site.
const signalsOf = async (site) => (await s.ask('signals'))[site] || {};
const ACTOR_SCRIPT = `${TRICKS.actor}/act.js`;
const INNOCENT_SCRIPT = `${TRICKS.innocent}/lib.js`;

test('Firefox: the probe runs in strict mode', () => {
  const built = fs.readFileSync(path.join(EXT_FIREFOX, 'injected/probe.js'), 'utf8');
  assert.ok(built.startsWith('"use strict";'), built.slice(0, 40));
});

test('Firefox: no trick of a page, each on its own, steers, reads or hides what the probe records', async () => {
  // What the relay forwards, as the extension's own page hears it.
  await s.extPage.evaluate(() => {
    window.__reports = [];
    chrome.runtime.onMessage.addListener((m) => { if (m && m.type === 'signals_report') window.__reports.push(m); });
  });
  const p = await s.browser.newPage();
  await p.goto(`https://${TRICKS.site}/`, { waitUntil: 'load', timeout: 15_000 });
  const seen = {};
  for (const trick of Object.keys(TRICK_EVENTS)) {
    seen[trick] = await p.evaluate(STEER(trick, TRICKS.innocent, TRICKS.sink));
    const event = `listener:${TRICK_EVENTS[trick]}`;
    const by = trick === 'frozen' ? '(inline)' : ACTOR_SCRIPT;
    const sig = await poll(async () => {
      const all = await signalsOf(TRICKS.site);
      return all[by] && all[by][event] > 0 && all;
    }, { timeout: 5000 }).catch(() => signalsOf(TRICKS.site));
    assert.ok(sig[by] && sig[by][event] > 0, `${trick}: ${event} of ${by} missing: ${JSON.stringify(sig)}`);
    assert.ok(!Object.keys(sig).some((k) => k.startsWith(TRICKS.innocent)), `${trick}: the innocent library was named: ${JSON.stringify(sig)}`);
    if (trick === 'frozen') assert.ok(!(sig[ACTOR_SCRIPT] && sig[ACTOR_SCRIPT][event]), `${trick}: a stack the page controls named a script`);
    if (trick === 'url-hostname') assert.ok(sig[ACTOR_SCRIPT]['send_site:trick-actor.test'] > 0 && !sig[ACTOR_SCRIPT]['send_site:innocent-fixture.test'], JSON.stringify(sig));
  }
  for (const [trick, got] of Object.entries(seen)) assert.deepEqual(got, { probeData: 0, reached: 0, getterRuns: 0 }, `what ${trick} saw of the probe`);
  // What left the page: a stack made unreadable is reported as tampering; script URLs and a beacon's URL
  // without their query or fragment, a script's URL at most 512 characters long.
  await p.evaluate((url) => window.__act.beacon(url), `https://${TRICKS.sink}/b?user=someone#frag`);
  await p.evaluate(() => window.__act.listen('select'));
  // Past the second, once more: the page has cancelled the probe's timer (clear-timers), so it reports as it records.
  await sleep(1200);
  await p.evaluate(() => window.__act.listen('select'));
  const reports = await poll(async () => {
    const r = await s.extPage.evaluate(() => window.__reports);
    const all = r.flatMap((m) => m.signals);
    return all.some((x) => x.signal.type === 'beacon') && all.some((x) => x.script.includes('/long.js') || x.script.length === 512) && all;
  }, { timeout: 5000 });
  assert.ok(reports.some((x) => x.signal.type === 'tamper' && x.script === ''), 'tampering reported');
  const scripts = [...new Set(reports.map((x) => x.script))];
  assert.ok(scripts.includes(`https://${ACTOR_SCRIPT}`), JSON.stringify(scripts));
  assert.ok(scripts.includes(`https://${TRICKS.actor}${LONG_SCRIPT_PATH}`.slice(0, 512)), JSON.stringify(scripts));
  for (const sc of scripts) assert.ok(!/[?#]/.test(sc) && sc.length <= 512, sc);
  const beacons = reports.filter((x) => x.signal.type === 'beacon').map((x) => x.signal.url);
  assert.deepEqual([...new Set(beacons)], [`${TRICKS.sink}/b`]);
  await p.close();
});

test('Firefox: a session recorder that plays every trick is still session replay; the library it blames gets nothing', async () => {
  const p = await s.browser.newPage();
  await p.goto(`https://${TRICKS.sly}/`, { waitUntil: 'load', timeout: 15_000 });
  await p.bringToFront();
  for (let i = 0; i < 20; i++) await p.mouse.move(40 + i * 10, 60 + i * 6);
  await p.mouse.wheel({ deltaY: 500 });
  await p.click('#q');
  await p.keyboard.type('tricky', { delay: 20 });
  const d = await poll(async () => {
    const n = await s.ask('nodeDetails', { site: siteOf(TRICKS.recorder) });
    return n && n.categories.includes('session-replay') && n;
  }, { timeout: 15_000 });
  assert.ok(d.tracker && d.evidence.some((e) => e.startsWith('behaviour session-replay: records your mouse, keys and page changes')), JSON.stringify(d));
  const innocent = await s.ask('nodeDetails', { site: siteOf(TRICKS.innocent) });
  assert.ok(innocent, 'the innocent library was loaded');
  assert.deepEqual(innocent.evidence.filter((e) => e.startsWith('behaviour ')), [], JSON.stringify(innocent));
  assert.ok(!Object.keys(await signalsOf(TRICKS.sly)).some((k) => k.startsWith(TRICKS.innocent)), 'signals named the innocent library');
  const sly = await p.evaluate(() => ({ probeData: window.__sly.probeData, reached: window.__sly.reached }));
  assert.deepEqual(sly, { probeData: 0, reached: 0 }, 'what the recorder saw of the probe');
  await p.close();
});

test('Firefox: no stack, error, toString or descriptor a page can read names the extension or its installation\'s UUID', async () => {
  const p = await behavePage();
  const text = await p.evaluate(EXTENSION_TRACES);
  // The page did see stacks (the check is not empty), and the probe's frames show as anonymous code.
  assert.match(text, /@/);
  const uuid = new URL(await s.extPage.evaluate(() => location.href)).host;
  assert.match(uuid, /^[0-9a-f-]{36}$/);
  for (const needle of ['moz-extension:', uuid]) assert.ok(!text.includes(needle), `${needle} in:\n${text.split('\n').filter((l) => l.includes(needle)).join('\n')}`);
  // A frame of the probe, where one shows, is the probe's anonymous code.
  const frame = await p.evaluate(() => { try { EventTarget.prototype.addEventListener.call({}, 'x', null); } catch (e) { return e.stack.split('\n')[0]; } return ''; });
  assert.match(frame, /^[\w$ ]*@<anonymous code>:\d+:\d+$/);
  await p.close();
});

test('Firefox: wrapped functions run a page\'s hooks as often and in the same order as the browser\'s own', async () => {
  const p = await behavePage();
  await p.bringToFront();
  const sink = `collect.${BEHAVE.fingerprinter}`;
  const native = await s.extPage.evaluate(HOOK_COUNTS(sink));
  const untyped = await p.evaluate(HOOK_COUNTS(sink));
  await p.click('#q');
  await p.keyboard.type('hooked', { delay: 10 });
  const typed = await p.evaluate(HOOK_COUNTS(sink));
  assert.ok(native.length > 30, JSON.stringify(native));
  assert.deepEqual(typed, untyped);
  const inPage = native.filter((l) => !l.startsWith('init:get:') || untyped.includes(l));
  assert.deepEqual(untyped, inPage);
  await p.close();
});

test('Firefox: a page that breaks typed arrays cannot hide a password sent as its SHA-256', async () => {
  const p = await s.browser.newPage();
  await p.goto(`https://${TRICKS.site}/`, { waitUntil: 'load', timeout: 15_000 });
  await p.bringToFront();
  await p.evaluate(BREAK_HASHING);
  await p.click('#secret');
  await p.keyboard.type('hunter-2-hunter', { delay: 10 });
  await p.evaluate((url) => window.__act.sendHash(url), `https://${TRICKS.sink}/k`);
  const d = await poll(async () => {
    const n = await s.ask('nodeDetails', { site: siteOf(TRICKS.sink) });
    return n && n.evidence.some((e) => e.startsWith('behaviour key-logging')) && n;
  }, { timeout: 15_000 });
  assert.ok(d.evidence.some((e) => /a password field as its SHA-256 hash/.test(e)), JSON.stringify(d.evidence));
  await p.close();
});

test('Firefox: a page that spends the probe\'s budget through an innocent library cannot have its own calls blamed on it', async () => {
  const p = await s.browser.newPage();
  await p.goto(`https://${TRICKS.site}/`, { waitUntil: 'load', timeout: 15_000 });
  await p.evaluate(BUDGET_STEER);
  const sig = await poll(async () => {
    const all = await signalsOf(TRICKS.site);
    return budgetSteered(all, INNOCENT_SCRIPT, ACTOR_SCRIPT).length === 0 && all;
  }, { timeout: 6000 }).catch(() => signalsOf(TRICKS.site));
  assert.deepEqual(budgetSteered(sig, INNOCENT_SCRIPT, ACTOR_SCRIPT), []);
  await p.close();
});
