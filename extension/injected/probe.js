// MAIN world, before any page script: notes which script adds input
// listeners, observes or snapshots the document, reads form values, draws on
// and reads back canvases (with what was drawn), measures fonts, reads the
// GPU's name, builds audio graphs, or sends data (XHR, fetch, beacon,
// WebSocket, image), and whether what it sends holds what the person typed
// before submitting it (typed.js). Wrapped functions keep their behaviour,
// their exceptions, their name, length and toString. Counts go to the relay
// once a second on a private channel: an element no page script can reach,
// handed to the relay before any page script runs, so a page can neither
// read nor forge reports; the probe leaves no global name behind. The core
// decides what the counts mean. Its own collections are out of the page's
// reach (safe.js). Bundled by the build (esbuild, IIFE).
import { SafeMap, SafeSet, SafeWeakMap } from './safe.js';
import { typedIn, typing } from './typed.js';

(() => {
  const TAG = 'telltale-probe-v1';
  const LISTENED = new SafeSet([
    'mousemove', 'mousedown', 'mouseup', 'click', 'dblclick', 'mouseover', 'mouseout', 'mouseenter', 'mouseleave',
    'contextmenu', 'wheel', 'pointermove', 'pointerdown', 'pointerup', 'touchstart', 'touchmove', 'touchend',
    'keydown', 'keyup', 'keypress', 'input', 'change', 'focus', 'blur', 'focusin', 'focusout', 'submit', 'paste',
    'copy', 'cut', 'select', 'selectionchange', 'scroll', 'visibilitychange',
  ]);
  const URL_IN_STACK = /(https?:\/\/[^\s()]+?):\d+:\d+/;
  const MAX_KEYS = 500; // distinct (script, signal) pairs per second; past it, sampled out and counted
  const counts = new SafeMap();
  const originals = new SafeWeakMap();
  const { apply, defineProperty, getOwnPropertyDescriptor } = Reflect;
  const ErrorCtor = Error;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const Custom = CustomEvent;
  const Mouse = MouseEvent;
  const stringify = JSON.stringify;
  const isArray = Array.isArray;
  const keysOf = Object.keys;
  // JSON of the probe's own plain data (strings, numbers, booleans, arrays and
  // objects of them), walked here: JSON.stringify's own walk would call a
  // page's toJSON (Prototype.js puts one on every array).
  function toJson(v) {
    if (v === null || typeof v !== 'object') return stringify(v === undefined ? null : v);
    let out = '';
    if (isArray(v)) {
      for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + toJson(v[i]);
      return '[' + out + ']';
    }
    const keys = keysOf(v);
    for (let i = 0; i < keys.length; i++) out += (i ? ',' : '') + stringify(keys[i]) + ':' + toJson(v[keys[i]]);
    return '{' + out + '}';
  }
  const URLCtor = URL;
  const CanvasEl = window.HTMLCanvasElement;
  const activation = navigator.userActivation;
  let dropped = 0;
  // This document's channel to the relay: an element never in the document,
  // handed over now, before page scripts exist (the relay keeps it from the
  // hello's relatedTarget). Reports are dispatched on it alone.
  const channel = document.createElement('telltale-channel');
  apply(dispatch, document, [new Mouse(TAG, { __proto__: null, relatedTarget: channel })]);
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
      case 'typed_sent': return 't' + s.via + '\u0001' + s.host + '\u0001' + s.fields.map((f) => f.field + ':' + f.encoding).join(',');
      case 'canvas_extract': case 'font_measure': case 'beacon': return toJson(s);
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
  const fonts = new SafeMap();
  const fontsChanged = new SafeSet();

  function flush() {
    try { report(); } catch { /* never break the page, nor show it an error */ }
  }
  function report() {
    budget = 200;
    fontsChanged.forEach((script) => note({ type: 'font_measure', fonts: fonts.get(script).size }, script));
    fontsChanged.clear();
    if (!counts.size && !dropped) return;
    const signals = [];
    counts.forEach((c) => { signals[signals.length] = c; });
    counts.clear();
    const sampled = dropped;
    dropped = 0;
    // A string detail crosses from the page's world to the relay's in every browser.
    apply(dispatch, channel, [new Custom(TAG, { __proto__: null, detail: toJson({ signals, sampled }) })]);
  }
  setInterval(flush, 1000);
  window.addEventListener('pagehide', flush, true);

  // The source text of every wrapper this probe makes: the same in every
  // frame's probe, so a frame's toString knows another frame's wrappers too
  // (a page can take a clean toString from a frame it makes).
  const nativeToString = Function.prototype.toString;
  const wrapperSources = new SafeSet();
  function disguise(wrapper, original) {
    originals.set(wrapper, original);
    return wrapper;
  }
  // How this browser prints a built-in function, with its name put in.
  const [nativeHead, nativeTail] = apply(nativeToString, Object.prototype.hasOwnProperty, []).split('hasOwnProperty');
  function asNative(fn) {
    const name = (getOwnPropertyDescriptor(fn, 'name') || {}).value;
    return nativeHead + (typeof name === 'string' ? name : '') + nativeTail;
  }

  // A wrapper made as a method: like the browser's own functions it cannot
  // be called with `new` and has no `prototype`; it takes the original's
  // name and length. (A plain function costs a call a fraction of a Proxy's.)
  function like(original, wrapper) {
    defineProperty(wrapper, 'length', { __proto__: null, value: original.length, configurable: true });
    defineProperty(wrapper, 'name', { __proto__: null, value: original.name, configurable: true });
    wrapperSources.add(apply(nativeToString, wrapper, []));
    return disguise(wrapper, original);
  }

  function wrapMethod(proto, name, before) {
    const desc = proto && getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.value !== 'function') return;
    const target = desc.value;
    const wrapper = like(target, { m(...args) {
      try { before(this, args); } catch { /* never break the page */ }
      return apply(target, this, args);
    } }.m);
    defineProperty(proto, name, { ...desc, value: wrapper });
  }

  function wrapGetter(proto, name, before) {
    const desc = proto && getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.get !== 'function') return;
    const target = desc.get;
    const wrapper = like(target, { m() {
      try { before(this); } catch { /* never break the page */ }
      return apply(target, this, []);
    } }.m);
    defineProperty(proto, name, { ...desc, get: wrapper });
  }

  function wrapSetter(proto, name, before) {
    const desc = proto && getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.set !== 'function') return;
    const target = desc.set;
    const wrapper = like(target, { m(...args) {
      try { before(this, args); } catch { /* never break the page */ }
      return apply(target, this, args);
    } }.m);
    defineProperty(proto, name, { ...desc, set: wrapper });
  }

  function hostOf(url) {
    try { return new URLCtor(String(url), document.baseURI).hostname; } catch { return ''; }
  }

  // toString of a wrapped function answers as the original would, here
  // and for another frame's wrappers (printed as that frame's browser would).
  const toStringWrapper = like(nativeToString, { m(...args) {
    if (originals.has(this)) return apply(nativeToString, originals.get(this), args);
    const text = apply(nativeToString, this, args);
    return wrapperSources.has(text) ? asNative(this) : text;
  } }.m);
  defineProperty(Function.prototype, 'toString', { ...getOwnPropertyDescriptor(Function.prototype, 'toString'), value: toStringWrapper });

  // What was drawn on each canvas, for the core to judge a read-back by.
  const drawn = new SafeWeakMap();
  function state(canvas) {
    let st = drawn.get(canvas);
    if (!st) drawn.set(canvas, (st = { chars: new SafeSet(), styles: new SafeSet(), saveRestore: false, listener: false }));
    return st;
  }
  // A read-back: the whole canvas (toDataURL, toBlob), or the area getImageData reads.
  function extract(canvas, width = canvas && canvas.width, height = canvas && canvas.height) {
    const st = canvas ? state(canvas) : { chars: new SafeSet(), styles: new SafeSet() };
    note({
      type: 'canvas_extract',
      // Only numbers are read: converting a page's object would run its valueOf once more.
      width: typeof width === 'number' ? Math.abs(width) >>> 0 : 0,
      height: typeof height === 'number' ? Math.abs(height) >>> 0 : 0,
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
  wrapMethod(ctx, 'getImageData', (self, [, , w, h]) => extract(self.canvas, w, h));
  wrapMethod(ctx, 'measureText', (self) => {
    const script = caller();
    let set = fonts.get(script);
    if (!set) fonts.set(script, (set = new SafeSet()));
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
  // Rendering offline (a constructor wrapped would no longer be its instances' constructor).
  wrapMethod(window.OfflineAudioContext && OfflineAudioContext.prototype, 'startRendering', () => note({ type: 'audio', node: 'offline_context' }));
  const audio = window.BaseAudioContext && BaseAudioContext.prototype;
  wrapMethod(audio, 'createOscillator', () => note({ type: 'audio', node: 'oscillator' }));
  wrapMethod(audio, 'createDynamicsCompressor', () => note({ type: 'audio', node: 'compressor' }));

  // Data sent during the visit, and whether it holds what the person typed.
  function sent(via, host, url, body) {
    const script = caller();
    note({ type: 'send', via, host }, script);
    const fields = typedIn(url, body);
    if (fields.length) note({ type: 'typed_sent', via, host, fields }, script);
  }
  const opened = new SafeWeakMap();
  const xhr = window.XMLHttpRequest && XMLHttpRequest.prototype;
  wrapMethod(xhr, 'open', (self, [, url]) => { opened.set(self, String(url)); });
  wrapMethod(xhr, 'send', (self, [body]) => {
    const url = opened.get(self) || '';
    sent('xhr', hostOf(url), url, body);
  });
  // fetch's input and init are read as the browser's own getters would, and
  // init.body only when it is a plain value: a page's getter runs once, as without the probe.
  const RequestCtor = window.Request;
  const requestUrl = RequestCtor && getOwnPropertyDescriptor(RequestCtor.prototype, 'url').get;
  const urlHref = getOwnPropertyDescriptor(URLCtor.prototype, 'href').get;
  const fetchDesc = getOwnPropertyDescriptor(window, 'fetch');
  if (fetchDesc && typeof fetchDesc.value === 'function') {
    const target = fetchDesc.value;
    const wrapper = like(target, { m(...args) {
      try {
        const [input, init] = args;
        const url = typeof input === 'string' ? input
          : RequestCtor && input instanceof RequestCtor ? apply(requestUrl, input, [])
            : input instanceof URLCtor ? apply(urlHref, input, []) : String(input);
        const body = init && typeof init === 'object' && typing() ? (getOwnPropertyDescriptor(init, 'body') || {}).value : null;
        sent('fetch', hostOf(url), url, body);
      } catch { /* never break the page */ }
      return apply(target, this, args);
    } }.m);
    defineProperty(window, 'fetch', { ...fetchDesc, value: wrapper });
  }
  wrapMethod(window.Navigator && Navigator.prototype, 'sendBeacon', (_self, [url, data]) => {
    note({ type: 'beacon', url: String(url).slice(0, 200) });
    sent('beacon', hostOf(url), url, data);
  });
  wrapMethod(window.WebSocket && WebSocket.prototype, 'send', (self, [data]) => sent('websocket', hostOf(self.url), '', data));
  wrapSetter(window.HTMLImageElement && HTMLImageElement.prototype, 'src', (_self, [url]) => {
    const host = hostOf(url);
    if (host && host !== location.hostname) sent('image', host, url, null);
  });
})();
