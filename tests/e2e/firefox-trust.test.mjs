// What Telltale trusts, in Firefox (tests/e2e/firefox.mjs), held to what
// tests/e2e/trust.test.mjs asks of Chromium: only its own pages may change or
// read its state, a rule list from a URL stays within its limits, and a
// flood of forged probe events reaches the background as a few messages.
//
// Firefox has no CDP to reach the content script's world. The extension's own
// `scripting.executeScript` (ISOLATED world) runs a function as a content
// script of Telltale in a web page's tab: the background sees it as it sees
// the relay (a tab, the page's URL), so the test sends its messages from there.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { poll, screenshotPath, sleep } from './browser.mjs';
import { launchFirefox } from './firefox.mjs';
import { FLOOD, LIMITS, startFixtureWeb } from './fixture-web.mjs';
import { FLOOD_FORGERIES, FLOOD_SCRIPT, GOOD_PACK, guardedState, handlerNames, privilegedMessages } from './trust-checks.mjs';

let web;
let s; // the Firefox session
const ask = (...a) => s.ask(...a);

before(async () => {
  web = await startFixtureWeb();
  s = await launchFirefox(web);
});

after(async () => {
  try {
    if (s) await s.close();
  } finally {
    if (web) await web.close();
  }
});

/** Grants the optional `scripting` permission, asked for in a real click on an extension page. */
async function grantScripting() {
  await s.extPage.evaluate(() => {
    const b = document.createElement('button');
    b.id = 'e2e-grant';
    b.textContent = 'grant';
    b.onclick = () => { b.dataset.granted = 'asking'; chrome.permissions.request({ permissions: ['scripting'] }).then((ok) => { b.dataset.granted = String(ok); }); };
    document.body.prepend(b);
  });
  await s.extPage.click('#e2e-grant');
  await poll(() => s.extPage.evaluate(() => document.getElementById('e2e-grant').dataset.granted === 'true'), { timeout: 10_000 });
  await s.extPage.evaluate(() => document.getElementById('e2e-grant').remove());
}

/** Sends `messages` from a content script of Telltale in tab `tab`, one after the other; their answers. */
function fromContentScript(tab, messages) {
  return s.extPage.evaluate(async (id, ms) => {
    const [{ result }] = await chrome.scripting.executeScript({
      target: { tabId: id },
      world: 'ISOLATED',
      args: [ms],
      func: async (list) => {
        const out = [];
        for (const m of list) out.push(await chrome.runtime.sendMessage(m));
        return out;
      },
    });
    return result;
  }, tab, messages);
}

test('Firefox: a content script may report probe signals and nothing else: every other message from it is refused and changes nothing', async () => {
  const emptyExport = await ask('exportAll');
  await ask('addPack', { name: 'trusted.json', text: GOOD_PACK });
  await grantScripting();
  const page = await s.browser.newPage();
  await page.goto('https://news.example/', { waitUntil: 'load', timeout: 15_000 });
  await poll(async () => (await ask('graphView', { filters: {} })).nodes.length >= 5);
  await s.webQuiet();
  const tab = (await s.extPage.evaluate(() => chrome.tabs.query({}))).find((t) => t.url === 'https://news.example/').id;
  const packId = (await ask('packs')).user.find((p) => p.name === 'trusted.json').id;
  const beforeState = await guardedState(ask);
  const forgedBefore = (await ask('status')).stats.probe_forged || 0;

  const messages = privilegedMessages({ tab, packId, emptyExport });
  assert.deepEqual(messages.map((m) => m.type).sort(), handlerNames().filter((n) => n !== 'signals_report').sort(), 'every handler is tried');
  const answers = await fromContentScript(tab, messages);
  assert.equal(answers.length, messages.length);
  messages.forEach((m, i) => {
    assert.equal(answers[i] && answers[i].ok, false, `${m.type} from a content script: ${JSON.stringify(answers[i]).slice(0, 300)}`);
    assert.match(answers[i].error, new RegExp(`^${m.type}: refused: only Telltale's own pages`), m.type);
  });
  await sleep(500);
  const afterwards = await guardedState(ask);
  assert.deepEqual(afterwards, beforeState);
  assert.ok(afterwards.nodes.includes('doubleclick.net'), afterwards.nodes.join(', '));
  assert.deepEqual(afterwards.packs.map((p) => [p.name, p.enabled]), [['trusted.json', true]]);
  assert.ok(!afterwards.loaded.includes('evil-pack'));

  // The same content script's probe report is taken.
  const [taken] = await fromContentScript(tab, [{ type: 'signals_report', signals: [], forged: 7 }]);
  assert.equal(taken, true);
  await poll(async () => (await ask('status')).stats.probe_forged === forgedBefore + 7);
  // And an extension page's is not.
  const res = await s.extPage.evaluate(() => chrome.runtime.sendMessage({ type: 'signals_report', signals: [], forged: 5 }));
  assert.deepEqual(res, { ok: false, error: 'signals_report: refused: only the content script in a web page reports probe signals' });
  await sleep(300);
  assert.equal((await ask('status')).stats.probe_forged, forgedBefore + 7);
  await page.close();
});

