// End-to-end test in headless Chromium and Firefox ESR: a top-level
// navigation that redirects across sites (an ad's click-through, two hops)
// is one page, the one it lands on, with that page's third parties; the
// hops are not sites the person visited.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launch, poll } from './browser.mjs';
import { launchFirefox } from './firefox.mjs';
import { CLICK, SITES, startFixtureWeb } from './fixture-web.mjs';

let web;

before(async () => {
  web = await startFixtureWeb();
});

after(async () => {
  if (web) await web.close();
});

/** Follows the click-through in a new tab; checks the tab's report and the graph. */
async function clickThrough(s, page, browser) {
  await page.goto(CLICK.start, { waitUntil: 'load', timeout: 15_000 });
  assert.equal(new URL(page.url()).hostname, CLICK.landing, `${browser}: landed`);
  await s.webQuiet();
  const tab = await poll(async () => (await s.extPage.evaluate(() => chrome.tabs.query({}))).find((t) => t.url === page.url()));
  const { report } = await poll(async () => {
    const r = await s.ask('tabReport', { tab: tab.id });
    return r.report && r.report.third_parties.length >= SITES[CLICK.landing].length - 1 && r;
  }, { timeout: 10_000 }).catch(async () => assert.fail(`${browser}: ${JSON.stringify(await s.ask('tabReport', { tab: tab.id }))}`));
  assert.equal(report.site, CLICK.landing, `${browser}: the page is where the redirects ended`);
  const sites = report.third_parties.map((t) => t.site);
  for (const hop of CLICK.hops) assert.ok(!sites.includes(hop), `${browser}: the hop ${hop} is not a third party of the page: ${sites}`);
  assert.ok(sites.includes('facebook.com') && sites.includes('rubiconproject.com'), `${browser}: ${sites}`);
  for (const hop of CLICK.hops) {
    const d = await s.ask('nodeDetails', { site: hop });
    assert.ok(!d || d.first_party === false, `${browser}: ${hop} is no site you visited: ${JSON.stringify(d)}`);
  }
  const landing = await s.ask('nodeDetails', { site: CLICK.landing });
  assert.equal(landing.first_party, true);
}

test('Chromium: a click-through that redirects across sites is one page, the one it lands on', async () => {
  const s = await launch(web);
  try {
    await clickThrough(s, await s.ctx.newPage(), 'Chromium');
  } finally {
    await s.close();
  }
});

test('Firefox: a click-through that redirects across sites is one page, the one it lands on', async () => {
  const s = await launchFirefox(web, { idleMs: 1500 });
  try {
    await clickThrough(s, await s.browser.newPage(), 'Firefox');
  } finally {
    await s.close();
  }
});
