// The one Auditor (wasm) of this browser: events queue here until it is ready,
// then each goes in, its journal entry goes to storage and the tab's badge is updated.
import init, { Auditor, compilePack, textHash } from '../wasm/telltale.js';
import * as journal from './journal.js';
import { storable } from './events.js';
import * as badge from './badge.js';
import * as packs from './packs.js';
import * as packCache from './pack-cache.js';
import * as policy from './policy.js';

const queue = [];
let auditor = null;
let markReady;

/** Resolves once the core is loaded and the stored state restored. */
export const ready = new Promise((resolve) => { markReady = resolve; });

/** What the user should know about this worker's state (shown by the popup and options page). */
export const status = { ready: false, startedAt: Date.now(), readyInMs: null, phases: {}, storageError: null, corrupt: [], packErrors: [], policy: null };
const t0 = performance.now();
const mark = (phase) => { status.phases[phase] = Math.round((performance.now() - t0) * 10) / 10; };

/**
 * One event from events.js, with what must not be stored beside it
 * (`transient`: cookie values and the Referer). A running core reads both
 * and gives back the event as it may be stored; otherwise only the event waits.
 */
export function submit(event, transient = null) {
  if (auditor) {
    observe(event, true, transient);
  } else {
    // Stored at once: a worker stopped before the core is ready loses nothing.
    // (events.js already dropped cookie values and cut URLs; stored without query values.)
    journal.append(storable(event));
    queue.push(event);
  }
}

function observe(event, record, transient = null) {
  let out;
  try {
    out = JSON.parse(auditor.observe(JSON.stringify(transient ? { ...event, ...transient } : event)));
  } catch {
    // Unusable (data: URL, bad host...): the core counted it; journaled so the count survives a restart.
    if (record) journal.append(storable(event));
    return;
  }
  if (record && out.journal) journal.append(out.journal);
  for (const tab of out.tabs) if (tab >= 0) badge.update(tab, () => auditor.trackerCount(tab));
}

/** The live auditor; only call after `ready`. */
export function current() {
  return auditor;
}

// The default pack's filter layers, compiled at build time (rules/README.md):
// EasyList's ad servers, then EasyPrivacy, which decides a request both block.
const BUILT_IN_LAYERS = [['easylist', 'EasyList'], ['easyprivacy', 'EasyPrivacy']];
const builtInLayers = () => BUILT_IN_LAYERS.map(([file]) => {
  const url = new URL(`../rules/${file}.ttpack`, import.meta.url);
  return fetch(url).then((r) => {
    if (!r.ok) throw new Error(`${url.pathname}: ${r.status}`);
    return r.arrayBuffer();
  });
});

/** Loads a user pack from its compiled form when cached, else from its text (then caches it). */
async function loadUserPack(a, p) {
  const hash = textHash(p.text);
  const bytes = await packCache.get(hash);
  if (bytes) {
    try {
      a.loadCompiled(bytes, hash);
      return hash;
    } catch {
      // Stale (another Telltale version): compiled again below.
    }
  }
  a.loadPack(p.name, p.text);
  packCache.put(hash, compilePack(p.name, p.text));
  return hash;
}

async function build(settingsPromise = packs.settings(), userPromise = packs.userPacks(), layerPromise = null) {
  const [settings, user] = await Promise.all([settingsPromise, userPromise]);
  mark('settings');
  const withDefault = settings.defaultPack !== false;
  const layers = withDefault ? (layerPromise || builtInLayers()) : [];
  const a = withDefault ? new Auditor() : Auditor.empty();
  a.setLearnSites(settings.learnSites);
  mark('auditor');
  status.packErrors = [];
  for (let i = 0; i < layers.length; i++) {
    const [file, name] = BUILT_IN_LAYERS[i];
    try {
      a.loadCompiled(new Uint8Array(await layers[i]));
    } catch (e) {
      status.packErrors.push({ id: `built-in-${file}`, name: `${name} (built in)`, error: String(e.message || e) });
    }
    mark(file);
  }
  const hashes = [];
  for (const p of user) {
    if (!p.enabled) continue;
    try {
      hashes.push(await loadUserPack(a, p));
    } catch (e) {
      status.packErrors.push({ id: p.id, name: p.name, error: String(e.message || e) });
    }
  }
  packCache.prune(hashes);
  return a;
}

