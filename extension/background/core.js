// The one Auditor (wasm) of this browser: events queue here until it is ready,
// then each goes in, its journal entry goes to storage and the tab's badge is updated.
import init, { Auditor } from '../wasm/telltale.js';
import * as journal from './journal.js';
import * as badge from './badge.js';
import * as packs from './packs.js';

const queue = [];
let auditor = null;
let markReady;

/** Resolves once the core is loaded and the stored state restored. */
export const ready = new Promise((resolve) => { markReady = resolve; });

/** What the user should know about this worker's state (shown by the popup and options page). */
export const status = { ready: false, startedAt: Date.now(), readyInMs: null, phases: {}, storageError: null, corrupt: [], packErrors: [] };
const t0 = performance.now();
const mark = (phase) => { status.phases[phase] = Math.round((performance.now() - t0) * 10) / 10; };

export function submit(event) {
  if (auditor) {
    observe(event, true);
  } else {
    // Stored at once: a worker stopped before the core is ready loses nothing.
    // (events.js already dropped cookie values and cut URLs.)
    journal.append(event);
    queue.push(event);
  }
}

function observe(event, record) {
  let out;
  try {
    out = JSON.parse(auditor.observe(JSON.stringify(event)));
  } catch {
    // Unusable (data: URL, bad host...): the core counted it; journaled so the count survives a restart.
    if (record) journal.append(event);
    return;
  }
  if (record && out.journal) journal.append(out.journal);
  for (const tab of out.tabs) if (tab >= 0) badge.update(tab, () => auditor.trackerCount(tab));
}

/** The live auditor; only call after `ready`. */
export function current() {
  return auditor;
}

async function build(settingsPromise = packs.settings(), userPromise = packs.userPacks()) {
  const [settings, user] = await Promise.all([settingsPromise, userPromise]);
  mark('settings');
  const a = settings.defaultPack === false ? Auditor.empty() : new Auditor();
  mark('auditor');
  status.packErrors = [];
  for (const p of user) {
    if (!p.enabled) continue;
    try {
      a.loadPack(p.name, p.text);
    } catch (e) {
      status.packErrors.push({ id: p.id, name: p.name, error: String(e.message || e) });
    }
  }
  return a;
}

export async function start() {
  // Storage reads run while the wasm module compiles.
  const settingsPromise = packs.settings();
  const userPromise = packs.userPacks();
  const stored = journal.load();
  await init({ module_or_path: new URL('../wasm/telltale_bg.wasm', import.meta.url) });
  mark('wasm');
  const a = await build(settingsPromise, userPromise);
  mark('packs');
  try {
    await journal.restore(a, status, await stored);
  } catch (e) {
    // Storage unreadable or full: run on what is in memory, and say so.
    status.storageError = `Telltale could not read or repair its stored data (${e.message || e}); it is recording in memory.`;
  }
  mark('restored');
  const settings = await settingsPromise;
  a.forgetBefore(Date.now() - settings.retentionDays * 864e5);
  auditor = a;
  // A waking worker can receive events out of order: take them by time.
  for (const e of queue.splice(0).sort((x, y) => (x.time || 0) - (y.time || 0))) observe(e, false);
  status.ready = true;
  status.readyInMs = Date.now() - status.startedAt;
  journal.startCompaction(() => auditor.snapshot(), status);
  markReady();
}

/** Rebuilds the auditor after rule packs change, keeping what it learned. */
export async function reload() {
  await ready;
  const a = await build();
  // Taken after the await: events observed while the packs loaded are kept.
  a.restore(auditor.snapshot());
  auditor = a;
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
  auditor = a;
  status.storageError = null;
}
