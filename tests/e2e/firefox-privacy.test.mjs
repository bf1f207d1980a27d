// End-to-end test in headless Firefox ESR: the privacy check of
// privacy.test.mjs (a visit whose URL, cookies, beacon and typed text carry
// secrets, then a search of everything Telltale keeps, exports and shows).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { poll } from './browser.mjs';
import { launchFirefox } from './firefox.mjs';
import { SECRET, startFixtureWeb } from './fixture-web.mjs';
import { assertSecretPageRecorded, browseSecrets, everythingTelltaleHolds, secretsIn, SECRET_URL } from './privacy.mjs';

let web;
let s;

before(async () => {
  web = await startFixtureWeb();
  s = await launchFirefox(web, { idleMs: 1500 });
});

after(async () => {
  try {
    if (s) await s.close();
  } finally {
    if (web) await web.close();
  }
});

test('Firefox: no secret of a URL, a cookie, a beacon or typing reaches storage, an export, the popup or the graph page', async () => {
  const page = await s.browser.newPage();
  await browseSecrets(page, web, async (selector, text) => {
    await page.click(selector);
    await page.keyboard.type(text, { delay: 15 });
  });
  await s.webQuiet();
  await assertSecretPageRecorded(s);
  const tab = await poll(async () => (await s.extPage.evaluate(() => chrome.tabs.query({}))).find((t) => t.url === SECRET_URL));
  const open = async (path) => {
    const p = await s.browser.newPage();
    await p.setViewport({ width: 1280, height: 800 });
    await s.openExtensionPage(p, path);
    return p;
  };
  const report = await s.ask('tabReport', { tab: tab.id });
  assert.equal(report.report.page, `https://${SECRET.site}/`);
  assert.deepEqual(secretsIn(await everythingTelltaleHolds(s, open, tab.id)), []);
  await page.close();
});
