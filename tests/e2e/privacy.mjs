// What a person's secrets must never reach, shared by the Chromium
// (privacy.test.mjs) and Firefox (firefox-privacy.test.mjs) tests: a visit to
// secret.example (tests/e2e/fixture-web.mjs), whose URL, cookies, beacon and
// typed text each carry a secret, then a search of everything Telltale keeps
// (extension storage and IndexedDB), exports (every graph format, the learned
// pack, "Export everything", the snapshot) and shows (the popup and the graph
// page, graph and list, and the details the graph page asks for) for each
// secret as it is, URL-encoded and in base64.

import assert from 'node:assert/strict';

import { poll, sleep } from './browser.mjs';
import { SECRET } from './fixture-web.mjs';

/** The forms of a secret searched for: as it is, URL-encoded, base64 (with and without padding). */
function formsOf(value) {
  const b64 = Buffer.from(value).toString('base64');
  return [['plain', value], ['url', encodeURIComponent(value)], ['base64', b64], ['base64', b64.replace(/=+$/, '')]];
}

/** Every secret form found in `texts` (`{where: text}`), as `what (form) in where`. */
export function secretsIn(texts) {
  const found = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const [what, value] of Object.entries(SECRET.values)) {
      for (const [form, f] of formsOf(value)) if (text.includes(f)) found.push(`${what} (${form}) in ${where}`);
    }
  }
  return [...new Set(found)];
}

/** The URL the test opens: a reset token in the query, another in the fragment. */
export const SECRET_URL = `https://${SECRET.site}/?token=${SECRET.values.query}#frag=${SECRET.values.fragment}`;

/**
 * Browses secret.example as a person would: opens the link, waits for the
 * tracker to get its bare cookie back, types in the field. `page` is a
 * Playwright or Puppeteer page; `web` the fixture web.
 */
export async function browseSecrets(page, web, typeInto) {
  const v = SECRET.values;
  await page.goto(SECRET_URL, { waitUntil: 'load', timeout: 15_000 });
  // The tracker's second pixel carries the bare cookie back: Chromium as a pair
  // without "=" (RFC 6265bis), Firefox as "VALUE=".
  await poll(() => web.log.some((r) => r.host === SECRET.tracker && r.cookie.split(/;\s*/).some((p) => p === v.bareCookie || p === `${v.bareCookie}=`)), { timeout: 8000 })
    .catch(() => assert.fail(`the browser did not send the bare cookie back: ${JSON.stringify(web.log.filter((r) => r.host === SECRET.tracker).map((r) => r.cookie))}`));
  assert.ok(web.log.some((r) => r.host === SECRET.inbox && r.path === '/b' && r.query.includes(v.beacon)), 'the beacon left with its secret');
  await typeInto('#q', v.typed);
  await poll(() => web.log.some((r) => r.host === SECRET.inbox && r.path === '/k' && decodeURIComponent(r.query).includes(v.typed)), { timeout: 8000 });
  // Past the probe's next report (once a second).
  await sleep(1600);
}

/**
 * Everything Telltale keeps, exports and shows, as `{where: text}`.
 * `s` is a browser session (ask, extPage); `openExtensionPage(path)` opens
 * one of the extension's pages in a new tab and returns it once loaded.
 */
export async function everythingTelltaleHolds(s, openExtensionPage, tabId) {
  const texts = {};
  texts.storage = await s.extPage.evaluate(async () => JSON.stringify(await chrome.storage.local.get(null)));
  texts.indexedDB = await s.extPage.evaluate(async () => {
    const req = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    const out = [];
    for (const { name } of await indexedDB.databases()) {
      const db = await req(indexedDB.open(name));
      for (const store of db.objectStoreNames) {
        const all = await req(db.transaction(store).objectStore(store).getAll());
        out.push(JSON.stringify(all, (k, x) => (x instanceof ArrayBuffer || ArrayBuffer.isView(x) ? new TextDecoder('latin1').decode(x) : x)));
      }
      db.close();
    }
    return out.join('\n');
  });
  for (const format of ['json', 'gexf', 'graphml', 'dot', 'csv']) {
    for (const [name, text] of await s.ask('export', { format })) texts[`export ${name}`] = text;
  }
  texts.exportAll = await s.ask('exportAll');
  texts.learnedPack = await s.ask('learnedPack');
  texts.snapshot = await s.ask('snapshot');
  texts.tabReport = JSON.stringify(await s.ask('tabReport', { tab: tabId }));
  texts.graphView = JSON.stringify(await s.ask('graphView', { filters: {} }));
  for (const site of ['secret-tracker.test', SECRET.site]) texts[`details ${site}`] = JSON.stringify(await s.ask('nodeDetails', { site }));
  texts.signals = JSON.stringify(await s.ask('signals'));

  const popup = await openExtensionPage(`popup/popup.html?tab=${tabId}`);
  await poll(() => popup.evaluate(() => document.body.dataset.ready === '1'), { timeout: 10_000 });
  texts.popup = await popup.content();
  await popup.close();
  const graph = await openExtensionPage('graph/graph.html');
  await poll(() => graph.evaluate(() => Number(document.body.dataset.nodes) > 0 || !!document.querySelector('#error:not([hidden])')), { timeout: 10_000 });
  texts.graphPage = await graph.content();
  await graph.click('#show-list');
  await poll(() => graph.evaluate(() => !!document.querySelector('#table-body tr[data-site]')), { timeout: 5000 });
  texts.listView = await graph.content();
  await graph.close();
  return texts;
}

/** The secrets the test must see Telltale record around (so the search is not of an empty store). */
export async function assertSecretPageRecorded(s) {
  const names = (n) => (Array.isArray(n.cookies) ? n.cookies.map((c) => (Array.isArray(c) ? c[0] : c.name)) : Object.keys(n.cookies || {}));
  const d = await poll(async () => {
    const n = await s.ask('nodeDetails', { site: 'secret-tracker.test' });
    return n && names(n).length >= 2 && n;
  }, { timeout: 10_000 });
  // The bare cookie is counted as a cookie with no name, never named by its value.
  assert.deepEqual(names(d).sort(), ['(no name)', 'sid'], JSON.stringify(d.cookies));
  return d;
}