test('Firefox: a page flooding forged probe events sends the background at most one message a second, every forgery counted', async (t) => {
  const page = await s.browser.newPage();
  await page.goto(`https://${FLOOD.site}/`, { waitUntil: 'load', timeout: 15_000 });
  await s.webQuiet();
  await sleep(1500);
  const before = (await ask('status')).stats;
  const start = Date.now();
  await page.evaluate(FLOOD_SCRIPT);
  await poll(async () => ((await ask('status')).stats.probe_forged || 0) - (before.probe_forged || 0) >= FLOOD_FORGERIES, { timeout: 10_000 });
  const seconds = (Date.now() - start) / 1000;
  await sleep(1500);
  const settled = (await ask('status')).stats;
  assert.equal(settled.probe_forged - (before.probe_forged || 0), FLOOD_FORGERIES, 'every forgery counted, none twice');
  const messages = settled.events - before.events;
  t.diagnostic(`${FLOOD_FORGERIES} forgeries in ${seconds.toFixed(1)} s: ${messages} events`);
  assert.ok(messages >= 2 && messages <= Math.ceil(seconds) + 2, `${messages} events for the flood in ${seconds.toFixed(1)} s`);
  await page.close();
});

test('Firefox: a rule list from a URL: no redirect off https (not even requested), a redirect to https loads, the whole list within 20 s, at most 32 MB', async () => {
  const o = s.extPage;
  await poll(() => o.evaluate(() => document.body.dataset.ready === '1'), { timeout: 15_000 });
  const packsBefore = (await ask('packs')).user.map((p) => p.name);
  const url = (p) => `https://lists.example${p}`;
  const shown = async (u, pattern, timeout = 8000) => {
    await o.evaluate((v) => {
      document.getElementById('pack-error').textContent = '';
      document.getElementById('pack-url').value = v;
    }, u);
    const t0 = Date.now();
    await o.click('#pack-url-load');
    const text = await poll(async () => (await o.evaluate(() => document.getElementById('pack-error').textContent)) || null, { timeout });
    assert.match(text, pattern, u);
    assert.equal(await o.evaluate(() => document.getElementById('pack-error').hidden), false);
    return Date.now() - t0;
  };

  // (a) A redirect to http: refused before the http request is made.
  const plain = s.plainHttp.length;
  const mark = web.log.length;
  await shown(url(LIMITS.toHttp), new RegExp(`^${url(LIMITS.toHttp)}: redirected to an address that is not https: lists are loaded over https only`));
  await sleep(300);
  assert.deepEqual(s.plainHttp.slice(plain), [], 'no plain http request left Firefox');
  assert.deepEqual(web.log.slice(mark).filter((r) => r.host === 'lists.example').map((r) => r.path), [LIMITS.toHttp]);

  // (c) A body that trickles past 20 s.
  const took = await shown(url(LIMITS.trickle), new RegExp(`^${url(LIMITS.trickle)}: not received in full in 20 s \\(\\d+ KB arrived\\): expected the whole list within that time$`), 30_000);
  assert.ok(took >= 19_000 && took < 26_000, `gave up after ${took} ms`);

  // (d) Over 32 MB, streamed and declared.
  await shown(url(LIMITS.huge), new RegExp(`^${url(LIMITS.huge)}: larger than 32 MB: expected a rule list of at most 32 MB$`), 15_000);
  await shown(url(LIMITS.declared), new RegExp(`^${url(LIMITS.declared)}: larger than 32 MB: expected a rule list of at most 32 MB$`));
  assert.deepEqual((await ask('packs')).user.map((p) => p.name), packsBefore, 'no pack added by a refused list');
  await o.screenshot({ path: screenshotPath('firefox-options-list-limits.png'), fullPage: true });

  // (b) A redirect to an https list loads.
  await o.evaluate((v) => { document.getElementById('pack-url').value = v; }, url(LIMITS.moved));
  await o.click('#pack-url-load');
  await poll(() => o.evaluate(() => !!document.querySelector('#packs tr[data-pack="moved.json"]')), { timeout: 10_000 });
  assert.equal(await o.evaluate(() => document.getElementById('pack-error').hidden), true);
  assert.ok((await ask('packs')).loaded.some((p) => p.name === 'from-a-url' && p.entities === 1));
});
