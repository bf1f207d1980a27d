// One-click blocking and opting out in Firefox ESR (dist/firefox, driven by
// tests/e2e/firefox.mjs), held to the same expectations as the Chromium
// tests (tests/e2e/blocking.test.mjs): the same popup buttons, clicked as a
// person clicks them, and what the fixture web's server then receives.
// Firefox differs where it matters: its declarativeNetRequest engine reports
// a blocked request as NS_ERROR_ABORT, its background is an event page that
// is suspended when idle (here after 1.5 s), and a temporary add-on does not
// outlive the browser, so the restart is tested in Chromium only.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { poll, screenshotPath, sleep } from './browser.mjs';
import { launchFirefox } from './firefox.mjs';
import { HOSTS, OPTOUT, startFixtureWeb } from './fixture-web.mjs';
import { GPC_GETTER } from './page-checks.mjs';

const IDLE_MS = 1500;

let web;
let s;
const tabs = {};

async function openSite(site) {
  const page = tabs[site] || (await s.browser.newPage());
  tabs[site] = page;
  await page.goto(`https://${site}/`, { waitUntil: 'load', timeout: 15_000 });
  await s.webQuiet(300);
  return page;
}

async function tabIdOf(page) {
  const all = await s.extPage.evaluate(() => chrome.tabs.query({}));
  const t = all.find((x) => x.url === page.url());
  assert.ok(t, `no tab with URL ${page.url()}`);
  return t.id;
}

async function popupOf(site) {
  const id = await tabIdOf(tabs[site]);
  const popup = await s.browser.newPage();
  await popup.setViewport({ width: 420, height: 900 });
  await s.openExtensionPage(popup, `popup/popup.html?tab=${id}`);
  await poll(() => popup.evaluate(() => document.body.dataset.ready === '1'), { timeout: 10_000 });
  return popup;
}

/**
 * Clicks the button whose text is exactly `name` (inside `within`, a CSS
 * selector, when given) with a real input event, as browsers ask for
 * permissions only inside one, then waits until the popup has redrawn.
 */
async function click(page, name, within = 'body') {
  const handle = await poll(async () => {
    const h = await page.evaluateHandle((n, w) => {
      const root = document.querySelector(w);
      return root ? [...root.querySelectorAll('button')].find((b) => b.textContent === n && !b.disabled) || null : null;
    }, name, within);
    const el = h.asElement();
    if (!el) await h.dispose();
    return el;
  }, { timeout: 10_000 });
  await handle.click();
  await poll(() => page.evaluate(() => !document.querySelector('button[disabled]')), { timeout: 10_000 });
}

const hasButton = (page, name, within = 'body') => page.evaluate((n, w) => [...document.querySelector(w).querySelectorAll('button')].some((b) => b.textContent === n), name, within);
const served = (from, site) => web.log.slice(from).filter((r) => r.site === site);
// What pages asked for: Firefox's own requests (its settings service, the
// tab's favicon) come from the browser, which no extension may change.
const fromPages = (from) => web.log.slice(from).filter((r) => HOSTS.includes(r.host) && r.path !== '/favicon.ico');

before(async () => {
  web = await startFixtureWeb();
  s = await launchFirefox(web, { idleMs: IDLE_MS });
});

after(async () => {
  try {
    if (s) await s.close();
  } finally {
    if (web) await web.close();
  }
});

