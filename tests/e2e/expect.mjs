// What the end-to-end tests expect of the fixture web (tests/e2e/fixture-web.mjs)
// once it has been browsed: the default pack's categories for each third party,
// the trackers on each page, and the graph edges the server's request log implies.
// Shared by the Chromium and Firefox test files, so both browsers are held to
// the same answers.

import assert from 'node:assert/strict';

import { poll } from './browser.mjs';
import { COOKIE_EMBEDS, EMBED_SITES, SITES } from './fixture-web.mjs';

// What the default pack (rules/default.json) says about each third-party
// site the fixture loads, for the URLs the fixture requests. Checked by hand
// against rules/default.json (entity domains and patterns), and again by the
// first test of extension.test.mjs with the lookup rules of rules/README.md.
// `easyprivacy` names the filter of the EasyPrivacy layer (rules/easyprivacy.json)
// that adds `tracking` to a site no other tracking category describes.
export const PACK = {
  'hotjar.com': { hosts: ['static.hotjar.com/c/hotjar-3105.js', 'insights.hotjar.com/api/v2/client/sites/3105/visit-data'], categories: ['analytics', 'session-replay'] }, // Hotjar: analytics; blacklight patterns static.hotjar.com, insights.hotjar.com/api
  'doubleclick.net': { hosts: ['googleads.g.doubleclick.net/pagead/viewthroughconversion/123/'], categories: ['advertising', 'retargeting'] }, // curated retargeting pattern
  'google-analytics.com': { hosts: ['www.google-analytics.com/analytics.js', 'www.google-analytics.com/collect'], categories: ['analytics'] },
  'facebook.net': { hosts: ['connect.facebook.net/en_US/fbevents.js', 'connect.facebook.net/en_US/sdk.js'], categories: ['social'] },
  'facebook.com': { hosts: ['www.facebook.com/tr', 'www.facebook.com/plugins/like.php'], categories: ['retargeting', 'social'] }, // www.facebook.com/tr: curated retargeting
  'cloudflare.com': { hosts: ['cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js'], categories: ['cdn'] },
  'fonts.googleapis.com': { hosts: ['fonts.googleapis.com/css2'], categories: ['cdn'] }, // googleapis.com is a public suffix (PSL, private section)
  'gstatic.com': { hosts: ['fonts.gstatic.com/s/roboto/v30/KFOmCnqEu92Fr1Mu4mxK.woff2'], categories: ['cdn'] },
  'adnxs.com': { hosts: ['ib.adnxs.com/px', 'ib.adnxs.com/getuid'], categories: ['advertising'] },
  'criteo.com': { hosts: ['dis.criteo.com/dis/usersync.aspx'], categories: ['advertising', 'retargeting'] }, // Ghostery revenue::retargeting
  'criteo.net': { hosts: ['static.criteo.net/images/pixel.gif'], categories: ['advertising', 'retargeting'] },
  'rubiconproject.com': { hosts: ['pixel.rubiconproject.com/tap.php'], categories: ['advertising'] },
  // A tag loader, a tracker as every tag loader is; EasyPrivacy's block is evidence too,
  // and `tracking` gives way to the category that says how (rules/README.md, "Tag loaders").
  'googletagmanager.com': { hosts: ['www.googletagmanager.com/gtm.js'], categories: ['tag-manager'], easyprivacy: '||googletagmanager.com^' },
  'cookielaw.org': { hosts: ['cdn.cookielaw.org/scripttemplates/otSDKStub.js'], categories: ['consent'] },
  'twitter.com': { hosts: ['platform.twitter.com/widgets.js'], categories: ['social'] },
  'licdn.com': { hosts: ['snap.licdn.com/li.lms-analytics/insight.min.js'], categories: ['advertising', 'retargeting'] }, // curated retargeting pattern
  'bing.com': { hosts: ['bat.bing.com/bat.js'], categories: ['advertising'] },
  'unlisted-tracker.test': { hosts: ['px.unlisted-tracker.test/c/a1.png'], categories: [] }, // in no pack (nor EasyPrivacy)
  'quiet-tracker.test': { hosts: ['sync.quiet-tracker.test/c/a1.png'], categories: [] }, // in no pack (nor EasyPrivacy)
};
// The categories that make a third party a tracker (rules/README.md: "the first nine").
export const TRACKING = new Set(['session-replay', 'retargeting', 'advertising', 'analytics', 'social', 'fingerprinting', 'cross-site-cookies', 'tracking', 'tag-manager']);
export const BROWSE = ['news.example', 'shop.example', 'blog.example', 'recipes.example', 'travel.example', 'sports.example'];
export const RECORDER_SCRIPT = 'static.hotjar.com/c/hotjar-3105.js';

