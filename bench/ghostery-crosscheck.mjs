// Independent cross-check and speed, side by side in one run: Telltale's wasm
// build (Brave's adblock engine inside, wired to Telltale's URL parsing, party
// detection and resource types) against the npm engine @ghostery/adblocker,
// with EasyList + EasyPrivacy on every request of ../shared/data/requests.
// A report, not a pass/fail: it prints the agreement rate, up to 50
// disagreements each with the reason found, and per-request times.
//   npm ci && bash scripts/build-wasm.sh && node bench/ghostery-crosscheck.mjs
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { FiltersEngine, NetworkFilter, Request } from '@ghostery/adblocker';
import { initSync, Auditor } from '../target/wasm/telltale.js';

const root = new URL('..', import.meta.url);
initSync({ module: readFileSync(new URL('target/wasm/telltale_bg.wasm', root)) });
const lists = ['easylist.txt', 'easyprivacy.txt'].map((f) => readFileSync(new URL(`../shared/data/filterlists/${f}`, root), 'utf8'));

const requests = [];
for (const f of ['adblock-rust-matching-test-requests.json', 'ghostery-adblocker-test-requests.json']) {
  for (const r of JSON.parse(readFileSync(new URL(`../shared/data/requests/${f}`, root), 'utf8'))) requests.push({ ...r, file: f });
}

// Load times (each engine from the list text).
let t = performance.now();
const ghostery = FiltersEngine.parse(lists.join('\n'), { loadCosmeticFilters: false, debug: true });
const ghosteryLoad = performance.now() - t;
t = performance.now();
// One pack holding both lists (one engine, as adblock-rust's own tests load them).
const ours = Auditor.empty();
ours.loadPack('easylist+easyprivacy.txt', lists.join('\n'));
const oursLoad = performance.now() - t;

const ghosteryMatch = (r) => {
  const req = Request.fromRawDetails({ url: r.url, sourceUrl: r.sourceUrl, type: r.type });
  const m = ghostery.match(req);
  return m.match ? (m.filter ? m.filter.toString() : '?') : (m.exception ? null : null);
};
const oursMatch = (r) => ours.filterMatch(r.url, r.sourceUrl, r.type) ?? null;

// Why a filter one engine matched did nothing in the other.
const ghosteryReads = (f) => NetworkFilter.parse(f) !== null;
const oursReads = (f) => {
  try { Auditor.empty().loadPack('one.txt', `! Title: one\n${f}\n`); return true; } catch { return false; }
};
const hostOf = (u) => { try { return new URL(u).hostname; } catch { return ''; } };
// Returns [class, detail]: the class groups the report's counts.
function reason(r, g, o) {
  if (!hostOf(r.url)) {
    return ['request without a host', `the request URL ${JSON.stringify(r.url)} has no host: Telltale drops it as unusable (counted), ghostery matches it (${g || o})`];
  }
  if (g && !o && (r.type === 'document' || r.type === 'main_frame')) {
    return ['top-level document', `adblock-rust applies a filter to a top-level document only with $document (uBlock Origin's rule); ghostery applies ${g}`];
  }
  if (!hostOf(r.sourceUrl)) {
    return ['page without a host', `the page URL ${JSON.stringify(r.sourceUrl)} has no host: adblock-rust (and Telltale) take such a request as third party, ghostery as first party, so $third-party filters split (${g || o})`];
  }
  if (g && !o) {
    if (!oursReads(g)) return ['filter only ghostery reads', `adblock-rust cannot read ghostery's filter ${g}`];
    return ['filter applied only by ghostery', `both read ${g}; adblock-rust does not apply it to this ${r.type} request (its options, the party, or an exception)`];
  }
  if (o && !g) {
    if (!ghosteryReads(o)) return ['filter only adblock-rust reads', `ghostery cannot read the filter ${o}`];
    return ['filter applied only by adblock-rust', `both read ${o}; ghostery does not apply it to this ${r.type} request (its options, the party, or an exception)`];
  }
  return ['', ''];
}

let agree = 0;
const disagreements = [];
const classes = new Map();
const times = { ghostery: [], telltale: [] };
for (const r of requests) {
  // Interleaved, so both see the same machine noise; 8 runs each, the mean kept.
  let s = performance.now();
  let g;
  for (let i = 0; i < 8; i++) g = ghosteryMatch(r);
  times.ghostery.push((performance.now() - s) / 8);
  s = performance.now();
  let o;
  for (let i = 0; i < 8; i++) o = oursMatch(r);
  times.telltale.push((performance.now() - s) / 8);
  if (!!g === !!o) {
    agree++;
    continue;
  }
  const [cls, detail] = reason(r, g, o);
  const n = (classes.get(cls) || 0) + 1;
  classes.set(cls, n);
  // Up to 50 shown, at most 12 of one kind, so every kind of reason appears.
  if (disagreements.length < 50 && n <= 12) {
    disagreements.push(`${r.type} ${r.url.slice(0, 120)} from ${r.sourceUrl.slice(0, 60) || '""'}: ghostery ${g ? 'blocks' : 'allows'}, telltale ${o ? 'blocks' : 'allows'} — ${detail.slice(0, 300)}`);
  }
}
// The floor: one call across the wasm boundary with three short strings and
// nothing matched (the URL does not parse), per request, as Telltale pays it.
const floor = [];
for (let k = 0; k < requests.length; k++) {
  const s = performance.now();
  for (let i = 0; i < 8; i++) ours.filterMatch('x', 'y', 'script');
  floor.push((performance.now() - s) / 8);
}
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const us = (ms) => `${(ms * 1000).toFixed(2)} µs`;
console.log(`EasyList + EasyPrivacy, ${requests.length} requests (node ${process.version})`);
console.log(`agreement: ${agree} of ${requests.length} (${(100 * agree / requests.length).toFixed(2)} %); ${requests.length - agree} disagreements`);
for (const [cls, n] of [...classes].sort((a, b) => b[1] - a[1])) console.log(`  ${n} × ${cls}`);
console.log(`${disagreements.length} of them:`);
for (const d of disagreements) console.log(`  ${d}`);
console.log(`load from text: ghostery ${ghosteryLoad.toFixed(0)} ms, telltale ${oursLoad.toFixed(0)} ms`);
for (const k of ['ghostery', 'telltale']) console.log(`${k.padEnd(9)} per request: median ${us(q(times[k], 0.5))}, p99 ${us(q(times[k], 0.99))}`);
console.log(`floor (a wasm call that matches nothing): median ${us(q(floor, 0.5))}`);
console.log(`ratio telltale / ghostery: median ${(q(times.telltale, 0.5) / q(times.ghostery, 0.5)).toFixed(2)}, p99 ${(q(times.telltale, 0.99) / q(times.ghostery, 0.99)).toFixed(2)}`);
