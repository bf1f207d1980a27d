// The site report in headless Chromium: a person browses behave.example (a
// session recorder, a key logger and a canvas and font fingerprinter that no
// pack names), opens "Site report" from the popup, and finds each finding with
// its evidence and time, and how it was measured. "Export HTML" writes one
// file that reads the same from disk with the network off; the page prints to
// PDF without its buttons (its text read back by poppler's pdftotext).
// Nothing typed appears anywhere in it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

import { launch, poll, screenshotPath } from './browser.mjs';
import { BEHAVE, startFixtureWeb } from './fixture-web.mjs';

let web;
let s;
let page;
let reportText;

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

const TYPED = { q: 'harbour lights', pw: 'report-pass-93' };

// The report's sections by heading: heading → the section's text.
async function sections(p) {
  return p.evaluate(() => Object.fromEntries([...document.querySelectorAll('main section')].map((sec) => [sec.querySelector('h2').textContent, sec.textContent])));
}

test('a person browses behave.example: moves, scrolls, types a password', async () => {
  page = await s.ctx.newPage();
  await page.goto(`https://${BEHAVE.site}/`, { waitUntil: 'load', timeout: 15_000 });
  await s.webQuiet();
  for (let i = 0; i < 20; i++) await page.mouse.move(30 + i * 12, 40 + i * 8);
  await page.mouse.wheel(0, 400);
  await page.click('#q');
  await page.keyboard.type(TYPED.q, { delay: 20 });
  await page.click('#pw');
  await page.keyboard.type(TYPED.pw, { delay: 20 });
  await poll(() => web.log.some((r) => r.host === `in.${BEHAVE.keylogger}`), { timeout: 5000 });
  await s.webQuiet();
  // What the core judged, before the report is read.
  for (const site of [BEHAVE.recorder, BEHAVE.keylogger, BEHAVE.fingerprinter]) {
    await poll(async () => {
      const d = await s.ask('nodeDetails', { site });
      return d && d.evidence.some((e) => e.startsWith('behaviour '));
    }, { timeout: 15_000 });
  }
});

