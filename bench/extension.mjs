// Benchmarks of the built extension (dist/chrome) in headless Chromium.
//
//   cd /work/main && unshare -n sh -c 'ip link set lo up; node bench/extension.mjs'
//
// Run as root inside a network namespace with only loopback, so nothing leaves
// the machine. Needs dist/chrome (scripts/build-extension.sh; this script never
// builds), playwright-core from the repository's node_modules and
// /usr/bin/chromium (CHROMIUM=... to use another). dist/chrome is copied to a
// temporary directory first, so a rebuild during the run does not mix builds.
//
// Options: --only=size,start,load,graph   which measures (default: these four)
//          --only=block    blocking: computing and applying a policy that blocks
//                          5,000 domains (act message → rules in force), beside a bare
//                          updateDynamicRules of the same rule; then the 100-third-party
//                          page without the extension, with it, and with it and
//                          "Block all advertising", side by side
//          --only=load-parts  diagnostic: the load test with parts of the extension taken out,
//                          at the first --latency value (default 0)
//          --events=FILE   with --only=load-parts: one variant only, the build with its
//                          background/events.js replaced by FILE (to compare listener sets
//                          side by side, e.g. an older events.js from git)
//          --rounds=N      service-worker starts per state (default 25, after 1 warm-up)
//          --alive=MS      how long each woken worker runs before the next state's turn
//                          (default 0: it is stopped after the other states' wakes)
//          --loads=N       page loads per variant (default 25, after 2 warm-ups each)
//          --latency=MS,.. the load measure once per value: every response of the
//                          page's server is sent MS ms after its request came in,
//                          as a server and network would take (default 0,50)
//          --graph-runs=N  imports of the 5,000-node graph (default 3)
//          --json=FILE     also write every sample as JSON
//
// What it prints:
// 1. size:  telltale_bg.wasm raw and gzipped; dist/*.zip.
// 2. start: service-worker cold start → ready (wasm instantiated, default pack
//    built, stored state restored), from the worker's own `status`
//    ({startedAt, readyInMs, phases}). Four browsers, one per stored state,
//    round-robin: fresh profile; `browsed` (the e2e fixture web browsed three
//    times, journal compacted into the snapshot); `big` (a 5,000-node /
//    20,000-edge graph stored as the snapshot); each worker stopped by CDP
//    (Target.closeTarget) and woken by chrome.runtime.sendMessage from an
//    extension page. `byLoad`: browsed likewise, but each worker is woken by
//    loading a fixture page (its webRequest events), as browsing wakes it.
// 3. load:  a page with 100 third-party requests on 100 hosts of 100 sites
//    (50 images, 50 async scripts; hosts from the default pack), https,
//    served here; two browsers (with / without the extension) loading it
//    alternately (ABBA); navigation start → loadEventEnd. Once per --latency:
//    at once (the CPU-bound worst case), and with every response delayed.
// 5. block (only when asked): see --only=block above.
// 4. graph: the graph page importing a 5,000-node / 20,000-edge export
//    (bench/make-graph.mjs): change event → first sigma render and next
//    frame; then frames per second while panning (camera moved every frame,
//    and a mouse drag with a mousemove every frame), during the ForceAtlas2
//    layout and after it.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { chromium } from 'playwright-core';

import { SITES, startFixtureWeb } from '../tests/e2e/fixture-web.mjs';
import { frameCounter } from './frames.mjs';
import { f0, f1, loadOnce, median, p90, startPageWeb as startPage, table, thirdPartyHosts } from './page100.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const opt = Object.fromEntries(process.argv.slice(2).map((a) => {
  const m = a.match(/^--([^=]+)(?:=(.*))?$/);
  if (!m) throw new Error(`unknown argument ${a}`);
  return [m[1], m[2] ?? '1'];
}));
const ONLY = new Set((opt.only || 'size,start,load,graph').split(','));
const ROUNDS = Number(opt.rounds || 25);
const ALIVE = Number(opt.alive || 0);
const LOADS = Number(opt.loads || 25);
const LATENCIES = String(opt.latency ?? '0,50').split(',').map(Number);
const GRAPH_RUNS = Number(opt['graph-runs'] || 3);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-bench-'));
const results = { date: new Date().toISOString(), machine: { cpus: os.cpus().length, load: os.loadavg() } };

// ------------------------------------------------------------------ statistics

/** Calls `fn` until it returns a truthy value (errors count as false), at most `timeout` ms. */
async function poll(fn, { timeout = 8000, interval = 50 } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = new Error('condition not met');
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw last;
    await sleep(interval);
  }
}

// ------------------------------------------------------------------ browsers

const EXT = path.join(TMP, 'ext');

