// Snapshot and restore of a large graph in the wasm build (node): what the
// extension's worker pays at every compaction (snapshot) and at every cold
// start with a stored graph (restore).
//   npm ci && bash scripts/build-wasm.sh && node bench/snapshot.mjs [nodes] [edges]
// The graph is bench/make-graph.mjs's (default 5,000 sites, 20,000 edges),
// imported into an auditor without rule packs. Median of 15 runs each.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { Auditor, initSync } from '../target/wasm/telltale.js';

const root = new URL('..', import.meta.url);
initSync({ module: readFileSync(new URL('target/wasm/telltale_bg.wasm', root)) });

const [nodes = '5000', edges = '20000'] = process.argv.slice(2);
const text = execFileSync(process.execPath, [fileURLToPath(new URL('bench/make-graph.mjs', root)), nodes, edges], { maxBuffer: 1 << 28, encoding: 'utf8' });
const source = Auditor.empty();
source.importGraph('graph.json', text);
const snapshot = source.snapshot();

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function time(fn, runs = 15) {
  fn(); // warm-up
  const xs = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

const restoreMs = time(() => {
  const a = Auditor.empty();
  a.restore(snapshot);
  a.free();
});
const snapshotMs = time(() => source.snapshot());
const check = Auditor.empty();
check.restore(snapshot);
if (check.snapshot() !== snapshot) throw new Error('restore(snapshot) does not give the same snapshot back');

console.log(`graph: ${nodes} sites, ${edges} edges; snapshot ${snapshot.length.toLocaleString('en')} characters`);
console.log(`restore  median ${restoreMs.toFixed(1)} ms`);
console.log(`snapshot median ${snapshotMs.toFixed(1)} ms`);
