// Browser events → plain event objects for the core (the `RawEvent` shapes in
// src/observe.rs). No decisions here: field mapping, plus two limits applied
// the moment an event arrives, before it is queued or stored anywhere:
// cookie values are dropped (names and attributes stay) and URLs are cut to
// the 8 KB the core reads. The values (and the Referer) travel only beside
// the event, as `transient`: a running core hashes the identifier-like ones
// for cookie-sync detection and keeps nothing else (src/sync.rs); an event
// that must wait for the core is queued and stored without them.

const ALL_URLS = { urls: ['<all_urls>'] };
const MAX_URL = 8192;

const cut = (u) => (typeof u === 'string' && u.length > MAX_URL ? u.slice(0, MAX_URL) : u);

// A cookie pair without "=" is all value, with no name (RFC 6265bis); the
// core names such a cookie NAMELESS (src/observe.rs) and so does this file.
const NAMELESS = '(no name)';

/** A cookie pair's name, NAMELESS for a value without one, null for an empty pair. */
function pairName(pair) {
  const i = pair.indexOf('=');
  const name = i < 0 ? '' : pair.slice(0, i).trim();
  if (name) return name;
  return (i < 0 ? pair : pair.slice(i + 1)).trim() ? NAMELESS : null;
}

// A Cookie header's pair with an empty value may be a value (Firefox sends a
// bare Set-Cookie value back as "VALUE="): no name is kept of it, as in the core.
function sentPairName(pair) {
  const i = pair.indexOf('=');
  return i >= 0 && !pair.slice(i + 1).trim() && pair.slice(0, i).trim() ? NAMELESS : pairName(pair);
}

// "a=1; b=2; 3; c=" → "a=-; b=-; (no name)=-; (no name)=-": each value
// stands as "-" (the core's DROPPED), so the names read as names again.
const cookieNames = (header) => header.split(';').map(sentPairName).filter((n) => n !== null).map((n) => `${n}=-`).join('; ');

// "uid=123; Max-Age=60" → "uid=; Max-Age=60", "123; Max-Age=60" → "(no name)=; Max-Age=60"
// (each line of a folded header; a line with neither name nor value stays as it is, malformed)
const withoutValue = (header) => header.split('\n').map((line) => {
  const end = line.indexOf(';');
  const name = pairName(end < 0 ? line : line.slice(0, end));
  return name === null ? line : `${name}=${end < 0 ? '' : line.slice(end)}`;
}).join('\n');

// A URL as the journal keeps it (the core's `without_query_values`, src/observe.rs):
// no fragment, the query cut to its parameters' names ("?a=&b=").
const journalUrl = (u) => {
  if (typeof u !== 'string') return u;
  const [base, query] = u.split('#')[0].split(/\?(.*)/s);
  if (query === undefined) return base;
  return `${base}?${query.split('&').filter((p) => p.includes('=')).map((p) => p.slice(0, p.indexOf('=') + 1)).join('&')}`;
};
const URL_FIELDS = ['url', 'top_url', 'frame_url', 'redirect_url', 'page_url', 'script_url'];

/**
 * An event as it may be stored while the core is not there to make its
 * journal form: URLs as journalUrl leaves them (cookie values are already gone).
 */
export function storable(event) {
  const out = { ...event };
  for (const k of URL_FIELDS) if (typeof out[k] === 'string') out[k] = journalUrl(out[k]);
  if (out.signal && typeof out.signal.url === 'string') out.signal = { ...out.signal, url: journalUrl(out.signal.url) };
  return out;
}

// Chrome shows Cookie / Set-Cookie only with 'extraHeaders'; Firefox rejects the option.
function extra(options, base) {
  return options && options.EXTRA_HEADERS ? [...base, 'extraHeaders'] : base;
}

function header(headers, name) {
  if (!headers) return [];
  return headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value ?? '');
}

// The top-level document's URL when the event says it: a main frame is its own
// page; for frame 0's subresources Firefox gives documentUrl and Chrome the
// document's origin as initiator. This keeps requests on their page even when
// events reach a waking worker out of order.
function topUrl(d) {
  if (d.type === 'main_frame') return cut(d.url);
  if (d.frameId === 0) return cut(d.documentUrl || d.initiator) || undefined;
  return undefined;
}

export function registerListeners(submit) {
  const wr = chrome.webRequest;
  // Chromium hands every webRequest event to the worker, and each kind of event
  // costs every request of every page its own dispatch (BENCHMARKS.md: one
  // empty listener for all requests slows a page of 100 third parties by
  // 12-20 %). So each request is taken from one event: onSendHeaders, when it
  // leaves for its server (with the names of the cookies it carries). What
  // never leaves the browser (a cache hit, a blocked request) did not reach a
  // third party; blocked and failed requests still arrive by onErrorOccurred.
  // Top-level pages are taken earlier, from onBeforeRequest, so a page opens
  // even when its document comes from a cache or a service worker.
  const request = (d, cookie) => ({
    kind: 'request', url: cut(d.url), type: d.type, method: d.method, time: d.timeStamp,
    tab: d.tabId, request_id: d.requestId, top_url: topUrl(d),
    frame_url: cut(d.documentUrl || d.initiator) || undefined,
    cookie_header: cookie && cookie.length ? cookieNames(cookie.join('; ')) : undefined,
  });
  wr.onBeforeRequest.addListener((d) => submit(request(d)), { urls: ['<all_urls>'], types: ['main_frame'] });

  wr.onSendHeaders.addListener((d) => {
    if (d.type === 'main_frame') return;
    const cookie = header(d.requestHeaders, 'cookie');
    const referrer = header(d.requestHeaders, 'referer')[0];
    const transient = cookie.length || referrer ? { cookie_header: cookie.length ? cookie.join('; ') : undefined, referrer: cut(referrer) || undefined } : null;
    submit(request(d, cookie), transient);
  }, ALL_URLS, extra(wr.OnSendHeadersOptions, ['requestHeaders']));

  // Responses only matter for the cookies they set and where they redirect;
  // onCompleted would tell nothing the core uses, at the cost above.
  const response = (d) => ({
    kind: 'response', url: cut(d.url), time: d.timeStamp, tab: d.tabId, request_id: d.requestId,
    top_url: topUrl(d), status: d.statusCode || 0,
  });
  wr.onHeadersReceived.addListener((d) => {
    const setCookie = header(d.responseHeaders, 'set-cookie');
    if (setCookie.length) submit({ ...response(d), set_cookie: setCookie.map(withoutValue) }, { set_cookie: setCookie });
  }, ALL_URLS, extra(wr.OnHeadersReceivedOptions, ['responseHeaders']));

  wr.onBeforeRedirect.addListener((d) => {
    submit({ ...response(d), redirect_url: cut(d.redirectUrl) });
  }, ALL_URLS);

  wr.onErrorOccurred.addListener((d) => {
    submit({ kind: 'error', url: cut(d.url), time: d.timeStamp, tab: d.tabId, request_id: d.requestId, top_url: topUrl(d), type: d.type, error: d.error || '' });
  }, ALL_URLS);

  chrome.webNavigation.onCommitted.addListener((d) => {
    if (d.frameId === 0) submit({ kind: 'navigation', url: cut(d.url), tab: d.tabId, time: d.timeStamp });
  });
  chrome.tabs.onRemoved.addListener((tab) => submit({ kind: 'tab_closed', tab }));
}
