// Compiled rule packs (the core's binary form), kept in IndexedDB by the hash
// of the pack's text, so a waking worker does not parse big lists again.
// A cache only: anything missing, stale or unreadable is compiled again.
const DB = 'telltale-pack-cache';
const STORE = 'compiled';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let db = null;
const database = () => (db ||= open().catch((e) => { db = null; throw e; }));

function run(mode, f) {
  return database().then((d) => new Promise((resolve, reject) => {
    const tx = d.transaction(STORE, mode);
    const req = f(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  }));
}

/** The compiled bytes for a text hash, or null. */
export async function get(hash) {
  try {
    const v = await run('readonly', (s) => s.get(hash));
    return v instanceof ArrayBuffer ? new Uint8Array(v) : null;
  } catch {
    return null;
  }
}

/** Keeps compiled bytes under a text hash; failures only cost a later compile. */
export async function put(hash, bytes) {
  try {
    await run('readwrite', (s) => s.put(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), hash));
  } catch {
    // Quota or a private window without IndexedDB: the text still loads.
  }
}

/** Drops every entry whose hash is not in `keep`. */
export async function prune(keep) {
  try {
    const keys = await run('readonly', (s) => s.getAllKeys());
    const stale = keys.filter((k) => !keep.includes(k));
    if (stale.length) await run('readwrite', (s) => { for (const k of stale) s.delete(k); return { result: undefined }; });
  } catch {
    // Nothing to prune.
  }
}
