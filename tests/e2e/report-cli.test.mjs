// The same pages give the same report from the extension and from the CLI:
// Chromium, with Telltale, browses news.example and shop.example while
// Playwright records everything the browser fetched as a HAR file; the
// extension's site report of news.example is then compared with what
// `telltale report` writes from that HAR. Trackers by owner (owner, brands
// and sites, what they do) and third-party cookies must agree. What only a
// browser can see (what scripts did, from the probe) is the extension's alone.
// The other way round too: the shared captures (../shared/data/har), replayed
// to Chromium with Telltale by tests/e2e/replay-web.mjs, give the extension
// the same findings as `telltale report` gives from the files.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { launch, sleep } from './browser.mjs';
import { startFixtureWeb } from './fixture-web.mjs';
import { startReplayWeb } from './replay-web.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
// The CLI built last (cargo test builds target/debug; its pack must be the one the extension was built with).
const CLI = ['target/debug/telltale', 'target/release/telltale'].map((p) => path.join(ROOT, p)).filter((p) => fs.existsSync(p))
  .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];

let web;
let s;
const har = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-e2e-har-')), 'browse.har');

before(async () => {
  web = await startFixtureWeb();
  s = await launch(web, { recordHar: { path: har, content: 'omit' } });
});

after(async () => {
  try {
    if (s) await s.close();
  } finally {
    if (web) await web.close();
  }
});

// Rows of the report's tables, as text, by section: what both reports must agree on.
function rowsOf(html) {
  const sections = {};
  for (const sec of html.split('<section>').slice(1)) {
    const title = sec.match(/<h2>([^<]*)<\/h2>/)[1];
    const rows = [...sec.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map(([, row]) => {
      const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map(([, c]) => c);
      return cells;
    });
    sections[title] = rows;
  }
  const text = (c) => c.replace(/<ul class="ev">[\s\S]*?<\/ul>/g, '').replace(/<br>/g, ' | ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return {
    // Owner, what they do, brands and sites (not request counts or times: a HAR has the
    // browser's own requests too, and the CLI times them by the capture's clock).
    owners: sections['Trackers, by owner'].map((r) => [text(r[0]), text(r[1]), text(r[2])].join(' · ')).sort(),
    cookies: sections['Third-party cookies'].map((r) => [text(r[0]), text(r[1])].join(' · ')).sort(),
  };
}

test('the extension and the CLI give news.example the same trackers by owner and the same cookies', async (t) => {
  assert.ok(CLI, 'the telltale CLI is built (cargo build)');
  for (const site of ['news.example', 'shop.example', 'news.example']) {
    const p = await s.ctx.newPage();
    await p.goto(`https://${site}/`, { waitUntil: 'load' });
    await s.webQuiet(300);
    await p.close();
  }
  const fromExtension = await s.ask('siteReport', { site: 'news.example', userAgent: 'test' });
  await s.close();
  s = null;
  const fromCli = execFileSync(CLI, ['report', har, '--site', 'news.example', '-o', '-'], { encoding: 'utf8' });
  const a = rowsOf(fromExtension);
  const b = rowsOf(fromCli);
  t.diagnostic(`trackers by owner: ${a.owners.length} rows; cookies: ${a.cookies.length} rows`);
  assert.ok(a.owners.length >= 5, JSON.stringify(a.owners));
  assert.deepEqual(b.owners, a.owners);
  assert.deepEqual(b.cookies, a.cookies);
  assert.match(fromExtension, /<dt>Pages<\/dt><dd>2 pages<\/dd>/);
  assert.match(fromCli, /<dt>Pages<\/dt><dd>2 pages<\/dd>/);
});

for (const [capture, site] of [['mytoys.de-2017.har', 'mytoys.de'], ['aftonbladet.se-2015.har', 'aftonbladet.se']]) {
  test(`the shared capture of ${site}, replayed to the extension, gives the report the CLI gives from the file`, async (t) => {
    assert.ok(CLI, 'the telltale CLI is built (cargo build)');
    const file = path.resolve(ROOT, '../shared/data/har', capture);
    const replay = await startReplayWeb();
    const seen = { log: [] };
    let b;
    try {
      b = await launch({ port: replay.port, log: seen.log });
      for (const page of replay.use(file)) {
        await b.ctx.addCookies(page.cookies);
        const p = await b.ctx.newPage();
        await p.goto(page.url, { waitUntil: 'load' });
        await sleep(1500);
        await p.close();
      }
      const fromExtension = await b.ask('siteReport', { site, userAgent: 'test' });
      const fromCli = execFileSync(CLI, ['report', file, '--site', site, '-o', '-'], { encoding: 'utf8' });
      const a = rowsOf(fromExtension);
      const c = rowsOf(fromCli);
      t.diagnostic(`${site}: trackers by owner ${a.owners.length} rows, cookies ${a.cookies.length} rows`);
      assert.ok(c.owners.length >= 5, JSON.stringify(c.owners));
      assert.deepEqual(a.owners, c.owners);
      assert.deepEqual(a.cookies, c.cookies);
    } finally {
      if (b) await b.close();
      await replay.close();
    }
  });
}