test('Firefox: Block on a tracker\'s row stops its requests, the page still loads, and the popup counts them as blocked', async () => {
  await openSite('news.example');
  assert.ok(served(0, 'hotjar.com').length > 0);
  const popup = await popupOf('news.example');
  await click(popup, 'Block', 'li[data-company="Contentsquare"]');
  assert.ok(await hasButton(popup, 'Unblock', 'li[data-company="Contentsquare"]'));
  assert.ok(await hasButton(popup, 'Undo'));
  await popup.close();

  const mark = web.log.length;
  await openSite('news.example');
  assert.equal(served(mark, 'hotjar.com').length, 0, 'no request for the blocked company');
  assert.ok(served(mark, 'news.example').some((r) => r.path === '/'), 'the first party loads');
  const { report } = await s.ask('tabReport', { tab: await tabIdOf(tabs['news.example']) });
  const hotjar = report.third_parties.find((t) => t.site === 'hotjar.com');
  assert.ok(hotjar && hotjar.requests === 0 && hotjar.blocked >= 1, `Firefox's aborted requests count as blocked: ${JSON.stringify(hotjar)}`);

  const again = await popupOf('news.example');
  const row = await again.evaluate(() => document.querySelector('li[data-company="Contentsquare"]').innerText);
  assert.match(row, /\d+ blocked/);
  await again.screenshot({ path: screenshotPath('firefox-blocking-popup.png'), fullPage: true });
  await click(again, 'Undo');
  assert.ok(await hasButton(again, 'Block', 'li[data-company="Contentsquare"]'));
  await again.close();
  const m2 = web.log.length;
  await openSite('news.example');
  const st = await s.ask('status');
  const rules = await s.extPage.evaluate(() => chrome.declarativeNetRequest.getDynamicRules());
  assert.ok(served(m2, 'hotjar.com').length > 0, `Undo lets it through again; policy ${JSON.stringify(st.policy)}; rules ${JSON.stringify(rules)}`);
});

test('Firefox: Block all session replay blocks the recorder on every site; Trust this site lets it through there only', async () => {
  const popup = await popupOf('news.example');
  await click(popup, 'Block all session replay');
  await popup.close();
  let mark = web.log.length;
  for (const site of ['news.example', 'blog.example', 'recipes.example']) await openSite(site);
  assert.deepEqual(served(mark, 'hotjar.com').map((r) => `${r.host}${r.path}`), []);

  const p2 = await popupOf('recipes.example');
  await click(p2, 'Trust this site');
  assert.ok(await hasButton(p2, 'Stop trusting this site'));
  await p2.close();
  mark = web.log.length;
  await openSite('recipes.example');
  assert.ok(served(mark, 'hotjar.com').length > 0, 'the recorder loads on the trusted site');
  mark = web.log.length;
  await openSite('blog.example');
  assert.equal(served(mark, 'hotjar.com').length, 0, 'and stays blocked elsewhere');
});

test('Firefox: Opt out everywhere sends Sec-GPC and DNT on every request and sets navigator.globalPrivacyControl and vendors\' flags first', async () => {
  const popup = await popupOf('news.example');
  await click(popup, 'Opt out everywhere');
  await popup.close();
  const mark = web.log.length;
  const page = await openSite(OPTOUT.site);
  await openSite('shop.example');
  const got = fromPages(mark);
  const missing = got.filter((r) => r.gpc !== '1' || r.dnt !== '1');
  assert.deepEqual(missing.map((r) => `${r.host}${r.path}`), [], 'every request carries both signals');
  assert.ok(got.some((r) => r.host === OPTOUT.site && r.path === '/'), 'the top-level document too');
  assert.equal(await page.evaluate(() => window.__gpcAtStart), true);
  assert.equal(await page.evaluate(() => window.__gpcInFrame), true);
  await poll(() => page.evaluate(() => !!window.__gtag));
  assert.deepEqual(await page.evaluate(() => window.__gtag), { id: OPTOUT.measurementId, disabled: true });
  // The GPC getter looks and prints as the browser's own getters do.
  const [printed, own, ...shape] = await page.evaluate(GPC_GETTER);
  assert.equal(printed, own);
  // SpiderMonkey prints a built-in getter without its "get ".
  assert.match(printed, /^function globalPrivacyControl\(\) \{\s*\[native code\]\s*\}$/);
  assert.deepEqual(shape, ['get globalPrivacyControl', 0, false, false]);
});

