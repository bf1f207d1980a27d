// Site lookup (hostname → registrable domain) in one run: Telltale's wasm build
// against tldts' getDomain, on the same real hostnames.
//   npm ci && bash scripts/build-wasm.sh && node bench/site-lookup.mjs
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { getDomain as tldtsGetDomain } from 'tldts';

// The full list, private section included, as Telltale uses it.
const getDomain = (h) => tldtsGetDomain(h, { allowPrivateDomains: true });
import init, { initSync, siteOf, registrableDomains } from '../target/wasm/telltale.js';

const root = new URL('..', import.meta.url);
initSync({ module: readFileSync(new URL('target/wasm/telltale_bg.wasm', root)) });
void init;

const hosts = [];
for (const f of ['adblock-rust-matching-test-requests.json', 'ghostery-adblocker-test-requests.json']) {
  for (const r of JSON.parse(readFileSync(new URL(`../shared/data/requests/${f}`, root), 'utf8'))) {
    try { hosts.push(new URL(r.url).hostname); } catch { /* not a URL with a host */ }
  }
}
const joined = hosts.join('\n');

// Both must agree before their speed means anything.
const ours = registrableDomains(joined).split('\n');
let disagree = 0;
for (let i = 0; i < hosts.length; i++) {
  const theirs = getDomain(hosts[i]) ?? '';
  if (theirs !== ours[i] && !(hosts[i].startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(hosts[i]))) disagree++;
}

function time(label, fn, rounds = 30) {
  for (let i = 0; i < 5; i++) fn();
  const t = [];
  for (let i = 0; i < rounds; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  const median = t[t.length >> 1];
  return { label, nsPerHost: (median * 1e6) / hosts.length };
}

let sink = 0;
// Interleave the peers round by round so machine noise hits both alike.
const results = { tldts: [], batch: [], perCall: [] };
for (let round = 0; round < 5; round++) {
  results.tldts.push(time('tldts getDomain', () => { for (const h of hosts) sink += (getDomain(h) ?? '').length; }).nsPerHost);
  results.batch.push(time('telltale registrableDomains (batch)', () => { sink += registrableDomains(joined).length; }).nsPerHost);
  results.perCall.push(time('telltale siteOf (per call)', () => { for (const h of hosts) sink += (siteOf(h) ?? '').length; }).nsPerHost);
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
const tl = med(results.tldts), b = med(results.batch), p = med(results.perCall);
console.log(`${hosts.length} hostnames, ${disagree} disagreements between the two (IP literals excluded)`);
console.log(`tldts getDomain                     ${tl.toFixed(0)} ns/host`);
console.log(`telltale registrableDomains (batch) ${b.toFixed(0)} ns/host  ratio tldts/telltale ${(tl / b).toFixed(2)}`);
console.log(`telltale siteOf (one call per host) ${p.toFixed(0)} ns/host  ratio tldts/telltale ${(tl / p).toFixed(2)}`);
if (sink === 42) console.log('');
