// End-to-end tests of what Telltale keeps in chrome.storage.local and how it
// copes with what it finds there: older snapshot formats, a corrupt snapshot,
// journal compaction, retention, user rule packs (through the options page),
// a hostile page load and a full disk. Its own browser and profile
// (tests/e2e/browser.mjs), run by scripts/test-e2e.sh like extension.test.mjs.
//
//
// Stored state is only ever written while the service worker is stopped (a
// running worker would overwrite it at its next compaction), then the worker
// is woken by a message or by a page's requests.
//
// The tests run in order in one browser; each says what it expects of the
// state the earlier ones left.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launch, poll, screenshotPath, sleep } from './browser.mjs';
import { DRIP, HEAVY, siteOf, startFixtureWeb } from './fixture-web.mjs';

const DAY = 864e5;

let web;
let s; // the browser session (browser.mjs)

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

// ------------------------------------------------------------------ helpers

const ask = (...a) => s.ask(...a);
const graph = () => s.graph();

/** Everything in the extension's chrome.storage.local. */
const storage = () => s.extPage.evaluate(() => chrome.storage.local.get(null));
const setStorage = (items) => s.extPage.evaluate((i) => chrome.storage.local.set(i), items);
const logKeys = (all) => Object.keys(all).filter((k) => k.startsWith('log:')).sort();

/** Opens `https://site/query` in a new tab, waits until the fixture web is quiet; returns the page. */
async function visit(site, query = '') {
  const mark = web.log.length;
  const page = await s.ctx.newPage();
  await page.goto(`https://${site}/${query}`, { waitUntil: 'load', timeout: 15_000 });
  await s.webQuiet();
  page.served = () => web.log.slice(mark);
  return page;
}

/** Third-party requests the fixture web served for `page` (a site), as "page → third party": count. */
function servedEdges(entries, page) {
  const m = {};
  for (const r of entries) {
    if (r.page !== page || r.site === page || r.from !== page) continue;
    const k = `${page} → ${r.site}`;
    m[k] = (m[k] || 0) + 1;
  }
  return m;
}

/** The graph's edges out of `source`, as "source → target": requests. */
function edgesFrom(view, source) {
  const m = {};
  for (const e of view.edges) if (e.source === source && e.requests > 0) m[`${e.source} → ${e.target}`] = e.requests;
  return m;
}

const edgeMap = (view) => Object.fromEntries(view.edges.map((e) => [`${e.source} → ${e.target}`, e.requests]));
const nodeIds = (view) => view.nodes.map((n) => n.id).sort();

/** Waits until a browser's snapshot (hence its whole state) stops changing, and returns it. */
async function settledOf(b) {
  let prev = await b.ask('snapshot');
  return poll(async () => {
    await sleep(300);
    const next = await b.ask('snapshot');
    if (next === prev) return next;
    prev = next;
    return false;
  }, { timeout: 10_000, interval: 0 });
}
const settled = () => settledOf(s);

/**
 * Stops the worker and runs `fn` (which writes storage) while it stays
 * stopped; if a late event woke it in between, does both again.
 */
async function whileStopped(fn) {
  for (let round = 0; ; round++) {
    await s.stopWorker();
    const starts = s.worker.starts;
    const out = await fn();
    await sleep(50);
    if (s.worker.starts === starts && s.worker.status === 'stopped' && !(await s.workerTargets()).length) return out;
    assert.ok(round < 3, 'the service worker keeps waking up while storage is being written');
  }
}

/** Waits until a worker started after `starts` is ready. */
async function readyAfter(starts) {
  await poll(() => s.worker.starts > starts, { timeout: 10_000, interval: 10 });
  return poll(async () => {
    const st = await ask('status');
    return st.ready && st;
  });
}

/** Stops the worker, wakes it with a message, and returns the new worker's status. */
async function restart() {
  await s.stopWorker();
  const starts = s.worker.starts;
  await ask('status');
  return readyAfter(starts);
}

/** Opens the options page in a new tab and waits until it has rendered. */
async function optionsPage() {
  const page = await s.ctx.newPage();
  await page.setViewportSize({ width: 1000, height: 900 });
  await page.goto(`chrome-extension://${s.extensionId}/options/options.html`);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
  return page;
}

async function tabIdOf(page) {
  const url = page.url();
  const t = (await s.extPage.evaluate(() => chrome.tabs.query({}))).find((x) => x.url === url);
  assert.ok(t, `no tab with URL ${url}`);
  return t.id;
}

// ------------------------------------------------------------------ tests

