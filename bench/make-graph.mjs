// Writes a Telltale JSON graph of N sites and M edges (default 5,000 / 20,000)
// for the graph-page benchmark: 1 in 5 sites visited, the rest third parties
// with categories and reach, edges chosen by a fixed LCG.
//   node bench/make-graph.mjs [nodes] [edges] > graph.json
const N = Number(process.argv[2] || 5000);
const M = Number(process.argv[3] || 20000);
const CATS = ['session-replay', 'retargeting', 'advertising', 'analytics', 'social', 'fingerprinting', 'cross-site-cookies', 'tag-manager', 'consent', 'content', 'cdn', 'other'];
let x = 0x2545f4914f6cdd1dn;
const rnd = (m) => { x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn; return Number((x >> 33n) % BigInt(m)); };
const firsts = Math.floor(N / 5);
const t0 = Date.parse('2026-11-01T00:00:00Z');
const sites = Array.from({ length: N }, (_, i) => (i < firsts ? `site${i}.example` : `tracker${i}.test`));
const seen = new Map();
const edges = new Map();
let next = firsts; // every third party is loaded at least once
while (edges.size < M) {
  const page = sites[rnd(firsts)];
  const to = next < N ? sites[next++] : sites[firsts + rnd(N - firsts)];
  const from = rnd(10) === 0 ? sites[firsts + rnd(N - firsts)] : page;
  if (from === to) continue;
  const key = `${from}\u0000${to}`;
  const e = edges.get(key) || { source: from, target: to, requests: 0, cookies_set: 0, cookies_sent: 0, redirects: 0, blocked: 0, resource_types: { script: 0 }, first_seen: t0, last_seen: t0 };
  e.requests++; e.resource_types.script++;
  edges.set(key, e);
  if (!seen.has(to)) seen.set(to, new Set());
  seen.get(to).add(page);
}
const nodes = sites.map((site, i) => {
  const third = i >= firsts;
  const cats = third ? [CATS[i % CATS.length]].sort() : [];
  const on = [...(seen.get(site) || [])].sort();
  return {
    site, first_party: !third, third_party: third && on.length > 0, tracker: third && i % CATS.length < 7,
    entity: third ? `Entity ${i % 700}` : null, company: third ? `Company ${i % 300}` : null, categories: cats,
    requests: [...edges.values()].length && third ? on.length : 0, seen_on: on, cookies: {}, evidence: [],
    first_seen: t0, last_seen: t0, reach: on.length,
  };
}).filter((n) => n.first_party || n.third_party);
process.stdout.write(JSON.stringify({ format: 'telltale-graph', version: 1, directed: true, multigraph: false, nodes, edges: [...edges.values()] }));
