// The page probe's cost, in headless Chromium, side by side in one run: the
// same pages with no extension, with Telltale (dist/chrome), with EFF's
// Privacy Badger (../shared/peers/, when present: it wraps canvas
// functions too) and, with `--against=DIR`, with another unpacked build (an
// earlier probe, say). `--without-probe` adds Telltale with its page probe
// left out (an empty injected/probe.js in a copy of dist/chrome): the
// difference to Telltale is the probe's own cost, the rest is watching
// requests. The rounds alternate between the browsers, so all see the same
// load.
//
//   cd /work/main && unshare -n sh -c 'ip link set lo up; node bench/probe-cost.mjs [--runs=N] [--without-probe] [--against=DIR] [--no-peer] [--pages=scripts,calls,news]'
//
// Pages (tests/e2e/fixture-web.mjs):
// - scripts.example: script-heavy, 10,000 listener registrations, 1,000
//   canvas calls and 1,000 fetches; `work` is the page's own measure from its
//   first line until the last fetch ended. `?fetches=0` leaves the fetches out.
// - news.example: an ordinary page (a session recorder, analytics, ad pixels,
//   a CDN script); its load event.
// Prints, for each page and browser, the median and spread, then the ratio
// to the browser without an extension.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { CHROMIUM, ROOT, launch } from '../tests/e2e/browser.mjs';
import { SCRIPT_HEAVY, startFixtureWeb } from '../tests/e2e/fixture-web.mjs';

const runs = Number((process.argv.find((a) => a.startsWith('--runs=')) || '--runs=15').slice(7));
const against = (process.argv.find((a) => a.startsWith('--against=')) || '').slice(10);
const withoutProbe = process.argv.includes('--without-probe');
const noPeer = process.argv.includes('--no-peer');
const only = (process.argv.find((a) => a.startsWith('--pages=')) || '--pages=scripts,calls,news').slice(8).split(',');
const BADGER = path.join(ROOT, '../shared/peers/privacybadger-2026.8.7');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function load(ctx, url, work) {
  const page = await ctx.newPage();
  await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
  if (work) await page.waitForFunction(() => window.__work > 0, null, { timeout: 60_000 });
  const r = await page.evaluate(() => ({ work: window.__work, load: performance.getEntriesByType('navigation')[0].loadEventEnd }));
  await page.close();
  return r;
}

/** Chromium with an unpacked extension (or none), in a fresh profile. */
async function plain(web, ext) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-bench-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    headless: true,
    executablePath: CHROMIUM,
    ignoreHTTPSErrors: true,
    args: [...(ext ? [`--disable-extensions-except=${ext}`, `--load-extension=${ext}`] : []), `--host-resolver-rules=MAP * 127.0.0.1:${web.port}`,
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  if (ext) await new Promise((r) => setTimeout(r, 3000)); // its first start (Privacy Badger loads its seed)
  for (const p of ctx.pages()) await p.close().catch(() => {}); // a first-run page
  return { ctx, close: async () => { await ctx.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

const web = await startFixtureWeb();
const browsers = [['none', await plain(web, null)], ['telltale', await launch(web)]];
if (!noPeer && fs.existsSync(path.join(BADGER, 'manifest.json'))) browsers.push(['privacy badger', await plain(web, BADGER)]);
if (withoutProbe) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-no-probe-'));
  fs.cpSync(path.join(ROOT, 'dist/chrome'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'injected/probe.js'), '');
  const b = await launch(web, { ext: dir });
  browsers.push(['telltale, no probe', { ctx: b.ctx, close: async () => { await b.close(); fs.rmSync(dir, { recursive: true, force: true }); } }]);
}
// Another build of Telltale, launched as Telltale is (its options page open, its core ready).
if (against) browsers.push([`other (${path.basename(against)})`, await launch(web, { ext: against })]);
const version = browsers[0][1].ctx.browser()?.version() || '';
try {
  const pages = [
    ['scripts', 'scripts.example: listeners, canvas calls and 1,000 fetches', `https://${SCRIPT_HEAVY.site}/`, true],
    ['calls', 'scripts.example?fetches=0: listeners and canvas calls only', `https://${SCRIPT_HEAVY.site}/?fetches=0`, true],
    ['news', 'news.example: an ordinary page', 'https://news.example/', false],
  ].filter(([id]) => only.includes(id));
  console.log(`Chromium ${version}; ${runs} loads of each page in each browser, alternating, after one warm-up`);
  for (const [, label, url, work] of pages) {
    for (const [, b] of browsers) await load(b.ctx, url, work);
    const res = Object.fromEntries(browsers.map(([name]) => [name, { work: [], load: [] }]));
    for (let i = 0; i < runs; i++) {
      const order = browsers.map((_, j) => browsers[(i + j) % browsers.length]);
      for (const [name, b] of order) {
        const r = await load(b.ctx, url, work);
        res[name].work.push(r.work);
        res[name].load.push(r.load);
      }
    }
    const fmt = (xs) => `${median(xs).toFixed(1)} ms (p10 ${q(xs, 0.1).toFixed(1)}, p90 ${q(xs, 0.9).toFixed(1)})`;
    console.log(`\n${label}`);
    const base = res.none;
    for (const [name] of browsers) {
      const r = res[name];
      const ratio = (k) => median(r[k]) / median(base[k]);
      const pct = (k) => `${ratio(k).toFixed(3)} (${ratio(k) >= 1 ? '+' : ''}${((ratio(k) - 1) * 100).toFixed(1)} %)`;
      console.log(`  ${name.padEnd(16)} ${work ? `work ${fmt(r.work)} ${pct('work')}; ` : ''}load event ${fmt(r.load)} ${pct('load')}`);
    }
  }
} finally {
  for (const [, b] of browsers) await b.close().catch(() => {});
  await web.close();
}