test('a version-1 snapshot (no "tabs") is migrated: same graph, no error', async () => {
  for (const site of ['news.example', 'shop.example']) await (await visit(site)).close();
  const v2 = await settled();
  const before = await graph();
  const statsBefore = (await ask('status')).stats;
  assert.ok(before.nodes.some((n) => n.id === 'news.example') && before.edges.length > 5, 'nothing browsed');

  const doc = JSON.parse(v2);
  assert.equal(doc.format, 'telltale-snapshot');
  assert.ok(Array.isArray(doc.tabs), 'the current snapshot format has "tabs"');
  // Version 1 embedded the graph as its Telltale JSON export, and kept no tabs.
  doc.version = 1;
  doc.graph = JSON.parse((await ask('export', { format: 'json' }))[0][1]);
  delete doc.tabs;
  // The v1 snapshot holds everything so far: it covers every journal key (none is replayed on top of it).
  const covered = await whileStopped(async () => {
    const keys = logKeys(await storage());
    await setStorage({ snapshot: JSON.stringify(doc), snapshotCovers: keys });
    return keys;
  });

  const status = await restart();
  assert.equal(status.storageError, null);
  assert.deepEqual(status.corrupt, []);
  const after = await graph();
  assert.deepEqual(nodeIds(after), nodeIds(before));
  assert.deepEqual(edgeMap(after), edgeMap(before), 'edge request counts');
  assert.deepEqual(after.nodes, before.nodes, 'nodes (categories, reach, requests, times)');
  assert.equal(status.stats.requests, statsBefore.requests, 'requests counted (each once)');
  // The journal keys the snapshot covers are removed; the snapshot itself stays until the next compaction.
  await poll(async () => {
    const all = await storage();
    return covered.every((k) => !(k in all)) && typeof all.snapshot === 'string';
  }, { timeout: 5000 });
});

test('a corrupt stored snapshot is reported and kept aside, never wiped', async () => {
  const CORRUPT = 'not json {';
  const t0 = Date.now();
  await whileStopped(() => setStorage({ snapshot: CORRUPT, snapshotCovers: [] }));

  // A page's requests wake the worker, which finds the corrupt snapshot.
  const starts = s.worker.starts;
  const blog = await visit('blog.example');
  const status = await readyAfter(starts);
  assert.match(String(status.storageError), /could not be read/);
  const aside = status.corrupt.filter((k) => /^corrupt:\d+$/.test(k));
  assert.equal(aside.length, 1, `corrupt: ${JSON.stringify(status.corrupt)}`);
  const [key] = aside;
  assert.ok(Number(key.slice('corrupt:'.length)) >= t0, key);
  assert.ok(status.storageError.includes(key), `${status.storageError} does not name ${key}`);
  let all = await storage();
  assert.equal(all[key], CORRUPT, 'the corrupt text is kept, exactly');
  assert.notEqual(all.snapshot, CORRUPT, 'the corrupt snapshot is not read again at the next start');

  // It keeps working: the page that woke it is recorded, every request of it.
  const expected = servedEdges(blog.served(), 'blog.example');
  assert.ok(Object.keys(expected).length >= 4, JSON.stringify(expected));
  await poll(async () => {
    assert.deepEqual(edgesFrom(await graph(), 'blog.example'), expected);
    return true;
  });
  await blog.close();

  // The options page says so.
  const options = await optionsPage();
  const alert = await options.$eval('#alert', (e) => ({ hidden: e.hidden, text: e.textContent }));
  await options.screenshot({ path: screenshotPath('options-corrupt-snapshot.png'), fullPage: true });
  assert.equal(alert.hidden, false);
  assert.ok(alert.text.includes(status.storageError), alert.text);
  // The key is named once (in the error), and the copy can be deleted from here.
  assert.equal(alert.text.split(key).length - 1, 1, alert.text);
  assert.equal(await options.$eval('#remove-corrupt', (e) => e.hidden), false);
  await options.close();

  // After another restart the copy is still there and still listed; what was recorded since stays.
  const again = await restart();
  assert.deepEqual(again.corrupt, [key]);
  assert.equal(again.storageError, null);
  all = await storage();
  assert.equal(all[key], CORRUPT);
  assert.deepEqual(edgesFrom(await graph(), 'blog.example'), expected);

  // Only the user deletes it: the options page's button does.
  const opts = await optionsPage();
  opts.once('dialog', (d) => d.accept());
  await opts.click('#remove-corrupt');
  await poll(async () => {
    assert.equal((await storage())[key], undefined);
    return true;
  });
  assert.equal(await opts.$eval('#remove-corrupt', (e) => e.hidden), true);
  await opts.close();
  assert.deepEqual((await restart()).corrupt, []);
});

/** What the compaction test leaves for the restart test after it. */
let compaction = null;

/** A journal key's worker and sequence number (journal.js: `log:<time>-<worker>-<counter>`). */
function keyParts(k) {
  const m = /^log:\d+-([a-z0-9]*)-(\d+)$/.exec(k);
  return m ? { worker: m[1], n: Number(m[2]) } : null;
}

/**
 * Journal keys still stored that a compaction of the worker that wrote them
 * should have covered: keys count up per worker, and a compaction covers
 * every key its worker wrote before it.
 */
function uncoveredKeys(all) {
  const lastCovered = {};
  for (const k of Array.isArray(all.snapshotCovers) ? all.snapshotCovers : []) {
    const p = keyParts(k);
    if (p) lastCovered[p.worker] = Math.max(lastCovered[p.worker] ?? -1, p.n);
  }
  return logKeys(all).filter((k) => {
    const p = keyParts(k);
    return p && p.worker in lastCovered && p.n < lastCovered[p.worker];
  });
}

