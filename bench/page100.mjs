// Shared by the extension benchmarks (bench/extension.mjs in Chromium,
// bench/firefox.mjs in Firefox): the page with 100 third-party requests, its
// server, one timed load of it, and the statistics they print.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { siteOf } from '../tests/e2e/fixture-web.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const sorted = (xs) => [...xs].sort((a, b) => a - b);
export const quantile = (xs, q) => {
  const s = sorted(xs);
  if (!s.length) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
};
export const median = (xs) => quantile(xs, 0.5);
export const p90 = (xs) => quantile(xs, 0.9);
export const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
export const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');

export function table(head, rows) {
  const all = [head, ...rows].map((r) => r.map(String));
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  console.log([line(all[0]), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...all.slice(1).map(line)].join('\n'));
}


export const FIRST_PARTY = 'www.bench-news.example';

/** 100 hosts on 100 sites, of distinct entities of the default pack (about every 21st), so they classify as they would. */
export function thirdPartyHosts(n = 100) {
  const pack = JSON.parse(fs.readFileSync(path.join(ROOT, 'rules/default.json'), 'utf8'));
  const hosts = [];
  const sites = new Set();
  const stride = Math.floor(pack.entities.length / n);
  for (let i = 0; hosts.length < n && i < pack.entities.length; i += stride) {
    const d = (pack.entities[i].domains || []).find((x) => /^[a-z0-9.-]+\.[a-z]+$/.test(x) && !sites.has(siteOf(x)));
    if (d) {
      hosts.push(d);
      sites.add(siteOf(d));
    }
  }
  for (let i = 0; hosts.length < n; i++) hosts.push(`t${i}.bench-tracker.test`);
  return hosts;
}

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export async function startPageWeb(hosts, { latency = 0, dir: tmp }) {
  const dir = path.join(tmp, 'cert');
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-days', '2', '-subj', '/CN=telltale-bench', '-addext', `subjectAltName=${[FIRST_PARTY, ...hosts].map((h) => `DNS:${h}`).join(',')}`,
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
  ], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
  const embeds = hosts.map((h, i) => (i % 2
    ? `<script async src="https://${h}/tag.js?i=${i}"></script>`
    : `<img alt="" width="1" height="1" src="https://${h}/px.gif?i=${i}">`)).join('\n');
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>100 third parties</title></head><body>
<h1>A page with 100 third-party requests</h1><p>${'Some text. '.repeat(200)}</p>
${embeds}
</body></html>`;
  // A tag that does what small tags do: adds listeners and reads a little.
  const tag = (i) => `(function(){window.__tags=(window.__tags||0)+1;document.addEventListener('click',function(){},true);
window.addEventListener('scroll',function(){},{passive:true});var ua=navigator.userAgent.length+${i};})();\n`;
  let served = 0;
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
    if (latency > 0) setTimeout(respond, latency, req, res);
    else respond(req, res);
  });
  function respond(req, res) {
    served++;
    const host = String(req.headers.host || '').replace(/:\d+$/, '');
    const common = { 'cache-control': 'no-store' };
    if (host === FIRST_PARTY) res.writeHead(200, { ...common, 'content-type': 'text/html; charset=utf-8' }).end(page);
    else if (req.url.startsWith('/tag.js')) res.writeHead(200, { ...common, 'content-type': 'text/javascript' }).end(tag(served));
    else if (req.url.startsWith('/px.gif')) res.writeHead(200, { ...common, 'content-type': 'image/gif' }).end(GIF);
    else res.writeHead(404, common).end();
  }
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { port: server.address().port, served: () => served, close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); } };
}

export async function loadOnce(page, i) {
  await page.goto(`https://${FIRST_PARTY}/?load=${i}`, { waitUntil: 'load', timeout: 30_000 });
  return page.evaluate(async () => {
    const nav = () => performance.getEntriesByType('navigation')[0];
    while (!(nav().loadEventEnd > 0)) await new Promise((r) => setTimeout(r, 5));
    const n = nav();
    const res = performance.getEntriesByType('resource');
    const third = res.filter((e) => /\/(tag\.js|px\.gif)\?i=/.test(e.name));
    return { load: n.loadEventEnd, dcl: n.domContentLoadedEventEnd, resources: third.length, tags: window.__tags || 0, others: res.filter((e) => !third.includes(e)).map((e) => e.name) };
  });
}

