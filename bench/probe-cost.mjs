// The page probe's cost on a script-heavy page (scripts.example in
// tests/e2e/fixture-web.mjs: 10,000 listener registrations, 1,000 canvas
// calls, 1,000 fetches), in headless Chromium with the extension and without
// it, side by side in one run: the rounds alternate between the two browsers.
//
//   cd /work/main && unshare -n sh -c 'ip link set lo up; node bench/probe-cost.mjs [--runs=N]'
//
// Prints, for each browser, the median and spread of the page's own measure
// of that work (`window.__work`, from its first line until the last fetch
// ended) and of the navigation's load event, then the ratio with/without.
//
// `--against=DIR` puts another build of the extension (an unpacked folder,
// e.g. an earlier probe) in place of the browser without it: two probes
// compared in one run, under the same load.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { CHROMIUM, launch } from '../tests/e2e/browser.mjs';
import { SCRIPT_HEAVY, startFixtureWeb } from '../tests/e2e/fixture-web.mjs';

const runs = Number((process.argv.find((a) => a.startsWith('--runs=')) || '--runs=15').slice(7));
const against = (process.argv.find((a) => a.startsWith('--against=')) || '').slice(10);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function load(ctx, query) {
  const page = await ctx.newPage();
  await page.goto(`https://${SCRIPT_HEAVY.site}/${query}`, { waitUntil: 'load', timeout: 60_000 });
  await page.waitForFunction(() => window.__work > 0, null, { timeout: 60_000 });
  const r = await page.evaluate(() => ({ work: window.__work, load: performance.getEntriesByType('navigation')[0].loadEventEnd }));
  await page.close();
  return r;
}

const web = await startFixtureWeb();
const withExt = await launch(web);
const bareDir = fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-bench-bare-'));
const bare = await chromium.launchPersistentContext(bareDir, {
  headless: true,
  executablePath: CHROMIUM,
  ignoreHTTPSErrors: true,
  args: [...(against ? [`--disable-extensions-except=${against}`, `--load-extension=${against}`] : []), `--host-resolver-rules=MAP * 127.0.0.1:${web.port}`, '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const [label, query] of [['listeners, canvas calls and fetches', ''], ['listeners and canvas calls only (no fetches)', '?fetches=0']]) {
    // One warm-up load each (caches, JIT), not counted.
    await load(withExt.ctx, query);
    await load(bare, query);
    const res = { with: { work: [], load: [] }, without: { work: [], load: [] } };
    for (let i = 0; i < runs; i++) {
      for (const [name, ctx] of i % 2 ? [['without', bare], ['with', withExt.ctx]] : [['with', withExt.ctx], ['without', bare]]) {
        const r = await load(ctx, query);
        res[name].work.push(r.work);
        res[name].load.push(r.load);
      }
    }
    const fmt = (xs) => `median ${median(xs).toFixed(1)} ms (p10 ${q(xs, 0.1).toFixed(1)}, p90 ${q(xs, 0.9).toFixed(1)})`;
    console.log(`scripts.example${query}: ${label}; ${runs} loads each, alternating; Chromium ${withExt.ctx.browser()?.version() || ''}`);
    const who = { without: against ? `with ${against}:` : 'without the extension:', with: against ? 'with this build:' : 'with    the extension:' };
    for (const name of ['without', 'with']) console.log(`  ${who[name]} work ${fmt(res[name].work)}; load event ${fmt(res[name].load)}`);
    const ratio = (k) => median(res.with[k]) / median(res.without[k]);
    console.log(`  ${against ? 'this build / the other' : 'with / without'}: work ${ratio('work').toFixed(3)} (+${((ratio('work') - 1) * 100).toFixed(1)} %), load event ${ratio('load').toFixed(3)} (+${((ratio('load') - 1) * 100).toFixed(1)} %)`);
  }
} finally {
  await bare.close();
  await withExt.close();
  await web.close();
}