test('the journal is compacted into a snapshot: its keys drop, the snapshot covers them', async (t) => {
  const N = 300; // each request its own journal batch: more than the 200 keys that trigger a compaction
  const allBefore = await storage();
  const snapshotBefore = allBefore.snapshot;
  const keysBefore = new Set(logKeys(allBefore));
  // The drip page wakes a stopped worker: its first events arrive before the core is ready.
  await s.stopWorker();
  const starts = s.worker.starts;
  const page = await s.ctx.newPage();
  const t0 = Date.now();
  const mark = web.log.length;
  await page.goto(`https://${DRIP.site}/?n=${N}`, { waitUntil: 'commit' });
  // Watch the journal: it grows with the drip, then a compaction replaces it with a snapshot.
  const counts = [];
  let compacted = null;
  await poll(async () => {
    const all = await storage();
    counts.push(logKeys(all).length);
    const covers = Array.isArray(all.snapshotCovers) ? all.snapshotCovers : [];
    if (!compacted && all.snapshot !== snapshotBefore && covers.some((k) => !keysBefore.has(k))) compacted = { at: counts.length - 1, covers };
    return compacted && (await page.evaluate(() => window.__done)) === N;
  }, { timeout: 25_000, interval: 50 });
  assert.ok(s.worker.starts > starts, 'the drip page did not wake the worker');
  const seconds = (Date.now() - t0) / 1000;
  // One write names the snapshot and what it covers; then those keys are gone.
  await poll(async () => {
    const all = await storage();
    const stillThere = all.snapshotCovers.filter((k) => k in all);
    assert.deepEqual(stillThere, [], 'journal keys the snapshot covers are still stored');
    return true;
  }, { timeout: 5000 });
  // The journal had grown, and shrank with the compaction (keys are removed by nothing else).
  const all = await storage();
  const peak = Math.max(...counts);
  const now = logKeys(all).length;
  assert.ok(now < peak, `log keys over time (compaction seen at sample ${compacted.at}): ${counts.join(' ')}; now ${now}`);
  assert.equal(JSON.parse(all.snapshot).format, 'telltale-snapshot');

  await s.webQuiet();
  const served = servedEdges(web.log.slice(mark), DRIP.site);
  const edge = `${DRIP.site} → ${siteOf(DRIP.host)}`;
  assert.equal(served[edge], N, JSON.stringify(served));
  const text = await settled();
  const before = await graph();
  assert.equal(edgesFrom(before, DRIP.site)[edge], N);
  // Journal keys a worker wrote before one of its compactions but that the compaction does not cover
  // (keys count up per worker), for the next test.
  compaction = { edge, before, stats: JSON.parse(text).stats, uncovered: uncoveredKeys(await storage()) };
  await page.close();
  t.diagnostic(`compaction seen ${seconds.toFixed(1)} s after the drip started; log keys peaked at ${peak}, then ${now}`);
});

test('after a compaction, a restarted worker counts nothing twice', async () => {
  assert.ok(compaction, 'the compaction test did not run');
  const { edge, before, stats } = compaction;
  // The restarted worker restores the snapshot and replays only the journal it does not cover.
  await restart();
  const text = await settled();
  const after = await graph();
  const statsAfter = JSON.parse(text).stats;
  const diag = `; journal keys written before a compaction of their worker, yet not covered by it: ${JSON.stringify(compaction.uncovered)}`;
  assert.equal(edgesFrom(after, DRIP.site)[edge], before.edges.find((e) => `${e.source} → ${e.target}` === edge).requests, `requests ${edge} after the restart${diag}`);
  assert.deepEqual(edgeMap(after), edgeMap(before), `edge request counts after the restart${diag}`);
  // The drip tab's close event came in between, and the probe's last report from that page (sent as it
  // closes, one event per signal): no request may be counted twice, and events differ by those alone.
  for (const k of ['requests', 'third_party_requests', 'not_network', 'bad_urls']) assert.equal(statsAfter[k], stats[k], `stats.${k}${diag}`);
  assert.ok(statsAfter.events - stats.events <= 3, `stats.events ${stats.events} → ${statsAfter.events}${diag}`);
  assert.deepEqual(compaction.uncovered, []);
});

