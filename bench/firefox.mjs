// The extension in Firefox ESR (dist/firefox), beside the same Firefox without it:
// the page with 100 third-party requests (bench/page100.mjs, as bench/extension.mjs
// loads it in Chromium), and the background's start.
//
//   cd /work/main && unshare -n sh -c 'ip link set lo up; node bench/firefox.mjs'
//
// Run as root in a network namespace with only loopback. Needs dist/firefox
// (scripts/build-extension.sh) and firefox-esr; Firefox reaches the page's
// server through the e2e tests' loopback CONNECT tunnel (tests/e2e/firefox.mjs).
//
// Options: --loads=N       page loads per variant (default 20, after 2 warm-ups each)
//          --latency=MS,.. once per value: every response sent MS ms after its request (default 0,50)
//          --starts=N      background starts measured (default 10)
//
// What it prints:
// 1. load:  two Firefox instances (with / without Telltale) loading the page
//    alternately (ABBA); navigation start → loadEventEnd; the overhead as the
//    ratio of medians and as the median of per-round ratios.
// 2. start: the background (an event page in Firefox) suspended after 1 s
//    idle, then woken by a message from an extension page; the background's
//    own `status.readyInMs` (its start → core ready: wasm instantiated, packs
//    loaded, stored state restored) and its phases, and the time from the
//    message to its answer.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { launchFirefox } from '../tests/e2e/firefox.mjs';
import { f1, loadOnce, median, p90, startPageWeb, table, thirdPartyHosts } from './page100.mjs';

const opt = Object.fromEntries(process.argv.slice(2).map((a) => {
  const m = a.match(/^--([^=]+)(?:=(.*))?$/);
  return m ? [m[1], m[2] ?? true] : [a, true];
}));
const LOADS = Number(opt.loads ?? 20);
const LATENCIES = String(opt.latency ?? '0,50').split(',').map(Number);
const STARTS = Number(opt.starts ?? 10);
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-bench-firefox-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function measureLoad(latency) {
  console.log(`\n## Firefox: a page with 100 third-party requests, with and without Telltale (${latency ? `every response sent ${latency} ms after its request` : 'every response sent at once'})\n`);
  const hosts = thirdPartyHosts();
  const web = await startPageWeb(hosts, { latency, dir: TMP });
  const variants = {};
  try {
    variants.without = await launchFirefox(web, { extension: false });
    variants['with Telltale'] = await launchFirefox(web);
    for (const v of Object.values(variants)) {
      v.page = await v.browser.newPage();
      v.samples = [];
    }
    const names = Object.keys(variants);
    const WARM = 2;
    for (let i = 0; i < WARM + LOADS; i++) {
      for (const name of i % 2 ? names : [...names].reverse()) {
        const x = await loadOnce(variants[name].page, `${i}`);
        if (x.resources !== 100 || x.tags !== 50) throw new Error(`${name} load ${i}: ${x.resources} resources, ${x.tags} tags ran; ${x.others}`);
        if (i >= WARM) variants[name].samples.push(x);
        await sleep(100);
      }
    }
    const view = await variants['with Telltale'].ask('graphView', { filters: {} });
    const seen = view.edges.filter((e) => e.source === 'bench-news.example').length;
    const base = variants.without.samples;
    const rows = Object.entries(variants).map(([name, v]) => {
      const load = v.samples.map((x) => x.load);
      const overall = (median(load) / median(base.map((x) => x.load)) - 1) * 100;
      const paired = (median(v.samples.map((x, k) => x.load / base[k].load)) - 1) * 100;
      const pct = (x) => (name === 'without' ? '' : `${x >= 0 ? '+' : ''}${f1(x)} %`);
      return [name, load.length, f1(median(load)), f1(p90(load)), f1(median(v.samples.map((x) => x.dcl))), pct(overall), pct(paired)];
    });
    table(['variant', 'loads', 'load median ms', 'p90', 'DOMContentLoaded median', 'overhead (ratio of medians)', 'overhead (median of per-round ratios)'], rows);
    console.log(`\nTelltale's graph has ${seen} edges from the page's site (of ${hosts.length} third parties).`);
  } finally {
    for (const v of Object.values(variants)) await v.close().catch(() => {});
    await web.close();
  }
}

async function measureStart() {
  console.log('\n## Firefox: the background woken by a message after being suspended\n');
  const web = await startPageWeb(thirdPartyHosts(), { dir: TMP });
  const s = await launchFirefox(web, { idleMs: 1000 });
  const rows = [];
  try {
    for (let i = 0; i < STARTS; i++) {
      const before = (await s.ask('status')).startedAt;
      // Suspended once idle for 1 s: the next message starts a new background.
      await sleep(2500);
      const t0 = Date.now();
      const st = await s.ask('status');
      const answered = Date.now() - t0;
      if (st.startedAt === before) throw new Error('the background was not suspended between messages');
      rows.push({ readyInMs: st.readyInMs, answered, phases: st.phases });
    }
  } finally {
    await s.close();
    await web.close();
  }
  const phases = Object.keys(rows[0].phases || {});
  table(['starts', 'readyInMs median', 'p90', 'message → answer median', ...phases.map((p) => `${p} (ms from start, median)`)],
    [[rows.length, f1(median(rows.map((r) => r.readyInMs))), f1(p90(rows.map((r) => r.readyInMs))), f1(median(rows.map((r) => r.answered))),
      ...phases.map((p) => f1(median(rows.map((r) => r.phases[p]))))]]);
}

try {
  console.log(`Firefox benchmarks, ${new Date().toISOString()}, ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const latency of LATENCIES) await measureLoad(latency);
  await measureStart();
} finally {
  fs.rmSync(TMP, { recursive: true, force: true });
}
