// A web that replays a HAR capture to a browser: one https server (reached
// like the fixture web, through --host-resolver-rules) that answers each
// recorded request with its recorded status, redirect and cookies, and
// serves each page's document as a page that requests every entry of that
// page, each by the kind of element its MIME type calls for (as the CLI
// types a HAR entry: script, style sheet, image, frame, font, fetch). The
// shared captures hold no bodies, so bodies are empty (an image is a 1×1
// GIF). Plain http entries are asked for over https: a site is the same.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

import { makeCertificate } from './fixture-web.mjs';

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** A recorded URL as the replay asks for it: https, no fragment. */
export const replayUrl = (url) => {
  const u = new URL(url);
  u.protocol = 'https:';
  u.port = '';
  u.hash = '';
  return u.href;
};

const mimeOf = (e) => String(e.response.content?.mimeType || '').split(';')[0].trim().toLowerCase();

/** How the replayed page asks for an entry, by its MIME type (as src/observe.rs's `from_mime`). */
function kindOf(mime) {
  if (mime === 'text/html' || mime === 'application/xhtml+xml') return 'frame';
  if (mime === 'text/css') return 'style';
  if (/^(application|text)\/(x-)?(javascript|ecmascript)$/.test(mime)) return 'script';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('font/') || mime.includes('font')) return 'font';
  return 'fetch';
}

const headerValues = (headers, name) => (headers || []).filter((h) => String(h.name).toLowerCase() === name).map((h) => String(h.value));
const pair = (text) => {
  const i = text.indexOf('=');
  return i > 0 ? [text.slice(0, i).trim(), text.slice(i + 1).trim()] : null;
};
const unique = (pairs) => [...new Map(pairs.filter(Boolean).map((p) => [p[0], p])).values()];

/**
 * The cookies an entry's response set, as (name, value, expiry attributes): its `cookies` list and its
 * Set-Cookie headers. An expiry is kept, so that a cookie the capture deleted is deleted here too.
 */
function setCookiesOf(e) {
  const lines = headerValues(e.response.headers, 'set-cookie').flatMap((v) => v.split('\n'));
  const fromLines = lines.map((l) => {
    const [first, ...attrs] = l.split(';');
    const p = pair(first);
    return p && [...p, attrs.map((a) => a.trim()).filter((a) => /^(expires|max-age)=/i.test(a)).join('; ')];
  });
  const fromList = (e.response.cookies || []).map((c) => [c.name, String(c.value), c.expires ? `Expires=${new Date(c.expires).toUTCString()}` : '']);
  return unique([...fromList, ...fromLines]);
}

/** The cookies an entry's request carried, as (name, value): its `cookies` list and its Cookie header. */
function sentCookiesOf(e) {
  const parts = headerValues(e.request.headers, 'cookie').flatMap((v) => v.split(';'));
  return unique([...(e.request.cookies || []).map((c) => [c.name, String(c.value)]), ...parts.map(pair)]);
}

/** The document of a page: every entry of it requested, in the capture's order. */
function documentFor(entries) {
  const items = entries.map((e) => [kindOf(mimeOf(e)), replayUrl(e.request.url)]);
  return `<!doctype html><html><head><meta charset="utf-8"><title>replay</title></head><body>
<script>
for (const [kind, url] of ${JSON.stringify(items).replace(/</g, '\\u003c')}) {
  if (kind === 'script') { const s = document.createElement('script'); s.src = url; s.async = true; document.head.append(s); }
  else if (kind === 'style') { const l = document.createElement('link'); l.rel = 'stylesheet'; l.href = url; document.head.append(l); }
  else if (kind === 'image') { const i = new Image(); i.src = url; document.body.append(i); }
  else if (kind === 'frame') { const f = document.createElement('iframe'); f.src = url; document.body.append(f); }
  else if (kind === 'font') { new FontFace('f' + Math.random().toString(36).slice(2), 'url(' + JSON.stringify(url) + ')').load().catch(() => {}); }
  else fetch(url, { credentials: 'include', mode: 'no-cors' }).catch(() => {});
}
</script></body></html>`;
}