test('Firefox: a refused permission is said in the popup and asked for again on the next click', async () => {
  // The state a refused prompt leaves: the choice in force, its page scripts never registered.
  await s.extPage.evaluate(async () => { await chrome.scripting.unregisterContentScripts(); await chrome.permissions.remove({ permissions: ['scripting'] }); });
  await s.ask('applyChoices');
  const before = await openSite(OPTOUT.site);
  assert.notEqual(await before.evaluate(() => window.__gpcAtStart), true, 'without the permission no page script sets GPC');
  const popup = await popupOf('news.example');
  const said = await popup.evaluate(() => document.querySelector('[aria-label="Waiting for a permission"]')?.textContent || '');
  assert.match(said, /navigator\.globalPrivacyControl needs the "scripting" permission, which was not granted/);
  await click(popup, 'Allow page scripts');
  assert.equal(await popup.evaluate(() => !!document.querySelector('[aria-label="Waiting for a permission"]')), false);
  await popup.close();
  assert.ok((await s.extPage.evaluate(() => chrome.permissions.getAll())).permissions.includes('scripting'));
  const after = await openSite(OPTOUT.site);
  assert.equal(await after.evaluate(() => window.__gpcAtStart), true, 'GPC is set again');
});

test('Firefox: an opt-out cookie that a loaded pack names is shown and set only when the person clicks it', async () => {
  const pack = JSON.stringify({
    format: 'telltale-rules/1', name: 'hostile-optouts', version: '1', license: 'CC0-1.0', sources: { s: { name: 'e2e' } },
    entities: [{ name: 'Bank Tracker', domains: ['bank.example'], categories: ['advertising'], source: 's',
      opt_outs: [{ kind: 'cookie', domain: 'bank.example', name: 'session', value: 'attacker-chosen', source: 's' }] }],
  });
  assert.equal((await s.ask('addPack', { name: 'hostile-optouts.json', text: pack })).ok, true);
  // The browser's own cookie store, read from the extension page once it may (before that, nothing was set: no permission asked).
  const bankCookies = () => s.extPage.evaluate(async () => (chrome.cookies ? (await chrome.cookies.getAll({ domain: 'bank.example' })).map((c) => `${c.name}=${c.value}`) : []));
  await poll(async () => ((await s.ask('status')).policy.confirmCookies || []).length === 1);
  assert.deepEqual(await bankCookies(), [], 'nothing set on the bank before the person saw it');
  const popup = await popupOf('news.example');
  const said = await popup.evaluate(() => document.querySelector('[aria-label="Opt-out cookies waiting for you"]')?.textContent || '');
  assert.match(said, /session=attacker-chosen on bank\.example \(Bank Tracker, from “hostile-optouts”\)/);
  await click(popup, 'Set session on bank.example');
  await popup.close();
  await poll(async () => (await bankCookies()).includes('session=attacker-chosen'));
  const { user } = await s.ask('packs');
  await s.ask('removePack', { id: user.find((p) => p.name === 'hostile-optouts.json').id });
  await s.ask('act', { intent: { do: 'remove', key: 'set-pack-cookie:bank.example:session=attacker-chosen' }, tab: -1 });
  await poll(async () => (await bankCookies()).length === 0);
});

test('Firefox: a company let through a category block still gets Sec-GPC, DNT and navigator.globalPrivacyControl in its frames', async () => {
  await s.ask('act', { intent: { do: 'block-category', category: 'social' }, tab: -1 });
  await openSite('travel.example');
  const popup = await popupOf('travel.example');
  await click(popup, 'Unblock', 'li[data-company="Meta"]');
  await popup.close();
  assert.ok((await s.ask('choices')).choices.some((c) => c.key === 'allow-company:Meta'));
  const mark = web.log.length;
  const page = await openSite('travel.example');
  const facebook = served(mark, 'facebook.com');
  assert.ok(facebook.length > 0, 'the company let through loads');
  assert.deepEqual(facebook.filter((r) => r.gpc !== '1' || r.dnt !== '1').map((r) => `${r.host}${r.path}`), [], 'every request of it carries both signals');
  const frame = await poll(() => page.frames().find((f) => f.url().startsWith('https://www.facebook.com/')));
  assert.equal(await frame.evaluate(() => navigator.globalPrivacyControl), true);
  await s.ask('act', { intent: { do: 'remove', key: 'allow-company:Meta' }, tab: -1 });
  await s.ask('act', { intent: { do: 'unblock-category', category: 'social' }, tab: -1 });
});

