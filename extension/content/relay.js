// ISOLATED world: forwards the MAIN-world probe's signal batches (a string
// in a CustomEvent) to the background. The probe's first event, sent before
// any page script runs, hands over its channel: an element never put in the
// document, which page scripts cannot reach. Only reports dispatched on it
// are the probe's; an event of the probe's name anywhere else is a page's
// forgery: ignored, and counted. It checks only the envelope; the core
// decides what the signals mean.
(() => {
  const TAG = 'telltale-probe-v1';
  let channel = null;
  let forged = 0; // refused reports, in all
  let unsent = 0; // refused reports not yet reported
  function send(message) {
    try {
      chrome.runtime.sendMessage({ type: 'signals_report', ...message }).catch(() => {});
    } catch {
      // The extension was reloaded under this page: nothing to report to.
    }
  }
  function refuse() {
    forged++;
    unsent++;
    // The first at once, then in hundreds: a flood of forgeries is counted, not relayed.
    if (forged === 1 || unsent >= 100) {
      send({ signals: [], forged: unsent });
      unsent = 0;
    }
  }
  function report(e) {
    let m;
    try {
      m = JSON.parse(e.detail);
    } catch {
      return;
    }
    if (!m || !Array.isArray(m.signals)) return;
    send({ signals: m.signals.slice(0, 500), sampled: Number(m.sampled) || 0, forged: unsent });
    unsent = 0;
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
})();
