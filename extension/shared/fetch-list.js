// Fetches a rule list from an https URL the user typed in the options page,
// from that page, on that click: one of the two requests Telltale makes of
// its own (the other opens a vendor's opt-out page). The list then goes to
// the background's addPack and is checked by the core like a file.
//
// Its limits, each refusal given in words:
// - https only, every redirect included. A page cannot read where a redirect
//   leads before it is followed (`redirect: 'manual'` gives an opaque
//   response, without its Location), so the browser refuses for us: the
//   extension pages' CSP (manifest.json) allows connections to `'self'` and
//   `https:` only, checked at each hop before its request is made.
// - 20 s for the whole list: the answer and the body, read under one abort signal.
// - 32 MB, counted as the body arrives (after any decompression): the largest
//   lists loaded today are about 2 MB (EasyList, EasyPrivacy; rules/easyprivacy.json
//   is 1.9 MB), so this leaves room for growth while bounding what is held in memory.
const TIMEOUT_MS = 20_000;
const MAX_BYTES = 32 * 2 ** 20;
const MB = MAX_BYTES / 2 ** 20;

const cause = (href, what, expected) => new Error(`${href}: ${what}: ${expected}`);

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
  // The CSP's refusal of a redirect's next hop reaches the page as this event.
  let refused = null;
  const violation = new Promise((resolve) => {
    refused = (e) => {
      if (e.effectiveDirective === 'connect-src') resolve(true);
    };
  });
  document.addEventListener('securitypolicyviolation', refused);
  try {
    let res;
    try {
      res = await fetch(u.href, { credentials: 'omit', cache: 'no-store', redirect: 'follow', referrerPolicy: 'no-referrer', signal: controller.signal });
    } catch (e) {
      if (controller.signal.aborted) throw cause(u.href, `no answer in ${TIMEOUT_MS / 1000} s`, 'expected a rule list');
      // The event is queued when the fetch fails: wait for it a little.
      if (await Promise.race([violation, new Promise((r) => setTimeout(r, 1000, false))])) {
        throw cause(u.href, 'redirected to an address that is not https', 'lists are loaded over https only, redirects included');
      }
      throw cause(u.href, `could not be fetched (${e.message || e})`, 'expected a rule list');
    }
    if (new URL(res.url || u.href).protocol !== 'https:') {
      throw cause(u.href, `redirected to ${new URL(res.url).origin}`, 'lists are loaded over https only, redirects included');
    }
    if (!res.ok) throw cause(u.href, `the server answered ${res.status}`, 'expected a rule list');
    const type = res.headers.get('content-type') || '';
    const text = await readBody(res, u.href, controller);
    if (/html/i.test(type) || /^\s*</.test(text)) throw new Error(`${u.href}: the server sent a web page (${type || 'HTML'}), not a rule list`);
    const name = decodeURIComponent(u.pathname.split('/').filter(Boolean).pop() || u.hostname);
    return { name, text };
  } finally {
    clearTimeout(timer);
    document.removeEventListener('securitypolicyviolation', refused);
  }
}

/** The body as text, read within the time limit and the size cap. */
async function readBody(res, href, controller) {
  const tooLarge = () => cause(href, `larger than ${MB} MB`, `expected a rule list of at most ${MB} MB`);
  const declared = Number(res.headers.get('content-length'));
  // A declared length is of the encoded body: a compressed list is checked as it arrives.
  if (!res.headers.get('content-encoding') && declared > MAX_BYTES) {
    controller.abort();
    throw tooLarge();
  }
  const chunks = [];
  let size = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BYTES) {
        controller.abort();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (e) {
    if (size > MAX_BYTES) throw e;
    if (controller.signal.aborted) throw cause(href, `not received in full in ${TIMEOUT_MS / 1000} s (${Math.round(size / 1024)} KB arrived)`, 'expected the whole list within that time');
    throw cause(href, `the answer broke off (${e.message || e})`, 'expected a whole rule list');
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
