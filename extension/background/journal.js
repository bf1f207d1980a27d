// Persistence: a journal of events (no cookie values) plus periodic snapshots.
//
// - Each journal batch is written under its own key, as soon as it exists,
//   with no read-modify-write: a worker stopped at any moment loses at most
//   the write in flight. Keys sort by time and name their worker, so writes
//   of a stopped worker and its successor never collide.
// - Every read-modify-write (snapshots, packs, settings) goes through one
//   promise chain, so none interleave.
// - On start: restore the snapshot, then replay the journal keys it does not
//   cover, in order. A snapshot that does not load is kept aside under
//   `corrupt:<time>` and reported, never deleted.
const store = chrome.storage.local;
const LOG = 'log:';
const COMPACT_EVERY_LOGS = 200;
const COMPACT_AFTER_MS = 15_000;
const worker = Math.random().toString(36).slice(2, 8);

let counter = 0;
let logKeys = [];
let pending = [];
let chain = Promise.resolve();
let statusRef = null;

function reportError(e) {
  if (statusRef) statusRef.storageError = `Storage write failed: ${e.message || e}`;
}

/** Runs `fn` after every earlier chained write; errors are reported, not thrown. */
export function write(fn) {
  chain = chain.then(fn).catch(reportError);
  return chain;
}

export function append(event) {
  pending.push(event);
  // Flushed in a microtask: the events of one task share a write, and nothing
  // waits on a timer that a stopped worker would never run.
  if (pending.length === 1) queueMicrotask(flush);
}

function flush() {
  if (!pending.length) return;
  const batch = pending;
  pending = [];
  const key = `${LOG}${String(Date.now()).padStart(15, '0')}-${worker}-${String(counter++).padStart(8, '0')}`;
  logKeys.push(key);
  store.set({ [key]: batch }).catch(reportError);
}

/** Everything stored (read once at start, while the core loads). */
export function load() {
  return store.get(null);
}

export async function restore(auditor, status, all) {
  statusRef = status;
  if (typeof all.snapshot === 'string') {
    try {
      auditor.restore(all.snapshot);
    } catch (e) {
      const aside = `corrupt:${Date.now()}`;
      await store.set({ [aside]: all.snapshot });
      await store.remove(['snapshot', 'snapshotCovers']);
      status.corrupt.push(aside);
      status.storageError = `The stored graph could not be read (${e.message || e}). It was kept aside as "${aside}"; Telltale started a new graph.`;
      all.snapshotCovers = [];
    }
  }
  for (const k of Object.keys(all)) if (k.startsWith('corrupt:') && !status.corrupt.includes(k)) status.corrupt.push(k);
  const covered = new Set(Array.isArray(all.snapshotCovers) ? all.snapshotCovers : []);
  const keys = Object.keys(all).filter((k) => k.startsWith(LOG)).sort();
  for (const k of keys) {
    if (!covered.has(k) && Array.isArray(all[k])) auditor.observeBatch(JSON.stringify(all[k]));
  }
  // Journal entries a snapshot already holds (left by a worker stopped mid-compaction).
  const stale = keys.filter((k) => covered.has(k));
  if (stale.length) write(() => store.remove(stale));
  // Every key still stored is named by the next snapshot, the stale ones too: should
  // their removal fail (a full disk), a snapshot that did not name them would be
  // replayed with them on top. Keep the keys of events journaled while the core was loading, too.
  logKeys = [...new Set([...keys, ...logKeys])].sort();
}

/** Writes a snapshot and drops the journal it covers, every so often. */
export function startCompaction(snapshot, status) {
  statusRef = status;
  let last = Date.now();
  const compact = () => {
    flush();
    const text = snapshot();
    const covers = logKeys;
    logKeys = [];
    last = Date.now();
    return write(async () => {
      // One write names the snapshot and the journal keys it holds, so a stop
      // between it and the removal never replays them twice.
      try {
        await store.set({ snapshot: text, snapshotCovers: covers });
      } catch (e) {
        // Not written: the next compaction must still cover these keys.
        logKeys = [...new Set([...covers, ...logKeys])].sort();
        throw e;
      }
      if (covers.length) {
        try {
          await store.remove(covers);
        } catch (e) {
          // Still stored: the next snapshot must name them again, or a restart would replay them on top of it.
          logKeys = [...new Set([...covers, ...logKeys])].sort();
          throw e;
        }
      }
      if (status.storageError && status.storageError.startsWith('Storage write failed')) status.storageError = null;
    });
  };
  setInterval(() => {
    if (logKeys.length >= COMPACT_EVERY_LOGS || (logKeys.length && Date.now() - last > COMPACT_AFTER_MS)) compact();
  }, 1000);
}

/** Removes the kept-aside copies of snapshots that could not be read. */
export function removeCorrupt(keys) {
  return write(() => store.remove(keys.filter((k) => k.startsWith('corrupt:'))));
}

/** Replaces the journal and snapshot with one snapshot (an import). */
export function replace(snapshotText) {
  pending = [];
  logKeys = [];
  return write(async () => {
    const all = await store.get(null);
    await store.remove(Object.keys(all).filter((k) => k.startsWith(LOG)));
    await store.set({ snapshot: snapshotText, snapshotCovers: [] });
  });
}

/** Removes the journal and snapshot (corrupt copies stay until the user removes them). */
export function clear() {
  pending = [];
  logKeys = [];
  return write(async () => {
    const all = await store.get(null);
    await store.remove(['snapshot', 'snapshotCovers', ...Object.keys(all).filter((k) => k.startsWith(LOG))]);
  });
}