export async function start() {
  // Storage reads run while the wasm module compiles.
  const settingsPromise = packs.settings();
  const userPromise = packs.userPacks();
  const stored = journal.load();
  const layerPromise = builtInLayers();
  layerPromise.forEach((p) => p.catch(() => {}));
  await init({ module_or_path: new URL('../wasm/telltale_bg.wasm', import.meta.url) });
  mark('wasm');
  const a = await build(settingsPromise, userPromise, layerPromise);
  mark('packs');
  try {
    await journal.restore(a, status, await stored);
  } catch (e) {
    // Storage unreadable or full: run on what is in memory, and say so.
    status.storageError = `Telltale could not read or repair its stored data (${e.message || e}); it is recording in memory.`;
  }
  mark('restored');
  await loadChoices(a, (await stored).choices);
  const settings = await settingsPromise;
  a.forgetBefore(Date.now() - settings.retentionDays * 864e5);
  auditor = a;
  // A waking worker can receive events out of order: take them by time.
  for (const e of queue.splice(0).sort((x, y) => (x.time || 0) - (y.time || 0))) observe(e, false);
  status.ready = true;
  status.readyInMs = Date.now() - status.startedAt;
  journal.startCompaction(() => auditor.snapshot(), status);
  markReady();
  // The rules in force must be what the stored choices come to: repaired here
  // after an update, a crash between two writes, or rules changed by hand.
  policy.apply(auditor, status);
}

// Stored choices that cannot be read at all are kept aside, never dropped;
// the core keeps aside single entries it cannot read and applies the rest.
async function loadChoices(a, text) {
  if (typeof text !== 'string') return;
  try {
    a.setPolicy(text);
  } catch (e) {
    const aside = `corrupt:choices:${Date.now()}`;
    await chrome.storage.local.set({ [aside]: text });
    await chrome.storage.local.remove('choices');
    status.corrupt.push(aside);
    status.storageError = `Your stored choices could not be read (${e.message || e}). They were kept aside as "${aside}"; no choice is in force.`;
  }
}

/** Stores the choices (on the journal's write chain) and applies them. */
export async function saveAndApplyChoices() {
  const a = auditor;
  await journal.write(() => chrome.storage.local.set({ choices: a.policyState() }));
  await policy.apply(a, status);
}

/** Rebuilds the auditor after rule packs change, keeping what it learned. */
export async function reload() {
  await ready;
  const a = await build();
  // Taken after the await: events observed while the packs loaded are kept.
  a.restore(auditor.snapshot());
  a.setPolicy(auditor.policyState());
  auditor = a;
  // Packs name the companies' domains: the same choices may now mean other rules.
  await policy.apply(auditor, status);
}

/** Replaces everything recorded, and the choices, with an "export all" file; throws its error. */
export async function importAll(text) {
  await ready;
  const a = await build();
  a.importAll(text);
  await journal.replace(a.snapshot());
  auditor = a;
  await saveAndApplyChoices();
}

/** Deletes the kept-aside copies of snapshots that could not be read. */
export async function removeCorrupt() {
  await journal.removeCorrupt(status.corrupt);
  status.corrupt = [];
  if (status.storageError && status.storageError.startsWith('The stored graph could not be read')) status.storageError = null;
}

/** Forgets everything recorded (rule packs, settings and kept-aside copies stay). */
export async function clearAll() {
  await ready;
  await journal.clear();
  const a = await build();
  // Your choices are not recorded data: they stay, like packs and settings.
  a.setPolicy(auditor.policyState());
  auditor = a;
  status.storageError = null;
}
