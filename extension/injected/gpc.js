// Global Privacy Control for page scripts: navigator.globalPrivacyControl
// reads true, as the GPC specification defines it (a getter on Navigator).
// Registered by the background, in the page's own world at document_start
// and in every frame, only while "Opt out everywhere" is on and not on
// trusted sites. The getter is made like a browser's own (named
// `get globalPrivacyControl`, no prototype, not constructible); the probe's
// toString prints it as the browser prints its own.
(function () {
  'use strict';
  try {
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
      get: Object.getOwnPropertyDescriptor({ get globalPrivacyControl() { return true; } }, 'globalPrivacyControl').get,
      configurable: true,
      enumerable: true,
    });
  } catch (e) {
    // The browser keeps its own property: nothing more to do.
  }
})();