test('retention: data older than the retention period is forgotten, also after a restart', async () => {
  // A fresh visit to each; then the snapshot is rewritten as if news.example had been seen 400 days ago,
  // recipes.example 60 days ago, and the rest now.
  for (const site of ['news.example', 'recipes.example', 'shop.example']) await (await visit(site)).close();
  const AGE = { 'news.example': 400, 'recipes.example': 60 };
  const now = Date.now();
  const doc = JSON.parse(await settled());
  // A node's age is that of the most recent first-party site it was seen on (or is).
  const ageOf = (n) => Math.min(...[...(n.first_party ? [n.site] : []), ...n.seen_on].map((x) => AGE[x] ?? 0));
  const group = { 400: [], 60: [], 0: [] };
  const timeOf = {};
  for (const n of doc.graph.nodes) {
    const age = ageOf(n);
    group[age].push(n.site);
    if (age === 0) continue;
    timeOf[n.site] = now - age * DAY;
    n.first_seen = timeOf[n.site] - DAY;
    n.last_seen = timeOf[n.site];
  }
  for (const e of doc.graph.edges) {
    if (!(e.source in timeOf) || !(e.target in timeOf)) continue;
    e.last_seen = Math.max(timeOf[e.source], timeOf[e.target]);
    e.first_seen = e.last_seen - DAY;
  }
  const third = (g) => g.filter((x) => !AGE[x]);
  assert.ok(third(group[400]).length && third(group[60]).length && third(group[0]).length,
    `each age has a third party: ${JSON.stringify(group)}`);
  assert.equal((await ask('settings')).retentionDays, 90, 'default retention');
  await whileStopped(async () => setStorage({ snapshot: JSON.stringify(doc), snapshotCovers: logKeys(await storage()) }));

  // At start, the default 90 days apply.
  const status = await restart();
  assert.equal(status.storageError, null);
  let ids = nodeIds(await graph());
  assert.deepEqual(group[400].filter((x) => ids.includes(x)), [], 'seen 400 days ago, still in the graph');
  assert.deepEqual(group[60].filter((x) => !ids.includes(x)), [], 'seen 60 days ago, gone with 90 days retention');
  assert.deepEqual(group[0].filter((x) => !ids.includes(x)), [], 'seen now, gone');

  // The options page sets 30 days.
  const options = await optionsPage();
  assert.equal(await options.inputValue('#retention'), '90');
  await options.fill('#retention', '30');
  await options.click('#save-retention');
  await options.waitForSelector('#retention-saved:not([hidden])', { timeout: 5000 });
  await options.close();
  assert.equal((await ask('settings')).retentionDays, 30);
  ids = nodeIds(await graph());
  assert.deepEqual([...group[400], ...group[60]].filter((x) => ids.includes(x)), [], 'older than 30 days, still in the graph');
  assert.deepEqual(group[0].filter((x) => !ids.includes(x)), [], 'seen now, gone');

  // And after a restart (the stored snapshot may predate the change).
  await restart();
  const view = await graph();
  ids = nodeIds(view);
  assert.deepEqual([...group[400], ...group[60]].filter((x) => ids.includes(x)), [], 'forgotten data came back after a restart');
  assert.deepEqual(group[0].filter((x) => !ids.includes(x)), []);
  assert.ok(view.edges.every((e) => ids.includes(e.source) && ids.includes(e.target)));
});

test('retention also forgets the forgotten first-party sites inside what is kept', async () => {
  // After the previous test, news.example and recipes.example were forgotten; nothing kept may still name them.
  const text = await ask('snapshot');
  const forgotten = ['news.example', 'recipes.example'];
  const doc = JSON.parse(text);
  const mentions = [];
  for (const n of doc.graph.nodes) for (const f of forgotten) if (n.seen_on.includes(f)) mentions.push(`${n.site}.seen_on has ${f}`);
  for (const f of forgotten) if (JSON.stringify(doc.learner).includes(f)) mentions.push(`learner has ${f}`);
  assert.deepEqual(mentions, []);
});

/**
 * A rule pack for two fixture hosts the default pack does not know: the quiet
 * tracker (which sets cookies) and the drip page's pixel host (which sets none,
 * so that only a pack can make it a tracker).
 */
const GOOD_PACK_NAME = 'e2e-fingerprinting.json';
const GOOD_PACK = JSON.stringify({
  format: 'telltale-rules/1',
  name: 'e2e-fingerprinting',
  version: '2026.1',
  license: 'CC0-1.0',
  sources: { e2e: { name: 'Telltale end-to-end tests', url: 'https://telltale.invalid/e2e' } },
  entities: [
    { name: 'Quiet Tracker', domains: ['quiet-tracker.test'], categories: ['fingerprinting'], source: 'e2e' },
    { name: 'Drip Tracker', domains: [siteOf(DRIP.host)], categories: ['fingerprinting'], source: 'e2e' },
  ],
}, null, 2);
const QUIET = 'quiet-tracker.test';
const DRIPPER = siteOf(DRIP.host);

/** The tab report of a page, and its entry for `site`. */
async function reportOf(page, site) {
  const report = (await ask('tabReport', { tab: await tabIdOf(page) })).report;
  const entry = report.third_parties.find((x) => x.site === site);
  assert.ok(entry, `${site} not in the report of ${page.url()}: ${JSON.stringify(report.third_parties.map((x) => x.site))}`);
  return { report, entry };
}

