// End-to-end tests: the built extension (dist/chrome) in headless Chromium,
// browsing the fixture web (tests/e2e/fixture-web.mjs). Run them with
// scripts/test-e2e.sh, which builds the extension and runs the e2e test files
// in a network namespace with only loopback, so nothing leaves the machine.
// The browser is launched by tests/e2e/browser.mjs.
//
// The tests share one browser and run in order: each builds on what the
// earlier ones browsed (the cookie heuristic needs two sites, the badge test
// needs the open tabs, the export test the whole graph).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { EXT, ROOT, launch, poll, screenshotPath, sleep } from './browser.mjs';
import { HOSTILE, SITES, siteOf, startFixtureWeb } from './fixture-web.mjs';
import {
  BROWSE, FONT_SITE, PACK, RECORDER_SCRIPT, assertGraphHasEveryRequest as assertGraphHasEveryRequestOf, assertSitesAsExpected,
  TRACKING, expectedTrackers, thirdPartiesOf,
} from './expect.mjs';

const STRESS_SITE = 'weather.example';
const STRESS_LOADS = 20;

// ------------------------------------------------------------------ the browser

let web;
let session; // the browser (tests/e2e/browser.mjs)
let ctx;
let extensionId;
let extPage; // an extension page that asks the background for the core's state
let worker; // the extension's worker ({status, starts}), from ServiceWorker.workerVersionUpdated
const tabs = {}; // first-party site → Playwright page

const webQuiet = (...a) => session.webQuiet(...a);
const ask = (...a) => session.ask(...a);
const workerTargets = () => session.workerTargets();
const stopWorker = () => session.stopWorker();

async function graph() {
  return session.graph();
}

async function tabIdOf(page) {
  const url = page.url();
  const all = await extPage.evaluate(() => chrome.tabs.query({}));
  const t = all.find((x) => x.url === url);
  assert.ok(t, `no tab with URL ${url} among ${all.map((x) => x.url).join(', ')}`);
  return t.id;
}

async function badge(tabId) {
  return extPage.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
}

async function openSite(site, query = '') {
  const page = tabs[site] || (await ctx.newPage());
  tabs[site] = page;
  await page.goto(`https://${site}/${query}`, { waitUntil: 'load', timeout: 15_000 });
  return page;
}

/**
 * Waits (at most 3 s, not an assertion) until a freshly loaded tab's badge shows
 * its count for the sites visited so far, so that what happens next is not
 * folded into the same badge update by its 150 ms debounce.
 */
async function settleBadge(site, visited) {
  const id = await tabIdOf(tabs[site]);
  const n = String(expectedTrackers(site, visited).length);
  await poll(async () => (await badge(id)) === n, { timeout: 3000, interval: 50 }).catch(() => {});
  await sleep(200);
}

/** Asserts that the graph's edges count exactly the requests the fixture web served (web fonts apart). */
const assertGraphHasEveryRequest = ({ except = [FONT_SITE] } = {}) => assertGraphHasEveryRequestOf(session, { except });

before(async () => {
  web = await startFixtureWeb();
  session = await launch(web);
  ({ ctx, extensionId, extPage, worker } = session);
});

after(async () => {
  try {
    if (session) await session.close();
  } finally {
    if (web) await web.close();
  }
});

// ------------------------------------------------------------------ tests

