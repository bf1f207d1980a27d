// Browser events → plain event objects for the core (the `RawEvent` shapes in
// src/observe.rs). No decisions here: only field mapping.

const ALL_URLS = { urls: ['<all_urls>'] };

// Chrome shows Cookie / Set-Cookie only with 'extraHeaders'; Firefox rejects the option.
function extra(options, base) {
  return options && options.EXTRA_HEADERS ? [...base, 'extraHeaders'] : base;
}

function header(headers, name) {
  if (!headers) return [];
  return headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value ?? '');
}

// The top-level document's URL when the event says it (Firefox gives documentUrl; frame 0 is the top).
function topUrl(d) {
  if (d.type === 'main_frame') return d.url;
  if (d.frameId === 0 && d.documentUrl) return d.documentUrl;
  return undefined;
}

export function registerListeners(submit) {
  const wr = chrome.webRequest;
  wr.onBeforeRequest.addListener((d) => {
    submit({
      kind: 'request', url: d.url, type: d.type, method: d.method, time: d.timeStamp,
      tab: d.tabId, request_id: d.requestId, top_url: topUrl(d),
      frame_url: d.documentUrl || d.initiator || undefined,
    });
  }, ALL_URLS);

  wr.onSendHeaders.addListener((d) => {
    const cookie = header(d.requestHeaders, 'cookie');
    if (!cookie.length) return;
    submit({
      kind: 'send_headers', url: d.url, time: d.timeStamp, tab: d.tabId,
      request_id: d.requestId, top_url: topUrl(d), cookie_header: cookie.join('; '),
    });
  }, ALL_URLS, extra(wr.OnSendHeadersOptions, ['requestHeaders']));

  const response = (d) => ({
    kind: 'response', url: d.url, time: d.timeStamp, tab: d.tabId, request_id: d.requestId,
    top_url: topUrl(d), status: d.statusCode || 0,
  });
  wr.onHeadersReceived.addListener((d) => {
    const setCookie = header(d.responseHeaders, 'set-cookie');
    if (setCookie.length) submit({ ...response(d), set_cookie: setCookie });
  }, ALL_URLS, extra(wr.OnHeadersReceivedOptions, ['responseHeaders']));

  wr.onBeforeRedirect.addListener((d) => {
    submit({ ...response(d), redirect_url: d.redirectUrl });
  }, ALL_URLS);

  wr.onCompleted.addListener((d) => submit(response(d)), ALL_URLS);
  wr.onErrorOccurred.addListener((d) => {
    submit({ kind: 'error', url: d.url, time: d.timeStamp, tab: d.tabId, request_id: d.requestId, top_url: topUrl(d), error: d.error || '' });
  }, ALL_URLS);

  chrome.webNavigation.onCommitted.addListener((d) => {
    if (d.frameId === 0) submit({ kind: 'navigation', url: d.url, tab: d.tabId, time: d.timeStamp });
  });
  chrome.tabs.onRemoved.addListener((tab) => submit({ kind: 'tab_closed', tab }));
}
