// Requests from the popup, graph page, options page and content relay.
// Each answer is something the core computed; this file only routes, and
// checks who is asking (`handleMessage`).
import { Auditor, categoryInfo, compilePack, textHash } from '../wasm/telltale.js';
import { current, ready, reload, clearAll, removeCorrupt, status, submit, saveAndApplyChoices, importAll } from './core.js';
import * as packs from './packs.js';
import * as packCache from './pack-cache.js';
import * as policy from './policy.js';
import { write } from './journal.js';

const json = (text) => JSON.parse(text);

const handlers = {
  status: () => ({ ...status, stats: json(current().stats()), packs: json(current().packs()) }),
  tabReport: ({ tab }) => ({ report: json(current().tabReport(tab)), status: { storageError: status.storageError, corrupt: status.corrupt } }),
  graphView: ({ filters }) => json(current().graphView(JSON.stringify(filters || {}))),
  nodeDetails: ({ site }) => json(current().nodeDetails(String(site))),
  interactiveHtml: ({ filters, positions, viewer }) => current().interactiveHtml(JSON.stringify(filters || {}), JSON.stringify(positions || {}), String(viewer || ''), Date.now()),
  export: ({ format }) => current().export(String(format)),
  siteReport: ({ site, userAgent }) => current().siteReport(String(site), String(userAgent || '')) ?? null,
  snapshot: () => current().snapshot(),
  exportAll: () => current().exportAll(),
  learnedPack: () => current().learnedPack(new Date().toISOString().slice(0, 10)),
  importSummary: ({ text }) => json(current().importSummary(String(text))),
  importAll: async ({ text }) => {
    try {
      await importAll(String(text));
    } catch (e) {
      return { ok: false, error: String(e.message || e) };
    }
    return { ok: true };
  },

  // The user's choices: the popup's and graph page's buttons, the options page's list.
  controls: ({ tab }) => ({ controls: json(current().controls(Number(tab))), policy: status.policy }),
  act: async ({ intent, tab }) => {
    const out = json(current().act(JSON.stringify(intent || {}), Number(tab ?? -1), Date.now()));
    await saveAndApplyChoices();
    // A vendor's own opt-out page, opened for the user beside the current tab.
    for (const url of out.open) await chrome.tabs.create({ url, active: false }).catch(() => {});
    return { label: out.label, policy: status.policy };
  },
  choices: () => ({ choices: json(current().choices()), keptAside: json(current().policyState()).kept_aside, policy: status.policy }),
  // "Forget me" shows the sites first; only those it showed are cleared.
  forgetPreview: async () => ({ domains: await policy.forgetPreview(current()) }),
  forget: ({ domains }) => policy.forget(current(), domains),
  // After the person grants a permission a choice was waiting for.
  applyChoices: async () => {
    await saveAndApplyChoices();
    return { policy: status.policy };
  },
  signals: () => json(current().signals()),
  categories: () => json(categoryInfo()),

  settings: () => packs.settings(),
  setSettings: async ({ settings }) => {
    let saved;
    await write(async () => { saved = await packs.saveSettings(settings || {}); });
    current().forgetBefore(Date.now() - saved.retentionDays * 864e5);
    current().setLearnSites(saved.learnSites);
    if ('defaultPack' in (settings || {})) await reload();
    return saved;
  },

  packs: async () => ({
    loaded: json(current().packs()),
    user: (await packs.userPacks()).map(({ id, name, enabled, summary }) => ({ id, name, enabled, summary })),
    errors: status.packErrors,
  }),
  addPack: async ({ name, text }) => {
    // Checked by the core before it is kept: errors come back with file, line and column.
    let summary;
    try {
      const bytes = compilePack(String(name), String(text));
      summary = json(Auditor.empty().loadCompiled(bytes));
      await packCache.put(textHash(String(text)), bytes);
    } catch (e) {
      return { ok: false, error: String(e.message || e) };
    }
    await write(async () => {
      const list = await packs.userPacks();
      list.push({ id: `${Date.now()}-${list.length}`, name: String(name), text: String(text), enabled: true, summary });
      await packs.savePacks(list);
    });
    await reload();
    return { ok: true, summary };
  },
  setPackEnabled: async ({ id, enabled }) => {
    await write(async () => {
      const list = await packs.userPacks();
      for (const p of list) if (p.id === id) p.enabled = !!enabled;
      await packs.savePacks(list);
    });
    await reload();
    return true;
  },
  removePack: async ({ id }) => {
    await write(async () => packs.savePacks((await packs.userPacks()).filter((p) => p.id !== id)));
    await reload();
    return true;
  },
  clearAll: async () => {
    await clearAll();
    return true;
  },
  removeCorrupt: async () => {
    await removeCorrupt();
    return true;
  },

  // From the content relay: probe signals of a page's scripts.
  signals_report: ({ signals, sampled, forged }, sender) => {
    const tab = sender.tab ? sender.tab.id : -1;
    const page = (sender.tab && sender.tab.url) || sender.url || '';
    const time = Date.now();
    for (const s of Array.isArray(signals) ? signals.slice(0, 500) : []) {
      submit({ kind: 'script_signal', tab, time, page_url: page, script_url: String(s.script || ''), signal: s.signal, count: Number(s.count) || 1 });
    }
    for (const [type, n] of [['sampled', sampled], ['forged', forged]]) {
      if (Number(n) > 0) submit({ kind: 'script_signal', tab, time, page_url: page, script_url: '', signal: { type }, count: Math.min(Number(n), 2 ** 31) });
    }
    return true;
  },
};

// Who may ask. A content script speaks for a web page, which may be hostile
// (or its renderer compromised): it may only report probe signals. Everything
// else (reading the history, exporting it, importing, choices, packs,
// settings, clearing) is for Telltale's own pages alone. The browser fills in
// the sender: `id` is the extension the message came from; `url` is the
// sending document's URL, which for a content script is the web page's (in
// Chrome and Firefox alike), and for the popup, options and graph pages is
// under the extension's own origin, even when such a page is open in a tab
// (then it has a `tab` too). `origin`, where the browser gives it, must agree.
const OWN = chrome.runtime.getURL('');
const OWN_ORIGIN = OWN.replace(/\/$/, '');

function fromOwnPage(sender) {
  return !!sender && sender.id === chrome.runtime.id
    && typeof sender.url === 'string' && sender.url.startsWith(OWN)
    && (sender.origin === undefined || sender.origin === OWN_ORIGIN);
}

function fromContentScript(sender) {
  return !!sender && sender.id === chrome.runtime.id && !!sender.tab && !fromOwnPage(sender);
}

export function handleMessage(message, sender, sendResponse) {
  const handler = message && Object.hasOwn(handlers, message.type) ? handlers[message.type] : null;
  if (!handler) return false;
  // Probe signals are queued like any event, even before the core is ready.
  if (message.type === 'signals_report') {
    if (!fromContentScript(sender)) {
      sendResponse({ ok: false, error: 'signals_report: refused: only the content script in a web page reports probe signals' });
      return false;
    }
    sendResponse(handler(message, sender));
    return false;
  }
  if (!fromOwnPage(sender)) {
    sendResponse({ ok: false, error: `${message.type}: refused: only Telltale's own pages may ask this` });
    return false;
  }
  ready
    .then(() => handler(message, sender))
    .then((value) => sendResponse({ ok: true, value }), (e) => sendResponse({ ok: false, error: String(e.message || e) }));
  return true;
}