test('the expected categories agree with rules/default.json', () => {
  // The lookup of rules/README.md: a domain covers its subdomains, the longest
  // listed domain wins, and a pattern (host or host/path-prefix, matching at a
  // segment boundary) adds its categories to its own entity.
  const pack = JSON.parse(fs.readFileSync(path.join(ROOT, 'rules/default.json'), 'utf8'));
  const domains = new Map();
  const patterns = new Map();
  pack.entities.forEach((e, i) => {
    for (const d of e.domains || []) domains.set(d, i);
    for (const p of e.patterns || []) {
      const slash = p.match.indexOf('/');
      const host = slash < 0 ? p.match : p.match.slice(0, slash);
      const prefix = slash < 0 ? '/' : p.match.slice(slash);
      if (!patterns.has(host)) patterns.set(host, []);
      patterns.get(host).push({ prefix, categories: p.categories, entity: i });
    }
  });
  const company = (i) => pack.entities[i].company || pack.entities[i].name;
  const lookup = (hostPath) => {
    const slash = hostPath.indexOf('/');
    const host = hostPath.slice(0, slash);
    const p = hostPath.slice(slash);
    const labels = host.split('.');
    let found = null;
    for (let k = 0; k < labels.length; k++) {
      const a = labels.slice(k).join('.');
      if (!found && domains.has(a)) found = { entity: domains.get(a), categories: new Set(pack.entities[domains.get(a)].categories) };
      const list = (patterns.get(a) || []).sort((x, y) => y.prefix.length - x.prefix.length);
      const hit = list.find((x) => p.startsWith(x.prefix) && (p === x.prefix || x.prefix.endsWith('/') || p[x.prefix.length] === '/'));
      if (hit) {
        found ||= { entity: hit.entity, categories: new Set(pack.entities[hit.entity].categories) };
        if (company(found.entity) === company(hit.entity)) hit.categories.forEach((c) => found.categories.add(c));
        return found;
      }
    }
    return found;
  };
  const easyprivacy = new Set(JSON.parse(fs.readFileSync(path.join(ROOT, 'rules/easyprivacy.json'), 'utf8')).filter_lists[0].filters);
  for (const [site, { hosts, categories, easyprivacy: filter }] of Object.entries(PACK)) {
    const union = new Set();
    if (filter) {
      assert.ok(easyprivacy.has(filter), `${filter} is in rules/easyprivacy.json`);
      union.add('tracking');
    }
    for (const h of hosts) {
      assert.equal(siteOf(h.split('/')[0]), site);
      const m = lookup(h);
      if (m) m.categories.forEach((c) => union.add(c));
      else assert.deepEqual(categories, [], `${h} is in no pack`);
    }
    // `tracking` gives way to a tracking category that says how (rules/README.md).
    if (union.has('tracking') && [...union].some((c) => c !== 'tracking' && TRACKING.has(c))) union.delete('tracking');
    assert.deepEqual([...union].sort(), categories, site);
  }
  // Every third-party site of the fixture has an expectation.
  for (const site of Object.keys(SITES)) for (const tp of thirdPartiesOf(site)) assert.ok(PACK[tp], tp);
});

test('a cookie on one site is not cross-site; on a second site the unlisted tracker is flagged', async () => {
  await openSite('news.example');
  await settleBadge('news.example', ['news.example']);
  // The pixel's request and its Set-Cookie were observed...
  const d1 = await poll(async () => {
    const d = await ask('nodeDetails', { site: 'unlisted-tracker.test' });
    return d && d.cookies.some(([name]) => name === 'tid') && d;
  });
  // ...and one site is not enough.
  assert.deepEqual(d1.seen_on, ['news.example']);
  assert.deepEqual(d1.categories, []);
  assert.equal(d1.tracker, false);
  let node = (await graph()).nodes.find((n) => n.id === 'unlisted-tracker.test');
  assert.ok(node && !node.tracker && !node.categories.includes('cross-site-cookies'), JSON.stringify(node));

  await openSite('shop.example');
  await settleBadge('shop.example', ['news.example', 'shop.example']);
  const d2 = await poll(async () => {
    const d = await ask('nodeDetails', { site: 'unlisted-tracker.test' });
    return d.categories.includes('cross-site-cookies') && d;
  });
  assert.deepEqual(d2.categories, ['cross-site-cookies']);
  assert.equal(d2.tracker, true);
  assert.deepEqual(d2.seen_on, ['news.example', 'shop.example']);
  assert.ok(d2.evidence.some((e) => e.includes('cross-site-cookies')), JSON.stringify(d2.evidence));
  node = (await graph()).nodes.find((n) => n.id === 'unlisted-tracker.test');
  assert.deepEqual(node.categories, ['cross-site-cookies']);
  assert.equal(node.tracker, true);
  assert.equal(node.reach, 2);
});

