// Global Privacy Control for page scripts: navigator.globalPrivacyControl
// reads true, as the GPC specification defines it (a getter on Navigator).
// Registered by the background, in the page's own world at document_start
// and in every frame, only while "Opt out everywhere" is on and not on
// trusted sites.
(function () {
  'use strict';
  try {
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
      get: { globalPrivacyControl() { return true; } }.globalPrivacyControl,
      configurable: true,
      enumerable: true,
    });
  } catch (e) {
    // The browser keeps its own property: nothing more to do.
  }
})();
