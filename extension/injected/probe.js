// MAIN world, before any page script: notes which script adds input
// listeners, observes the document, reads form values, draws and reads back
// canvas text, or sends beacons. Wrapped functions keep their behaviour,
// their exceptions and their toString. Counts go to the relay once a second.
(() => {
  const TAG = 'telltale-probe-v1';
  if (window.__telltaleProbe) return;
  Object.defineProperty(window, '__telltaleProbe', { value: true });

  const LISTENED = new Set([
    'mousemove', 'mousedown', 'mouseup', 'click', 'dblclick', 'mouseover', 'mouseout', 'mouseenter', 'mouseleave',
    'contextmenu', 'wheel', 'pointermove', 'pointerdown', 'pointerup', 'touchstart', 'touchmove', 'touchend',
    'keydown', 'keyup', 'keypress', 'input', 'change', 'focus', 'blur', 'focusin', 'focusout', 'submit', 'paste',
    'copy', 'cut', 'select', 'selectionchange', 'scroll', 'visibilitychange',
  ]);
  const URL_IN_STACK = /(https?:\/\/[^\s()]+?):\d+:\d+/;
  const counts = new Map();
  const originals = new WeakMap();
  const { apply, defineProperty, getOwnPropertyDescriptor } = Reflect;
  const ErrorCtor = Error;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const Custom = CustomEvent;
  const stringify = JSON.stringify;
  let budget = 200; // stack captures per second; past it, calls count for the last script seen
  let lastScript = '';

  function caller() {
    if (budget <= 0) return lastScript;
    budget--;
    const stack = new ErrorCtor().stack || '';
    const lines = stack.split('\n');
    for (const line of lines) {
      const m = URL_IN_STACK.exec(line);
      if (m) return (lastScript = m[1]);
    }
    return (lastScript = '');
  }

  function note(signal) {
    const script = caller();
    const key = script + '\u0000' + stringify(signal);
    const c = counts.get(key);
    if (c) c.count++;
    else counts.set(key, { script, signal, count: 1 });
  }

  function flush() {
    budget = 200;
    if (!counts.size) return;
    const signals = [...counts.values()];
    counts.clear();
    // A string detail crosses from the page's world to the relay's in every browser.
    apply(dispatch, document, [new Custom(TAG, { detail: stringify(signals) })]);
  }
  setInterval(flush, 1000);
  window.addEventListener('pagehide', flush, true);

  function disguise(proxy, original) {
    originals.set(proxy, original);
    return proxy;
  }

  function wrapMethod(proto, name, before) {
    const desc = proto && getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.value !== 'function') return;
    const proxy = disguise(new Proxy(desc.value, {
      apply(target, self, args) {
        try { before(self, args); } catch { /* never break the page */ }
        return apply(target, self, args);
      },
    }), desc.value);
    defineProperty(proto, name, { ...desc, value: proxy });
  }

  function wrapGetter(proto, name, before) {
    const desc = proto && getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.get !== 'function') return;
    const proxy = disguise(new Proxy(desc.get, {
      apply(target, self, args) {
        try { before(self); } catch { /* never break the page */ }
        return apply(target, self, args);
      },
    }), desc.get);
    defineProperty(proto, name, { ...desc, get: proxy });
  }

  // toString of a wrapped function answers as the original would.
  const toString = Function.prototype.toString;
  const toStringProxy = new Proxy(toString, {
    apply(target, self, args) {
      return apply(target, originals.has(self) ? originals.get(self) : self, args);
    },
  });
  originals.set(toStringProxy, toString);
  defineProperty(Function.prototype, 'toString', { ...getOwnPropertyDescriptor(Function.prototype, 'toString'), value: toStringProxy });

  wrapMethod(EventTarget.prototype, 'addEventListener', (_self, [type]) => {
    if (typeof type === 'string' && LISTENED.has(type)) note({ type: 'listener', event: type });
  });
  wrapMethod(window.MutationObserver && MutationObserver.prototype, 'observe', (_self, [target]) => {
    if (target === document || target === document.documentElement || target === document.body) note({ type: 'mutation_observer' });
  });
  wrapGetter(window.HTMLInputElement && HTMLInputElement.prototype, 'value', () => note({ type: 'input_read' }));
  wrapGetter(window.HTMLTextAreaElement && HTMLTextAreaElement.prototype, 'value', () => note({ type: 'input_read' }));
  const ctx = window.CanvasRenderingContext2D && CanvasRenderingContext2D.prototype;
  wrapMethod(ctx, 'fillText', () => note({ type: 'canvas_text' }));
  wrapMethod(ctx, 'strokeText', () => note({ type: 'canvas_text' }));
  wrapMethod(ctx, 'getImageData', () => note({ type: 'canvas_read' }));
  const canvas = window.HTMLCanvasElement && HTMLCanvasElement.prototype;
  wrapMethod(canvas, 'toDataURL', () => note({ type: 'canvas_read' }));
  wrapMethod(canvas, 'toBlob', () => note({ type: 'canvas_read' }));
  wrapMethod(window.Navigator && Navigator.prototype, 'sendBeacon', (_self, [url]) => note({ type: 'beacon', url: String(url).slice(0, 200) }));
})();
