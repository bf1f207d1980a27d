// Shared by the end-to-end test files: launches headless Chromium with the
// built extension (dist/chrome) in a fresh profile, pointed at a fixture web
// (tests/e2e/fixture-web.mjs), and gives the helpers the tests use to talk to
// the extension's background and to stop its service worker.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// TELLTALE_EXTENSION_DIR: test another unpacked build (default: dist/chrome).
export const EXT = path.resolve(process.env.TELLTALE_EXTENSION_DIR || path.join(ROOT, 'dist/chrome'));
export const SCREENS = path.join(ROOT, 'target/screens');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Calls `fn` until it returns without throwing (and truthy), at most `timeout` ms. */
export async function poll(fn, { timeout = 8000, interval = 100 } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v !== false && v !== undefined && v !== null) return v;
      last = new Error('condition not met');
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw last;
    await sleep(interval);
  }
}

export function screenshotPath(name) {
  fs.mkdirSync(SCREENS, { recursive: true });
  return path.join(SCREENS, name);
}

/**
 * Launches Chromium with the extension in a new profile (third-party cookies
 * on) and waits until the extension's core is ready. `web` is a started
 * fixture web; `ext` another unpacked build; `recordHar` (Playwright's option) writes what the browser fetched as a HAR file when the context closes. Returns the session: the context, the extension's id, an
 * extension page (`extPage`, the options page) and a CDP session on it, the
 * worker's state as the ServiceWorker domain reports it, and helpers.
 */
export async function launch(web, { userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-e2e-profile-')), ext = EXT, recordHar } = {}) {
  assert.ok(fs.existsSync(path.join(ext, 'manifest.json')), `no built extension in ${ext}: run scripts/build-extension.sh`);
  fs.mkdirSync(path.join(userDataDir, 'Default'), { recursive: true });
  // Third-party cookies on, so the cross-site cookie heuristic sees real cookies.
  fs.writeFileSync(path.join(userDataDir, 'Default/Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }));
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    headless: true,
    executablePath: CHROMIUM,
    ignoreHTTPSErrors: true,
    timeout: 30_000,
    ...(recordHar ? { recordHar } : {}),
    args: [
      `--disable-extensions-except=${ext}`,
      `--load-extension=${ext}`,
      `--host-resolver-rules=MAP * 127.0.0.1:${web.port}`,
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  ctx.setDefaultTimeout(15_000);
  const s = { web, ctx, userDataDir, extensionId: null, extPage: null, cdp: null, worker: { status: 'unknown', starts: 0 } };
  try {
    const sw = ctx.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
      || (await ctx.waitForEvent('serviceworker', { timeout: 15_000 }));
    s.extensionId = new URL(sw.url()).host;
    s.extPage = await ctx.newPage();
    await s.extPage.goto(`chrome-extension://${s.extensionId}/options/options.html`);
    s.cdp = await ctx.newCDPSession(s.extPage);
    // Playwright reports no worker stop or restart: the ServiceWorker domain does.
    s.cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const v of versions) {
        if (v.scriptURL !== `chrome-extension://${s.extensionId}/background.js`) continue;
        if (v.runningStatus === 'starting' && s.worker.status === 'stopped') s.worker.starts++;
        s.worker.status = v.runningStatus;
      }
    });
    await s.cdp.send('ServiceWorker.enable');
    Object.assign(s, helpers(s));
    await poll(async () => (await s.ask('status')).ready === true);
  } catch (e) {
    await ctx.close().catch(() => {});
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  s.close = async () => {
    try {
      await ctx.close();
    } finally {
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  };
  return s;
}

/**
 * Helpers that need only an extension page (`s.extPage`, Playwright or
 * Puppeteer) and the fixture web (`s.web`): shared with tests/e2e/firefox.mjs.
 */
export function pageHelpers(s) {
  /** A message to the background, from the extension page; returns the value. */
  async function ask(type, fields = {}) {
    const res = await s.extPage.evaluate((m) => chrome.runtime.sendMessage(m), { type, ...fields });
    assert.ok(res && res.ok, `${type}: ${JSON.stringify(res)}`);
    return res.value;
  }

  /** Waits until the fixture web has served nothing new for `quiet` ms (bounded). */
  async function webQuiet(quiet = 400, timeout = 8000) {
    const end = Date.now() + timeout;
    let n = s.web.log.length;
    let since = Date.now();
    while (Date.now() < end) {
      await sleep(50);
      if (s.web.log.length !== n) {
        n = s.web.log.length;
        since = Date.now();
      } else if (Date.now() - since >= quiet) return;
    }
  }

  return { ask, graph: () => ask('graphView', { filters: {} }), webQuiet };
}

function helpers(s) {
  async function workerTargets() {
    const { targetInfos } = await s.cdp.send('Target.getTargets');
    return targetInfos.filter((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${s.extensionId}/`));
  }

  /** Stops the extension's service worker (CDP Target.closeTarget) and checks that it stopped. */
  async function stopWorker() {
    // A late event can start the worker again at once; then it is stopped again (a few tries, at most ~10 s).
    for (let round = 0; ; round++) {
      for (const t of await workerTargets()) await s.cdp.send('Target.closeTarget', { targetId: t.targetId }).catch(() => {});
      try {
        // Gone from Target.getTargets, or "stopped" for the ServiceWorker domain; and not running or stopping.
        await poll(async () => (await workerTargets()).length === 0 || s.worker.status === 'stopped', { timeout: 2500, interval: 5 });
        await poll(() => s.worker.status !== 'running' && s.worker.status !== 'stopping', { timeout: 2500, interval: 5 });
        return;
      } catch (e) {
        if (round >= 3) throw new Error(`the service worker does not stop (status ${s.worker.status}): ${e.message}`);
      }
    }
  }

  return { ...pageHelpers(s), workerTargets, stopWorker };
}
