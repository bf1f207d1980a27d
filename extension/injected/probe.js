// MAIN world, before any page script: notes which script adds input
// listeners, observes or snapshots the document, reads form values, draws on
// and reads back canvases (with what was drawn), measures fonts, reads the
// GPU's name, builds audio graphs, or sends data (XHR, fetch, beacon,
// WebSocket, image). Wrapped functions keep their behaviour, their
// exceptions and their toString. Counts go to the relay once a second, under
// a key made at start and told to the relay before any page script runs, so
// a page cannot forge reports; the probe leaves no global name behind. The
// core decides what the counts mean.
(() => {
  const TAG = 'telltale-probe-v1';
  const LISTENED = new Set([
    'mousemove', 'mousedown', 'mouseup', 'click', 'dblclick', 'mouseover', 'mouseout', 'mouseenter', 'mouseleave',
    'contextmenu', 'wheel', 'pointermove', 'pointerdown', 'pointerup', 'touchstart', 'touchmove', 'touchend',
    'keydown', 'keyup', 'keypress', 'input', 'change', 'focus', 'blur', 'focusin', 'focusout', 'submit', 'paste',
    'copy', 'cut', 'select', 'selectionchange', 'scroll', 'visibilitychange',
  ]);
  const URL_IN_STACK = /(https?:\/\/[^\s()]+?):\d+:\d+/;
  const MAX_KEYS = 500; // distinct (script, signal) pairs per second; past it, sampled out and counted
  const counts = new Map();
  const originals = new WeakMap();
  const { apply, construct, defineProperty, getOwnPropertyDescriptor } = Reflect;
  const ErrorCtor = Error;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const Custom = CustomEvent;
  const stringify = JSON.stringify;
  const URLCtor = URL;
  const CanvasEl = window.HTMLCanvasElement;
  const activation = navigator.userActivation;
  let dropped = 0;
  // The key of this document's reports: random, told to the relay now, before page scripts exist.
  const key = Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join('');
  apply(dispatch, document, [new Custom(TAG, { detail: stringify({ hello: key }) })]);
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

  // A signal's key without JSON for the common kinds (one per call would cost more than the call).
  function signalKey(s) {
    switch (s.type) {
      case 'listener': return 'l' + s.event;
      case 'send': return 's' + s.via + '\u0001' + s.host;
      case 'webgl_param': return 'w' + s.name;
      case 'audio': return 'a' + s.node;
      case 'canvas_extract': case 'font_measure': case 'beacon': return stringify(s);
      default: return s.type;
    }
  }

  function note(signal, script = caller()) {
    const k = script + '\u0000' + signalKey(signal);
    const c = counts.get(k);
    if (c) c.count++;
    else if (counts.size < MAX_KEYS) counts.set(k, { script, signal, count: 1 });
    else dropped++;
  }

  // Fonts measured, per script: reported as the number of distinct fonts.
  const fonts = new Map();
  const fontsChanged = new Set();

  function flush() {
    budget = 200;
    for (const script of fontsChanged) note({ type: 'font_measure', fonts: fonts.get(script).size }, script);
    fontsChanged.clear();
    if (!counts.size && !dropped) return;
    const signals = [...counts.values()];
    counts.clear();
    const sampled = dropped;
    dropped = 0;
    // A string detail crosses from the page's world to the relay's in every browser.
    apply(dispatch, document, [new Custom(TAG, { detail: stringify({ key, signals, sampled }) })]);
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

  function wrapSetter(proto, name, before) {
    const desc = proto && getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.set !== 'function') return;
    const proxy = disguise(new Proxy(desc.set, {
      apply(target, self, args) {
        try { before(self, args); } catch { /* never break the page */ }
        return apply(target, self, args);
      },
    }), desc.set);
    defineProperty(proto, name, { ...desc, set: proxy });
  }

  function wrapConstructor(name, before) {
    const desc = getOwnPropertyDescriptor(window, name);
    if (!desc || typeof desc.value !== 'function') return;
    const proxy = disguise(new Proxy(desc.value, {
      construct(target, args, newTarget) {
        try { before(args); } catch { /* never break the page */ }
        return construct(target, args, newTarget);
      },
    }), desc.value);
    defineProperty(window, name, { ...desc, value: proxy });
  }

  function hostOf(url) {
    try { return new URLCtor(String(url), document.baseURI).hostname; } catch { return ''; }
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

  // What was drawn on each canvas, for the core to judge a read-back by.
  const drawn = new WeakMap();
  function state(canvas) {
    let st = drawn.get(canvas);
    if (!st) drawn.set(canvas, (st = { chars: new Set(), styles: new Set(), saveRestore: false, listener: false }));
    return st;
  }
  function extract(canvas) {
    const st = canvas ? state(canvas) : { chars: new Set(), styles: new Set() };
    note({
      type: 'canvas_extract',
      width: (canvas && canvas.width) >>> 0,
      height: (canvas && canvas.height) >>> 0,
      chars: st.chars.size,
      colours: st.styles.size,
      save_restore: !!st.saveRestore,
      listener: !!st.listener,
      user_gesture: !!(activation && activation.isActive),
    });
  }
  function drewText(ctx, text, style) {
    const st = state(ctx.canvas);
    for (const ch of String(text)) if (st.chars.size < 256) st.chars.add(ch);
    if (st.styles.size < 64) st.styles.add(String(style));
    note({ type: 'canvas_text' });
  }

  wrapMethod(EventTarget.prototype, 'addEventListener', (self, [type]) => {
    if (typeof type === 'string' && LISTENED.has(type)) note({ type: 'listener', event: type });
    if (CanvasEl && self instanceof CanvasEl) state(self).listener = true;
  });
  wrapMethod(window.MutationObserver && MutationObserver.prototype, 'observe', (_self, [target]) => {
    if (target === document || target === document.documentElement || target === document.body) note({ type: 'mutation_observer' });
  });
  // DOM snapshots: the whole document serialised or deep-cloned.
  const whole = (n) => n === document || n === document.documentElement || n === document.body;
  wrapMethod(window.XMLSerializer && XMLSerializer.prototype, 'serializeToString', (_self, [n]) => { if (whole(n)) note({ type: 'dom_snapshot' }); });
  wrapMethod(window.Node && Node.prototype, 'cloneNode', (self, [deep]) => { if (deep && whole(self)) note({ type: 'dom_snapshot' }); });
  wrapGetter(window.Element && Element.prototype, 'outerHTML', (self) => { if (whole(self)) note({ type: 'dom_snapshot' }); });
  wrapGetter(window.HTMLInputElement && HTMLInputElement.prototype, 'value', () => note({ type: 'input_read' }));
  wrapGetter(window.HTMLTextAreaElement && HTMLTextAreaElement.prototype, 'value', () => note({ type: 'input_read' }));

  const ctx = window.CanvasRenderingContext2D && CanvasRenderingContext2D.prototype;
  wrapMethod(ctx, 'fillText', (self, [text]) => drewText(self, text, self.fillStyle));
  wrapMethod(ctx, 'strokeText', (self, [text]) => drewText(self, text, self.strokeStyle));
  wrapMethod(ctx, 'save', (self) => { state(self.canvas).saveRestore = true; });
  wrapMethod(ctx, 'restore', (self) => { state(self.canvas).saveRestore = true; });
  wrapMethod(ctx, 'getImageData', (self) => extract(self.canvas));
  wrapMethod(ctx, 'measureText', (self) => {
    const script = caller();
    let set = fonts.get(script);
    if (!set) fonts.set(script, (set = new Set()));
    if (set.size < 1000) set.add(String(self.font));
    fontsChanged.add(script);
  });
  const canvas = CanvasEl && CanvasEl.prototype;
  wrapMethod(canvas, 'toDataURL', (self) => extract(self));
  wrapMethod(canvas, 'toBlob', (self) => extract(self));

  // The GPU's name through WebGL.
  const GL_NAMES = { 0x1F00: 'vendor', 0x1F01: 'renderer', 0x9245: 'unmasked_vendor', 0x9246: 'unmasked_renderer' };
  for (const gl of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    wrapMethod(gl && gl.prototype, 'getParameter', (_self, [p]) => { if (GL_NAMES[p]) note({ type: 'webgl_param', name: GL_NAMES[p] }); });
  }
  // Audio graphs of the kind audio fingerprinting builds.
  wrapConstructor('OfflineAudioContext', () => note({ type: 'audio', node: 'offline_context' }));
  const audio = window.BaseAudioContext && BaseAudioContext.prototype;
  wrapMethod(audio, 'createOscillator', () => note({ type: 'audio', node: 'oscillator' }));
  wrapMethod(audio, 'createDynamicsCompressor', () => note({ type: 'audio', node: 'compressor' }));

  // Data sent during the visit.
  const opened = new WeakMap();
  const xhr = window.XMLHttpRequest && XMLHttpRequest.prototype;
  wrapMethod(xhr, 'open', (self, [, url]) => { opened.set(self, hostOf(url)); });
  wrapMethod(xhr, 'send', (self) => note({ type: 'send', via: 'xhr', host: opened.get(self) || '' }));
  const fetchDesc = getOwnPropertyDescriptor(window, 'fetch');
  if (fetchDesc && typeof fetchDesc.value === 'function') {
    const proxy = disguise(new Proxy(fetchDesc.value, {
      apply(target, self, args) {
        try { note({ type: 'send', via: 'fetch', host: hostOf(args[0] && args[0].url ? args[0].url : args[0]) }); } catch { /* never break the page */ }
        return apply(target, self, args);
      },
    }), fetchDesc.value);
    defineProperty(window, 'fetch', { ...fetchDesc, value: proxy });
  }
  wrapMethod(window.Navigator && Navigator.prototype, 'sendBeacon', (_self, [url]) => {
    note({ type: 'beacon', url: String(url).slice(0, 200) });
    note({ type: 'send', via: 'beacon', host: hostOf(url) });
  });
  wrapMethod(window.WebSocket && WebSocket.prototype, 'send', (self) => note({ type: 'send', via: 'websocket', host: hostOf(self.url) }));
  wrapSetter(window.HTMLImageElement && HTMLImageElement.prototype, 'src', (_self, [url]) => {
    const host = hostOf(url);
    if (host && host !== location.hostname) note({ type: 'send', via: 'image', host });
  });
})();
