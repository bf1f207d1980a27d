// Applies what the core computed from the user's choices: declarativeNetRequest
// dynamic rules (the browser's engine blocks and sets headers; no JavaScript
// runs per request), page-world scripts (GPC, vendors' opt-out flags) and
// vendors' opt-out cookies. Nothing here decides: the core compiles the
// choices and says what to add and remove; this file feature-detects what the
// browser offers and calls its APIs. Every apply runs on one chain, so two
// changes never interleave.
import { rulesDiff, scriptsDiff, forgetDomains } from '../wasm/telltale.js';

const dnr = chrome.declarativeNetRequest;
const store = chrome.storage.local;
const COOKIES_KEY = 'optOutCookies';
const FIVE_YEARS_S = 5 * 365 * 86400;

let chain = Promise.resolve();
let packagedFlags = null;

/** What this browser allows and what the user granted, for the core. */
export async function capabilities() {
  const granted = (await chrome.permissions.getAll()).permissions || [];
  if (packagedFlags === null) {
    try {
      packagedFlags = await (await fetch(chrome.runtime.getURL('injected/flags/index.json'))).json();
    } catch {
      packagedFlags = [];
    }
  }
  const caps = {
    max_rules: dnr.MAX_NUMBER_OF_DYNAMIC_RULES ?? dnr.MAX_NUMBER_OF_DYNAMIC_AND_SESSION_RULES ?? 5000,
    max_unsafe_rules: dnr.MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES ?? dnr.MAX_NUMBER_OF_DYNAMIC_RULES ?? 5000,
    scripting: granted.includes('scripting') && !!(chrome.scripting && chrome.scripting.registerContentScripts),
    cookies: granted.includes('cookies') && !!chrome.cookies,
    packaged_flags: packagedFlags,
  };
  // Chrome lists the resource types its engine knows; elsewhere the core's common set is used.
  if (dnr.ResourceType) caps.resource_types = Object.values(dnr.ResourceType);
  return caps;
}

/** The compiled choices (rules, scripts, cookies, pages, not applied). */
export async function compiled(auditor) {
  return JSON.parse(auditor.compilePolicy(JSON.stringify(await capabilities())));
}

/**
 * Brings the browser to the computed policy: rules, scripts and cookies that
 * changed are added or removed. Also run at start-up, so that the rules in
 * force always equal what the core computes from the stored choices.
 * `status.policy` says what was applied and what could not be.
 */
export function apply(auditor, status) {
  chain = chain.then(() => applyNow(auditor, status)).catch((e) => {
    status.policy = { ...(status.policy || {}), error: `Telltale could not apply your choices: ${e.message || e}` };
  });
  return chain;
}

async function applyNow(auditor, status) {
  const c = await compiled(auditor);
  const errors = [];
  const current = await dnr.getDynamicRules();
  const diff = JSON.parse(rulesDiff(JSON.stringify(current), JSON.stringify(c.rules)));
  if (diff.removeRuleIds.length || diff.addRules.length) {
    try {
      await dnr.updateDynamicRules(diff);
    } catch (e) {
      errors.push(`the browser refused the blocking rules (${e.message || e})`);
    }
  }
  if (chrome.scripting && chrome.scripting.getRegisteredContentScripts) {
    try {
      const now = await chrome.scripting.getRegisteredContentScripts();
      const d = JSON.parse(scriptsDiff(JSON.stringify(now), JSON.stringify(c.scripts)));
      if (d.unregister.length) await chrome.scripting.unregisterContentScripts({ ids: d.unregister });
      if (d.register.length) await register(d.register);
    } catch (e) {
      errors.push(`page scripts could not be registered (${e.message || e})`);
    }
  }
  try {
    await syncCookies(c.cookies);
  } catch (e) {
    errors.push(`opt-out cookies could not be set (${e.message || e})`);
  }
  status.policy = {
    rules: c.rules.length,
    scripts: c.scripts.length,
    cookies: c.cookies.length,
    // Opt-out cookies of packs the person loaded: shown (domain, name, value) and set only once confirmed.
    confirmCookies: c.confirm_cookies,
    pages: c.pages,
    notApplied: c.not_applied,
    error: errors.length ? `Telltale could not apply all your choices: ${errors.join('; ')}.` : null,
  };
  return c;
}

// Firefox before 128 knows neither `world` nor `matchOriginAsFallback` for
// registered scripts: feature-detected by the error, then left out.
async function register(scripts) {
  try {
    await chrome.scripting.registerContentScripts(scripts);
  } catch (e) {
    if (!/matchOriginAsFallback|persistAcrossSessions/.test(String(e.message || e))) throw e;
    await chrome.scripting.registerContentScripts(scripts.map(({ matchOriginAsFallback, persistAcrossSessions, ...s }) => s));
  }
}

const cookieKey = (c) => `${c.domain}\n${c.name}`;

// Sets the opt-out cookies the core lists and removes the ones it no longer does.
async function syncCookies(wanted) {
  const { [COOKIES_KEY]: before = [] } = await store.get(COOKIES_KEY);
  if (!chrome.cookies) return;
  const keep = new Set(wanted.map(cookieKey));
  for (const c of before) {
    if (!keep.has(cookieKey(c))) await chrome.cookies.remove({ url: c.url, name: c.name }).catch(() => {});
  }
  const expirationDate = Math.floor(Date.now() / 1000) + FIVE_YEARS_S;
  for (const c of wanted) {
    await chrome.cookies.set({ url: c.url, domain: c.domain, name: c.name, value: c.value, secure: true, sameSite: 'no_restriction', expirationDate });
  }
  await store.set({ [COOKIES_KEY]: wanted });
}

/** The domains "Forget me" would clear now: every domain a block rule names (the core's list). */
export async function forgetPreview(auditor) {
  return JSON.parse(forgetDomains(JSON.stringify(await compiled(auditor))));
}

/**
 * "Forget me": removes the cookies and site data that blocked trackers
 * already placed, for the domains the person was shown (`shown`) that a
 * block rule still names. Returns counts.
 */
export async function forget(auditor, shown) {
  const seen = new Set(Array.isArray(shown) ? shown.map(String) : []);
  const domains = (await forgetPreview(auditor)).filter((d) => seen.has(d));
  let cookies = 0;
  if (chrome.cookies) {
    for (const domain of domains) {
      for (const c of await chrome.cookies.getAll({ domain })) {
        const host = c.domain.replace(/^\./, '');
        await chrome.cookies.remove({ url: `http${c.secure ? 's' : ''}://${host}${c.path}`, name: c.name, storeId: c.storeId });
        cookies++;
      }
    }
  }
  let siteData = false;
  if (chrome.browsingData && domains.length) {
    const types = { cookies: true, localStorage: true, indexedDB: true, cacheStorage: true, serviceWorkers: true };
    try {
      // Chrome removes by origin; Firefox by host name (cookies and local storage).
      await chrome.browsingData.remove({ origins: domains.flatMap((d) => [`https://${d}`, `http://${d}`]) }, types);
      siteData = true;
    } catch {
      await chrome.browsingData.remove({ hostnames: domains }, { cookies: true, localStorage: true }).then(() => { siteData = true; }, () => {});
    }
  }
  return { domains: domains.length, cookies, siteData };
}
