// What tests/e2e/trust.test.mjs (Chromium) and firefox-trust.test.mjs ask of
// both browsers: every message a content script must not send, the state it
// must not change, and a flood of forged probe events.

import fs from 'node:fs';
import path from 'node:path';

import { ROOT } from './browser.mjs';

/** The names of the background's message handlers, read from its source. */
export function handlerNames() {
  const src = fs.readFileSync(path.join(ROOT, 'extension/background/messages.js'), 'utf8');
  const body = src.slice(src.indexOf('const handlers = {'), src.indexOf('\n};\n'));
  return [...body.matchAll(/^ {2}(\w+): /gm)].map((m) => m[1]);
}

export const GOOD_PACK = JSON.stringify({
  format: 'telltale-rules/1', name: 'trusted-pack', version: '1', license: 'CC0-1.0',
  sources: { s: { name: 'e2e' } }, entities: [{ name: 'Pack Tracker', domains: ['pack-tracker.test'], categories: ['advertising'], source: 's' }],
});

/**
 * Every message but signals_report, each with fields that would change or
 * reveal something if it were taken: `tab` a web page's tab, `packId` a user
 * pack, `emptyExport` an export of an empty state (importing it empties the graph).
 */
export function privilegedMessages({ tab, packId, emptyExport }) {
  const fields = {
    status: {}, tabReport: { tab }, graphView: { filters: {} }, nodeDetails: { site: 'doubleclick.net' }, siteReport: { site: 'news.example', userAgent: 'x' }, interactiveHtml: { filters: {}, positions: {}, viewer: '' }, export: { format: 'json' },
    snapshot: {}, exportAll: {}, learnedPack: {}, importSummary: { text: emptyExport }, importAll: { text: emptyExport },
    controls: { tab }, act: { intent: { do: 'block-category', category: 'advertising' }, tab: -1 }, choices: {},
    forgetPreview: {}, forget: { domains: ['doubleclick.net', 'adnxs.com'] }, applyChoices: {},
    signals: {}, categories: {}, settings: {}, setSettings: { settings: { retentionDays: 1, learnSites: 9, defaultPack: false } },
    packs: {}, addPack: { name: 'evil.json', text: GOOD_PACK.replace('trusted-pack', 'evil-pack') },
    setPackEnabled: { id: packId, enabled: false }, removePack: { id: packId }, clearAll: {}, removeCorrupt: {},
  };
  return Object.entries(fields).map(([type, f]) => ({ type, ...f }));
}

/** What a content script must not be able to change, read through an extension page's `ask`. */
export async function guardedState(ask) {
  const [view, choices, packs, settings] = await Promise.all([
    ask('graphView', { filters: {} }), ask('choices'), ask('packs'), ask('settings')]);
  return {
    nodes: view.nodes.map((n) => n.id).sort(),
    choices: choices.choices.map((c) => c.key),
    packs: packs.user.map(({ id, name, enabled }) => ({ id, name, enabled })),
    loaded: packs.loaded.map((p) => p.name).sort(),
    settings,
  };
}

/** 50,000 forged reports of the probe's name, in a page, in 20 bursts over about 2 s. */
export const FLOOD_FORGERIES = 50_000;
export const FLOOD_SCRIPT = `(async () => {
  const detail = JSON.stringify({ signals: [{ script: 'https://innocent.example/x.js', signal: { type: 'canvas_extract', width: 300, height: 300, chars: 40, colours: 3, save_restore: false, listener: false, user_gesture: false }, count: 1 }] });
  for (let burst = 0; burst < 20; burst++) {
    for (let i = 0; i < ${50_000 / 20}; i++) document.dispatchEvent(new CustomEvent('telltale-probe-v1', { detail }));
    await new Promise((r) => setTimeout(r, 100));
  }
})()`;