test('rule packs in the options page: errors with file:line:column, load, use, disable, remove', async () => {
  // Before: the default pack does not know either host.
  const sports = await visit('sports.example');
  const d0 = await poll(async () => (await ask('nodeDetails', { site: QUIET })) || false);
  assert.ok(!d0.categories.includes('fingerprinting'), JSON.stringify(d0.categories));
  await sports.close();
  const drip0 = await ask('nodeDetails', { site: DRIPPER });
  assert.ok(drip0 && drip0.categories.length === 0 && !drip0.tracker, JSON.stringify(drip0));

  const options = await optionsPage();
  // A bad pack: a category that does not exist, on a line and column of its own.
  const BAD_NAME = 'bad-pack.json';
  const BAD = GOOD_PACK.replace('"fingerprinting"', '"fingerprintng"');
  await options.setInputFiles('#pack-file', { name: BAD_NAME, mimeType: 'application/json', buffer: Buffer.from(BAD) });
  await options.waitForSelector('#pack-error:not([hidden])', { timeout: 5000 });
  const error = await options.textContent('#pack-error');
  await options.screenshot({ path: screenshotPath('options-pack-error.png'), fullPage: true });
  const m = /^([^:\n]+):(\d+):(\d+): (.+)/.exec(error);
  assert.ok(m, `not "name:line:col: message": ${error}`);
  const [, file, line, col, message] = m;
  assert.equal(file, BAD_NAME);
  // The position is on the bad value: its line, a column within it.
  const lines = BAD.split('\n');
  const badLine = lines.findIndex((l) => l.includes('"fingerprintng"')) + 1;
  const start = lines[badLine - 1].indexOf('"fingerprintng"') + 1;
  const end = start + '"fingerprintng"'.length - 1;
  assert.equal(Number(line), badLine, error);
  assert.ok(Number(col) >= start && Number(col) <= end, `column ${col} is not on the value (columns ${start} to ${end}): ${error}`);
  assert.match(message, /fingerprintng/);
  let packs = await ask('packs');
  assert.deepEqual(packs.user, [], 'a bad pack was kept');

  // A good one: listed, loaded, enabled; the error goes away.
  await options.setInputFiles('#pack-file', { name: GOOD_PACK_NAME, mimeType: 'application/json', buffer: Buffer.from(GOOD_PACK) });
  const row = `#packs tr[data-pack="${GOOD_PACK_NAME}"]`;
  await options.waitForSelector(row, { timeout: 5000 });
  assert.equal(await options.isHidden('#pack-error'), true);
  const cells = await options.$$eval(`${row} td`, (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(cells.slice(0, 3), [GOOD_PACK_NAME, '2026.1', '2']);
  assert.equal(await options.isChecked(`${row} input[type=checkbox]`), true);
  await options.screenshot({ path: screenshotPath('options-pack-loaded.png'), fullPage: true });
  packs = await ask('packs');
  assert.deepEqual(packs.user.map(({ name, enabled }) => ({ name, enabled })), [{ name: GOOD_PACK_NAME, enabled: true }]);
  assert.ok(packs.loaded.some((p) => p.name === 'e2e-fingerprinting' && p.entities === 2), JSON.stringify(packs.loaded));
  assert.deepEqual(packs.errors, []);

  // Browsing: both hosts now get the pack's category, with the pack as evidence.
  const travel = await visit('travel.example');
  const d1 = await poll(async () => {
    const d = await ask('nodeDetails', { site: QUIET });
    return d.categories.includes('fingerprinting') && d;
  });
  assert.equal(d1.tracker, true);
  assert.ok(d1.evidence.some((e) => e.includes('e2e-fingerprinting') && e.includes('Telltale end-to-end tests')), JSON.stringify(d1.evidence));
  const q1 = (await reportOf(travel, QUIET)).entry;
  assert.ok(q1.categories.includes('fingerprinting') && q1.tracker, JSON.stringify(q1));
  await travel.close();
  const drip1 = await visit(DRIP.site, '?n=2&pack=enabled');
  const { report: dr1, entry: e1 } = await reportOf(drip1, DRIPPER);
  assert.deepEqual(e1.categories, ['fingerprinting']);
  assert.equal(e1.tracker, true);
  assert.equal(dr1.trackers, 1);
  await drip1.close();

  // A restarted worker loads it again.
  const st = await restart();
  assert.ok(st.packs.some((p) => p.name === 'e2e-fingerprinting'), JSON.stringify(st.packs));
  assert.deepEqual(st.packErrors, []);

  // Disabled (its checkbox): still listed, no longer loaded; a new page's requests are no longer trackers by it.
  await options.reload();
  await options.waitForSelector('body[data-ready="1"]');
  await options.uncheck(`${row} input[type=checkbox]`);
  await poll(async () => (await ask('packs')).user[0].enabled === false);
  // Stored first, then the core reloads its packs: wait for the reload.
  packs = await poll(async () => { const p = await ask('packs'); return !p.loaded.some((x) => x.name === 'e2e-fingerprinting') && p; }, { timeout: 10000 }).catch(() => ask('packs'));
  assert.ok(!packs.loaded.some((p) => p.name === 'e2e-fingerprinting'), JSON.stringify(packs.loaded));
  await poll(async () => (await options.isChecked(`${row} input[type=checkbox]`)) === false);
  const drip2 = await visit(DRIP.site, '?n=2&pack=disabled');
  const { report: dr2, entry: e2 } = await reportOf(drip2, DRIPPER);
  assert.equal(e2.tracker, false, JSON.stringify(e2));
  assert.equal(dr2.trackers, 0);
  await drip2.close();

  // Removed: gone from the page and from storage.
  await options.click(`${row} button`);
  await options.waitForSelector(row, { state: 'detached', timeout: 5000 });
  packs = await ask('packs');
  assert.deepEqual(packs.user, []);
  assert.ok(!packs.loaded.some((p) => p.name === 'e2e-fingerprinting'));
  assert.deepEqual((await storage()).packs, []);
  await options.close();
});

// A list in DuckDuckGo's tds.json shape, written for the fixture web: the quiet
// tracker's pixel path is blocked by a rule, everything else of it is ignored.
const TDS_NAME = 'fixture-tds.json';
const TDS = JSON.stringify({
  trackers: {
    [QUIET]: { domain: QUIET, owner: { name: 'Quiet Tracker Inc.', displayName: 'Quiet Tracker' }, default: 'ignore', categories: ['Audience Measurement'],
      rules: [{ rule: 'quiet-tracker\\.test\\/c\\/a1\\.png', exceptions: { domains: ['sports.example'] } }] },
  },
  entities: { 'Quiet Tracker Inc.': { domains: [QUIET], displayName: 'Quiet Tracker' } },
  domains: { [QUIET]: 'Quiet Tracker Inc.' },
  cnames: {},
}, null, 2);

test('a tds.json from the options page: told by content, counted, its rule decides with the rule as evidence', async () => {
  const options = await optionsPage();
  await options.setInputFiles('#pack-file', { name: TDS_NAME, mimeType: 'application/json', buffer: Buffer.from(TDS) });
  const row = `#packs tr[data-pack="${TDS_NAME}"]`;
  await options.waitForSelector(row, { timeout: 5000 });
  assert.equal(await options.isHidden('#pack-error'), true, await options.textContent('#pack-error'));
  const text = await options.textContent(row);
  assert.ok(text.includes('CC-BY-NC-SA-4.0') && text.includes('1 tracker, 1 URL rule, 0 CNAME records'), text);
  await options.screenshot({ path: screenshotPath('options-tds-loaded.png'), fullPage: true });
  // The rule blocks on travel.example: a tracker, with the rule as evidence.
  const travel = await visit('travel.example', '?tds=1');
  const d = await poll(async () => {
    const n = await ask('nodeDetails', { site: QUIET });
    return n && n.tracker && n;
  });
  assert.ok(d.categories.includes('analytics'), JSON.stringify(d));
  assert.ok(d.evidence.some((e) => e.includes('tracker quiet-tracker.test: block by rule 1 quiet-tracker')), JSON.stringify(d.evidence));
  assert.equal((await reportOf(travel, QUIET)).entry.company, 'Quiet Tracker');
  await travel.close();
  // On sports.example, the rule's exception: not blocked, so the list gives no
  // category there (what Telltale learned of its cookies still stands).
  const sports = await visit('sports.example', '?tds=1');
  const { entry } = await reportOf(sports, QUIET);
  assert.ok(!entry.categories.includes('analytics'), JSON.stringify(entry));
  const after = await ask('nodeDetails', { site: QUIET });
  assert.ok(after.evidence.some((e) => e.includes('ignore by rule 1 quiet-tracker') && e.includes('excepted here')), JSON.stringify(after.evidence));
  await sports.close();
  await options.click(`${row} button`);
  await options.waitForSelector(row, { state: 'detached', timeout: 5000 });
  await options.close();
});

test('a removed pack\'s categories no longer show on new pages', async () => {
  const drip = await visit(DRIP.site, '?n=1&pack=removed');
  const { entry } = await reportOf(drip, DRIPPER);
  await drip.close();
  assert.equal(entry.tracker, false);
  assert.deepEqual(entry.categories, [], 'a third party shown with a tracking category, yet not counted as a tracker');
});

test('rule-pack changes while requests flow lose none of them', async (t) => {
  const N = 400;
  const site = siteOf(DRIP.host);
  const edge = `${DRIP.site} → ${site}`;
  const before = edgesFrom(await graph(), DRIP.site)[edge] || 0;
  const page = await s.ctx.newPage();
  const mark = web.log.length;
  await page.goto(`https://${DRIP.site}/?n=${N}&during=packs`, { waitUntil: 'domcontentloaded' });
  // Each change rebuilds the auditor (core.js reload) while the drip's requests keep coming.
  let changes = 0;
  while ((await page.evaluate(() => window.__done)) < N) {
    const added = await ask('addPack', { name: GOOD_PACK_NAME, text: GOOD_PACK });
    assert.ok(added.ok, JSON.stringify(added));
    const { user } = await ask('packs');
    await ask('setPackEnabled', { id: user[0].id, enabled: false });
    await ask('removePack', { id: user[0].id });
    changes += 3;
  }
  await s.webQuiet();
  const served = web.log.slice(mark).filter((r) => r.site === site).length;
  assert.equal(served, N);
  let got;
  try {
    await poll(async () => (got = edgesFrom(await graph(), DRIP.site)[edge] - before) === N, { timeout: 3000 });
  } catch {
    assert.equal(got, N, `${N} requests served during ${changes} pack changes; the graph counts ${got}`);
  }
  t.diagnostic(`${changes} pack changes during ${N} requests`);
  await page.close();
});

test('a hostile load: 2,000 images, 100 KB URLs, data:, blob:, about:blank and an IP host', async (t) => {
  // What the browser reports, counted by a listener of our own in another extension page:
  // web requests, and events with URLs that are not web URLs (which the core counts as not_network).
  const oracle = await s.ctx.newPage();
  await oracle.goto(`chrome-extension://${s.extensionId}/options/options.html`);
  await oracle.evaluate(() => {
    const web = (u) => /^https?:/i.test(u || '');
    const c = (window.__counts = { requests: 0, notNetwork: 0, schemes: {} });
    const other = (u) => {
      if (web(u)) return;
      c.notNetwork++;
      const scheme = String(u).split(':')[0];
      c.schemes[scheme] = (c.schemes[scheme] || 0) + 1;
    };
    const all = { urls: ['<all_urls>'] };
    // The events Telltale takes requests from (extension/background/events.js):
    // top-level pages when asked for, everything else when sent.
    const request = (d) => (web(d.url) ? c.requests++ : other(d.url));
    chrome.webRequest.onBeforeRequest.addListener(request, { ...all, types: ['main_frame'] });
    chrome.webRequest.onSendHeaders.addListener((d) => d.type !== 'main_frame' && request(d), all);
    chrome.webRequest.onBeforeRedirect.addListener((d) => other(d.url), all);
    chrome.webRequest.onErrorOccurred.addListener((d) => other(d.url), all);
    chrome.webNavigation.onCommitted.addListener((d) => d.frameId === 0 && other(d.url));
    // Every write to storage: its size, and the longest run of the long URLs' padding in it.
    const w = (window.__writes = { count: 0, chars: 0, longRun: 0, longJournaled: [] });
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local') return;
      for (const [key, { newValue }] of Object.entries(changes)) {
        if (newValue === undefined) continue;
        const text = typeof newValue === 'string' ? newValue : JSON.stringify(newValue);
        w.count++;
        w.chars += text.length;
        for (const run of text.match(/x{1000,}/g) || []) w.longRun = Math.max(w.longRun, run.length);
        if (!key.startsWith('log:')) continue;
        for (const m of text.matchAll(/beacon\.long-url\.test\/b\.gif\?j=&d=/g)) w.longJournaled.push(m.index);
      }
    });
  });
  // Start counting once the worker has caught up with everything before.
  await settled();
  const stats0 = (await ask('status')).stats;
  await oracle.evaluate(() => Object.assign(window.__counts, { requests: 0, notNetwork: 0, schemes: {} }));

  const page = await s.ctx.newPage();
  const mark = web.log.length;
  const t0 = Date.now();
  await page.goto(`https://${HEAVY.site}/`, { waitUntil: 'domcontentloaded' });
  // The worker answers while it takes the load.
  const latencies = [];
  let maxBytes = 0;
  for (;;) {
    const t = Date.now();
    const st = await ask('status');
    latencies.push(Date.now() - t);
    maxBytes = Math.max(maxBytes, await s.extPage.evaluate(() => chrome.storage.local.getBytesInUse(null)));
    assert.equal(st.ready, true);
    if (await page.evaluate(() => window.__done)) break;
    assert.ok(Date.now() - t0 < 60_000, 'the heavy page did not finish loading in 60 s');
    await sleep(100);
  }
  const done = await page.evaluate(() => window.__done);
  const loadMs = Date.now() - t0;
  await s.webQuiet();
  const served = web.log.slice(mark);

  // Every request counted, once: the core's count moves exactly as the browser reported.
  const counts = await oracle.evaluate(() => window.__counts);
  let stats;
  try {
    await poll(async () => {
      stats = (await ask('status')).stats;
      return stats.requests - stats0.requests === counts.requests && stats.not_network - stats0.not_network === counts.notNetwork;
    }, { timeout: 15_000, interval: 200 });
  } catch {
    assert.deepEqual({ requests: stats.requests - stats0.requests, not_network: stats.not_network - stats0.not_network },
      { requests: counts.requests, not_network: counts.notNetwork }, 'the core\'s counts (left) vs the browser\'s events (right)');
  }
  assert.ok(counts.requests >= HEAVY.images + HEAVY.longUrls + 2, `only ${counts.requests} requests reported`);
  assert.equal(done.loaded + done.failed, HEAVY.images + HEAVY.longUrls + 3);

  // The graph: each third party with the requests the fixture web served it, the 100 KB URLs under their site.
  const expected = servedEdges(served, HEAVY.site);
  assert.equal(expected[`${HEAVY.site} → ${siteOf(HEAVY.longHost)}`], HEAVY.longUrls, 'the fixture web did not serve the long URLs');
  assert.equal(expected[`${HEAVY.site} → ${HEAVY.ipHost}`], 1, 'the fixture web did not serve the IP host');
  assert.equal(Object.keys(expected).length, HEAVY.hosts.length + 2);
  await poll(async () => {
    assert.deepEqual(edgesFrom(await graph(), HEAVY.site), expected);
    return true;
  }, { timeout: 10_000, interval: 250 });
  const ip = await ask('nodeDetails', { site: HEAVY.ipHost });
  assert.deepEqual(ip.seen_on, [HEAVY.site]);

  // Storage stays bounded: the long URLs are journaled with their query cut to its names, none of their padding stored.
  const bytes = await s.extPage.evaluate(() => chrome.storage.local.getBytesInUse(null));
  maxBytes = Math.max(maxBytes, bytes);
  const writes = await oracle.evaluate(() => window.__writes);
  assert.ok(maxBytes < 5 * 1024 * 1024, `chrome.storage.local held up to ${maxBytes} bytes during the heavy page`);
  assert.ok(writes.longJournaled.length >= HEAVY.longUrls, `long URLs journaled: ${writes.longJournaled.length}`);
  assert.equal(writes.longRun, 0, `a run of ${writes.longRun} characters of a ${HEAVY.urlBytes}-character URL's query was stored`);

  const worst = Math.max(...latencies);
  assert.ok(worst < 5000, `a status message took ${worst} ms during the load`);
  t.diagnostic(`heavy page: ${counts.requests} requests in ${loadMs} ms; status answered ${latencies.length} times, worst ${worst} ms; `
    + `storage at most ${(maxBytes / 1024).toFixed(0)} KB, now ${(bytes / 1024).toFixed(0)} KB; ${writes.count} writes of ${(writes.chars / 1024).toFixed(0)} K characters; `
    + `longest stored run of a long URL ${writes.longRun}; non-web events reported: ${JSON.stringify(counts.schemes)}`);
  await page.close();
  await oracle.close();
});

