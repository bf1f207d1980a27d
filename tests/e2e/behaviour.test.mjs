// End-to-end tests of behaviour detection in headless Chromium: on
// behave.example (tests/e2e/fixture-web.mjs), a session recorder and a
// canvas and font fingerprinter and a key logger that no rule pack names are
// caught by what they do while a person moves the mouse, scrolls and types; benign
// look-alikes (a chart, a logo saved on click, page-view counting, an
// autocomplete widget, a form that posts on submit) are not. Also: the probe
// leaves no global name and keeps wrapped functions' toString, and a page
// that forges the probe's reports is ignored and counted.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { EXT, launch, poll, screenshotPath, sleep } from './browser.mjs';
import { BEHAVE, FRAMES, LONG_SCRIPT_PATH, RRWEB, SYNC, TRICKS, siteOf, startFixtureWeb } from './fixture-web.mjs';
import {
  BREAK_HASHING, BROWSER_ERRORS, CANVAS_IMAGE, COLLECTION_HOOKS, EXPECTED_SHAPES, EXTENSION_TRACES, FORGE_REPORTS, HOOK_COUNTS, HOSTILE_PAGE, JSON_HOOKS, PROBE_EVENTS_HEARD, STEER,
  TRICK_EVENTS, WRAPPER_SHAPES, WRONG_RECEIVER_ERRORS,
} from './page-checks.mjs';
import { BUDGET_STEER, budgetSteered } from './page-checks.mjs';

let web;
let s;
let page;

before(async () => {
  web = await startFixtureWeb();
  s = await launch(web);
});

after(async () => {
  try {
    if (s) await s.close();
  } finally {
    if (web) await web.close();
  }
});

const ask = (...a) => s.ask(...a);

// What the person types on behave.example: never stored, exported or hashed outside the page.
const TYPED = { q: 'sector', pw: 'fixture-pass-42', comment: 'a comment posted on submit' };

test('a person on behave.example: moves, scrolls, types, saves the logo, submits the form', async () => {
  page = await s.ctx.newPage();
  await page.goto(`https://${BEHAVE.site}/`, { waitUntil: 'load', timeout: 15_000 });
  await s.webQuiet();
  for (let i = 0; i < 20; i++) await page.mouse.move(30 + i * 12, 40 + i * 8);
  await page.mouse.wheel(0, 400);
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
});

