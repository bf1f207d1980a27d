// ISOLATED world: forwards the MAIN-world probe's signal batches (a string
// in a CustomEvent) to the background. The probe's first event, sent before
// any page script runs, carries its key; a report without that key is a
// page's forgery: ignored, and counted. It checks only the envelope; the core
// decides what the signals mean.
(() => {
  const TAG = 'telltale-probe-v1';
  let key = null;
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
  document.addEventListener(TAG, (e) => {
    let m;
    try {
      m = JSON.parse(e.detail);
    } catch {
      refuse();
      return;
    }
    if (m && typeof m.hello === 'string' && key === null) {
      key = m.hello;
      return;
    }
    if (!m || key === null || m.key !== key || !Array.isArray(m.signals)) {
      refuse();
      return;
    }
    send({ signals: m.signals.slice(0, 500), sampled: Number(m.sampled) || 0, forged: unsent });
    unsent = 0;
  }, true);
})();