test('the popup opens the site report, which names every finding with its evidence and time', async () => {
  const tabs = await s.extPage.evaluate(() => chrome.tabs.query({}));
  const tab = tabs.find((t) => t.url === page.url());
  const popup = await s.ctx.newPage();
  await popup.goto(`chrome-extension://${s.extensionId}/popup/popup.html?tab=${tab.id}`);
  const link = popup.locator('#site-report');
  await link.waitFor({ timeout: 10_000 });
  assert.equal(await link.textContent(), `Site report: what ${BEHAVE.site} did`);
  const [report] = await Promise.all([s.ctx.waitForEvent('page'), link.click()]);
  await report.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
  await popup.close();
  assert.equal(await report.title(), `What ${BEHAVE.site} did`);
  assert.equal(await report.locator('h1').textContent(), `What ${BEHAVE.site} did`);
  const sec = await sections(report);
  const time = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/;

  assert.match(sec['Session recorders'], new RegExp(BEHAVE.recorder.replace(/\./g, '\\.')));
  assert.match(sec['Session recorders'], time);
  assert.match(sec['Key logging'], new RegExp(BEHAVE.keylogger.replace(/\./g, '\\.')));
  assert.match(sec['Key logging'], /a password field as its SHA-256 hash/);
  assert.match(sec['Canvas and font fingerprinting'], new RegExp(BEHAVE.fingerprinter.replace(/\./g, '\\.')));
  assert.match(sec['Canvas and font fingerprinting'], /canvas/i);
  for (const benign of [BEHAVE.benign.chart, BEHAVE.benign.logo]) {
    assert.ok(!sec['Canvas and font fingerprinting'].includes(benign.split('.').slice(-2).join('.')), `${benign} is no fingerprinter`);
  }
  // Trackers by owner: the recorder is one, with why.
  assert.match(sec['Trackers, by owner'], new RegExp(`${BEHAVE.recorder.replace(/\./g, '\\.')}[\\s\\S]*session replay`));
  assert.match(sec['Trackers, by owner'], /behaviour session-replay/);

  const measured = sec['How this was measured'];
  assert.match(measured, /Pages\s*1 page/);
  assert.match(measured, new RegExp(`First visit\\s*${time.source}`));
  assert.match(measured, /Browser\s*(Chrome|Chromium \(headless\)) \d+\.\d+/);
  assert.match(measured, /Telltale\s*\d+\.\d+\.\d+/);
  const packs = await s.ask('status').then((st) => st.packs);
  for (const p of packs) {
    assert.ok(measured.includes(p.name) && measured.includes(p.version), `${p.name} ${p.version} is listed`);
  }
  assert.match(measured, /EasyPrivacy/);

  reportText = await report.locator('main').innerText();
  for (const secret of Object.values(TYPED)) assert.ok(!reportText.includes(secret), 'nothing typed is in the report');
  await report.screenshot({ path: screenshotPath('site-report.png'), fullPage: true });
  await report.screenshot({ path: screenshotPath('site-report-top.png') });
  await report.emulateMedia({ colorScheme: 'dark' });
  await report.screenshot({ path: screenshotPath('site-report-dark.png') });
  await report.emulateMedia({ colorScheme: 'light' });

  // Export HTML: one file, the same text read from disk with the network off.
  const [download] = await Promise.all([report.waitForEvent('download', { timeout: 10_000 }), report.click('#export-html')]);
  assert.equal(download.suggestedFilename(), `telltale-report-${BEHAVE.site}.html`);
  const file = screenshotPath('site-report-export.html');
  await download.saveAs(file);
  const html = fs.readFileSync(file, 'utf8');
  assert.ok(!/<script|\bsrc=|<link\b|@import|url\(/i.test(html), 'the export loads nothing and runs nothing');
  for (const secret of Object.values(TYPED)) assert.ok(!html.includes(secret), 'nothing typed is in the export');
  await s.ctx.setOffline(true);
  try {
    const offline = await s.ctx.newPage();
    const fetched = [];
    offline.on('request', (r) => { if (!r.url().startsWith('file:')) fetched.push(r.url()); });
    await offline.goto(`file://${file}`);
    assert.equal(await offline.title(), `What ${BEHAVE.site} did`);
    assert.equal(await offline.locator('main').innerText(), reportText, 'the file reads as the page');
    assert.ok(await offline.locator('main svg circle').count() > 3, 'the graph is drawn inline');
    assert.deepEqual(fetched, []);
    await offline.close();
  } finally {
    await s.ctx.setOffline(false);
  }

  // Printed: the buttons are gone, the report is all there.
  await report.emulateMedia({ media: 'print' });
  assert.equal(await report.locator('nav').isVisible(), false, 'no buttons on paper');
  const pdf = await report.pdf({ format: 'A4' });
  const pdfFile = screenshotPath('site-report.pdf');
  fs.writeFileSync(pdfFile, pdf);
  // The printed text (poppler's pdftotext), in reading order: every section, its findings, no buttons.
  const printed = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
  for (const heading of ['What behave.example did', 'Trackers, by owner', 'Session recorders', 'Key logging', 'Canvas and font fingerprinting',
    'Cookie syncing', 'Retargeting pixels', 'Third-party cookies', 'What was blocked', 'How this was measured']) {
    assert.ok(printed.includes(heading), `the PDF has ${heading}`);
  }
  for (const site of [BEHAVE.recorder, BEHAVE.keylogger, BEHAVE.fingerprinter]) assert.ok(printed.includes(site), `the PDF names ${site}`);
  assert.ok(!printed.includes('Export HTML') && !printed.includes('Print or save as PDF'), 'no buttons on paper');
  const pages = Number(execFileSync('pdfinfo', [pdfFile], { encoding: 'utf8' }).match(/^Pages:\s+(\d+)/m)[1]);
  assert.ok(pages >= 2, `the report prints on ${pages} pages`);
  await report.close();
});

test("the graph page's panel of a site you visited links to its report", async () => {
  const g = await s.ctx.newPage();
  await g.goto(`chrome-extension://${s.extensionId}/graph/graph.html`);
  await g.click('#show-list');
  const row = g.locator(`#table-body tr[data-site="${BEHAVE.site}"]`);
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  const link = g.locator('#panel .site-report a');
  await link.waitFor({ timeout: 10_000 });
  assert.equal(await link.textContent(), `Site report: what ${BEHAVE.site} did`);
  assert.equal(await link.getAttribute('href'), `../report/report.html?site=${BEHAVE.site}`);
  // A third party's panel has none.
  await g.locator(`#table-body tr[data-site="${BEHAVE.recorder}"]`).click();
  await g.locator('#panel h2.site', { hasText: BEHAVE.recorder }).waitFor({ timeout: 10_000 });
  assert.equal(await g.locator('#panel .site-report').count(), 0);
  await g.close();
});

test('a site Telltale never saw has no report, said in words', async () => {
  const p = await s.ctx.newPage();
  await p.goto(`chrome-extension://${s.extensionId}/report/report.html?site=never-seen.example`);
  await poll(async () => (await p.locator('#report').textContent()).includes('Telltale has seen nothing of never-seen.example'), { timeout: 10_000 });
  await p.close();
});
