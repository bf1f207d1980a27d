// MAIN world, before any page script: notes which script adds input
// listeners, observes or snapshots the document, reads form values, draws on
// and reads back canvases (with what was drawn), measures fonts, reads the
// GPU's name, builds audio graphs, or sends data (XHR, fetch, beacon,
// WebSocket, image), and whether what it sends holds what the person typed
// before submitting it (typed.js). Wrapped functions keep their behaviour,
// their exceptions, their name, length and toString, and run a page's hooks
// (toString, getters, Proxy traps, Symbol.hasInstance) exactly as often and
// in the same order as the browser's own: an argument the probe reads is
// converted once, here, and handed on converted. Counts go to the relay
// once a second on a private channel: an element no page script can reach,
// handed to the relay before any page script runs, so a page can neither
// read nor forge reports; the probe leaves no global name behind. Which
// script called is told by caller.js. Everything the probe calls once page
// scripts run is a copy taken now (safe.js). The core decides what the
// counts mean. Bundled by the build (esbuild, IIFE, strict mode).
import {
  SafeMap, SafeSet, SafeWeakMap, SafeWeakSet, S, URLCtor, abs, apply, defineProperty, get, getOwnPropertyDescriptor, getPrototypeOf, getter,
  hasOwn, isArray, keysOf, list, random, setPrototypeOf, stringify, toStr, urlHost, urlHostname, urlPathname,
} from './safe.js';
import { callerOf, nameAll, withoutWrapper } from './caller.js';
import { typedIn, typing } from './typed.js';

