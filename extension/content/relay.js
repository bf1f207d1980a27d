// ISOLATED world: forwards the MAIN-world probe's signal batches (a string
// in a CustomEvent) to the background. The probe's first event, sent before
// any page script runs, hands over its channel: an element never put in the
// document, which page scripts cannot reach. Only reports dispatched on it
// are the probe's; an event of the probe's name anywhere else is a page's
// forgery: ignored, and counted. It checks only the envelope; the core
// decides what the signals mean.
//
// A page must not be able to wear the worker down: whatever it does, each
// frame sends at most one message a second (batches, sampled and forged
// counts combined, each message journaled by the background), plus one as
// the page is really left; at most 500 signals a message, each script URL cut
// to 512 characters. What is left out is counted as sampled.
(() => {
  const TAG = 'telltale-probe-v1';
  const PERIOD_MS = 1000;
  const MAX_SIGNALS = 500;
  const MAX_SCRIPT = 512;
  let channel = null;
  // What waits for the next message.
  let signals = [];
  let sampled = 0;
  let forged = 0;
  let last = -Infinity; // when the last message left
  let timer = 0;
  let leaving = false; // a real pagehide: what the probe hands over now goes at once

  function send() {
    if (timer) clearTimeout(timer);
    timer = 0;
    if (!signals.length && !sampled && !forged) return;
    const message = { type: 'signals_report', signals, sampled, forged };
    signals = [];
    sampled = 0;
    forged = 0;
    last = performance.now();
    try {
      chrome.runtime.sendMessage(message).catch(() => {});
    } catch {
      // The extension was reloaded under this page: nothing to report to.
    }
  }
  function schedule() {
    if (timer) return;
    const wait = last + PERIOD_MS - performance.now();
    if (wait <= 0) send();
    else timer = setTimeout(send, wait);
  }
  const count = (n) => (Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), 2 ** 31) : 0);

  function refuse() {
    forged++;
    schedule();
  }
  function report(e) {
    let m;
    try {
      m = JSON.parse(e.detail);
    } catch {
      return;
    }
    if (!m || !Array.isArray(m.signals)) return;
    for (const s of m.signals) {
      if (!s || typeof s !== 'object') continue;
      if (signals.length >= MAX_SIGNALS) {
        sampled += count(Number(s.count) || 1);
        continue;
      }
      signals.push({ script: String(s.script || '').slice(0, MAX_SCRIPT), signal: s.signal, count: s.count });
    }
    sampled += count(Number(m.sampled));
    if (leaving) {
      leaving = false;
      send();
    } else {
      schedule();
    }
  }
  document.addEventListener(TAG, (e) => {
    const from = e.relatedTarget;
    if (channel === null && from && from.localName === 'telltale-channel' && !from.isConnected) {
      channel = from;
      channel.addEventListener(TAG, report);
      return;
    }
    refuse();
  }, true);
  // Leaving the page (the browser's event, not a page's copy): what waits goes now,
  // and so does the probe's last batch, which it hands over on the same event.
  window.addEventListener('pagehide', (e) => {
    if (!e.isTrusted) return;
    leaving = true;
    send();
  }, true);
  window.addEventListener('pageshow', (e) => {
    if (e.isTrusted) leaving = false;
  }, true);
})();