test('every third-party request of the fixture is in the graph, with the default pack\'s categories', async () => {
  for (const [i, site] of BROWSE.entries()) {
    if (tabs[site]) continue;
    await openSite(site);
    await settleBadge(site, BROWSE.slice(0, i + 1));
  }
  const edges = await assertGraphHasEveryRequest();
  const view = await graph();
  assertSitesAsExpected(view, BROWSE);
  // Reach: each third party was seen on exactly the sites that load it.
  for (const tp of Object.keys(PACK)) {
    const on = BROWSE.filter((s) => thirdPartiesOf(s).includes(tp));
    const d = await ask('nodeDetails', { site: tp });
    assert.deepEqual(d.seen_on, [...on].sort(), `seen_on of ${tp}`);
  }
  // The cookie sync is a redirect chain: AppNexus → Criteo → Criteo's pixel host.
  const redirects = view.edges.filter((e) => e.redirect).map((e) => `${e.source} → ${e.target}`).sort();
  assert.deepEqual(redirects, ['adnxs.com → criteo.com', 'criteo.com → criteo.net']);
  // The like button's frame loads Facebook's SDK: facebook.com → facebook.net.
  assert.ok(edges['facebook.com → facebook.net'] >= 1, JSON.stringify(edges));
});

test("each tab's badge counts its page's trackers", async () => {
  const wrong = [];
  for (const site of BROWSE) {
    const id = await tabIdOf(tabs[site]);
    const n = expectedTrackers(site, BROWSE).length;
    const report = (await ask('tabReport', { tab: id })).report;
    assert.equal(report.site, site);
    assert.deepEqual(report.third_parties.map((t) => t.site).sort(), thirdPartiesOf(site), `third parties on ${site}`);
    assert.deepEqual(report.third_parties.filter((t) => t.tracker).map((t) => t.site).sort(), expectedTrackers(site, BROWSE), `trackers on ${site}`);
    assert.equal(report.trackers, n, `tracker count of ${site}'s report`);
    const text = await poll(async () => (await badge(id)) === String(n) && String(n), { timeout: 2000 }).catch(() => badge(id));
    if (text !== String(n)) wrong.push(`${site} (tab ${id}): badge "${text}", but the core counts ${report.trackers} trackers on the tab (${expectedTrackers(site, BROWSE).join(', ')})`);
  }
  assert.deepEqual(wrong, []);
});

test('the probe records what the session recorder does', async () => {
  const page = tabs['news.example'];
  await page.bringToFront();
  const before = (await ask('signals'))['news.example']?.[RECORDER_SCRIPT] || {};
  for (let i = 0; i < 10; i++) await page.mouse.move(20 + i * 15, 30 + i * 10);
  await page.click('#q');
  await page.keyboard.type('secret', { delay: 10 });
  await page.mouse.wheel(0, 300);
  const after = await poll(async () => {
    const s = (await ask('signals'))['news.example']?.[RECORDER_SCRIPT];
    return s && (s.input_read || 0) >= (before.input_read || 0) + 6 && s;
  });
  for (const key of ['listener:mousemove', 'listener:keydown', 'listener:input', 'listener:scroll', 'mutation_observer', 'input_read', 'beacon']) {
    assert.ok(after[key] >= 1, `${key} missing for ${RECORDER_SCRIPT}: ${JSON.stringify(after)}`);
  }
  // Only the recorder did these things on the page: no other script is blamed for reading inputs.
  const all = (await ask('signals'))['news.example'];
  for (const [script, sig] of Object.entries(all)) {
    if (script !== RECORDER_SCRIPT) assert.ok(!sig.input_read && !sig.mutation_observer, `${script}: ${JSON.stringify(sig)}`);
  }
  // The recorder's uploads are requests too: the graph has all of them.
  await assertGraphHasEveryRequest();
});