// ------------------------------------------------------------------ expectations

/** Third-party sites a first-party site's page loads. */
export function thirdPartiesOf(site) {
  return [...new Set(SITES[site].flatMap((e) => EMBED_SITES[e]))].sort();
}

/** Third-party site → first-party sites (among `visited`) where it set cookies. */
export function cookieSites(visited) {
  const m = new Map();
  for (const site of visited) {
    for (const e of SITES[site]) {
      if (!COOKIE_EMBEDS.has(e)) continue;
      const tp = EMBED_SITES[e][0]; // the cookie setter is the first site of the embed
      if (!m.has(tp)) m.set(tp, new Set());
      m.get(tp).add(site);
    }
  }
  return m;
}

/** The categories a third-party site should have once `visited` were browsed. */
export function expectedCategories(tp, visited) {
  const c = new Set(PACK[tp].categories);
  if ((cookieSites(visited).get(tp)?.size ?? 0) >= 2) c.add('cross-site-cookies');
  return [...c].sort();
}

export function expectedTrackers(site, visited) {
  return thirdPartiesOf(site).filter((tp) => expectedCategories(tp, visited).some((c) => TRACKING.has(c)));
}

/** Host names the core accepts (it rejects anything but letters, digits, `-`, `_` and dots). */
export const usableHost = (h) => /^[a-z0-9_.-]+$/.test(h);

/**
 * The graph edges the fixture web's request log implies, as "from → to": count.
 * Who loaded a request: the redirecting site, else a third-party frame, else the page.
 */
export function edgesFromLog(log) {
  const m = {};
  for (const r of log) {
    if (!r.page || !r.from || !usableHost(r.host) || r.site === r.page) continue;
    const from = r.from === r.site ? r.page : r.from;
    const key = `${from} → ${r.site}`;
    m[key] = (m[key] || 0) + 1;
  }
  return m;
}

// Web fonts: Chromium first asks its cache alone for a font (webRequest sees a
// request that ends in net::ERR_CACHE_MISS and never reaches the network),
// then fetches it. Edges to the font host are checked by their own test.
export const FONT_SITE = 'gstatic.com';

/** Edges with requests, as "from → to": count. */
export function edgeCounts(view, { except = [] } = {}) {
  const m = {};
  for (const e of view.edges) if (e.requests > 0 && !except.includes(e.target)) m[`${e.source} → ${e.target}`] = e.requests;
  return m;
}

/**
 * Asserts that the graph's edges count exactly the requests the fixture web
 * served (`session`: `graph()`, `webQuiet()` and the started `web`), leaving
 * out edges to the sites in `except`. Returns the expected edges.
 */
export async function assertGraphHasEveryRequest(session, { except = [] } = {}) {
  await session.webQuiet();
  let actual;
  let expected;
  try {
    await poll(async () => {
      actual = edgeCounts(await session.graph(), { except });
      expected = Object.fromEntries(Object.entries(edgesFromLog(session.web.log)).filter(([k]) => !except.some((x) => k.endsWith(` → ${x}`))));
      assert.deepEqual(actual, expected);
      return true;
    });
  } catch {
    assert.deepEqual(actual, expected, 'graph edges (requests) differ from what the fixture web served');
  }
  return expected;
}

/**
 * Asserts that each browsed site is a first party in the graph view and that
 * each third party its page loads is there with the default pack's categories
 * (and cross-site cookies once `visited` make it so) and the right tracker flag.
 */
export function assertSitesAsExpected(view, visited) {
  const nodes = new Map(view.nodes.map((n) => [n.id, n]));
  for (const site of visited) {
    const n = nodes.get(site);
    assert.ok(n && n.first_party && !n.third_party, `${site}: ${JSON.stringify(n)}`);
    // Each third party the page loads is in the graph, loaded by the page (or by
    // whoever redirected to it or framed it), with the pack's categories.
    for (const tp of thirdPartiesOf(site)) {
      const node = nodes.get(tp);
      assert.ok(node, `${tp} (on ${site}) missing from the graph`);
      assert.deepEqual([...node.categories].sort(), expectedCategories(tp, visited), `categories of ${tp}`);
      assert.equal(node.tracker, expectedCategories(tp, visited).some((c) => TRACKING.has(c)), `tracker flag of ${tp}`);
      assert.ok(view.edges.some((e) => e.target === tp && e.requests > 0), `no edge to ${tp}`);
    }
  }
}
