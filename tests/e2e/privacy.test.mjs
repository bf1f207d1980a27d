// End-to-end test in headless Chromium: a visit whose URL, cookies, beacon
// and typed text carry secrets (secret.example), then a search of everything
// Telltale keeps, exports and shows for them (tests/e2e/privacy.mjs), before
// and after the journal is compacted into a snapshot.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launch, poll, sleep } from './browser.mjs';
import { SECRET, startFixtureWeb } from './fixture-web.mjs';
import { assertSecretPageRecorded, browseSecrets, everythingTelltaleHolds, secretsIn, SECRET_URL } from './privacy.mjs';

let web;
let s;

before(async () => {
  web = await startFixtureWeb();
  s = await launch(web);
});

after(async () => {
  try {
    if (s) await s.close();
  } finally {
    if (web) await web.close();
  }
});

test('no secret of a URL, a cookie, a beacon or typing reaches storage, an export, the popup or the graph page', async () => {
  const page = await s.ctx.newPage();
  await browseSecrets(page, web, async (selector, text) => {
    await page.click(selector);
    await page.keyboard.type(text, { delay: 15 });
  });
  await s.webQuiet();
  await assertSecretPageRecorded(s);
  const tab = (await s.extPage.evaluate(() => chrome.tabs.query({}))).find((t) => t.url === SECRET_URL);
  assert.ok(tab, 'the secret page is open in a tab');
  const open = async (path) => {
    const p = await s.ctx.newPage();
    await p.setViewportSize({ width: 1280, height: 800 });
    await p.goto(`chrome-extension://${s.extensionId}/${path}`);
    return p;
  };
  // The page is named by its address only.
  const report = await s.ask('tabReport', { tab: tab.id });
  assert.equal(report.report.page, `https://${SECRET.site}/`);
  const journaled = secretsIn(await everythingTelltaleHolds(s, open, tab.id));
  assert.deepEqual(journaled, [], 'found while the events are in the journal');
  // After the journal's next compaction (every 15 s of activity), in the snapshot.
  const covered = await s.extPage.evaluate(async () => (await chrome.storage.local.get('snapshotCovers')).snapshotCovers || []);
  await poll(async () => {
    const now = await s.extPage.evaluate(async () => (await chrome.storage.local.get('snapshotCovers')).snapshotCovers || []);
    return now.join() !== covered.join();
  }, { timeout: 25_000, interval: 500 });
  await sleep(300);
  assert.deepEqual(secretsIn(await everythingTelltaleHolds(s, open, tab.id)), [], 'found after compaction');
  await page.close();
});