(() => {
  const TAG = 'telltale-probe-v1';
  // The events whose listeners are noted, each with its signal (made once: a listener is added by the thousand).
  const LISTENED = new SafeMap();
  const EVENTS = [
    'mousemove', 'mousedown', 'mouseup', 'click', 'dblclick', 'mouseover', 'mouseout', 'mouseenter', 'mouseleave',
    'contextmenu', 'wheel', 'pointermove', 'pointerdown', 'pointerup', 'touchstart', 'touchmove', 'touchend',
    'keydown', 'keyup', 'keypress', 'input', 'change', 'focus', 'blur', 'focusin', 'focusout', 'submit', 'paste',
    'copy', 'cut', 'select', 'selectionchange', 'scroll', 'visibilitychange',
  ];
  for (let i = 0; i < EVENTS.length; i++) LISTENED.set(EVENTS[i], { type: 'listener', event: EVENTS[i] });
  const MAX_KEYS = 500; // distinct (script, signal) pairs per second; past it, sampled out and counted
  const MAX_SCRIPT = 512; // characters of a script's URL reported
  // The core's canvas criteria (src/behaviour.rs, CANVAS_MIN_CHARS and
  // CANVAS_MIN_COLOURS): once a canvas has this many characters or colours
  // drawn, more drawing cannot change its verdict, and is not followed.
  const CANVAS_MIN_CHARS = 10;
  const CANVAS_MIN_COLOURS = 2;
  const counts = new SafeMap();
  const originals = new SafeWeakMap();
  const win = window;
  const doc = document;
  const loc = location;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const listen = EventTarget.prototype.addEventListener;
  const Custom = CustomEvent;
  const Mouse = MouseEvent;
  const FunctionProto = Function.prototype;
  const documentElement = getter(Document.prototype, 'documentElement');
  const body = getter(Document.prototype, 'body');
  const baseURI = getter(Node.prototype, 'baseURI');
  const locHostname = getter(getPrototypeOf(loc), 'hostname') || getOwnPropertyDescriptor(loc, 'hostname').get;
  const activation = navigator.userActivation;
  const isActive = activation ? getter(getPrototypeOf(activation), 'isActive') : null;
  const PromiseCtor = Promise;
  const navigatorProto = window.Navigator && Navigator.prototype;
  const reject = Promise.reject;
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
  let dropped = 0;
  // This document's channel to the relay: an element never in the document,
  // handed over now, before page scripts exist (the relay keeps it from the
  // hello's relatedTarget). Reports are dispatched on it alone.
  const channel = doc.createElement('telltale-channel');
  apply(dispatch, doc, [new Mouse(TAG, { __proto__: null, relatedTarget: channel })]);
  // Captures of the caller: a budget of BURST, refilled at RATE a second
  // (and in full at each report).
  // Past it a frequent call is traced by chance (1 in SAMPLE_ONE_IN, and 1 in
  // SAMPLE_ONE_IN_MORE once SAMPLED_MAX were traced so in this second) and the
  // others are counted as sampled: which call is traced is the browser's
  // randomness, so no page can choose it, nor have its own calls blamed on a
  // script it made call first. A page calling by the ten thousand in a burst
  // pays for about a hundred captures.
  const BURST = 50;
  const RATE = 200;
  const SAMPLE_ONE_IN = 64;
  const SAMPLE_ONE_IN_MORE = 1024;
  const SAMPLED_MAX = 64;
  let budget = BURST;
  let filled = performance.now();
  let sampledIn = 0;
  // The wrapper now running (caller.js leaves out its frame and the probe's above it).
  let active = null;
  // A call sampled out.
  const OUT = false;

  /** A URL as reported: origin and path, no query nor fragment, at most MAX_SCRIPT characters. */
  let lastUrl = '';
  let lastBare = '';
  function bare(url) {
    if (url === lastUrl) return lastBare;
    let end = url.length;
    const q = apply(S.indexOf, url, ['?']);
    const h = apply(S.indexOf, url, ['#']);
    if (q >= 0) end = q;
    if (h >= 0 && h < end) end = h;
    lastUrl = url;
    lastBare = apply(S.slice, url, [0, end < MAX_SCRIPT ? end : MAX_SCRIPT]);
    return lastBare;
  }

  // The kinds of call a page makes by the thousand; the others (a canvas read
  // back the first time in a second with what it holds, typing sent, the
  // GPU's name, an audio graph, a DOM snapshot) are each traced, whatever the budget.
  const FREQUENT = new SafeSet(['listener', 'input_read', 'canvas_text', 'send', 'mutation_observer']);

  /** Who called (callerOf: a URL, a capture named later, or null for tampering), or OUT when this call is sampled out. */
  function caller(frequent = true) {
    if (budget >= 1) budget--;
    else {
      if (frequent && random() * (sampledIn < SAMPLED_MAX ? SAMPLE_ONE_IN : SAMPLE_ONE_IN_MORE) >= 1) return OUT;
      if (frequent) sampledIn++;
      // Refilled only here: the calls sampled out never read the clock.
      const t = now();
      const more = ((t - filled) * RATE) / 1000;
      if (more >= 1) {
        budget = budget + more < BURST ? budget + more : BURST;
        filled = t;
      }
    }
    return callerOf(active);
  }

  // A signal's key without JSON for the common kinds (one per call would cost more than the call).
  function signalKey(s) {
    switch (s.type) {
      case 'listener': return 'l' + s.event;
      case 'send': return 's' + s.via + '\u0001' + s.host;
      case 'webgl_param': return 'w' + s.name;
      case 'audio': return 'a' + s.node;
      case 'canvas_extract': return 'c' + s.width + ',' + s.height + ',' + s.chars + ',' + s.colours + ',' + s.save_restore + ',' + s.listener + ',' + s.user_gesture;
      case 'typed_sent': {
        let k = 't' + s.via + '\u0001' + s.host + '\u0001';
        for (let i = 0; i < s.fields.length; i++) k += (i ? ',' : '') + s.fields[i].field + ':' + s.fields[i].encoding;
        return k;
      }
      case 'font_measure': case 'beacon': return toJson(s);
      default: return s.type;
    }
  }

  // Signals whose caller is still to be named, named in batches (caller.js).
  const PENDING = 64;
  const pendingWho = list();
  const pendingSignal = list();
  const named = list();
  let pending = 0;

  function note(signal, who = caller(FREQUENT.has(signal.type))) {
    if (who === OUT) {
      dropped++;
      return;
    }
    // Reports leave on time even if a page cancels the probe's timer (interval ids are small numbers to guess).
    if (now() >= due) flush();
    if (typeof who === 'string') {
      record(bare(who), signal);
      return;
    }
    if (who === null) {
      tampered();
      record('', signal);
      return;
    }
    pendingWho[pending] = who;
    pendingSignal[pending] = signal;
    if (++pending >= PENDING) settle();
  }

  /** A page made the stack unreadable: the call is put on no one, and that is said. */
  function tampered() {
    count('', { type: 'tamper' });
  }

  /** Names the callers of the pending signals and counts them. */
  function settle() {
    const n = pending;
    pending = 0;
    nameAll(pendingWho, n, named);
    for (let i = 0; i < n; i++) {
      const signal = pendingSignal[i];
      const script = named[i];
      pendingWho[i] = undefined;
      pendingSignal[i] = undefined;
      named[i] = undefined;
      if (script === null) tampered();
      record(script === null ? '' : bare(script), signal);
    }
  }

  function record(script, signal) {
    if (signal.type === FONT) measured(script, signal.font);
    else count(script, signal);
  }

  function count(script, signal) {
    const k = script + '\u0000' + signalKey(signal);
    const c = counts.get(k);
    if (c) c.count++;
    else if (counts.size < MAX_KEYS) counts.set(k, { script, signal, count: 1 });
    else dropped++;
  }

  // Fonts measured, per script: reported as the number of distinct fonts.
  const fonts = new SafeMap();
  const fontsChanged = new SafeSet();
  // A font measured: a signal of the probe's own, kept per script until the report.
  const FONT = '#font';
  function measured(script, font) {
    let set = fonts.get(script);
    if (!set) fonts.set(script, (set = new SafeSet()));
    if (set.size < 1000) set.add(font);
    fontsChanged.add(script);
  }

  const now = performance.now.bind(performance);
  let due = now() + 1000;
  function flush() {
    due = now() + 1000;
    try { report(); } catch { /* never break the page, nor show it an error */ }
  }
  function report() {
    sampledIn = 0;
    second++;
    budget = BURST;
    filled = now();
    fontsNow.clear();
    if (pending) settle();
    fontsChanged.forEach((script) => note({ type: 'font_measure', fonts: fonts.get(script).size }, script));
    fontsChanged.clear();
    if (!counts.size && !dropped) return;
    // The batch is written as JSON text directly: no array a page's setter could watch being filled.
    let signals = '';
    counts.forEach((c) => { signals += (signals ? ',' : '') + toJson(c); });
    counts.clear();
    const sampled = dropped;
    dropped = 0;
    // A string detail crosses from the page's world to the relay's in every browser.
    apply(dispatch, channel, [new Custom(TAG, { __proto__: null, detail: '{"signals":[' + signals + '],"sampled":' + sampled + '}' })]);
  }
  setInterval(flush, 1000);
  apply(listen, win, ['pagehide', flush, true]);

  // The source text of every wrapper this probe makes: the same in every
  // frame's probe, so a frame's toString knows another frame's wrappers too
  // (a page can take a clean toString from a frame it makes).
  const nativeToString = FunctionProto.toString;
  const wrapperSources = new SafeSet();
  // The getter gpc.js puts on Navigator while the person opts out: it prints as the browser's own would.
  wrapperSources.add('get globalPrivacyControl() { return true; }');
  // How this browser prints a built-in function, with its name put in.
  const nativeText = apply(nativeToString, Object.prototype.hasOwnProperty, []);
  const nativeAt = apply(S.indexOf, nativeText, ['hasOwnProperty']);
  const nativeHead = apply(S.slice, nativeText, [0, nativeAt]);
  const nativeTail = apply(S.slice, nativeText, [nativeAt + 14]);
  // Whether it prints a getter's name with its "get " (V8) or without (SpiderMonkey).
  const getterText = apply(nativeToString, getter(Node.prototype, 'nodeType'), []);
  const prefixed = apply(S.indexOf, getterText, ['get nodeType']) >= 0;
  function asNative(fn) {
    const d = getOwnPropertyDescriptor(fn, 'name');
    let name = d && hasOwn(d, 'value') ? d.value : '';
    if (typeof name !== 'string') name = '';
    else if (!prefixed && (apply(S.slice, name, [0, 4]) === 'get ' || apply(S.slice, name, [0, 4]) === 'set ')) name = apply(S.slice, name, [4]);
    return nativeHead + name + nativeTail;
  }

  // A wrapper made as a method: like the browser's own functions it cannot
  // be called with `new` and has no `prototype`; it takes the original's
  // name and length.
  function like(original, wrapper) {
    defineProperty(wrapper, 'length', { __proto__: null, value: original.length, configurable: true });
    defineProperty(wrapper, 'name', { __proto__: null, value: original.name, configurable: true });
    wrapperSources.add(apply(nativeToString, wrapper, []));
    originals.set(wrapper, original);
    return wrapper;
  }

  /**
   * True when no argument is a value the browser could run page code
   * through (an object it converts, reads or traps: a node it takes as it
   * is): an error thrown then is the browser's own.
   */
  const nodeType = getter(Node.prototype, 'nodeType');
  function inert(args) {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a !== null && typeof a === 'object') {
        try { apply(nodeType, a, []); } catch { return false; }
      }
    }
    return true;
  }

  // A plain function costs a call a fraction of a Proxy's. `convert(self,
  // args)` converts in place what the probe reads (a page's error thrown
  // while converting goes to the page, as from the browser); `before(self,
  // args)` notes.
  function wrapMethod(proto, name, before, convert) {
    const desc = proto && getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.value !== 'function') return;
    const target = desc.value;
    const wrapper = like(target, { [name](...args) {
      if (convert) convert(this, args);
      const outer = active;
      active = wrapper;
      try { before(this, args); } catch { /* never break the page */ }
      active = outer;
      try {
        return apply(target, this, args);
      } catch (e) {
        // An error of the browser's own (no page code could run): the stack it has without the probe.
        if (e !== null && typeof e === 'object' && inert(args)) withoutWrapper(e, wrapper);
        throw e;
      }
    } }[name]);
    defineProperty(proto, name, { ...desc, value: wrapper });
  }

  function wrapGetter(proto, name, before) {
    const desc = proto && getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.get !== 'function') return;
    const target = desc.get;
    const wrapper = like(target, { [name]() {
      const outer = active;
      active = wrapper;
      try { before(this); } catch { /* never break the page */ }
      active = outer;
      try {
        return apply(target, this, []);
      } catch (e) {
        if (e !== null && typeof e === 'object') withoutWrapper(e, wrapper);
        throw e;
      }
    } }[name]);
    defineProperty(proto, name, { ...desc, get: wrapper });
  }

  function wrapSetter(proto, name, before, convert) {
    const desc = proto && getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.set !== 'function') return;
    const target = desc.set;
    const wrapper = like(target, { [name](...args) {
      if (convert) convert(this, args);
      const outer = active;
      active = wrapper;
      try { before(this, args); } catch { /* never break the page */ }
      active = outer;
      try {
        return apply(target, this, args);
      } catch (e) {
        if (e !== null && typeof e === 'object' && inert(args)) withoutWrapper(e, wrapper);
        throw e;
      }
    } }[name]);
    defineProperty(proto, name, { ...desc, set: wrapper });
  }

  /** The host a string URL points to, resolved against the document's base URL; '' when it is none. */
  function hostOf(url) {
    try { return apply(urlHostname, new URLCtor(url, apply(baseURI, doc, [])), []); } catch { return ''; }
  }

  // toString of a wrapped function answers as the original would, here
  // and for another frame's wrappers (printed as that frame's browser would).
  const toStringWrapper = like(nativeToString, { toString(...args) {
    if (originals.has(this)) return apply(nativeToString, originals.get(this), args);
    let text;
    try {
      text = apply(nativeToString, this, args);
    } catch (e) {
      withoutWrapper(e, toStringWrapper);
      throw e;
    }
    if (!wrapperSources.has(text)) return text;
    // Another frame's wrapper, or the GPC getter; in this realm, a page's own function of the same text prints as written.
    return getPrototypeOf(this) !== FunctionProto || this === gpcGetter() ? asNative(this) : text;
  } }.toString);
  defineProperty(FunctionProto, 'toString', { ...getOwnPropertyDescriptor(FunctionProto, 'toString'), value: toStringWrapper });

  function gpcGetter() {
    const d = navigatorProto && getOwnPropertyDescriptor(navigatorProto, 'globalPrivacyControl');
    if (!d) return undefined;
    setPrototypeOf(d, null);
    return d.get;
  }

  const arg = (args, i) => (i < args.length ? args[i] : undefined);
  const isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');
  /** Converts args[i], an object, to a string in place (a page's toString runs here, once, and not again in the browser). */
  function convertAt(args, i) {
    if (i < args.length && isObject(args[i])) args[i] = toStr(args[i]);
  }

  // What was drawn on each canvas, for the core to judge a read-back by.
  const drawn = new SafeWeakMap();
  const listenedOn = new SafeWeakSet();
  const CanvasEl = window.HTMLCanvasElement;
  const canvasProto = CanvasEl && CanvasEl.prototype;
  const canvasWidth = getter(canvasProto, 'width');
  const canvasHeight = getter(canvasProto, 'height');
  const ctx = window.CanvasRenderingContext2D && CanvasRenderingContext2D.prototype;
  const ctxCanvas = getter(ctx, 'canvas');
  const ctxFont = getter(ctx, 'font');
  const ctxFill = getter(ctx, 'fillStyle');
  const ctxStroke = getter(ctx, 'strokeStyle');
  // A canvas's state: what was drawn on it (`full` once the text criteria are
  // met; past DRAWS_FOLLOWED draws without, one draw in DRAW_ONE_IN is
  // followed, at random), and its last read-back in this report's second.
  const DRAWS_FOLLOWED = 64;
  const DRAW_ONE_IN = 16;
  const blank = () => ({ chars: new SafeSet(), styles: new SafeSet(), full: false, draws: 0, saveRestore: false, read: null, readIn: -1 });
  function state(canvas) {
    let st = drawn.get(canvas);
    if (!st) drawn.set(canvas, (st = blank()));
    return st;
  }
  // Report seconds, for read-backs: the first of each kind in a second is always traced.
  let second = 0;
  // A read-back: the whole canvas (toDataURL, toBlob), or the area getImageData reads.
  function extract(canvas, width, height) {
    const st = canvas ? state(canvas) : blank();
    const signal = {
      type: 'canvas_extract',
      // Only numbers are read: converting a page's object would run its valueOf once more.
      width: typeof width === 'number' ? abs(width) >>> 0 : 0,
      height: typeof height === 'number' ? abs(height) >>> 0 : 0,
      chars: st.chars.size,
      colours: st.styles.size,
      save_restore: !!st.saveRestore,
      listener: !!canvas && listenedOn.has(canvas),
      user_gesture: !!(isActive && apply(isActive, activation, [])),
    };
    // A read of this canvas as it was read before in this second is one of many (a game, an editor): sampled.
    const last = st.read;
    const again = st.readIn === second && last.width === signal.width && last.height === signal.height && last.chars === signal.chars
      && last.colours === signal.colours && last.save_restore === signal.save_restore && last.listener === signal.listener
      && last.user_gesture === signal.user_gesture;
    st.read = signal;
    st.readIn = second;
    note(signal, caller(again));
  }
  function wholeCanvas(self) {
    extract(self, apply(canvasWidth, self, []), apply(canvasHeight, self, []));
  }
  function drewText(self, text, styleGetter) {
    const st = state(apply(ctxCanvas, self, []));
    if (!st.full && (++st.draws <= DRAWS_FOLLOWED || random() * DRAW_ONE_IN < 1)) {
      if (typeof text === 'string') {
        for (let i = 0; i < text.length && st.chars.size < CANVAS_MIN_CHARS; i++) {
          const cp = apply(S.codePointAt, text, [i]);
          const wide = cp > 0xffff;
          st.chars.add(apply(S.slice, text, [i, wide ? i + 2 : i + 1]));
          if (wide) i++;
        }
      }
      const style = apply(styleGetter, self, []);
      // A gradient or pattern counts as one style: printing it would run a page's toString.
      st.styles.add(typeof style === 'string' ? style : '(object)');
      st.full = st.chars.size >= CANVAS_MIN_CHARS || st.styles.size >= CANVAS_MIN_COLOURS;
    }
    note(CANVAS_TEXT, caller(true));
  }
  const CANVAS_TEXT = { type: 'canvas_text' };

  const isDoc = (n) => n === doc || n === apply(documentElement, doc, []) || n === apply(body, doc, []);

  const eventTarget = EventTarget.prototype;
  wrapMethod(eventTarget, 'addEventListener', (self, args) => {
    const type = arg(args, 0);
    if (isObject(self)) listenedOn.add(self);
    const signal = typeof type === 'string' ? LISTENED.get(type) : undefined;
    if (signal !== undefined) note(signal, caller(true));
  }, (self, args) => {
    // The type, converted as the browser would, once: only when the browser would (a real EventTarget, both arguments).
    if (args.length < 2 || !isObject(args[0])) return;
    try { apply(listen, self, ['', null]); } catch { return; } // not an EventTarget: the browser throws first
    convertAt(args, 0);
  });
  wrapMethod(window.MutationObserver && MutationObserver.prototype, 'observe', (_self, args) => {
    if (isDoc(arg(args, 0))) note({ type: 'mutation_observer' });
  });
  // DOM snapshots: the whole document serialised or deep-cloned.
  wrapMethod(window.XMLSerializer && XMLSerializer.prototype, 'serializeToString', (_self, args) => { if (isDoc(arg(args, 0))) note({ type: 'dom_snapshot' }); });
  wrapMethod(window.Node && Node.prototype, 'cloneNode', (self, args) => { if (arg(args, 0) && isDoc(self)) note({ type: 'dom_snapshot' }); });
  wrapGetter(window.Element && Element.prototype, 'outerHTML', (self) => { if (isDoc(self)) note({ type: 'dom_snapshot' }); });
  const INPUT_READ = { type: 'input_read' };
  wrapGetter(window.HTMLInputElement && HTMLInputElement.prototype, 'value', () => note(INPUT_READ, caller(true)));
  wrapGetter(window.HTMLTextAreaElement && HTMLTextAreaElement.prototype, 'value', () => note(INPUT_READ, caller(true)));

  // The text drawn, converted once (a 2D context and three arguments: else the browser throws first).
  const textArg = (self, args) => {
    if (args.length < 3 || !isObject(args[0])) return;
    try { apply(ctxCanvas, self, []); } catch { return; }
    convertAt(args, 0);
  };
  wrapMethod(ctx, 'fillText', (self, args) => drewText(self, arg(args, 0), ctxFill), textArg);
  wrapMethod(ctx, 'strokeText', (self, args) => drewText(self, arg(args, 0), ctxStroke), textArg);
  wrapMethod(ctx, 'save', (self) => { state(apply(ctxCanvas, self, [])).saveRestore = true; });
  wrapMethod(ctx, 'restore', (self) => { state(apply(ctxCanvas, self, [])).saveRestore = true; });
  wrapMethod(ctx, 'getImageData', (self, args) => extract(apply(ctxCanvas, self, []), arg(args, 2), arg(args, 3)));
  // A font no script measured in this second is always traced (font fingerprinting measures hundreds, once each).
  const fontsNow = new SafeSet();
  wrapMethod(ctx, 'measureText', (self) => {
    const font = apply(ctxFont, self, []);
    const fresh = !fontsNow.has(font) && fontsNow.size < 1000;
    if (fresh) fontsNow.add(font);
    note({ type: FONT, font }, caller(!fresh));
  });
  wrapMethod(canvasProto, 'toDataURL', wholeCanvas);
  wrapMethod(canvasProto, 'toBlob', wholeCanvas);

  // The GPU's name through WebGL.
  function glName(p) {
    switch (p) {
      case 0x1F00: return 'vendor';
      case 0x1F01: return 'renderer';
      case 0x9245: return 'unmasked_vendor';
      case 0x9246: return 'unmasked_renderer';
      default: return '';
    }
  }
  const glParameter = (_self, args) => {
    const p = arg(args, 0);
    const name = typeof p === 'number' ? glName(p) : '';
    if (name) note({ type: 'webgl_param', name });
  };
  wrapMethod(window.WebGLRenderingContext && WebGLRenderingContext.prototype, 'getParameter', glParameter);
  wrapMethod(window.WebGL2RenderingContext && WebGL2RenderingContext.prototype, 'getParameter', glParameter);
  // Audio graphs of the kind audio fingerprinting builds.
  // Rendering offline (a constructor wrapped would no longer be its instances' constructor).
  wrapMethod(window.OfflineAudioContext && OfflineAudioContext.prototype, 'startRendering', () => note({ type: 'audio', node: 'offline_context' }));
  const audio = window.BaseAudioContext && BaseAudioContext.prototype;
  wrapMethod(audio, 'createOscillator', () => note({ type: 'audio', node: 'oscillator' }));
  wrapMethod(audio, 'createDynamicsCompressor', () => note({ type: 'audio', node: 'compressor' }));

  // Data sent during the visit, and whether it holds what the person typed.
  function sent(via, host, url, data) {
    const script = caller();
    note({ type: 'send', via, host }, script);
    if (!typing()) return;
    const fields = typedIn(url, data);
    // Typing sent is traced even when the send itself was sampled out.
    if (fields.length) note({ type: 'typed_sent', via, host, fields }, script === OUT ? caller(false) : script);
  }
  const opened = new SafeWeakMap();
  const xhr = window.XMLHttpRequest && XMLHttpRequest.prototype;
  const xhrState = getter(xhr, 'readyState');
  wrapMethod(xhr, 'open', (self, args) => { if (typeof arg(args, 1) === 'string') opened.set(self, args[1]); }, (self, args) => {
    // Method, then URL, converted once and in the browser's order: on an XMLHttpRequest given both.
    if (args.length < 2 || !(isObject(args[0]) || isObject(args[1]))) return;
    try { apply(xhrState, self, []); } catch { return; }
    convertAt(args, 0);
    convertAt(args, 1);
  });
  wrapMethod(xhr, 'send', (self, args) => {
    const url = opened.get(self) || '';
    sent('xhr', hostOf(url), url, arg(args, 0));
  });
  // fetch: the input converted once; a Request read by the browser's getter;
  // init.body read (only while something typed waits) by the browser itself,
  // through an object that hands the probe what it read.
  const RequestCtor = window.Request;
  const requestUrl = RequestCtor && getter(RequestCtor.prototype, 'url');
  const fetchDesc = getOwnPropertyDescriptor(win, 'fetch');
  if (fetchDesc && typeof fetchDesc.value === 'function') {
    const target = fetchDesc.value;
    const wrapper = like(target, { fetch(...args) {
      let url = null;
      let watched = null;
      if (args.length > 0 && (this === undefined || this === null || this === win)) {
        const input = args[0];
        if (typeof input === 'string') url = input;
        else {
          try { url = apply(requestUrl, input, []); } catch { url = null; }
          if (url === null && isObject(input)) {
            try { url = toStr(input); } catch (e) { return apply(reject, PromiseCtor, [e]); }
            args[0] = url;
          }
        }
        const init = arg(args, 1);
        if (typing() && isObject(init)) {
          watched = { read: false, body: undefined };
          const view = { __proto__: init };
          defineProperty(view, 'body', { __proto__: null, get() { watched.read = true; return (watched.body = get(init, 'body', init)); }, enumerable: true, configurable: true });
          args[1] = view;
        }
      }
      let result;
      try {
        result = apply(target, this, args);
      } catch (e) {
        if (e !== null && typeof e === 'object' && inert(args)) withoutWrapper(e, wrapper);
        throw e;
      }
      if (url !== null) {
        const outer = active;
        active = wrapper;
        try { sent('fetch', hostOf(url), url, watched && watched.read ? watched.body : null); } catch { /* never break the page */ }
        active = outer;
      }
      return result;
    } }.fetch);
    defineProperty(win, 'fetch', { ...fetchDesc, value: wrapper });
  }
  const userAgent = getter(navigatorProto, 'userAgent');
  wrapMethod(navigatorProto, 'sendBeacon', (_self, args) => {
    const url = arg(args, 0);
    if (typeof url !== 'string') return;
    // Host and path only: Telltale keeps no query.
    let where = '';
    try {
      const u = new URLCtor(url, apply(baseURI, doc, []));
      where = apply(S.slice, apply(urlHost, u, []) + apply(urlPathname, u, []), [0, 200]);
    } catch { /* not a URL: the browser throws */ }
    note({ type: 'beacon', url: where });
    sent('beacon', hostOf(url), url, arg(args, 1));
  }, (self, args) => {
    if (args.length < 1 || !isObject(args[0])) return;
    try { apply(userAgent, self, []); } catch { return; }
    convertAt(args, 0);
  });
  const socketUrl = getter(window.WebSocket && WebSocket.prototype, 'url');
  wrapMethod(window.WebSocket && WebSocket.prototype, 'send', (self, args) => sent('websocket', hostOf(apply(socketUrl, self, [])), '', arg(args, 0)));
  const imageProto = window.HTMLImageElement && HTMLImageElement.prototype;
  const imageSrc = getter(imageProto, 'src');
  wrapSetter(imageProto, 'src', (_self, args) => {
    const url = arg(args, 0);
    if (typeof url !== 'string') return;
    const host = hostOf(url);
    if (host && host !== apply(locHostname, loc, [])) sent('image', host, url, null);
  }, (self, args) => {
    if (args.length < 1 || !isObject(args[0])) return;
    try { apply(imageSrc, self, []); } catch { return; }
    convertAt(args, 0);
  });
})();
