// ISOLATED world: forwards the MAIN-world probe's signal batches (a string
// in a CustomEvent) to the background. It checks only the envelope; the core
// decides what the signals mean.
(() => {
  const TAG = 'telltale-probe-v1';
  document.addEventListener(TAG, (e) => {
    let signals;
    try {
      signals = JSON.parse(e.detail);
    } catch {
      return;
    }
    if (!Array.isArray(signals)) return;
    try {
      chrome.runtime.sendMessage({ type: 'signals_report', signals: signals.slice(0, 500) }).catch(() => {});
    } catch {
      // The extension was reloaded under this page: nothing to report to.
    }
  }, true);
})();
