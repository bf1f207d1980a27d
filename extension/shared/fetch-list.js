// Fetches a rule list from an https URL the user typed in the options page,
// from that page, on that click: one of the two requests Telltale makes of
// its own (the other opens a vendor's opt-out page). The list then goes to
// the background's addPack and is checked by the core like a file.
const TIMEOUT_MS = 20_000;

/** `{name, text}` of the list at `url`, or throws the reason in words. */
export async function fetchList(url) {
  let u;
  try {
    u = new URL(String(url));
  } catch {
    throw new Error(`${url}: not a URL: expected https://…`);
  }
  if (u.protocol !== 'https:') throw new Error(`${u.href}: not an https URL: lists are loaded over https only`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let res;
  try {
    res = await fetch(u.href, { credentials: 'omit', cache: 'no-store', redirect: 'follow', signal: controller.signal });
  } catch (e) {
    throw new Error(controller.signal.aborted ? `${u.href}: no answer in ${TIMEOUT_MS / 1000} s` : `${u.href}: could not be fetched (${e.message || e})`);
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) throw new Error(`${u.href}: the server answered ${res.status}: expected a rule list`);
  const type = res.headers.get('content-type') || '';
  const text = await res.text();
  if (/html/i.test(type) || /^\s*</.test(text)) throw new Error(`${u.href}: the server sent a web page (${type || 'HTML'}), not a rule list`);
  const name = decodeURIComponent(u.pathname.split('/').filter(Boolean).pop() || u.hostname);
  return { name, text };
}