const HOSTILE_HOSTS = [
  // Host names with quotes, '=' and parentheses are valid URLs to Chromium.
  'px.a"onfocus="__pwned=1"autofocus="b.test',
  "px.a'onmouseover='__pwned=1'b.test",
];

test('hostile host names, paths and cookie names are recorded as data', async () => {
  const statsBefore = (await ask('status')).stats;
  const forum = await openSite(HOSTILE.site, '?q=<img src=x onerror=window.__pwned=1>');
  await forum.evaluate((hosts) => Promise.all(hosts.map((h) => fetch(`https://${h}/p.gif`, { mode: 'no-cors' }).catch(() => {}))), HOSTILE_HOSTS);
  await webQuiet();
  // The markup cookie names were observed (as names, parsed by the core).
  const cookieNode = await poll(async () => {
    const d = await ask('nodeDetails', { site: 'hostile.test' });
    return d && d.cookies.length >= HOSTILE.cookieNames.length && d;
  });
  assert.deepEqual(cookieNode.cookies.map(([name]) => name).sort(), [...HOSTILE.cookieNames].sort());
  assert.equal((await ask('nodeDetails', { site: 'x.test' })).requests, 2);
  // Host names the core cannot use are counted, not dropped silently.
  const stats = await poll(async () => {
    const st = (await ask('status')).stats;
    return st.bad_urls >= statsBefore.bad_urls + HOSTILE_HOSTS.length && st;
  }).catch(async () => (await ask('status')).stats);
  assert.ok(stats.bad_urls >= statsBefore.bad_urls + HOSTILE_HOSTS.length, `bad_urls ${statsBefore.bad_urls} → ${stats.bad_urls}`);
  assert.ok(!(await graph()).nodes.some((n) => /["'=]/.test(n.id)), 'a hostile host name became a node');
});

test('hostile names cannot inject markup into the popup', async () => {
  const forum = tabs[HOSTILE.site];
  const id = await tabIdOf(forum);
  const popup = await ctx.newPage();
  const dialogs = [];
  popup.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  await popup.setViewportSize({ width: 420, height: 600 });
  await popup.goto(`chrome-extension://${extensionId}/popup/popup.html?tab=${id}`);
  await popup.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
  await popup.mouse.move(100, 100);
  await popup.mouse.move(200, 300);
  await sleep(200);
  const dom = await popup.evaluate(() => ({
    pwned: typeof window.__pwned,
    text: document.body.innerText,
    injected: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`)),
    foreign: document.querySelectorAll('script:not([src]), iframe, object, embed').length,
    imgs: [...document.images].map((i) => i.src).filter((src) => !src.startsWith(`chrome-extension://${location.host}/`)),
  }));
  await popup.screenshot({ path: screenshotPath('popup-hostile.png'), fullPage: true });
  assert.equal(dom.pwned, 'undefined');
  assert.deepEqual(dialogs, []);
  assert.deepEqual(dom.injected, []);
  assert.equal(dom.foreign, 0);
  assert.deepEqual(dom.imgs, [], 'images from outside the extension');
  // The third parties show, as text.
  assert.match(dom.text, /x\.test/);
  assert.match(dom.text, /hostile\.test/);
  await popup.close();
});

test('the popup shows the current tab\'s trackers', async () => {
  for (const site of ['news.example', 'shop.example']) {
    const id = await tabIdOf(tabs[site]);
    const popup = await ctx.newPage();
    await popup.setViewportSize({ width: 420, height: 720 });
    await popup.goto(`chrome-extension://${extensionId}/popup/popup.html?tab=${id}`);
    await popup.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
    const text = await popup.evaluate(() => document.body.innerText);
    assert.ok(text.includes(site), `${site} not in the popup`);
    assert.match(text, new RegExp(`\\b${expectedTrackers(site, BROWSE).length}\\s+trackers?\\b`));
    await popup.screenshot({ path: screenshotPath(`popup-${site.split('.')[0]}.png`), fullPage: true });
    await popup.close();
  }
});

test('without WebGL the graph page says so and lists the same sites', async () => {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // As in a browser where WebGL is turned off: no WebGL context for any canvas.
  await page.addInitScript(() => {
    const getContext = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
      return /webgl/i.test(String(type)) ? null : getContext.call(this, type, ...rest);
    };
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`chrome-extension://${extensionId}/graph/graph.html`);
  await page.waitForSelector('#error:not([hidden])', { timeout: 10_000 });
  const shown = await page.evaluate(() => ({
    error: document.getElementById('error-text').textContent,
    listPressed: document.getElementById('show-list').getAttribute('aria-pressed'),
    rows: [...document.querySelectorAll('#table-body tr[data-site]')].map((r) => r.dataset.site),
  }));
  await page.screenshot({ path: screenshotPath('graph-no-webgl.png') });
  assert.match(shown.error, /WebGL, which is turned off in this browser/);
  assert.equal(shown.listPressed, 'true');
  const nodes = (await graph()).nodes.map((n) => n.id);
  assert.deepEqual([...shown.rows].sort(), [...nodes].sort());
  assert.deepEqual(errors, []);
  await page.close();
});

test('the graph page and list view render without injected markup', async () => {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`chrome-extension://${extensionId}/graph/graph.html`);
  await page.waitForFunction(() => document.querySelectorAll('#canvas canvas').length > 0, null, { timeout: 10_000 });
  await sleep(1500);
  await page.screenshot({ path: screenshotPath('graph.png') });
  await page.click('#show-list');
  await page.waitForSelector('#table-body tr[data-site="hotjar.com"]', { timeout: 5000 });
  await page.screenshot({ path: screenshotPath('graph-list.png'), fullPage: true });
  // The details panel of the site that set cookies named with markup.
  await page.click('#table-body tr[data-site="hostile.test"]');
  await page.waitForSelector('#panel-body table.cookies', { timeout: 5000 });
  await page.mouse.move(900, 300);
  await page.mouse.move(1000, 400);
  await sleep(200);
  await page.screenshot({ path: screenshotPath('graph-panel-hostile.png') });
  const dom = await page.evaluate(() => ({
    pwned: typeof window.__pwned,
    injected: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`)),
    foreign: document.querySelectorAll('script:not([src]), iframe, object, embed').length
      + [...document.images].filter((i) => !i.src.startsWith(`chrome-extension://${location.host}/`)).length,
    cookieNames: [...document.querySelectorAll('#panel-body table.cookies td.mono')].map((td) => td.textContent),
    text: document.body.innerText,
  }));
  assert.equal(dom.pwned, 'undefined');
  assert.deepEqual(dom.injected, []);
  assert.equal(dom.foreign, 0);
  // The markup shows as the literal text it is.
  assert.deepEqual(dom.cookieNames.sort(), [...HOSTILE.cookieNames].sort());
  assert.match(dom.text, /hotjar\.com/);
  assert.deepEqual(errors, []);
  await page.close();
});

const stressRequests = (view) => view.edges.filter((e) => e.source === STRESS_SITE).reduce((n, e) => n + e.requests, 0);
const stressServed = () => web.log.filter((r) => r.page === STRESS_SITE && r.site !== STRESS_SITE).length;

test('stopping the service worker 20 times mid-browse loses nothing', async () => {
  const page = await ctx.newPage();
  tabs[STRESS_SITE] = page;
  const status0 = await ask('status');
  // Requests the graph lacks so far, and the loads at which that number grew.
  let missing = 0;
  const losses = [];
  // Waits (briefly) until the running worker shows every request served so far; notes any shortfall.
  const caughtUp = async (i) => {
    const ok = await poll(async () => stressRequests(await graph()) === stressServed() - missing, { timeout: 1500, interval: 5 })
      .catch(() => false);
    if (ok) return;
    await webQuiet(300);
    const now = stressServed() - stressRequests(await graph());
    if (now !== missing) losses.push(`load ${i}: ${now - missing} missing`);
    missing = now;
  };
  await stopWorker(); // so that the first load wakes a stopped worker
  await poll(() => worker.status === 'stopped', { timeout: 3000 });
  const starts0 = worker.starts;
  for (let i = 0; i < STRESS_LOADS; i++) {
    const before = worker.starts;
    await page.goto(`https://${STRESS_SITE}/?visit=${i}`, { waitUntil: 'load' });
    // The page's own events restarted the worker (nothing else was sent to it).
    await poll(async () => worker.starts > before && (await workerTargets()).length > 0, { timeout: 5000, interval: 10 });
    // As soon as it shows this load's requests, stop it: mid-browse, with its latest writes maybe still on their way.
    await caughtUp(i);
    await stopWorker();
    // A late request of the page (the analytics pixel) may wake it again: let that one catch up, and stop it too.
    for (let round = 0; round < 5; round++) {
      await sleep(100);
      if (worker.status === 'stopped' && !(await workerTargets()).length) break;
      await poll(async () => (await workerTargets()).length > 0, { timeout: 2000, interval: 10 });
      await caughtUp(i);
      await stopWorker();
    }
    assert.equal(worker.status, 'stopped', `worker status after load ${i}`);
  }
  assert.ok(worker.starts - starts0 >= STRESS_LOADS, `the worker started ${worker.starts - starts0} times for ${STRESS_LOADS} loads`);
  // The status message (which wakes one more worker) reports a later start.
  const status1 = await ask('status');
  assert.ok(status1.startedAt > status0.startedAt, `startedAt ${status0.startedAt} → ${status1.startedAt}`);
  // After all those stops, the restarted worker still has every request of every load.
  await webQuiet();
  missing = stressServed() - stressRequests(await graph());
  // Requests observed while the tab had no known page (their main-frame event not yet in) are dropped from the graph.
  const withoutPage = status1.stats.without_page - status0.stats.without_page;
  assert.deepEqual({ missing, losses, withoutPage }, { missing: 0, losses: [], withoutPage: 0 },
    `of ${stressServed()} requests served for ${STRESS_LOADS} loads, some are missing from the graph. losses: when they went missing `
    + '(a worker had shown every request before it was stopped; after the restart some were gone, or never shown); '
    + 'withoutPage: requests the core saw before it knew their tab\'s page');
  const edges = await assertGraphHasEveryRequest();
  // Per load: analytics.js + its collect pixel, bat.js, the CDN script.
  assert.equal(edges[`${STRESS_SITE} → google-analytics.com`], 2 * STRESS_LOADS);
  assert.equal(edges[`${STRESS_SITE} → bing.com`], STRESS_LOADS);
  assert.equal(edges[`${STRESS_SITE} → cloudflare.com`], STRESS_LOADS);
  // And what was seen before the stops is still there.
  const view = await graph();
  for (const site of BROWSE) assert.ok(view.nodes.some((n) => n.id === site && n.first_party), site);
});

test('unusable input stays counted after the worker restarts', async () => {
  // The hostile host names (earlier test) were counted as bad URLs; the 20 restarts since must not forget them.
  const stats = (await ask('status')).stats;
  assert.ok(stats.bad_urls >= HOSTILE_HOSTS.length, `bad_urls is ${stats.bad_urls} after the restarts: ${JSON.stringify(stats)}`);
});

test('a web font counts as one request (not its cache-only probe too)', async () => {
  await webQuiet();
  const served = {};
  for (const r of web.log) if (r.site === FONT_SITE && r.page) served[r.page] = (served[r.page] || 0) + 1;
  assert.ok(Object.keys(served).length >= 2, JSON.stringify(served));
  const counted = {};
  for (const e of (await graph()).edges) if (e.target === FONT_SITE) counted[e.source] = e.requests;
  assert.deepEqual(counted, served, 'requests to fonts.gstatic.com: graph (left) vs served by the fixture web (right)');
});

test('exports parse and hold the fixture\'s sites', async () => {
  const sites = [...BROWSE, STRESS_SITE, ...Object.keys(PACK)];
  const out = {};
  for (const format of ['json', 'gexf', 'graphml', 'dot', 'csv']) {
    const files = await ask('export', { format });
    assert.ok(Array.isArray(files) && files.length >= 1, `${format}: ${JSON.stringify(files).slice(0, 200)}`);
    for (const [name, text] of files) out[name] = text;
  }
  const doc = JSON.parse(out['telltale-graph.json']);
  assert.equal(doc.format, 'telltale-graph');
  const jsonSites = doc.nodes.map((n) => n.site);
  for (const s of sites) assert.ok(jsonSites.includes(s), `${s} missing from the JSON export`);
  const view = await graph();
  assert.equal(doc.nodes.length, view.nodes.length);
  assert.equal(doc.edges.length, view.edges.length);
  const hotjar = doc.nodes.find((n) => n.site === 'hotjar.com');
  assert.deepEqual([...hotjar.categories].sort(), ['analytics', 'session-replay']);

  // The XML formats parse in the browser's own XML parser, markup cookie names included.
  for (const [name, tag, idAttr] of [['telltale-graph.gexf', 'node', 'id'], ['telltale-graph.graphml', 'node', 'id']]) {
    const parsed = await extPage.evaluate(([text, tag, idAttr]) => {
      const d = new DOMParser().parseFromString(text, 'application/xml');
      const err = d.getElementsByTagName('parsererror')[0];
      return {
        error: err ? err.textContent : null,
        ids: [...d.getElementsByTagName(tag)].map((n) => n.getAttribute(idAttr)),
        text: d.documentElement.textContent + [...d.getElementsByTagName('attvalue')].map((a) => a.getAttribute('value')).join('\n'),
      };
    }, [out[name], tag, idAttr]);
    assert.equal(parsed.error, null, `${name} does not parse`);
    for (const s of sites) assert.ok(parsed.ids.includes(s), `${s} missing from ${name}`);
    assert.ok(parsed.text.includes('<script>window.__pwned++</script>'), `${name}: the markup cookie name is not kept as text`);
  }
  assert.match(out['telltale-graph.dot'], /^\s*(strict\s+)?digraph\b/);
  for (const s of sites) assert.ok(out['telltale-graph.dot'].includes(`"${s}"`), `${s} missing from the DOT export`);

  const nodesCsv = out['nodes.csv'].trim().split(/\r?\n/);
  assert.match(nodesCsv[0], /^site,/);
  for (const s of sites) assert.ok(nodesCsv.some((l) => l.startsWith(`${s},`)), `${s} missing from nodes.csv`);
  const edgesCsv = out['edges.csv'].trim().split(/\r?\n/);
  assert.match(edgesCsv[0], /^source,target,requests,/);
  assert.equal(edgesCsv.length - 1, view.edges.length);
});

test('exports download from the graph page', async () => {
  const page = await ctx.newPage();
  await page.goto(`chrome-extension://${extensionId}/graph/graph.html`);
  for (const format of ['json', 'gexf', 'graphml', 'dot', 'csv']) {
    await page.click('#export-menu > summary');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 10_000 }),
      page.click(`#export-menu [data-format="${format}"]`),
    ]);
    const file = await download.path();
    const text = fs.readFileSync(file, 'utf8');
    if (format === 'json') assert.equal(JSON.parse(text).format, 'telltale-graph');
    else if (format === 'gexf' || format === 'graphml') {
      const error = await extPage.evaluate((t) => {
        const e = new DOMParser().parseFromString(t, 'application/xml').getElementsByTagName('parsererror')[0];
        return e ? e.textContent : null;
      }, text);
      assert.equal(error, null, `${format} download does not parse`);
    }
    assert.ok(text.includes('news.example'), `${format} download lacks news.example`);
  }
  await page.close();
});

test('at the end, the graph still holds every request the fixture web served', async () => {
  await assertGraphHasEveryRequest();
});