/**
 * Starts the replay web. `use(harPath)` loads a capture and returns its
 * pages as `[{url, cookies}]`: the URL to open and the cookies its requests
 * carried (to set in the browser first). Returns `{port, use, close}`.
 */
export async function startReplayWeb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-replay-'));
  const { key, cert } = makeCertificate(dir, ['replay.invalid']);
  let answers = new Map(); // URL → the recorded answers, in order
  let documents = new Map(); // URL of a page's document → its page's other entries

  const server = https.createServer({ key, cert, maxHeaderSize: 1 << 20 }, (req, res) => {
    req.resume();
    const host = String(req.headers.host || '').replace(/:\d+$/, '').toLowerCase();
    let url;
    try {
      url = replayUrl(`https://${host}${req.url}`);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const queue = answers.get(url);
    const e = queue && (queue.length > 1 ? queue.shift() : queue[0]);
    if (!e) {
      res.writeHead(404, { 'cache-control': 'no-store' }).end();
      return;
    }
    const headers = { 'cache-control': 'no-store' };
    const origin = req.headers.origin;
    if (origin) Object.assign(headers, { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' });
    // A cookie with a control character in it no browser would keep: it is not sent.
    const cookies = setCookiesOf(e).map(([name, value, expiry]) => `${name}=${value}; Path=/; Secure; SameSite=None${expiry ? `; ${expiry}` : ''}`).filter((c) => /^[\x20-\x7e]*$/.test(c));
    if (cookies.length) headers['set-cookie'] = cookies;
    const status = e.response.status;
    if (status >= 300 && status < 400 && status !== 304 && e.response.redirectURL) {
      headers.location = replayUrl(new URL(e.response.redirectURL, e.request.url).href);
      res.writeHead(status, headers).end();
      return;
    }
    const mime = mimeOf(e);
    const page = documents.get(url);
    if (page) {
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(documentFor(page));
      return;
    }
    const code = status >= 200 && status < 300 ? status : status === 304 ? 200 : status;
    if (code === 204) {
      res.writeHead(204, headers).end();
      return;
    }
    headers['content-type'] = mime || 'application/octet-stream';
    const kind = kindOf(mime);
    res.writeHead(code, headers).end(kind === 'image' ? GIF : kind === 'frame' ? '<!doctype html><title>frame</title>' : '');
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });

  return {
    port: server.address().port,
    use(harPath) {
      const log = JSON.parse(fs.readFileSync(harPath, 'utf8')).log;
      answers = new Map();
      documents = new Map();
      const pages = [];
      for (const p of log.pages || [{ id: undefined }]) {
        const entries = log.entries.filter((e) => e.pageref === p.id);
        if (!entries.length) continue;
        // The document: the first entry, and the redirects it leads through to a page.
        const chain = [entries[0]];
        while (chain.at(-1).response.redirectURL && chain.length < 20) {
          const next = replayUrl(new URL(chain.at(-1).response.redirectURL, chain.at(-1).request.url).href);
          const hop = entries.find((e) => !chain.includes(e) && replayUrl(e.request.url) === next);
          if (!hop) break;
          chain.push(hop);
        }
        const rest = entries.filter((e) => !chain.includes(e));
        documents.set(replayUrl(chain.at(-1).request.url), rest);
        for (const e of entries) {
          const u = replayUrl(e.request.url);
          if (!answers.has(u)) answers.set(u, []);
          answers.get(u).push(e);
        }
        const cookies = [];
        for (const e of entries) {
          const host = new URL(e.request.url).hostname;
          for (const [name, value] of sentCookiesOf(e)) cookies.push({ name, value, domain: host, path: '/', secure: true, sameSite: 'None' });
        }
        pages.push({ url: replayUrl(entries[0].request.url), cookies });
      }
      return pages;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
