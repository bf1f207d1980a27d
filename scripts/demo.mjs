// The headless demo: Telltale in headless Chromium browses the test fixture
// web (six news, shop and blog sites with real tracker hostnames served
// locally), clicks "Block all session replay" in the popup and reloads the
// page, then leaves the graph exports and screenshots of the popup (before
// and after), graph and list in target/demo/. Run by scripts/demo.sh inside a network namespace
// with only loopback, so nothing leaves the machine.
import fs from 'node:fs';
import path from 'node:path';
import { launch, ROOT } from '../tests/e2e/browser.mjs';
import { startFixtureWeb, SITES } from '../tests/e2e/fixture-web.mjs';

const out = path.join(ROOT, 'target/demo');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

const web = await startFixtureWeb();
// Chromium with Telltale, third-party cookies on (as most people's browsers still have them).
const session = await launch(web);
const { ctx, extensionId: id, ask, extPage } = session;
try {
  const sites = ['news.example', 'shop.example', 'blog.example', 'recipes.example', 'travel.example', 'sports.example'];
  const page = await ctx.newPage();
  for (const site of sites) {
    if (!SITES[site]) continue;
    await page.goto(`https://${site}/`, { waitUntil: 'load' });
    // Give a session recorder something to record.
    await page.mouse.move(200, 200);
    await page.mouse.move(400, 300, { steps: 5 });
    await page.locator('#q').type('telltale', { delay: 20 });
    await page.waitForTimeout(1200);
  }
  await page.goto('https://news.example/', { waitUntil: 'load' });
  await page.waitForTimeout(800);

  const tabs = await extPage.evaluate(() => chrome.tabs.query({}));
  const news = tabs.find((t) => (t.url || '').startsWith('https://news.example/'));

  const written = [];
  for (const format of ['json', 'gexf', 'graphml', 'dot', 'csv']) {
    for (const [name, text] of await ask('export', { format })) {
      fs.writeFileSync(path.join(out, name), text);
      written.push(name);
    }
  }

  const popup = await ctx.newPage();
  await popup.setViewportSize({ width: 380, height: 640 });
  await popup.goto(`chrome-extension://${id}/popup/popup.html?tab=${news.id}`);
  await popup.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
  await popup.screenshot({ path: path.join(out, 'popup-news.png'), fullPage: true });

  // One click: the session recorder is blocked on every site.
  const before = web.log.length;
  await popup.getByRole('button', { name: 'Block all session replay', exact: true }).click();
  await popup.waitForFunction(() => !document.querySelector('button[disabled]'));
  await page.goto('https://news.example/', { waitUntil: 'load' });
  await page.waitForTimeout(800);
  const recorderRequests = web.log.slice(before).filter((r) => r.site === 'hotjar.com').length;
  await popup.reload();
  await popup.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
  await popup.screenshot({ path: path.join(out, 'popup-news-blocked.png'), fullPage: true });

  const graph = await ctx.newPage();
  await graph.setViewportSize({ width: 1400, height: 860 });
  await graph.goto(`chrome-extension://${id}/graph/graph.html`);
  await graph.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
  await graph.waitForFunction(() => document.body.dataset.layout === 'done', null, { timeout: 20_000 }).catch(() => {});
  await graph.screenshot({ path: path.join(out, 'graph.png') });
  await graph.click('#show-list');
  await graph.waitForTimeout(300);
  await graph.screenshot({ path: path.join(out, 'list.png') });

  const { report } = await ask('tabReport', { tab: news.id });
  const view = await ask('graphView', { filters: {} });
  console.log(`Telltale demo: browsed ${sites.length} sites; the graph has ${view.nodes.length} sites and ${view.edges.length} connections.`);
  console.log(`news.example: ${report.trackers} trackers among ${report.third_parties.length} third parties:`);
  for (const c of report.companies.filter((c) => c.tracker)) console.log(`  ${c.company.padEnd(28)} ${c.categories.join(', ')}`);
  const blocked = report.third_parties.find((t) => t.site === 'hotjar.com');
  console.log(`After "Block all session replay": the recorder's server got ${recorderRequests} requests; Telltale counted ${blocked ? blocked.blocked : 0} blocked on news.example.`);
  console.log(`Exports: ${written.map((n) => path.join('target/demo', n)).join(' ')}`);
  console.log('Screenshots: target/demo/popup-news.png target/demo/popup-news-blocked.png target/demo/graph.png target/demo/list.png');
} finally {
  await session.close();
  await web.close();
}
