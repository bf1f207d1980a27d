// The user's rule packs and settings, as stored. Which packs load, and in what
// order, is decided here by the user's choices; the packs themselves are checked by the core.
const store = chrome.storage.local;
const DEFAULTS = { retentionDays: 90, defaultPack: true };

export async function settings() {
  const { settings } = await store.get('settings');
  return { ...DEFAULTS, ...(settings || {}) };
}

export async function saveSettings(changes) {
  const next = { ...(await settings()), ...changes };
  next.retentionDays = Math.min(3650, Math.max(1, Number(next.retentionDays) || DEFAULTS.retentionDays));
  next.defaultPack = next.defaultPack !== false;
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
