// What each wrapped call costs a page, in headless Chromium: the built
// probe (dist/chrome/injected/probe.js) run in the main world before the
// page, as the extension runs it, against the same page without it, in one
// browser, alternating. No extension and no network: this isolates the
// probe's own per-call cost from the extension's handling of requests.
//
//   node bench/probe-calls.mjs [--rounds=N] [--probe=FILE]
//
// Prints, for each kind of call, the median ns a call without and with the
// probe, and the difference.

import fs from 'node:fs';
import { chromium } from 'playwright-core';

import { CHROMIUM, ROOT } from '../tests/e2e/browser.mjs';

const rounds = Number((process.argv.find((a) => a.startsWith('--rounds=')) || '--rounds=11').slice(9));
const probeFile = (process.argv.find((a) => a.startsWith('--probe=')) || `--probe=${ROOT}/dist/chrome/injected/probe.js`).slice(8);
const probe = fs.readFileSync(probeFile, 'utf8');

// Each case: N calls, timed in the page; a fresh page per round. The cases
// run from a script the page loads from its own site, as a page's would.
const CASES = {
  'addEventListener (same listener, deduplicated)': `
    const el = document.createElement('div'); const noop = () => {};
    const types = ['mousemove', 'click', 'keydown', 'scroll'];
    const t0 = performance.now();
    for (let i = 0; i < N; i++) el.addEventListener(types[i & 3], noop);
    return performance.now() - t0;`,
  'addEventListener (not a watched type)': `
    const el = document.createElement('div'); const noop = () => {};
    const t0 = performance.now();
    for (let i = 0; i < N; i++) el.addEventListener('load', noop);
    return performance.now() - t0;`,
  'fillText': `
    const c = document.createElement('canvas'); c.width = 120; c.height = 30; const x = c.getContext('2d');
    const t0 = performance.now();
    for (let i = 0; i < N; i++) x.fillText('label', 1, 20);
    return performance.now() - t0;`,
  'getImageData 1x1': `
    const c = document.createElement('canvas'); c.width = 120; c.height = 30; const x = c.getContext('2d');
    const t0 = performance.now();
    for (let i = 0; i < N; i++) x.getImageData(0, 0, 1, 1);
    return performance.now() - t0;`,
  'input.value read': `
    const inp = document.createElement('input'); inp.value = 'x'; let s = 0;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) s += inp.value.length;
    return performance.now() - t0;`,
  // scripts.example's own work (tests/e2e/fixture-web.mjs) without its fetches, timed as a whole (ns a call of its 11,000).
  'scripts.example: 10,000 listeners, 1,000 canvas calls': `
    const el = document.createElement('div'); const noop = function () {};
    const c = document.createElement('canvas'); c.width = 120; c.height = 30;
    const x = c.getContext('2d');
    const t0 = performance.now();
    for (let i = 0; i < 10000; i++) el.addEventListener(['mousemove', 'click', 'keydown', 'scroll'][i % 4], noop);
    for (let j = 0; j < 1000; j++) { if (j % 2) x.fillText('label ' + j, 1, 20); else x.getImageData(0, 0, 1, 1); }
    return (performance.now() - t0) * N / 11000;`,
  'Function.prototype.toString': `
    const f = () => 1; let s = 0;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) s += f.toString().length;
    return performance.now() - t0;`,
};
const N = 10000;
// `--only=TEXT`: the cases whose name holds TEXT.
const onlyCase = (process.argv.find((a) => a.startsWith('--only=')) || '--only=').slice(7);
for (const name of Object.keys(CASES)) if (!name.includes(onlyCase)) delete CASES[name];
const SCRIPT = `window.cases = {\n${Object.entries(CASES).map(([name, body]) => `${JSON.stringify(name)}: (N) => { ${body} },`).join('\n')}\n};`;

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const results = {};
  for (let r = 0; r < rounds; r++) {
    for (const withProbe of r % 2 ? [false, true] : [true, false]) {
      const ctx = await browser.newContext();
      if (withProbe) await ctx.addInitScript({ content: probe });
      await ctx.route('https://calls.example/**', (route) => (route.request().url().endsWith('.js')
        ? route.fulfill({ contentType: 'text/javascript', body: SCRIPT })
        : route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>calls</title><script src="/cases.js"></script><body></body>' })));
      const page = await ctx.newPage();
      await page.goto('https://calls.example/');
      for (const name of Object.keys(CASES)) {
        const ms = await page.evaluate(([n, count]) => window.cases[n](count), [name, N]);
        ((results[name] ??= { with: [], without: [] })[withProbe ? 'with' : 'without']).push((ms * 1e6) / N);
      }
      await ctx.close();
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  console.log(`${N} calls a case, ${rounds} rounds, median ns a call`);
  console.log('| call | without | with the probe | added |');
  console.log('|---|---|---|---|');
  for (const [name, r] of Object.entries(results)) {
    const a = median(r.without);
    const b = median(r.with);
    console.log(`| ${name} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(b - a).toFixed(0)} (${(((b - a) / a) * 100).toFixed(0)} %) |`);
  }
} finally {
  await browser.close();
}
