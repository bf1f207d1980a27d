// Persistence: a journal of events (without cookie values) plus periodic
// snapshots. Every write goes through one promise chain, so no two
// read-modify-writes interleave. On start: restore the snapshot, replay the
// journal written after it. A snapshot that does not load is kept aside under
// `corrupt:<time>` and reported, never deleted.
const store = chrome.storage.local;
const LOG = 'log:';
const COMPACT_EVERY_LOGS = 200;
const COMPACT_AFTER_MS = 15_000;

let seq = 0;
let logKeys = [];
let pending = [];
let chain = Promise.resolve();
let statusRef = null;

function logKey(n) {
  return LOG + String(n).padStart(12, '0');
}

/** Runs `fn` after every earlier write; errors are reported, not thrown. */
export function write(fn) {
  chain = chain.then(fn).catch((e) => {
    if (statusRef) statusRef.storageError = `Storage write failed: ${e.message || e}`;
  });
  return chain;
}

export function append(event) {
  pending.push(event);
  // Flush in a microtask: events of one task share a write, and nothing waits on a timer
  // that a stopped worker would never run.
  if (pending.length === 1) queueMicrotask(flush);
}

function flush() {
  if (!pending.length) return;
  const batch = pending;
  pending = [];
  const key = logKey(seq++);
  logKeys.push(key);
  write(() => store.set({ [key]: batch }));
}

/** Everything stored (read once at start, while the core loads). */
export function load() {
  return store.get(null);
}

export async function restore(auditor, status, all) {
  statusRef = status;
  let after = -1;
  if (typeof all.snapshot === 'string') {
    try {
      auditor.restore(all.snapshot);
      after = Number.isInteger(all.snapshotSeq) ? all.snapshotSeq : -1;
    } catch (e) {
      const aside = `corrupt:${Date.now()}`;
      await store.set({ [aside]: all.snapshot });
      await store.remove('snapshot');
      status.corrupt.push(aside);
      status.storageError = `The stored graph could not be read (${e.message || e}). It was kept aside as "${aside}"; Telltale started a new graph.`;
    }
  }
  for (const k of Object.keys(all)) if (k.startsWith('corrupt:') && !status.corrupt.includes(k)) status.corrupt.push(k);
  const keys = Object.keys(all).filter((k) => k.startsWith(LOG)).sort();
  for (const k of keys) {
    const n = Number(k.slice(LOG.length));
    if (n > after && Array.isArray(all[k])) auditor.observeBatch(JSON.stringify(all[k]));
    seq = Math.max(seq, n + 1);
  }
  logKeys = keys;
}

/** Writes a snapshot and drops the journal it covers, every so often. */
export function startCompaction(snapshot, status) {
  statusRef = status;
  let last = Date.now();
  const compact = () => {
    flush();
    const upTo = seq - 1;
    const text = snapshot();
    const covered = logKeys.filter((k) => Number(k.slice(LOG.length)) <= upTo);
    logKeys = logKeys.filter((k) => !covered.includes(k));
    last = Date.now();
    return write(async () => {
      await store.set({ snapshot: text, snapshotSeq: upTo });
      if (covered.length) await store.remove(covered);
      if (status.storageError && status.storageError.startsWith('Storage write failed')) status.storageError = null;
    });
  };
  setInterval(() => {
    if (logKeys.length >= COMPACT_EVERY_LOGS || (logKeys.length && Date.now() - last > COMPACT_AFTER_MS)) compact();
  }, 1000);
}

/** Removes the journal and snapshot (corrupt copies stay until the user removes them). */
export function clear() {
  pending = [];
  const keys = [...logKeys, 'snapshot', 'snapshotSeq'];
  logKeys = [];
  return write(async () => {
    const all = await store.get(null);
    await store.remove([...new Set([...keys, ...Object.keys(all).filter((k) => k.startsWith(LOG))])]);
  });
}
