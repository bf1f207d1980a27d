// The graph page at 5,000 nodes / 20,000 edges in Firefox ESR, whose software
// WebGL here is Mesa's llvmpipe (multi-threaded), not Chromium's SwiftShader.
//
//   cd /work/main && unshare -n sh -c 'ip link set lo up; node bench/graph-firefox.mjs'
//
// Needs dist/firefox (scripts/build-extension.sh; this script never builds),
// /usr/bin/firefox-esr and puppeteer-core (tests/e2e/firefox.mjs launches it).
// Imports bench/make-graph.mjs's graph through the page's file input, then
// counts frames while the camera moves and during a mouse drag, during the
// ForceAtlas2 layout and after it, and during mouse-wheel zooms
// (bench/frames.mjs, as bench/extension.mjs does in Chromium).
// Options: --runs=N imports (default 3).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { poll, sleep } from '../tests/e2e/browser.mjs';
import { launchFirefox } from '../tests/e2e/firefox.mjs';
import { frameCounter } from './frames.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number((process.argv.find((a) => a.startsWith('--runs=')) || '--runs=3').slice(7));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-bench-ff-'));
const file = path.join(tmp, 'graph-5000.json');
fs.writeFileSync(file, execFileSync(process.execPath, [path.join(ROOT, 'bench/make-graph.mjs')], { maxBuffer: 1 << 28 }));
const expected = JSON.parse(fs.readFileSync(file, 'utf8')).nodes.length;

// No fixture web: the graph comes from the file. The tunnel needs a port; nothing connects to it.
const session = await launchFirefox({ port: 9, log: [] });
const version = execFileSync(session.browser.process().spawnfile, ['--version'], { encoding: 'utf8' }).trim();
const runs = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const page = await session.browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await session.openExtensionPage(page, 'graph/graph.html');
    await poll(() => page.evaluate(() => document.body.dataset.ready === '1' && !!window.__telltaleGraph), { timeout: 30_000 });
    await page.evaluate(frameCounter);
    const r = { renderer: null };
    r.renderer = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      return gl ? gl.getParameter(gl.RENDERER) : 'no WebGL';
    });
    r.panEmpty = await page.evaluate(() => window.__benchFrames(2000, 'camera'));
    await page.evaluate(() => {
      window.__bench = {};
      document.addEventListener('change', (e) => { if (e.target.id === 'import') window.__bench.change = performance.now(); }, true);
    });
    const input = await page.$('#import');
    await input.uploadFile(file);
    await poll(() => page.evaluate((n) => Number(document.body.dataset.nodes) >= n && (window.__bench.ready ||= performance.now()), expected), { timeout: 60_000, interval: 20 });
    r.changeToReady = await page.evaluate(() => window.__bench.ready - window.__bench.change);
    r.panDuringLayout = await page.evaluate(() => window.__benchFrames(3000, 'camera'));
    r.dragDuringLayout = await page.evaluate(() => window.__benchFrames(3000, 'drag'));
    await sleep(400);
    await poll(() => page.evaluate(() => document.body.dataset.layout === 'done'), { timeout: 60_000 });
    await sleep(500);
    if (run === 0) await page.screenshot({ path: path.join(tmp, 'graph-5000.png') });
    r.panAfterLayout = await page.evaluate(() => window.__benchFrames(3000, 'camera'));
    r.dragAfterLayout = await page.evaluate(() => window.__benchFrames(3000, 'drag'));
    await sleep(400);
    r.wheelAfterLayout = await page.evaluate(() => window.__benchFrames(3000, 'wheel'));
    runs.push(r);
    await page.close();
  }
} finally {
  await session.close();
}

console.log(`# Graph page in Firefox — ${new Date().toISOString()}`);
console.log(`${version}; WebGL renderer: ${runs[0].renderer}; ${os.cpus().length} cores; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`5,000 nodes / 20,000 edges; ${RUNS} imports; change event → data-nodes set, median ${median(runs.map((r) => r.changeToReady)).toFixed(0)} ms`);
console.log('\n| situation | frames/s (median of imports) | longest frame gap, ms |\n|---|---|---|');
for (const [k, label] of [
  ['panEmpty', 'empty graph, camera moved every frame'],
  ['panDuringLayout', 'layout running, camera moved every frame'],
  ['dragDuringLayout', 'layout running, mouse drag'],
  ['panAfterLayout', 'layout done, camera moved every frame'],
  ['dragAfterLayout', 'layout done, mouse drag'],
  ['wheelAfterLayout', 'layout done, mouse-wheel zoom'],
]) {
  console.log(`| ${label} | ${median(runs.map((r) => r[k].fps)).toFixed(1)} | ${median(runs.map((r) => r[k].maxFrameGap)).toFixed(0)} |`);
}
console.log(`\nscreenshot of the first import: ${path.join(tmp, 'graph-5000.png')}`);