// ------------------------------------------------------------------ a full disk

// chrome.storage.local has no quota to fill here (the extension has
// unlimitedStorage), but the disk under it can be full: a second browser whose
// extension storage directory is a 256 KB tmpfs. Mounting needs the private
// mount namespace scripts/test-e2e.sh runs the tests in (it says so in
// TELLTALE_E2E_PRIVATE_MOUNTS).
const canMount = process.env.TELLTALE_E2E_PRIVATE_MOUNTS === '1'
  || 'needs the private mount namespace of scripts/test-e2e.sh (TELLTALE_E2E_PRIVATE_MOUNTS=1) to mount a small tmpfs';
let full = null; // what the full-disk test leaves for the restart test after it

test('a full disk under chrome.storage.local: reported, the extension keeps counting, it recovers', { skip: canMount === true ? false : canMount }, async (t) => {
  const { execFileSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-e2e-full-'));
  // The extension's id depends only on its directory: the same as in the main browser.
  const store = path.join(dir, 'Default', 'Local Extension Settings', s.extensionId);
  fs.mkdirSync(store, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', store]);
  let b;
  full = { dir, store, cleanup: async () => {
    if (b) await b.ctx.close().catch(() => {});
    b = null;
    try {
      execFileSync('umount', [store]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } };
  b = await launch(web, { userDataDir: dir });
  full.b = b;
  assert.equal(b.extensionId, s.extensionId);
  assert.ok(fs.readdirSync(store).includes('CURRENT'), `the extension's storage is not in the small file system: ${fs.readdirSync(store)}`);
  const edge = `${DRIP.site} → ${siteOf(DRIP.host)}`;
  const served = (mark) => web.log.slice(mark).filter((r) => r.page === DRIP.site && r.host === DRIP.host).length;
  const counted = async () => edgesFrom(await b.graph(), DRIP.site)[edge] || 0;
  const mark = web.log.length;
  full.mark = mark;
  full.edge = edge;
  const page = await b.ctx.newPage();
  let status;
  let loads = 0;
  // Browse until a write fails (a few hundred KB of journal), at most 12 loads.
  for (; loads < 12; loads++) {
    await page.goto(`https://${DRIP.site}/?n=200&full=${loads}`, { waitUntil: 'load' });
    await b.webQuiet(200);
    status = await b.ask('status');
    if (status.storageError) break;
  }
  assert.match(String(status.storageError), /^Storage write failed: .*(NO_SPACE|space)/i, `after ${loads + 1} loads: ${status.storageError}`);
  // Still counting, in memory.
  await poll(async () => (await counted()) === served(mark), { timeout: 5000 }).catch(() => {});
  assert.equal(await counted(), served(mark), 'requests counted while the disk is full');
  // The options page says so.
  const options = await b.ctx.newPage();
  await options.setViewportSize({ width: 1000, height: 900 });
  await options.goto(`chrome-extension://${b.extensionId}/options/options.html`);
  await options.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
  const alert = await options.$eval('#alert', (e) => ({ hidden: e.hidden, text: e.textContent }));
  await options.screenshot({ path: screenshotPath('options-storage-full.png'), fullPage: true });
  await options.close();
  assert.equal(alert.hidden, false);
  assert.match(alert.text, /Storage write failed/);

  // Room again: the next compaction writes a snapshot and the error goes away.
  execFileSync('mount', ['-o', 'remount,size=64m', store]);
  await page.goto(`https://${DRIP.site}/?n=250&full=room`, { waitUntil: 'load' });
  await poll(async () => (await b.ask('status')).storageError === null, { timeout: 20_000, interval: 250 });
  await b.webQuiet(200);
  await poll(async () => (await counted()) === served(mark), { timeout: 5000 }).catch(() => {});
  assert.equal(await counted(), served(mark), 'requests counted after the disk had room again');
  await page.close();
  t.diagnostic(`the disk was full after ${loads + 1} loads (${served(mark)} requests in all): ${status.storageError}`);
});

test('after the disk was full, a restarted worker has every request, once', { skip: canMount === true ? false : canMount }, async () => {
  assert.ok(full && full.b, 'the full-disk test did not run');
  const b = full.b;
  try {
    const expected = web.log.slice(full.mark).filter((r) => r.page === DRIP.site && r.host === DRIP.host).length;
    await settledOf(b);
    const uncovered = uncoveredKeys(await b.extPage.evaluate(() => chrome.storage.local.get(null)));
    await b.stopWorker();
    const starts = b.worker.starts;
    await b.ask('status');
    await poll(() => b.worker.starts > starts, { timeout: 10_000, interval: 10 });
    await settledOf(b);
    assert.equal(edgesFrom(await b.graph(), DRIP.site)[full.edge], expected,
      `requests after the restart; ${uncovered.length} journal keys were written before a compaction of their worker, yet not covered by it`);
  } finally {
    const { cleanup } = full;
    full = null;
    await cleanup();
  }
});

// Also when a test above failed half-way.
after(async () => {
  if (full) await full.cleanup().catch(() => {});
});