test('the key logger no pack names is caught by what it sends, the password called out, nothing typed kept', async () => {
  const site = BEHAVE.keylogger;
  const d = await poll(async () => {
    const n = await ask('nodeDetails', { site });
    return n && n.evidence.some((e) => e.startsWith('behaviour key-logging')) && n;
  }, { timeout: 15_000 });
  assert.equal(d.tracker, true);
  assert.ok(d.categories.includes('session-replay'), JSON.stringify(d.categories));
  const line = d.evidence.find((e) => e.startsWith('behaviour key-logging'));
  assert.match(line, /^behaviour key-logging: sends what you type before you submit it, a password among it: a password field as its SHA-256 hash, a text field in base64, \d+ times? to keylog-fixture\.test \(on behave\.example, script k\.keylog-fixture\.test\/s\.js, /);
  // The popup of the page says it, in the row of the company that received it.
  const tabs = await s.extPage.evaluate(() => chrome.tabs.query({}));
  const tab = tabs.find((t) => t.url === page.url());
  const popup = await s.ctx.newPage();
  await popup.setViewportSize({ width: 400, height: 900 });
  await popup.goto(`chrome-extension://${s.extensionId}/popup/popup.html?tab=${tab.id}`);
  await popup.waitForSelector('body[data-ready="1"]');
  const why = await popup.$$eval('.why', (els) => els.map((e) => e.title));
  assert.ok(why.some((w) => w.split('\n').includes(line)), JSON.stringify(why));
  await popup.screenshot({ path: screenshotPath('popup-key-logging.png'), fullPage: true });
  await popup.close();
  // What was typed, and its hashes, are nowhere in what the extension keeps or exports.
  const kept = [JSON.stringify(await s.extPage.evaluate(() => chrome.storage.local.get(null))), await ask('snapshot'),
    JSON.stringify(await ask('export', { format: 'json' })), JSON.stringify(await ask('signals'))].join('\n');
  for (const v of Object.values(TYPED)) {
    for (const form of [v, Buffer.from(v).toString('base64').replace(/=+$/, ''), crypto.createHash('sha256').update(v).digest('hex')]) {
      assert.ok(!kept.includes(form), `${form} is kept`);
    }
  }
});

test('the recorder no pack names is session replay by behaviour, with its counts as evidence', async () => {
  const site = BEHAVE.recorder;
  const d = await poll(async () => {
    const n = await ask('nodeDetails', { site });
    return n && n.categories.includes('session-replay') && n;
  }, { timeout: 15_000 });
  assert.equal(d.tracker, true);
  const line = d.evidence.find((e) => e.startsWith('behaviour session-replay: records your mouse, keys and page changes'));
  assert.ok(line, JSON.stringify(d.evidence));
  assert.match(line, /\d+ mouse and scroll listeners, \d+ key and input listeners, DOM observer, \d+ batch(es)? sent to replay-fixture\.test/);
  assert.ok(line.includes(`on ${BEHAVE.site}, script cdn.${site}/s.js`), line);
  // The graph page's details panel says it in the same words.
  const g = await s.ctx.newPage();
  await g.setViewportSize({ width: 1280, height: 800 });
  await g.goto(`chrome-extension://${s.extensionId}/graph/graph.html`);
  await g.waitForFunction(() => document.querySelectorAll('#canvas canvas').length > 0, null, { timeout: 10_000 });
  await g.click('#show-list');
  await g.click(`#table-body tr[data-site="${site}"]`, { timeout: 5000 });
  await g.waitForSelector('#panel-body ul.evidence', { timeout: 5000 });
  const shown = await g.$$eval('#panel-body ul.evidence li', (lis) => lis.map((li) => li.textContent));
  assert.ok(shown.includes(line), JSON.stringify(shown));
  await g.screenshot({ path: screenshotPath('graph-panel-behaviour.png') });
  await g.close();
});

test('the canvas and font fingerprinter is fingerprinting by behaviour; WebGL is noted', async () => {
  const d = await poll(async () => {
    const n = await ask('nodeDetails', { site: BEHAVE.fingerprinter });
    return n && n.categories.includes('fingerprinting') && n.evidence.some((e) => e.startsWith('behaviour font-fingerprinting')) && n;
  }, { timeout: 15_000 });
  assert.equal(d.tracker, true);
  assert.ok(d.evidence.some((e) => e.startsWith('behaviour canvas-fingerprinting: reads back a canvas it drew text on')), JSON.stringify(d.evidence));
  assert.ok(d.evidence.some((e) => /measures text in (5\d|60) fonts/.test(e)), JSON.stringify(d.evidence));
});

test('benign look-alikes are not flagged', async (t) => {
  const flagged = [];
  for (const [what, host] of Object.entries(BEHAVE.benign)) {
    const n = await ask('nodeDetails', { site: siteOf(host) });
    assert.ok(n, `${host} was loaded`);
    // Lists may name some of them (EasyPrivacy blocks third-party pings): only behaviour is judged here.
    if (n.evidence.some((e) => e.startsWith('behaviour '))) flagged.push(`${what} (${host}): ${JSON.stringify(n)}`);
  }
  t.diagnostic(`false positives: ${flagged.length} of ${Object.keys(BEHAVE.benign).length} benign look-alikes`);
  assert.deepEqual(flagged, []);
});

test('rrweb, a real open-source recorder from npm, on a host no pack names: session replay by behaviour alone', async () => {
  const p = await s.ctx.newPage();
  await p.goto(`https://${RRWEB.site}/`, { waitUntil: 'load', timeout: 15_000 });
  for (let i = 0; i < 20; i++) await p.mouse.move(40 + i * 10, 60 + i * 6);
  await p.mouse.wheel(0, 500);
  await p.click('#q');
  await p.keyboard.type('hello world', { delay: 20 });
  const n = await poll(async () => {
    const d = await ask('nodeDetails', { site: RRWEB.vendor });
    return d && d.categories.includes('session-replay') && d.evidence.some((e) => e.startsWith('behaviour key-logging')) && d;
  }, { timeout: 15_000 });
  assert.equal(n.tracker, true);
  assert.deepEqual(n.evidence.filter((e) => !e.startsWith('behaviour ')), [], `no list named it: ${JSON.stringify(n.evidence)}`);
  // rrweb records text fields as typed (and masks passwords): its uploads hold what was typed.
  assert.ok(n.evidence.some((e) => e.startsWith('behaviour key-logging: sends what you type before you submit it: a text field as typed')), JSON.stringify(n.evidence));
  await p.close();
});

test('the probe is invisible to the page and its reports cannot be forged', async () => {
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
  // Across realms too: a frame's toString prints the page's wrappers as built-ins, and the other way round.
  const crossRealm = await page.evaluate(() => {
    const f = document.createElement('iframe');
    document.body.append(f);
    const w = f.contentWindow;
    const out = [w.Function.prototype.toString.call(window.fetch), Function.prototype.toString.call(w.fetch),
      w.Function.prototype.toString.call(Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').get),
      w.Function.prototype.toString.call(Function.prototype.toString), Function.prototype.toString.call(w.Function.prototype.toString),
      Function.prototype.toString.call(function mine() { return 1; })];
    f.remove();
    return out;
  });
  assert.deepEqual(crossRealm, ['function fetch() { [native code] }', 'function fetch() { [native code] }', 'function get value() { [native code] }',
    'function toString() { [native code] }', 'function toString() { [native code] }', 'function mine() { return 1; }']);
  // The probe's reports travel where no page script can listen: a listener on the document hears none.
  const heard = await page.evaluate(PROBE_EVENTS_HEARD);
  assert.equal(heard, 0, 'a page heard the probe');
  // toJSON hooks on the page's prototypes neither break the probe's reports nor show the page an error.
  assert.equal(await page.evaluate(JSON_HOOKS), 0, 'error events the page saw');
  await poll(async () => Object.values((await ask('signals'))[BEHAVE.site] || {}).some((c) => c['listener:pointerdown'] > 0), { timeout: 5000 });
  // Hooks on Map, Set and WeakMap see none of the probe's data, and its report still arrives.
  assert.equal(await page.evaluate(COLLECTION_HOOKS), 0, 'probe data seen by the page\'s collection hooks');
  await poll(async () => Object.values((await ask('signals'))[BEHAVE.site] || {}).some((c) => c['listener:dblclick'] > 0), { timeout: 5000 });
  const before = (await ask('status')).stats.probe_forged || 0;
  await page.evaluate(FORGE_REPORTS);
  const after = await poll(async () => {
    const n = (await ask('status')).stats.probe_forged || 0;
    return n > before && n;
  }, { timeout: 5000 });
  assert.ok(after >= before + 1, `forged reports counted: ${after}`);
  const signals = (await ask('signals'))[BEHAVE.site] || {};
  assert.ok(!Object.keys(signals).some((k) => k.startsWith('innocent.example')), JSON.stringify(Object.keys(signals)));
});

test('hostile page scripts: wrapped functions behave, throw and print as before; a flood is sampled and counted', async () => {
  // The browser's own answers: the extension's page, where no content script runs.
  const native = await s.extPage.evaluate(WRONG_RECEIVER_ERRORS);
  const nativeImage = await s.extPage.evaluate(CANVAS_IMAGE);
  const sampledBefore = (await ask('status')).stats.probe_sampled || 0;
  const r = await page.evaluate(HOSTILE_PAGE);
  assert.deepEqual(r.badThis, native);
  assert.ok(r.badThis.every((m) => m.startsWith('TypeError: ')), JSON.stringify(r.badThis));
  assert.equal(r.image, nativeImage);
  assert.equal(r.secondListener, true);
  assert.equal(r.redefined, true);
  assert.equal(r.frozenStillDraws, true);
  // The flood's own: what was sampled before it (the page's earlier calls past the budget) is left out.
  const sampled = await poll(async () => {
    const n = ((await ask('status')).stats.probe_sampled || 0) - sampledBefore;
    return n >= 1000 && n;
  }, { timeout: 5000 }).catch(async () => ((await ask('status')).stats.probe_sampled || 0) - sampledBefore);
  assert.ok(sampled >= 1000, `a flood past 500 distinct signals a second is sampled and counted: ${sampled}`);
  const kept = Object.keys((await ask('signals'))[BEHAVE.site] || {}).length;
  assert.ok(kept <= 256, `scripts kept for the page: ${kept}`);
});


test('in cross-origin, sandboxed and sandboxed srcdoc frames the probe runs unseen: fingerprinting caught, hostile scripts unharmed', async () => {
  const p = await s.ctx.newPage();
  await p.goto(`https://${FRAMES.site}/`, { waitUntil: 'load', timeout: 15_000 });
  const frames = await poll(() => p.evaluate(() => Object.keys(window.__frames).length === 3 && window.__frames), { timeout: 10_000 });
  assert.deepEqual(Object.keys(frames).sort(), [FRAMES.sandboxed, 'srcdoc', FRAMES.cross].sort());
  for (const f of Object.values(frames)) {
    assert.deepEqual(f.badThis, ['TypeError', 'TypeError'], JSON.stringify(f));
    assert.ok(f.native && f.secondListener && f.redefined && f.frozenStillDraws && f.image > 1000, JSON.stringify(f));
  }
  assert.equal(frames[FRAMES.sandboxed].origin, 'null', 'the sandboxed frame has an opaque origin');
  for (const host of [FRAMES.cross, FRAMES.sandboxed, FRAMES.srcdoc]) {
    const d = await poll(async () => {
      const n = await ask('nodeDetails', { site: siteOf(host) });
      return n && n.evidence.some((e) => e.startsWith('behaviour canvas-fingerprinting')) && n.evidence.some((e) => e.startsWith('behaviour font-fingerprinting')) && n;
    }, { timeout: 15_000 });
    assert.ok(d.tracker && d.categories.includes('fingerprinting'), JSON.stringify(d));
    assert.ok(d.evidence.some((e) => e.includes(`on ${FRAMES.site}, script ${host}/fp.js`)), JSON.stringify(d.evidence));
  }
  await p.close();
});

test('a syncing pair no pack names: an A → B "syncs with" edge, both cross-site-cookies, no value kept', async () => {
  const p = await s.ctx.newPage();
  await p.goto(`https://${SYNC.site}/`, { waitUntil: 'load', timeout: 15_000 });
  await poll(() => web.log.some((r) => r.host === SYNC.b && r.query.includes(SYNC.uid)), { timeout: 10_000 });
  await s.webQuiet();
  const [a, b] = [siteOf(SYNC.a), siteOf(SYNC.b)];
  const da = await poll(async () => {
    const n = await ask('nodeDetails', { site: a });
    return n && n.syncs_with.length && n;
  }, { timeout: 15_000 });
  assert.deepEqual(da.syncs_with, [[b, ['uid']]]);
  assert.ok(da.categories.includes('cross-site-cookies') && da.tracker, JSON.stringify(da));
  assert.ok(da.evidence.some((e) => e === `heuristic cookie-sync: syncs cookie uid with ${b} (its value in the query of a request there)`), JSON.stringify(da.evidence));
  const db = await ask('nodeDetails', { site: b });
  assert.deepEqual(db.synced_from, [[a, ['uid']]]);
  assert.ok(db.categories.includes('cross-site-cookies') && db.tracker);
  const view = await ask('graphView', { filters: {} });
  const edge = view.edges.find((e) => e.source === a && e.target === b);
  assert.equal(edge && edge.state, 'syncs', JSON.stringify(edge));
  const dot = await ask('export', { format: 'dot' });
  assert.ok(JSON.stringify(dot).includes('syncs with'), 'the DOT export labels the sync');
  // The identifier is nowhere in what the extension stores or exports.
  const stored = JSON.stringify(await s.extPage.evaluate(() => chrome.storage.local.get(null)));
  assert.ok(!stored.includes(SYNC.uid), 'no cookie value in storage');
  assert.ok(!(await ask('snapshot')).includes(SYNC.uid) && !JSON.stringify(await ask('export', { format: 'json' })).includes(SYNC.uid));
  const graph = await s.ctx.newPage();
  await graph.goto(`chrome-extension://${s.extensionId}/graph/graph.html`);
  await graph.waitForSelector('#legend .legend-syncs', { timeout: 15_000 });
  await graph.screenshot({ path: screenshotPath('graph-syncs.png') });
  await graph.close();
  await p.close();
});

// What the probe records of each script on a page, by the page's site.
const signalsOf = async (site) => (await ask('signals'))[site] || {};
const ACTOR_SCRIPT = `${TRICKS.actor}/act.js`;
const INNOCENT_SCRIPT = `${TRICKS.innocent}/lib.js`;

test('the probe runs in strict mode: no page code reaches its functions through a stack', () => {
  const built = fs.readFileSync(path.join(EXT, 'injected/probe.js'), 'utf8');
  assert.ok(built.startsWith('"use strict";'), built.slice(0, 40));
  assert.ok(!built.includes('chrome-extension:'), 'the bundle names no extension URL');
});

test('no trick of a page, each on its own, steers, reads or hides what the probe records', async () => {
  // What the relay forwards, as the extension's own page hears it.
  await s.extPage.evaluate(() => {
    window.__reports = [];
    chrome.runtime.onMessage.addListener((m) => { if (m && m.type === 'signals_report') window.__reports.push(m); });
  });
  const p = await s.ctx.newPage();
  await p.goto(`https://${TRICKS.site}/`, { waitUntil: 'load', timeout: 15_000 });
  const seen = {};
  for (const trick of Object.keys(TRICK_EVENTS)) {
    seen[trick] = await p.evaluate(STEER(trick, TRICKS.innocent, TRICKS.sink));
    const event = `listener:${TRICK_EVENTS[trick]}`;
    // The listener is the actor's, or with the stack tampered with beyond repair, no one's.
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

test('a session recorder that plays every trick is still session replay; the library it blames gets nothing', async () => {
  const p = await s.ctx.newPage();
  await p.goto(`https://${TRICKS.sly}/`, { waitUntil: 'load', timeout: 15_000 });
  for (let i = 0; i < 20; i++) await p.mouse.move(40 + i * 10, 60 + i * 6);
  await p.mouse.wheel(0, 500);
  await p.click('#q');
  await p.keyboard.type('tricky', { delay: 20 });
  const d = await poll(async () => {
    const n = await ask('nodeDetails', { site: siteOf(TRICKS.recorder) });
    return n && n.categories.includes('session-replay') && n;
  }, { timeout: 15_000 });
  assert.ok(d.tracker && d.evidence.some((e) => e.startsWith('behaviour session-replay: records your mouse, keys and page changes')), JSON.stringify(d));
  const innocent = await ask('nodeDetails', { site: siteOf(TRICKS.innocent) });
  assert.ok(innocent, 'the innocent library was loaded');
  assert.deepEqual(innocent.evidence.filter((e) => e.startsWith('behaviour ')), [], JSON.stringify(innocent));
  assert.ok(!Object.keys(await signalsOf(TRICKS.sly)).some((k) => k.startsWith(TRICKS.innocent)), 'signals named the innocent library');
  const sly = await p.evaluate(() => ({ probeData: window.__sly.probeData, reached: window.__sly.reached }));
  assert.deepEqual(sly, { probeData: 0, reached: 0 }, 'what the recorder saw of the probe');
  await p.close();
});

test('no stack, error, toString or descriptor a page can read names the extension', async () => {
  const p = await s.ctx.newPage();
  await p.goto(`https://${BEHAVE.site}/`, { waitUntil: 'load', timeout: 15_000 });
  const text = await p.evaluate(EXTENSION_TRACES);
  // The page did see stacks (the check is not empty), and none names the extension.
  assert.match(text, /at /);
  for (const needle of ['chrome-extension:', s.extensionId]) assert.ok(!text.includes(needle), `${needle} in:\n${text.split('\n').filter((l) => l.includes(needle)).join('\n')}`);
  // The same errors as the browser's own, message for message.
  const msgs = (t) => t.split('\n').filter((l) => /^(TypeError|RangeError|SyntaxError|IndexSizeError|InvalidStateError|Error)\b/.test(l)).join('\n');
  assert.equal(msgs(text), msgs(await s.extPage.evaluate(EXTENSION_TRACES)));
  // The browser's own errors have the very stack they have without the probe: no frame of it.
  assert.deepEqual(await p.evaluate(BROWSER_ERRORS), await s.extPage.evaluate(BROWSER_ERRORS));
  await p.close();
});

test('wrapped functions run a page\'s hooks as often and in the same order as the browser\'s own', async () => {
  const p = await s.ctx.newPage();
  await p.goto(`https://${BEHAVE.site}/`, { waitUntil: 'load', timeout: 15_000 });
  const sink = `collect.${BEHAVE.fingerprinter}`;
  const native = await s.extPage.evaluate(HOOK_COUNTS(sink));
  const untyped = await p.evaluate(HOOK_COUNTS(sink));
  // Something typed and not submitted: the probe then looks in what is sent, fetch's init.body included.
  await p.click('#q');
  await p.keyboard.type('hooked', { delay: 10 });
  const typed = await p.evaluate(HOOK_COUNTS(sink));
  assert.ok(native.length > 30, JSON.stringify(native));
  assert.deepEqual(typed, untyped);
  // fetch reads members of its init that a web page and the extension's page need not share (adAuctionHeaders):
  // those the probe never touches (nothing typed) are compared as the page's browser reads them.
  const inPage = native.filter((l) => !l.startsWith('init:get:') || untyped.includes(l));
  assert.deepEqual(untyped, inPage);
  await p.close();
});

test('a page that breaks typed arrays cannot hide a password sent as its SHA-256', async () => {
  const p = await s.ctx.newPage();
  await p.goto(`https://${TRICKS.site}/`, { waitUntil: 'load', timeout: 15_000 });
  await p.evaluate(BREAK_HASHING);
  await p.click('#secret');
  await p.keyboard.type('hunter-2-hunter', { delay: 10 });
  await p.evaluate((url) => window.__act.sendHash(url), `https://${TRICKS.sink}/k`);
  const d = await poll(async () => {
    const n = await ask('nodeDetails', { site: siteOf(TRICKS.sink) });
    return n && n.evidence.some((e) => e.startsWith('behaviour key-logging')) && n;
  }, { timeout: 15_000 });
  assert.ok(d.evidence.some((e) => /a password field as its SHA-256 hash/.test(e)), JSON.stringify(d.evidence));
  await p.close();
});

test('a page that spends the probe\'s budget through an innocent library cannot have its own calls blamed on it', async () => {
  const p = await s.ctx.newPage();
  await p.goto(`https://${TRICKS.site}/`, { waitUntil: 'load', timeout: 15_000 });
  await p.evaluate(BUDGET_STEER);
  const sig = await poll(async () => {
    const all = await signalsOf(TRICKS.site);
    return budgetSteered(all, INNOCENT_SCRIPT, ACTOR_SCRIPT).length === 0 && all;
  }, { timeout: 6000 }).catch(() => signalsOf(TRICKS.site));
  assert.deepEqual(budgetSteered(sig, INNOCENT_SCRIPT, ACTOR_SCRIPT), []);
  await p.close();
});
