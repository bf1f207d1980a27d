// Launches headless Firefox ESR with the built extension (dist/firefox),
// driven by puppeteer-core over WebDriver BiDi, pointed at a fixture web
// (tests/e2e/fixture-web.mjs). Playwright drives only its own patched Firefox,
// which cannot be installed here; Puppeteer speaks BiDi to the stock browser.
//
// Firefox has no `--host-resolver-rules`: it is told to use a proxy on
// loopback that tunnels every CONNECT to the fixture web's port, so pages keep
// their plain https://host/ URLs. The extension is installed as a temporary
// add-on (BiDi webExtension.install); its moz-extension:// UUID is fixed by a
// preference, so the test can open its pages.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import puppeteer from 'puppeteer-core';

import { ROOT, pageHelpers, poll } from './browser.mjs';

export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
export const EXT_FIREFOX = path.resolve(process.env.TELLTALE_FIREFOX_DIR || path.join(ROOT, 'dist/firefox'));
const UUID = '7e11a1e0-0000-4000-8000-00000000e2e0';

/**
 * A proxy on loopback that sends every CONNECT tunnel to `port` on 127.0.0.1,
 * and answers anything else (plain http, whose URL it keeps in `plain`) 502.
 */
async function startTunnel(port) {
  const sockets = new Set();
  const plain = [];
  const server = http.createServer((req, res) => {
    plain.push(req.url);
    res.writeHead(502).end();
  });
  server.on('connect', (req, client, head) => {
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    plain,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}

/**
 * Launches Firefox with the extension installed and waits until its core is
 * ready. `idleMs` sets how long the background (an event page in Firefox) may
 * sit idle before Firefox suspends it (Firefox's default is 30 s); `extension:
 * false` launches the same browser without it (then only `browser` and
 * `close`: for benchmarks); `colorScheme` ('dark' or 'light') is what its pages
 * read from prefers-color-scheme. Returns
 * the session: the browser, the extension page `extPage` (the options page),
 * `plainHttp` (the URL of every plain-http request Firefox made, all refused),
 * `extensionUrl(path)`, `openExtensionPage(page, path)`, and the helpers of
 * tests/e2e/browser.mjs (`ask`, `graph`, `webQuiet`).
 */
export async function launchFirefox(web, { idleMs = 30_000, extension = true, colorScheme = null } = {}) {
  const manifest = JSON.parse(fs.readFileSync(path.join(EXT_FIREFOX, 'manifest.json'), 'utf8'));
  const geckoId = manifest.browser_specific_settings.gecko.id;
  const tunnel = await startTunnel(web.port);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-e2e-firefox-'));
  let browser;
  const s = { web, browser: null, extPage: null, plainHttp: tunnel.plain };
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      acceptInsecureCerts: true,
      userDataDir: profile,
      // Lets BiDi open moz-extension:// pages (refused by default).
      args: ['--remote-allow-system-access'],
      // Headless Firefox without a GPU has no WebGL; with these and `webgl.force-enabled`
      // it draws with Mesa's software renderer (llvmpipe), so the graph page can be tested.
      env: { ...process.env, LIBGL_ALWAYS_SOFTWARE: '1', MOZ_WEBGL_FORCE_EGL: '1' },
      extraPrefsFirefox: {
        'network.proxy.type': 1,
        'network.proxy.ssl': '127.0.0.1',
        'network.proxy.ssl_port': tunnel.port,
        'network.proxy.http': '127.0.0.1',
        'network.proxy.http_port': tunnel.port,
        'network.proxy.no_proxies_on': '',
        'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: UUID }),
        'extensions.background.idle.timeout': idleMs,
        // As the Chromium tests: third-party cookies on, no built-in tracker blocking.
        'network.cookie.cookieBehavior': 0,
        'privacy.trackingprotection.enabled': false,
        'webgl.force-enabled': true,
        // Optional permissions asked for in a click are granted without a prompt (no one to answer it here).
        'extensions.webextOptionalPermissionPrompts': false,
        // `colorScheme: 'dark'` or 'light': what pages read from prefers-color-scheme (BiDi cannot emulate it).
        ...(colorScheme ? { 'layout.css.prefers-color-scheme.content-override': colorScheme === 'dark' ? 0 : 1 } : {}),
      },
    });
    s.browser = browser;
    if (!extension) return Object.assign(s, { close: () => closeAll(browser, tunnel, profile) });
    const id = await browser.installExtension(EXT_FIREFOX);
    assert.equal(id, geckoId);
    s.extensionUrl = (p) => `moz-extension://${UUID}/${p}`;
    s.openExtensionPage = (page, p) => openExtensionPage(page, s.extensionUrl(p));
    s.extPage = await browser.newPage();
    await s.openExtensionPage(s.extPage, 'options/options.html');
    Object.assign(s, pageHelpers(s));
    await poll(async () => (await s.ask('status')).ready === true, { timeout: 15_000 });
  } catch (e) {
    if (browser) await browser.close().catch(() => {});
    await tunnel.close();
    fs.rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  s.close = () => closeAll(browser, tunnel, profile);
  return s;
}

async function closeAll(browser, tunnel, profile) {
  try {
    await browser.close();
  } finally {
    await tunnel.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Opens an extension page in `page`. Puppeteer's navigation to a
 * moz-extension:// URL never reports its load, so the page's own state is
 * awaited instead: the URL, a finished document and the extension API.
 */
async function openExtensionPage(page, url) {
  page.goto(url, { timeout: 60_000 }).catch(() => {});
  await poll(() => page.evaluate((u) => location.href === u && document.readyState === 'complete'
    && typeof chrome === 'object' && typeof chrome.runtime?.sendMessage === 'function', url), { timeout: 15_000 });
  return page;
}
