// The user's rule packs and settings, as stored. Which packs load, and in what
// order, is decided here by the user's choices; the packs themselves are checked by the core.
const store = chrome.storage.local;
// learnSites: first-party sites on which a third party no pack names must show
// tracking behaviour to be a learned tracker (src/learn.rs; Privacy Badger's 3).
const DEFAULTS = { retentionDays: 90, defaultPack: true, learnSites: 3 };

export async function settings() {
  const { settings } = await store.get('settings');
  return { ...DEFAULTS, ...(settings || {}) };
}

export async function saveSettings(changes) {
  const next = { ...(await settings()), ...changes };
  next.retentionDays = Math.min(3650, Math.max(1, Number(next.retentionDays) || DEFAULTS.retentionDays));
  next.defaultPack = next.defaultPack !== false;
  next.learnSites = Math.min(100, Math.max(1, Math.round(Number(next.learnSites)) || DEFAULTS.learnSites));
  await store.set({ settings: next });
  return next;
}

export async function userPacks() {
  const { packs } = await store.get('packs');
  return Array.isArray(packs) ? packs : [];
}

export async function savePacks(packs) {
  await store.set({ packs });
}