function launch(name, { ext, port }) {
  const profile = path.join(TMP, `profile-${name}`);
  fs.mkdirSync(profile, { recursive: true });
  return chromium.launchPersistentContext(profile, {
    headless: true,
    executablePath: CHROMIUM,
    ignoreHTTPSErrors: true,
    timeout: 30_000,
    viewport: { width: 1280, height: 800 },
    args: [
      ...(ext ? [`--disable-extensions-except=${ext}`, `--load-extension=${ext}`] : []),
      `--host-resolver-rules=MAP * 127.0.0.1:${port}`,
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** A browser with the extension: an extension page to message from, and CDP to stop the worker. */
class ExtBrowser {
  static async open(name, port) {
    const b = new ExtBrowser();
    b.name = name;
    b.ctx = await launch(name, { ext: EXT, port });
    b.ctx.setDefaultTimeout(30_000);
    const sw = b.ctx.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
      || (await b.ctx.waitForEvent('serviceworker', { timeout: 30_000 }));
    b.id = new URL(sw.url()).host;
    b.extPage = b.ctx.pages()[0] || (await b.ctx.newPage());
    await b.extPage.goto(`chrome-extension://${b.id}/options/options.html`);
    b.cdp = await b.ctx.newCDPSession(b.extPage);
    b.worker = { status: 'unknown', starts: 0 };
    b.cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const v of versions) {
        if (v.scriptURL !== `chrome-extension://${b.id}/background.js`) continue;
        if (v.runningStatus === 'starting' && b.worker.status === 'stopped') b.worker.starts++;
        b.worker.status = v.runningStatus;
      }
    });
    await b.cdp.send('ServiceWorker.enable');
    await poll(async () => (await b.ask('status')).ready === true, { timeout: 20_000 });
    return b;
  }

  async ask(type, fields = {}) {
    const res = await this.extPage.evaluate((m) => chrome.runtime.sendMessage(m), { type, ...fields });
    if (!res || !res.ok) throw new Error(`${type}: ${JSON.stringify(res)}`);
    return res.value;
  }

  async workerTargets() {
    const { targetInfos } = await this.cdp.send('Target.getTargets');
    return targetInfos.filter((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${this.id}/`));
  }

  /** Stops the worker (CDP Target.closeTarget), as tests/e2e does, and waits until it is stopped. */
  async stop() {
    for (const t of await this.workerTargets()) await this.cdp.send('Target.closeTarget', { targetId: t.targetId }).catch(() => {});
    await poll(async () => (await this.workerTargets()).length === 0 || this.worker.status === 'stopped', { timeout: 5000, interval: 5 });
    await poll(() => this.worker.status !== 'running' && this.worker.status !== 'stopping', { timeout: 5000, interval: 5 });
  }

  /**
   * Wakes a stopped worker and returns that start's figures: by a `status` message from the
   * extension page, or (`tab`) by loading a fixture page in that tab, whose webRequest events
   * start the worker; the status is asked once the page has loaded.
   */
  async wake(tab = null, url = null) {
    const stoppedBefore = this.worker.status === 'stopped' && (await this.workerTargets()).length === 0;
    const startsBefore = this.worker.starts;
    let r;
    if (tab) {
      const sentAt = Date.now();
      await tab.goto(url, { waitUntil: 'load', timeout: 20_000 });
      const loadedAt = Date.now();
      const res = await this.extPage.evaluate(() => chrome.runtime.sendMessage({ type: 'status' }));
      r = { sentAt, answerMs: loadedAt - sentAt, res };
    } else {
      r = await this.extPage.evaluate(async () => {
        const sentAt = Date.now();
        const t = performance.now();
        const res = await chrome.runtime.sendMessage({ type: 'status' });
        return { sentAt, answerMs: performance.now() - t, res };
      });
    }
    if (!r.res || !r.res.ok) throw new Error(`status: ${JSON.stringify(r.res)}`);
    const s = r.res.value;
    return {
      // A start that began before the message was sent (something else woke it) is not this wake's.
      valid: stoppedBefore && s.startedAt >= r.sentAt - 2 && this.worker.starts > startsBefore,
      readyInMs: s.readyInMs,
      phases: s.phases,
      startedAfterMs: s.startedAt - r.sentAt, // message sent (navigation asked) → core.js evaluated (worker spawn, module load)
      wakeToReadyMs: s.startedAt + s.readyInMs - r.sentAt,
      answerMs: r.answerMs, // message sent → status answer back in the page (tab: navigation → load event)
      stats: s.stats,
    };
  }

  /** Stops the worker and waits 150 ms; stops it again if a late event (a page's last request) woke it. */
  async stopQuiet() {
    for (let i = 0; i < 5; i++) {
      await this.stop();
      await sleep(150);
      if (this.worker.status === 'stopped' && !(await this.workerTargets()).length) return;
    }
  }

  /** What the live worker counts: events (stats) and the requests on the graph's edges. */
  async counts() {
    const [status, view] = await Promise.all([this.ask('status'), this.ask('graphView', { filters: {} })]);
    return { events: status.stats.events, requests: status.stats.requests, edgeRequests: view.edges.reduce((n, e) => n + e.requests, 0), nodes: view.nodes.length };
  }

  async storage() {
    return this.extPage.evaluate(async () => {
      const all = await chrome.storage.local.get(null);
      return {
        bytes: await chrome.storage.local.getBytesInUse(null),
        keys: Object.keys(all).length,
        logNames: Object.keys(all).filter((k) => k.startsWith('log:')).map((k) => `${k} (${all[k].map((e) => `${e.kind} ${String(e.url || '').slice(0, 60)}`).join('; ').slice(0, 300)})`),
        logKeys: Object.keys(all).filter((k) => k.startsWith('log:')).length,
        snapshotChars: typeof all.snapshot === 'string' ? all.snapshot.length : 0,
      };
    });
  }

  async close() {
    await this.ctx.close().catch(() => {});
  }
}

// ------------------------------------------------------------------ 1. sizes

function measureSizes() {
  const wasm = fs.readFileSync(path.join(EXT, 'wasm/telltale_bg.wasm'));
  const glue = fs.readFileSync(path.join(EXT, 'wasm/telltale.js'));
  const out = {
    wasm: wasm.length,
    wasmGzip6: zlib.gzipSync(wasm, { level: 6 }).length,
    wasmGzip9: zlib.gzipSync(wasm, { level: 9 }).length,
    wasmBrotli: zlib.brotliCompressSync(wasm, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    glue: glue.length,
    extensionFiles: 0,
    zips: {},
  };
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (!e.name.endsWith('.map')) out.extensionFiles += fs.statSync(path.join(d, e.name)).size;
    }
  };
  walk(EXT);
  for (const z of ['telltale-chrome.zip', 'telltale-firefox.zip']) {
    const p = path.join(TMP, z);
    if (fs.existsSync(p)) out.zips[z] = fs.statSync(p).size;
  }
  results.size = out;
  console.log('\n## Sizes (the copy of dist/ this run used)\n');
  table(['file', 'bytes'], [
    ['wasm/telltale_bg.wasm', f0(out.wasm)],
    ['  gzip -6', f0(out.wasmGzip6)],
    ['  gzip -9', f0(out.wasmGzip9)],
    ['  brotli -q 11', f0(out.wasmBrotli)],
    ['wasm/telltale.js (glue)', f0(out.glue)],
    ['dist/chrome, all files but source maps', f0(out.extensionFiles)],
    ...Object.entries(out.zips).map(([k, v]) => [`dist/${k}`, f0(v)]),
  ]);
}

// ------------------------------------------------------------------ 2. service-worker cold start

// The e2e fixture's page that the byLoad state loads to wake the worker (three third parties).
const WAKE_SITE = 'weather.example';
const PHASES = ['wasm', 'settings', 'auditor', 'easylist', 'easyprivacy', 'packs', 'restored'];

/** Per-phase durations from the cumulative marks (ms since core.js was evaluated). */
function durations(s) {
  const d = {};
  let prev = 0;
  for (const p of PHASES) {
    const at = s.phases[p] ?? prev; // a phase not run (no default pack) takes no time
    d[p] = at - prev;
    prev = at;
  }
  d.tail = s.readyInMs - prev; // forgetBefore, queued events, status (Date.now resolution: ±1 ms)
  return d;
}

async function browseFixture(b, web) {
  // Every first-party site of the e2e fixture, three times, in a few tabs.
  const tabs = await Promise.all([0, 1, 2].map(() => b.ctx.newPage()));
  const sites = Object.keys(SITES);
  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i < sites.length; i++) {
      await tabs[i % tabs.length].goto(`https://${sites[i]}/?visit=${pass}`, { waitUntil: 'load', timeout: 20_000 });
    }
  }
  // Until the fixture web is quiet, then close the tabs (their tab_closed events are journaled too).
  let n = -1;
  while (n !== web.log.length) {
    n = web.log.length;
    await sleep(500);
  }
  for (const t of tabs) await t.close();
  await sleep(500);
  const before = await b.counts();
  // Keep the worker alive (a message a second) past the journal's compaction (15 s after the last one),
  // which folds the journal into the snapshot.
  const end = Date.now() + 60_000;
  let st = await b.storage();
  for (let t = 0; Date.now() < end && !(t >= 17 && st.snapshotChars > 0 && st.logKeys === 0); t++) {
    await b.ask('status');
    await sleep(1000);
    st = await b.storage();
  }
  return { before, after: await b.counts(), logKeysLeft: st.logNames };
}

async function storeBigSnapshot(b, graphText) {
  await b.stop();
  // A snapshot of an auditor holding the 5,000-node graph, made by the extension's own core in its page.
  const chars = await b.extPage.evaluate(async (text) => {
    const core = await import('/wasm/telltale.js');
    await core.default({ module_or_path: new URL('/wasm/telltale_bg.wasm', location.href) });
    const a = core.Auditor.empty();
    a.importGraph('bench-5000.json', text);
    const snapshot = a.snapshot();
    a.free();
    await chrome.storage.local.set({ snapshot, snapshotCovers: [] });
    return snapshot.length;
  }, graphText);
  return chars;
}

async function measureStart(graphText) {
  console.log('\n## Service worker: cold start → ready\n');
  const web = await startFixtureWeb();
  const states = {};
  try {
    const [fresh, browsed, big, byLoad] = await Promise.all(['fresh', 'browsed', 'big', 'byload'].map((n) => ExtBrowser.open(`start-${n}`, web.port)));
    states.fresh = { b: fresh };
    states.browsed = { b: browsed };
    states.big = { b: big };
    // Browsed like `browsed`, but each start is caused by loading a fixture page (the worker's webRequest
    // events), not by a message: the events that woke it wait in its queue. Its journal grows by a page each start.
    states.byLoad = { b: byLoad, url: (i) => `https://${WAKE_SITE}/?wake=${i}` };
    [states.browsed.browse, states.byLoad.browse] = await Promise.all([browseFixture(browsed, web), browseFixture(byLoad, web)]);
    states.byLoad.tab = await byLoad.ctx.newPage();
    const bigChars = await storeBigSnapshot(big, graphText);
    for (const [name, s] of Object.entries(states)) {
      await s.b.stopQuiet();
      s.warm = await s.b.wake(s.tab, s.url && s.url('warm')); // warm-up start, not counted
      if (s.browse) {
        // The stored state must give the restarted worker what the last one had.
        s.browse.afterRestart = await s.b.counts();
        const { before, after, afterRestart, logKeysLeft } = s.browse;
        if (logKeysLeft.length) console.log(`${name}: ${logKeysLeft.length} journal keys left after compaction:\n  ${logKeysLeft.join('\n  ')}`);
        // (byLoad's restart loads one more page: its counts grow.)
        if (!s.tab && (JSON.stringify(after) !== JSON.stringify(afterRestart) || JSON.stringify(before) !== JSON.stringify(after))) {
          console.log(`${name}: counts before compaction ${JSON.stringify(before)}, after ${JSON.stringify(after)}, after a restart ${JSON.stringify(afterRestart)}`);
        }
      }
      const view = await s.b.ask('graphView', { filters: {} });
      s.graph = { nodes: view.nodes.length, edges: view.edges.length };
      s.storage = await s.b.storage();
      s.samples = [];
      s.invalid = 0;
      if (name === 'big') s.storage.snapshotChars ||= bigChars;
    }
    const names = Object.keys(states);
    for (let r = 0; r < ROUNDS; r++) {
      // Rotate who goes first: each state gets each position equally often.
      const order = names.map((_, i) => names[(i + r) % names.length]);
      for (const name of order) {
        const s = states[name];
        await s.b.stopQuiet();
        const x = await s.b.wake(s.tab, s.url && s.url(r));
        if (ALIVE) await sleep(ALIVE);
        if (x.valid) s.samples.push(x);
        else s.invalid++;
      }
    }
    results.start = {};
    const rows = [];
    const phaseRows = [];
    for (const [name, s] of Object.entries(states)) {
      const xs = s.samples;
      const ready = xs.map((x) => x.readyInMs);
      const med = Object.fromEntries(PHASES.map((p) => [p, median(xs.map((x) => x.phases[p]))]));
      const dur = Object.fromEntries([...PHASES, 'tail'].map((p) => [p, median(xs.map((x) => durations(x)[p]))]));
      results.start[name] = {
        graph: s.graph, storage: s.storage, browse: s.browse, n: xs.length, invalid: s.invalid,
        readyInMs: { median: median(ready), p90: p90(ready), min: Math.min(...ready), max: Math.max(...ready) },
        phasesMedian: med, phaseDurationsMedian: dur,
        startedAfterMs: median(xs.map((x) => x.startedAfterMs)),
        wakeToReadyMs: { median: median(xs.map((x) => x.wakeToReadyMs)), p90: p90(xs.map((x) => x.wakeToReadyMs)) },
        answerMs: { median: median(xs.map((x) => x.answerMs)), p90: p90(xs.map((x) => x.answerMs)) },
        samples: xs.map(({ stats, ...x }) => x),
      };
      const R = results.start[name];
      rows.push([
        name, `${s.graph.nodes} / ${s.graph.edges}`, f0(s.storage.bytes), `${xs.length}${s.invalid ? ` (+${s.invalid} discarded)` : ''}`,
        f1(R.readyInMs.median), f1(R.readyInMs.p90), `${R.readyInMs.min}–${R.readyInMs.max}`,
        f1(R.startedAfterMs), f1(R.wakeToReadyMs.median), f1(R.answerMs.median),
      ]);
      phaseRows.push([name, ...PHASES.map((p) => `${f1(dur[p])} (${f1(med[p])})`), f1(dur.tail)]);
    }
    table(['state', 'nodes / edges', 'stored bytes', 'starts', 'readyInMs median', 'p90', 'range',
      'wake → core.js', 'wake → ready', 'wake → answer'], rows);
    console.log('\nwake: the status message was sent (byLoad: the page navigation asked); core.js: its module evaluated '
      + '(startedAt); answer: the status answer back in the page (byLoad: the page\'s load event). Wall clock, ms.');
    console.log('\nPhases, median ms spent in each (median cumulative mark since core.js evaluated):\n');
    table(['state', ...PHASES, 'after restored'], phaseRows);
  } finally {
    for (const s of Object.values(states)) await s.b?.close();
    await web.close();
  }
}

// ------------------------------------------------------------------ 3. page with 100 third parties

/**
 * Diagnostic copies of the extension, each with one part taken out (made in the temporary directory;
 * dist/ is not touched). Only for `--only=load-parts`: they tell where the load-time overhead comes from.
 */
const PARTS = {
  'no content scripts': (dir) => edit(dir, 'manifest.json', (t) => JSON.stringify({ ...JSON.parse(t), content_scripts: undefined })),
  'no extraHeaders': (dir) => edit(dir, 'background/events.js', (t) => t.replace("[...base, 'extraHeaders']", 'base')),
  'no journal writes': (dir) => edit(dir, 'background/journal.js', (t) => t.replace('store.set({ [key]: batch }).catch(reportError);', '')),
  'no webRequest listeners': (dir) => edit(dir, 'background.js', (t) => t.replace('registerListeners(submit);', '')),
  'webRequest listeners, no core': (dir) => edit(dir, 'background.js', (t) => t.replace('registerListeners(submit);', 'registerListeners(() => {});').replace('start();', '')),
  'one webRequest listener (onBeforeRequest), no core': (dir) => edit(dir, 'background.js', () => "chrome.webRequest.onBeforeRequest.addListener(() => {}, { urls: ['<all_urls>'] });\n"),
  'one webRequest listener matching no request, no core': (dir) => edit(dir, 'background.js', () => "chrome.webRequest.onBeforeRequest.addListener(() => {}, { urls: ['https://no-such-host.invalid/*'] });\n"),
};

function edit(dir, file, fn) {
  const p = path.join(dir, file);
  const before = fs.readFileSync(p, 'utf8');
  const after = fn(before);
  if (after === before) throw new Error(`diagnostic variant: ${file} did not change`);
  fs.writeFileSync(p, after);
}

async function measureLoad({ parts = false, latency = 0, block = false } = {}) {
  const served = latency ? `every response sent ${latency} ms after its request` : 'every response sent at once';
  console.log(parts
    ? `\n## Diagnostic: the page with 100 third parties, with parts of the extension taken out (${served})\n`
    : `\n## A page with 100 third-party requests: load time with and without the extension (${served})\n`);
  const hosts = thirdPartyHosts();
  const web = await startPage(hosts, { latency, dir: TMP });
  const variants = {};
  let ext = null;
  let blocker = null;
  try {
    ext = await ExtBrowser.open(parts ? 'parts-ext' : 'load-ext', web.port);
    variants.without = { ctx: await launch(parts ? 'parts-plain' : 'load-plain', { port: web.port }) };
    variants['with Telltale'] = { ctx: ext.ctx };
    if (block) {
      blocker = await ExtBrowser.open('load-block', web.port);
      await blocker.ask('act', { intent: { do: 'block-category', category: 'advertising' }, tab: -1 });
      variants['with Telltale, Block all advertising'] = { ctx: blocker.ctx, blocking: true, blockedBefore: (await blocker.ask('status')).stats.blocked };
    }
    if (parts) {
      let i = 0;
      const parts = opt.events
        ? { [`events.js from ${path.basename(opt.events)}`]: (dir) => edit(dir, 'background/events.js', () => fs.readFileSync(opt.events, 'utf8')) }
        : PARTS;
      for (const [name, make] of Object.entries(parts)) {
        const dir = path.join(TMP, `ext-part-${i}`);
        fs.cpSync(EXT, dir, { recursive: true });
        make(dir);
        variants[name] = { ctx: await launch(`part-${i++}`, { ext: dir, port: web.port }) };
      }
    }
    const names = Object.keys(variants);
    for (const v of Object.values(variants)) {
      v.page = await v.ctx.newPage();
      v.samples = [];
    }
    const WARM = 2;
    for (let i = 0; i < WARM + LOADS; i++) {
      // Rotating order: each variant takes each position equally often (ABBA for two).
      const order = names.length === 2 ? (i % 2 ? names : [...names].reverse()) : names.map((_, k) => names[(k + i) % names.length]);
      for (const name of order) {
        const x = await loadOnce(variants[name].page, `${i}`);
        if (!variants[name].blocking && (x.resources !== 100 || x.tags !== 50)) throw new Error(`${name} load ${i}: ${x.resources} resources, ${x.tags} tags ran; ${x.others}`);
        if (i >= WARM) variants[name].samples.push(x);
        await sleep(100);
      }
    }
    // The extension did see the page's third parties.
    const view = await ext.ask('graphView', { filters: {} });
    const seen = view.edges.filter((e) => e.source === 'bench-news.example').length;
    const out = { hosts: hosts.length, graphEdgesFromPage: seen, variants: {} };
    const base = variants.without.samples;
    const rows = [];
    for (const [name, v] of Object.entries(variants)) {
      const load = v.samples.map((x) => x.load);
      const dcl = v.samples.map((x) => x.dcl);
      // Paired by round (the loads of a round ran back to back): the median of the per-round ratios.
      const paired = (median(v.samples.map((x, k) => x.load / base[k].load)) - 1) * 100;
      const overall = (median(load) / median(base.map((x) => x.load)) - 1) * 100;
      out.variants[name] = { n: load.length, load: { median: median(load), p90: p90(load) }, dcl: { median: median(dcl) }, overheadPct: overall, pairedOverheadPct: paired, samples: load };
      rows.push([name, load.length, f1(median(load)), f1(p90(load)), f1(median(dcl)), name === 'without' ? '' : `${overall >= 0 ? '+' : ''}${f1(overall)} %`, name === 'without' ? '' : `${paired >= 0 ? '+' : ''}${f1(paired)} %`]);
    }
    out.latencyMs = latency;
    results[parts ? 'loadParts' : `load${latency ? `Latency${latency}` : ''}`] = out;
    table(['variant', 'loads', 'load median ms', 'p90', 'DOMContentLoaded median', 'overhead (ratio of medians)', 'overhead (median of per-round ratios)'], rows);
    if (blocker) {
      const b = variants['with Telltale, Block all advertising'].samples;
      const st = await blocker.ask('status');
      const perLoad = (st.stats.blocked - variants['with Telltale, Block all advertising'].blockedBefore) / (WARM + LOADS);
      console.log(`\nwith Block all advertising: ${st.policy.rules} rules in force; ${f1(perLoad)} of the page's 100 third-party requests blocked per load (Telltale's count), ${median(b.map((x) => x.tags))} of its 50 tags ran (median)`);
    }
    console.log(`\nthe extension's graph has ${seen} edges from bench-news.example (${hosts.length} third-party hosts)`);
  } finally {
    for (const v of Object.values(variants)) await v.ctx.close().catch(() => {});
    if (ext) await ext.close();
    if (blocker) await blocker.close();
    await web.close();
  }
}

/**
 * Computing and applying a policy that blocks 5,000 domains, in the
 * extension: a pack with one company of 5,000 domains is loaded, then the
 * `act` message (the popup's Block) is timed until it answers, which is after
 * the rules are in force; Unblock likewise. Beside it, the floor: the same
 * rule given to updateDynamicRules directly from an extension page.
 */
async function measureBlockApply(rounds = 15) {
  console.log('\n## Blocking: compute and apply a policy that blocks 5,000 domains\n');
  const domains = Array.from({ length: 5000 }, (_, i) => `d${i}.bench-tracker.example`);
  const pack = {
    format: 'telltale-rules/1', name: 'bench-5000', version: '1', license: 'CC0-1.0',
    sources: { bench: { name: 'generated for the benchmark' } },
    entities: [{ name: 'Bench Tracker', domains, categories: ['advertising'], source: 'bench' }],
  };
  const b = await ExtBrowser.open('block-apply', 9);
  try {
    const added = await b.ask('addPack', { name: 'bench-5000.json', text: JSON.stringify(pack) });
    if (!added.ok) throw new Error(added.error);
    const block = [];
    const unblock = [];
    const floor = [];
    let rules = 0;
    let rule = null;
    for (let i = 0; i < 2 + rounds; i++) {
      let t = performance.now();
      await b.ask('act', { intent: { do: 'block', site: 'd0.bench-tracker.example' }, tab: -1 });
      const dt = performance.now() - t;
      const inForce = await b.extPage.evaluate(() => chrome.declarativeNetRequest.getDynamicRules());
      rules = inForce.length;
      rule = inForce[0];
      if (rules !== 1 || rule.condition.requestDomains.length !== 5000) throw new Error(`expected one rule of 5,000 domains, got ${rules}`);
      t = performance.now();
      await b.ask('act', { intent: { do: 'unblock', site: 'd0.bench-tracker.example' }, tab: -1 });
      const du = performance.now() - t;
      // The browser alone: the same rule added and removed from an extension page.
      const df = await b.extPage.evaluate(async (r) => {
        const t0 = performance.now();
        await chrome.declarativeNetRequest.updateDynamicRules({ addRules: [r] });
        const t1 = performance.now();
        await chrome.declarativeNetRequest.updateDynamicRules({ removeRuleIds: [r.id] });
        return t1 - t0;
      }, rule);
      if (i >= 2) {
        block.push(dt);
        unblock.push(du);
        floor.push(df);
      }
    }
    results.blockApply = { rounds, rules, block, unblock, floor };
    table(['what', 'runs', 'median ms', 'p90'], [
      ['Block (act message → core computes → rules in force)', rounds, f1(median(block)), f1(p90(block))],
      ['Unblock (the rule removed)', rounds, f1(median(unblock)), f1(p90(unblock))],
      ['floor: updateDynamicRules of the same rule, from an extension page', rounds, f1(median(floor)), f1(p90(floor))],
    ]);
    console.log(`\n${rules} rule with ${rule.condition.requestDomains.length} requestDomains`);
  } finally {
    await b.close();
  }
}

// ------------------------------------------------------------------ 4. graph page

async function measureGraph(graphFile, expected) {
  console.log('\n## Graph page: 5,000 nodes, 20,000 edges\n');
  const web = await startFixtureWeb(); // unused, but the resolver rule needs a port
  const b = await ExtBrowser.open('graph', web.port);
  const runs = [];
  try {
    for (let run = 0; run < GRAPH_RUNS; run++) {
      const page = await b.ctx.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`chrome-extension://${b.id}/graph/graph.html`);
      await page.waitForFunction(() => document.body.dataset.ready === '1' && window.__telltaleGraph, null, { timeout: 30_000 });
      await page.evaluate(frameCounter);
      const idle0 = await page.evaluate(() => window.__benchFrames(1000, 'idle'));
      // The same camera moves with nothing to draw: what WebGL and the compositor allow here.
      const panEmpty = await page.evaluate(() => window.__benchFrames(2000, 'camera'));
      await page.evaluate((n) => {
        const b = (window.__bench = {});
        document.addEventListener('change', (e) => { if (e.target.id === 'import') b.change = performance.now(); }, true);
        const sigma = window.__telltaleGraph;
        sigma.on('afterRender', () => {
          if (b.firstRender || sigma.getGraph().order < n) return;
          b.firstRender = performance.now();
          requestAnimationFrame(() => { b.nextFrame = performance.now(); });
        });
        new MutationObserver(() => {
          if (!b.ready && Number(document.body.dataset.nodes) >= n) {
            b.ready = performance.now();
            b.layoutAtReady = document.body.dataset.layout;
          }
        }).observe(document.body, { attributes: true, attributeFilter: ['data-nodes'] });
      }, expected.nodes);
      const t0 = Date.now();
      await page.setInputFiles('#import', graphFile);
      await page.waitForFunction(() => window.__bench.nextFrame && window.__bench.ready, null, { timeout: 120_000 });
      const wall = Date.now() - t0;
      const imp = await page.evaluate(() => ({ ...window.__bench, nodes: document.body.dataset.nodes, edges: document.body.dataset.edges }));
      const r = {
        changeToFirstRender: imp.firstRender - imp.change,
        changeToReady: imp.ready - imp.change,
        changeToNextFrame: imp.nextFrame - imp.change,
        setInputFilesToNextFrameWall: wall,
        nodes: Number(imp.nodes), edges: Number(imp.edges), layoutAtReady: imp.layoutAtReady,
        idleBefore: idle0,
        panEmpty,
      };
      // While ForceAtlas2 runs (its budget for 5,000 nodes is 9 s from the import).
      r.panDuringLayout = await page.evaluate(() => window.__benchFrames(3000, 'camera'));
      r.dragDuringLayout = await page.evaluate(() => window.__benchFrames(3000, 'drag'));
      await sleep(400); // sigma's inertia after the mouse is released
      const tl = Date.now();
      await page.waitForFunction(() => document.body.dataset.layout === 'done', null, { timeout: 60_000, polling: 50 });
      r.layoutDoneAfterMs = Date.now() - tl;
      await sleep(500);
      r.idleAfter = await page.evaluate(() => window.__benchFrames(2000, 'idle'));
      r.panAfterLayout = await page.evaluate(() => window.__benchFrames(3000, 'camera'));
      r.dragAfterLayout = await page.evaluate(() => window.__benchFrames(3000, 'drag'));
      await sleep(400);
      r.wheelAfterLayout = await page.evaluate(() => window.__benchFrames(3000, 'wheel'));
      r.errors = errors;
      if (run === 0) {
        r.webgl = await page.evaluate(() => {
          const gl = document.createElement('canvas').getContext('webgl2') || document.createElement('canvas').getContext('webgl');
          if (!gl) return 'no WebGL';
          const ext = gl.getExtension('WEBGL_debug_renderer_info');
          return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
        });
        // The core's share of the import, timed in the same page: parse the export, build the view.
        r.core = await page.evaluate(async (text) => {
          const core = await import('/wasm/telltale.js');
          await core.default({ module_or_path: new URL('/wasm/telltale_bg.wasm', location.href) });
          const out = [];
          for (let i = 0; i < 3; i++) {
            const t0 = performance.now();
            const a = core.Auditor.empty();
            a.importGraph('g.json', text);
            const t1 = performance.now();
            const view = a.graphView('{}');
            const t2 = performance.now();
            JSON.parse(view);
            const t3 = performance.now();
            a.free();
            out.push({ importGraph: t1 - t0, graphView: t2 - t1, parseView: t3 - t2, viewChars: view.length });
          }
          return out;
        }, fs.readFileSync(graphFile, 'utf8'));
      }
      runs.push(r);
      await page.close();
    }
  } finally {
    await b.close();
    await web.close();
  }
  results.graph = { expected, runs };
  console.log(`WebGL renderer: ${runs[0].webgl}`);
  console.log(`graph shown: ${runs.map((r) => `${r.nodes} nodes / ${r.edges} edges`).join(', ')}; page errors: ${runs.flatMap((r) => r.errors).length}\n`);
  const m = (k) => median(runs.map((r) => r[k]));
  table(['import (median of ' + runs.length + ')', 'ms'], [
    ['change event → first sigma render of the 5,000 nodes', f0(m('changeToFirstRender'))],
    ['change event → data-nodes set (page ready)', f0(m('changeToReady'))],
    ['change event → next animation frame (first draw on screen)', f0(m('changeToNextFrame'))],
    ['setInputFiles call → that frame (node side, includes file transfer)', f0(m('setInputFilesToNextFrameWall'))],
    ['  of which, in the core: importGraph (median of 3, run 1)', f0(median(runs[0].core.map((c) => c.importGraph)))],
    ['  of which, in the core: graphView + JSON.parse', f0(median(runs[0].core.map((c) => c.graphView + c.parseView)))],
    ['layout still running after the pans; done after a further', f0(m('layoutDoneAfterMs'))],
  ]);
  console.log('');
  const rows = [];
  for (const [k, label] of [
    ['idleBefore', 'empty graph, idle (rAF ceiling)'],
    ['panEmpty', 'empty graph, camera moved every frame (the renderer\'s ceiling)'],
    ['panDuringLayout', 'layout running, camera moved every frame'],
    ['dragDuringLayout', 'layout running, mouse drag (a move every frame)'],
    ['idleAfter', 'layout done, idle'],
    ['panAfterLayout', 'layout done, camera moved every frame'],
    ['dragAfterLayout', 'layout done, mouse drag (a move every frame)'],
    ['wheelAfterLayout', 'layout done, mouse-wheel zoom (a wheel event every frame)'],
  ]) {
    const xs = runs.map((r) => r[k]);
    rows.push([label, f1(median(xs.map((x) => x.fps))), f1(median(xs.map((x) => x.rendersPerSec))),
      f1(median(xs.map((x) => x.medianRenderMs))), f0(median(xs.map((x) => x.maxFrameGap))),
      `${f0(median(xs.map((x) => x.edgesDrawn)))}/${f0(median(xs.map((x) => x.renders)))}`, xs.map((x) => x.layout).join(' ')]);
  }
  table(['situation', 'frames/s', 'sigma renders/s', 'render ms (median)', 'longest frame gap ms', 'renders with edges', 'layout state'], rows);
}

// ------------------------------------------------------------------ main

async function main() {
  const dist = path.join(ROOT, 'dist/chrome');
  if (!fs.existsSync(path.join(dist, 'manifest.json'))) throw new Error('no dist/chrome: build it first (scripts/build-extension.sh)');
  fs.cpSync(dist, EXT, { recursive: true });
  for (const z of ['telltale-chrome.zip', 'telltale-firefox.zip']) {
    const p = path.join(ROOT, 'dist', z);
    if (fs.existsSync(p)) fs.copyFileSync(p, path.join(TMP, z));
  }
  const version = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0];
  const wasmMtime = fs.statSync(path.join(dist, 'wasm/telltale_bg.wasm')).mtime.toISOString();
  results.chromium = version;
  console.log(`# Telltale extension benchmarks — ${results.date}`);
  console.log(`${version}; ${os.cpus().length} cores; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; dist/chrome wasm of ${wasmMtime}`);

  const graphFile = path.join(TMP, 'graph-5000.json');
  fs.writeFileSync(graphFile, execFileSync(process.execPath, [path.join(ROOT, 'bench/make-graph.mjs')], { maxBuffer: 1 << 28 }));
  const graphText = fs.readFileSync(graphFile, 'utf8');
  const doc = JSON.parse(graphText);
  const expected = { nodes: doc.nodes.length, edges: doc.edges.length, bytes: graphText.length };

  if (ONLY.has('size')) measureSizes();
  if (ONLY.has('start')) await measureStart(graphText);
  if (ONLY.has('load')) for (const latency of LATENCIES) await measureLoad({ latency });
  if (ONLY.has('load-parts')) await measureLoad({ parts: true, latency: opt.latency ? LATENCIES[0] : 0 });
  if (ONLY.has('graph')) await measureGraph(graphFile, expected);
  if (ONLY.has('block')) {
    await measureBlockApply();
    for (const latency of LATENCIES) await measureLoad({ latency, block: true });
  }

  results.machine.loadAfter = os.loadavg();
  console.log(`\nload average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (opt.json) fs.writeFileSync(opt.json, JSON.stringify(results, null, 1));
}

try {
  await main();
} finally {
  fs.rmSync(TMP, { recursive: true, force: true });
}