test('Firefox: Forget me removes a blocked tracker\'s cookies (checked through the cookies API)', async () => {
  await openSite('shop.example');
  const cookiesOf = (d) => s.extPage.evaluate(async (domain) => (chrome.cookies ? (await chrome.cookies.getAll({ domain })).map((c) => c.name) : null), d);
  const popup = await popupOf('shop.example');
  await click(popup, 'Block', 'li[data-company="Magnite"]');
  // Forget me lists the sites first, and removes nothing until asked.
  await click(popup, 'Forget me');
  const listed = await poll(() => popup.evaluate(() => [...document.querySelectorAll('.forget-list li')].map((li) => li.textContent)).then((l) => l.length && l));
  assert.ok(listed.includes('rubiconproject.com') && !listed.includes('adnxs.com'), JSON.stringify(listed));
  await click(popup, `Remove data of ${listed.length} site${listed.length === 1 ? '' : 's'}`);
  await poll(() => popup.evaluate(() => !document.getElementById('note').hidden));
  assert.match(await popup.evaluate(() => document.getElementById('note').textContent), /Removed \d+ cookie/);
  await popup.close();
  assert.deepEqual(await cookiesOf('rubiconproject.com'), []);
  assert.ok((await cookiesOf('adnxs.com')).length > 0, 'cookies of trackers you did not block stay');
  const p2 = await popupOf('shop.example');
  await click(p2, 'Undo');
  await p2.close();
});

test('Firefox: choices hold while the background is suspended and woken; blocked attempts reach the graph and the export', async () => {
  await sleep(IDLE_MS + 2000);
  const mark = web.log.length;
  await openSite('blog.example');
  assert.equal(served(mark, 'hotjar.com').length, 0, 'still blocked after the background was suspended');
  assert.ok(fromPages(mark).every((r) => r.gpc === '1'));
  const view = await s.graph();
  const edge = view.edges.find((e) => e.source === 'blog.example' && e.target === 'hotjar.com');
  assert.ok(edge && edge.state === 'blocked', JSON.stringify(edge));
  const [[, text]] = await s.ask('export', { format: 'json' });
  const e = JSON.parse(text).edges.find((x) => x.source === 'blog.example' && x.target === 'hotjar.com');
  assert.ok(e.blocked > 0);

  const o = await s.browser.newPage();
  await o.setViewport({ width: 1000, height: 900 });
  await s.openExtensionPage(o, 'options/options.html');
  await poll(() => o.evaluate(() => document.body.dataset.ready === '1'));
  const labels = await o.evaluate(() => [...document.querySelectorAll('#choices li .choice')].map((x) => x.textContent));
  assert.deepEqual(labels.sort(), ['Block all session replay', 'Opt out everywhere', 'Trust recipes.example'].sort());
  // Not click(): once every choice is gone, "Remove all" stays disabled, so
  // "no disabled button" is no sign of a redraw here; the choices are.
  await poll(() => o.evaluate(() => !document.getElementById('remove-all').disabled), { timeout: 10_000 });
  await o.click('#remove-all');
  await poll(async () => (await s.ask('choices')).choices.length === 0);
  await poll(() => s.extPage.evaluate(async () => (await chrome.declarativeNetRequest.getDynamicRules()).length === 0));
  await o.close();
  const m2 = web.log.length;
  await openSite('blog.example');
  assert.ok(served(m2, 'hotjar.com').length > 0);
  assert.ok(fromPages(m2).every((r) => r.gpc === ''));
});
