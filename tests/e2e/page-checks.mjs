// What a hostile or curious page does to the probe, as source text for
// page.evaluate, shared by the Chromium (behaviour.test.mjs) and Firefox
// (firefox.test.mjs) tests. The same calls made in the extension's own page,
// where no content script runs, give the browser's own answers.

// Calls on the wrong receiver.
const WRONG_RECEIVERS = `[
  () => HTMLCanvasElement.prototype.toDataURL.call({}),
  () => CanvasRenderingContext2D.prototype.getImageData.call({}, 0, 0, 1, 1),
  () => EventTarget.prototype.addEventListener.call({}, 'click', () => {}),
  () => XMLHttpRequest.prototype.send.call({}),
]`;
const thrown = (calls) => calls.map((f) => {
  try { f(); return 'no error'; } catch (e) { return `${e.constructor.name}${e instanceof TypeError ? '' : ' (of another realm)'}: ${e.message}`; }
});
const draw = () => {
  const c = document.createElement('canvas');
  c.width = 50; c.height = 20;
  const x = c.getContext('2d');
  x.fillText('same', 2, 12);
  return [c, x];
};

/** The errors of the wrong-receiver calls, as `Constructor: message`. */
export const WRONG_RECEIVER_ERRORS = `(${thrown})(${WRONG_RECEIVERS})`;

/** A small canvas with text, read back. */
export const CANVAS_IMAGE = `(${draw})()[0].toDataURL()`;

/**
 * The hostile page: wrong receivers, a canvas read back, a throwing
 * listener, a redefined function, a frozen prototype, then a flood of 2,000
 * distinct image destinations.
 */
export const HOSTILE_PAGE = `(() => {
  const out = {};
  out.badThis = ${WRONG_RECEIVER_ERRORS};
  const [c, x] = (${draw})();
  out.image = c.toDataURL();
  // A listener that throws: dispatch still reaches the next one.
  let second = false;
  const t = new EventTarget();
  t.addEventListener('ping', () => { throw new Error('page bug'); });
  t.addEventListener('ping', () => { second = true; });
  window.addEventListener('error', (e) => e.preventDefault(), { once: true });
  t.dispatchEvent(new Event('ping'));
  out.secondListener = second;
  // Redefined and frozen by the page: the page's own definitions hold.
  const mine = function mine() { return 'mine'; };
  Object.defineProperty(Navigator.prototype, 'sendBeacon', { value: mine, configurable: true, writable: true });
  out.redefined = navigator.sendBeacon() === 'mine';
  Object.freeze(CanvasRenderingContext2D.prototype);
  out.frozenStillDraws = (() => { x.fillText('after freeze', 2, 12); return x.getImageData(0, 0, 1, 1).data.length === 4; })();
  for (let i = 0; i < 2000; i++) new Image().src = 'https://flood-' + i + '.flood.test/p.gif';
  return out;
})()`;

/** Wrapped functions' name, length, own properties, `prototype` and whether `new` works. */
export const WRAPPER_SHAPES = `[EventTarget.prototype.addEventListener, window.fetch, HTMLCanvasElement.prototype.toDataURL,
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').get].map((f) => {
  let constructible = true;
  try { Reflect.construct(String, [], f); } catch { constructible = false; }
  return [f.name, f.length, Object.getOwnPropertyNames(f).join(','), 'prototype' in f, constructible];
})`;
export const EXPECTED_SHAPES = [['addEventListener', 2, 'length,name', false, false], ['fetch', 1, 'length,name', false, false],
  ['toDataURL', 0, 'length,name', false, false], ['get value', 0, 'length,name', false, false]];

/** How many of the probe's events a page hears on its document or window in 2.5 s of listening while it adds listeners. */
export const PROBE_EVENTS_HEARD = `(async () => {
  let n = 0;
  document.addEventListener('telltale-probe-v1', () => { n++; }, true);
  window.addEventListener('telltale-probe-v1', () => { n++; }, true);
  for (let i = 0; i < 5; i++) document.body.addEventListener('mousemove', () => {});
  await new Promise((r) => setTimeout(r, 2500));
  return n;
})()`;

/** Forged probe reports: a bare list, a guessed key and a hello of the page's own. */
export const FORGE_REPORTS = `(() => {
  const fake = [{ script: 'https://innocent.example/x.js', signal: { type: 'canvas_extract', width: 300, height: 300, chars: 40, colours: 3, save_restore: false, listener: false, user_gesture: false }, count: 1 }];
  for (const detail of [JSON.stringify(fake), JSON.stringify({ key: 'guess', signals: fake }), JSON.stringify({ hello: 'mine' })]) {
    document.dispatchEvent(new CustomEvent('telltale-probe-v1', { detail }));
  }
})()`;

/**
 * A page whose prototypes carry toJSON hooks (Prototype.js puts one on
 * arrays; here the object one throws) adds a listener and waits past the
 * probe's next report: returns the error events the page saw, then removes the hooks.
 */
export const JSON_HOOKS = `(async () => {
  let errors = 0;
  const count = () => { errors++; };
  window.addEventListener('error', count);
  Object.defineProperty(Array.prototype, 'toJSON', { value() { return 'hijacked'; }, configurable: true });
  Object.defineProperty(Object.prototype, 'toJSON', { value() { throw new Error('page toJSON'); }, configurable: true });
  document.body.addEventListener('pointerdown', () => {});
  await new Promise((r) => setTimeout(r, 1600));
  delete Array.prototype.toJSON;
  delete Object.prototype.toJSON;
  window.removeEventListener('error', count);
  return errors;
})()`;

/**
 * A page that hooks every method of Map, Set and WeakMap (and their
 * iterators' next) to see what passes through, then adds a listener, draws
 * and measures text, and waits past the probe's next report: returns how
 * many calls carried the probe's data (its keys hold a NUL; its entries a
 * signal), then removes the hooks.
 */
export const COLLECTION_HOOKS = `(async () => {
  let probeCalls = 0;
  const looksLikeProbe = (v) => (typeof v === 'string' && v.includes('\\u0000')) || (v && typeof v === 'object' && 'signal' in v);
  const undo = [];
  const iterators = [new Map().entries(), new Set().values()].map((i) => Object.getPrototypeOf(i));
  for (const proto of [Map.prototype, Set.prototype, WeakMap.prototype, ...iterators]) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      if (name === 'constructor' || typeof d.value !== 'function') continue;
      const original = d.value;
      Object.defineProperty(proto, name, { ...d, value: function (...args) {
        const r = original.apply(this, args);
        if (args.some(looksLikeProbe) || (r && typeof r === 'object' && looksLikeProbe(r.value))) probeCalls++;
        return r;
      } });
      undo.push(() => Object.defineProperty(proto, name, d));
    }
  }
  document.body.addEventListener('dblclick', () => {});
  const c = document.createElement('canvas').getContext('2d');
  c.font = '12px serif';
  c.measureText('hooks');
  c.fillText('hooks', 1, 10);
  await new Promise((r) => setTimeout(r, 1600));
  for (const u of undo) u();
  return probeCalls;
})()`;

/**
 * One trick a page may play to steer, read or hide from the probe, by name,
 * with the listener type the actor then adds (tests/e2e/fixture-web.mjs:
 * tricks.example's `window.__act`), each on its own. `STEER(name)` installs
 * the trick, has the actor add a listener of that type (and, for
 * url-hostname, send a request), waits past the probe's next report, takes
 * the trick away and returns what the trick saw of the probe: `probeData`
 * (calls that carried the probe's data), `reached` (functions of the probe's
 * frames a prepareStackTrace got), `getterRuns` (runs of a page's
 * prepareStackTrace getter). `clear-timers` and `frozen` cannot be taken away: they run last.
 */
export const TRICK_EVENTS = {
  'prepare-blame': 'mouseover',
  'prepare-throw': 'mouseout',
  'prepare-getter': 'mouseenter',
  'limit-0': 'mouseleave',
  'get-function': 'contextmenu',
  'array-setter': 'wheel',
  'regexp-exec': 'pointermove',
  'string-split': 'pointerdown',
  'array-iterator': 'pointerup',
  'url-hostname': 'touchend',
  'error-stack': 'touchstart',
  'error-global': 'touchmove',
  'clear-timers': 'cut',
  frozen: 'copy',
};
const steer = async (trick, type, innocent, sink) => {
  const INNOCENT = `https://${innocent}/lib.js`;
  const seen = { probeData: 0, reached: 0, getterRuns: 0 };
  const looks = (v) => (typeof v === 'string' && (v.includes('\u0000') || v.includes('-extension:'))) || (!!v && typeof v === 'object' && 'signal' in v);
  const stacky = (s) => typeof s === 'string' && (s.includes('extension:') || s.includes('<anonymous') || s.includes(' at ') || s.includes('@'));
  const undo = [];
  const put = (obj, key, desc) => {
    const old = Object.getOwnPropertyDescriptor(obj, key);
    Object.defineProperty(obj, key, { configurable: true, ...desc });
    undo.push(() => (old ? Object.defineProperty(obj, key, old) : delete obj[key]));
  };
  const E = Error;
  let arg = type;
  switch (trick) {
    case 'prepare-blame': put(E, 'prepareStackTrace', { writable: true, value: () => `Error\n    at blame (${INNOCENT}:1:1)` }); break;
    case 'prepare-throw': put(E, 'prepareStackTrace', { writable: true, value: () => { throw new TypeError('no stacks here'); } }); break;
    case 'prepare-getter': put(E, 'prepareStackTrace', { get() { seen.getterRuns++; return () => `Error\n    at blame (${INNOCENT}:1:1)`; } }); break;
    case 'limit-0': put(E, 'stackTraceLimit', { writable: true, enumerable: true, value: 0 }); break;
    case 'get-function':
      put(E, 'prepareStackTrace', { writable: true, value: (e, sites) => {
        // Past the first frame (this test's own toString): the probe's frames, and those that called it.
        for (const s of sites.slice(1)) if (s.getFunction() && !/^https?:/.test(s.getFileName() || '')) seen.reached++;
        return '';
      } });
      // Code the probe runs while converting the type: its stack holds the probe's frames.
      arg = { toString() { new E().stack; return type; } };
      break;
    case 'array-setter': put(Array.prototype, '0', { get() { return undefined; }, set(v) {
      if (looks(v)) seen.probeData++;
      Object.defineProperty(this, '0', { value: v, writable: true, enumerable: true, configurable: true });
    } }); break;
    case 'regexp-exec': {
      const exec = RegExp.prototype.exec;
      put(RegExp.prototype, 'exec', { writable: true, value: function (s) {
        if (stacky(s)) { seen.probeData++; const m = [`${INNOCENT}:1:1`, INNOCENT]; m.index = 0; m.input = s; return m; }
        return exec.call(this, s);
      } });
      break;
    }
    case 'string-split': {
      const split = String.prototype.split;
      put(String.prototype, 'split', { writable: true, value: function (sep, limit) {
        if (stacky(String(this))) { seen.probeData++; return [`    at blame (${INNOCENT}:1:1)`]; }
        return split.call(this, sep, limit);
      } });
      break;
    }
    case 'array-iterator': {
      const values = Array.prototype[Symbol.iterator];
      put(Array.prototype, Symbol.iterator, { writable: true, value: function () {
        if (this.length && (stacky(this[0]) || looks(this[0]))) { seen.probeData++; return values.call([`    at blame (${INNOCENT}:1:1)`]); }
        return values.call(this);
      } });
      break;
    }
    case 'url-hostname': {
      const d = Object.getOwnPropertyDescriptor(URL.prototype, 'hostname');
      put(URL.prototype, 'hostname', { enumerable: true, get() { seen.probeData++; return innocent; }, set: d.set });
      break;
    }
    case 'error-stack': {
      const d = Object.getOwnPropertyDescriptor(E.prototype, 'stack');
      put(E.prototype, 'stack', { get() { return `blame@${INNOCENT}:1:1\n`; }, set: d && d.set });
      break;
    }
    case 'error-global': put(window, 'Error', { writable: true, value: function Error() { return { stack: `blame@${INNOCENT}:1:1\n    at blame (${INNOCENT}:1:1)` }; } }); break;
    // Every timer a page can name, the probe's included (it cannot be put back).
    case 'clear-timers': for (let id = 0; id < 100000; id++) clearInterval(id); break;
    case 'frozen':
      Object.defineProperty(E, 'prepareStackTrace', { value: () => `Error\n    at blame (${INNOCENT}:1:1)`, writable: false, configurable: false });
      Object.defineProperty(E, 'stackTraceLimit', { value: 10, writable: false, configurable: false });
      break;
    default: throw new Error(`no trick ${trick}`);
  }
  try {
    window.__act.listen(arg);
    if (trick === 'url-hostname') await window.__act.send(`https://${sink}/p`);
    await new Promise((r) => setTimeout(r, 1600));
    // Once more, past the second: with its timer gone, the probe reports as it records.
    window.__act.listen(type);
  } finally {
    for (const u of undo.reverse()) u();
  }
  return seen;
};
export const STEER = (trick, innocent, sink) => `(${steer})(${JSON.stringify(trick)}, ${JSON.stringify(TRICK_EVENTS[trick])}, ${JSON.stringify(innocent)}, ${JSON.stringify(sink)})`;

/**
 * Errors the browser throws through each wrapped function (wrong receivers,
 * bad arguments): every `.stack` as the page reads it, the `fileName` of
 * Firefox's errors, and what a page's prepareStackTrace reads of each call
 * site (file name, script name or sourceURL, eval origin, the site printed).
 * Returns all of it as one text, for a test to look for the extension's URL in.
 */
const traces = async () => {
  const out = [];
  const calls = [
    () => HTMLCanvasElement.prototype.toDataURL.call({}),
    () => HTMLCanvasElement.prototype.toBlob.call({}, () => {}),
    () => CanvasRenderingContext2D.prototype.getImageData.call({}, 0, 0, 1, 1),
    () => document.createElement('canvas').getContext('2d').getImageData(0, 0, 0, 0),
    () => CanvasRenderingContext2D.prototype.fillText.call({}, 'x', 1, 1),
    () => document.createElement('canvas').getContext('2d').fillText('x'),
    () => CanvasRenderingContext2D.prototype.measureText.call({}, 'x'),
    () => CanvasRenderingContext2D.prototype.save.call({}),
    () => EventTarget.prototype.addEventListener.call({}, 'click', () => {}),
    () => document.addEventListener('click'),
    () => MutationObserver.prototype.observe.call({}, document),
    () => new MutationObserver(() => {}).observe(document),
    () => XMLSerializer.prototype.serializeToString.call({}, document),
    () => new XMLSerializer().serializeToString(1),
    () => Node.prototype.cloneNode.call({}),
    () => Object.getOwnPropertyDescriptor(Element.prototype, 'outerHTML').get.call({}),
    () => Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').get.call({}),
    () => XMLHttpRequest.prototype.open.call({}, 'GET', '/'),
    () => new XMLHttpRequest().open('GET'),
    () => new XMLHttpRequest().open('BAD METHOD', '/'),
    () => XMLHttpRequest.prototype.send.call({}),
    () => new XMLHttpRequest().send(),
    () => Navigator.prototype.sendBeacon.call({}, '/'),
    () => navigator.sendBeacon('https://[bad'),
    () => WebSocket.prototype.send.call({}, 'x'),
    () => Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src').set.call({}, '/'),
    () => WebGLRenderingContext.prototype.getParameter.call({}, 0x1F01),
    () => BaseAudioContext.prototype.createOscillator.call({}),
    () => Function.prototype.toString.call({}),
  ];
  const prepare = (e, sites) => {
    for (const s of sites) out.push(`${s.getFileName()} ${s.getScriptNameOrSourceURL()} ${s.getEvalOrigin()} ${s}`);
    return `${e}`;
  };
  for (const withPrepare of [false, true]) {
    if (withPrepare) Error.prepareStackTrace = prepare;
    for (const f of calls) {
      try { f(); } catch (e) { out.push(String(e && e.stack), String(e && e.fileName)); }
    }
    delete Error.prepareStackTrace;
  }
  // A rejected fetch: its error as printed.
  try { await fetch('https://[bad'); } catch (e) { out.push(String(e.stack), String(e.fileName)); }
  try { await window.fetch.call({}, '/'); } catch (e) { out.push(String(e.stack), String(e.fileName)); }
  // The descriptors and printed forms of every wrapped function.
  for (const [o, k] of [[EventTarget.prototype, 'addEventListener'], [window, 'fetch'], [HTMLImageElement.prototype, 'src'], [Function.prototype, 'toString']]) {
    const d = Object.getOwnPropertyDescriptor(o, k);
    for (const f of [d.value, d.get, d.set]) if (f) out.push(Function.prototype.toString.call(f), String(f.name));
  }
  return out.join('\n');
};
export const EXTENSION_TRACES = `(${traces})()`;

/**
 * How often, and in what order, the page's own hooks run when it calls
 * wrapped functions: objects with counting toString/valueOf/
 * Symbol.toPrimitive as the URL of fetch, XHR open, sendBeacon, an image's
 * src and as an event type; Proxies with counting traps as `this`, as
 * arguments and as fetch's init; counting Symbol.hasInstance on the
 * constructors a wrapper could ask about. `sink` is a host that answers.
 */
const hooks = async (sink) => {
  const log = [];
  const url = `https://${sink}/h`;
  const convertible = (name, value) => ({
    toString() { log.push(`${name}:toString`); return value; },
    valueOf() { log.push(`${name}:valueOf`); return value; },
  });
  const primitive = (name, value) => ({ [Symbol.toPrimitive](hint) { log.push(`${name}:toPrimitive:${hint}`); return value; } });
  const traps = (name, target) => new Proxy(target, Object.fromEntries(['get', 'has', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'ownKeys', 'set', 'defineProperty'].map((t) => [t, (...a) => {
    log.push(`${name}:${t}:${typeof a[1] === 'symbol' ? a[1].description : a[1] === undefined ? '' : String(a[1])}`);
    return Reflect[t](...a);
  }])));
  const undo = [];
  for (const C of [HTMLCanvasElement, Request, URL, URLSearchParams, FormData, ArrayBuffer, HTMLInputElement, HTMLTextAreaElement, HTMLImageElement, EventTarget, Uint8Array, Blob]) {
    Object.defineProperty(C, Symbol.hasInstance, { configurable: true, value(v) { log.push(`${C.name}:hasInstance`); return Function.prototype[Symbol.hasInstance].call(this, v); } });
    undo.push(() => delete C[Symbol.hasInstance]);
  }
  const calm = (f) => { try { const r = f(); if (r && typeof r.catch === 'function') r.catch(() => {}); } catch (e) { log.push(`threw:${e.constructor.name}`); } };
  try {
    calm(() => fetch(convertible('fetch', url), { mode: 'no-cors' }));
    calm(() => fetch(primitive('fetch2', url), { mode: 'no-cors' }));
    calm(() => fetch(url, traps('init', { method: 'POST', body: 'typed', mode: 'no-cors' })));
    calm(() => fetch(traps('input', new Request(url)), { mode: 'no-cors' }));
    calm(() => fetch(new URL(url), { mode: 'no-cors' }));
    calm(() => window.fetch.call(traps('this', {}), convertible('fetchThis', url)));
    const x = new XMLHttpRequest();
    calm(() => x.open(convertible('method', 'POST'), convertible('open', url)));
    calm(() => x.send(traps('body', new URLSearchParams('a=typed'))));
    calm(() => XMLHttpRequest.prototype.open.call(traps('xhrThis', {}), convertible('badMethod', 'GET'), convertible('badOpen', url)));
    calm(() => navigator.sendBeacon(convertible('beacon', url), convertible('beaconData', 'typed')));
    calm(() => Navigator.prototype.sendBeacon.call(traps('navThis', {}), convertible('badBeacon', url)));
    const img = new Image();
    img.src = convertible('src', `https://${sink}/i.gif`);
    calm(() => Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src').set.call(traps('imgThis', {}), convertible('badSrc', url)));
    const t = new EventTarget();
    calm(() => t.addEventListener(convertible('type', 'click'), () => {}, traps('options', { capture: false })));
    calm(() => t.addEventListener(primitive('type2', 'mousemove'), () => {}));
    calm(() => EventTarget.prototype.addEventListener.call(traps('targetThis', {}), convertible('badType', 'click'), () => {}));
    calm(() => t.addEventListener(convertible('lonely', 'click')));
    const c = document.createElement('canvas');
    c.width = 20; c.height = 20;
    const g = c.getContext('2d');
    calm(() => g.fillText(convertible('text', 'hooked'), primitive('x', 1), convertible('y', 10)));
    calm(() => g.strokeText(convertible('text2', 'hooked'), 1, 10, convertible('maxWidth', 100)));
    calm(() => g.getImageData(convertible('sx', 0), 0, convertible('sw', 5), primitive('sh', 5)));
    calm(() => g.measureText(convertible('measure', 'hooked')));
    calm(() => c.toDataURL(convertible('mime', 'image/png'), convertible('quality', 0.5)));
    calm(() => CanvasRenderingContext2D.prototype.fillText.call(traps('ctxThis', {}), convertible('badText', 'x'), 1, 1));
    calm(() => HTMLCanvasElement.prototype.toDataURL.call(traps('canvasThis', {})));
    const gl = document.createElement('canvas').getContext('webgl');
    if (gl) calm(() => gl.getParameter(convertible('glParam', 0x1F01)));
    calm(() => new MutationObserver(() => {}).observe(traps('observed', document.body), traps('observeOptions', { childList: true })));
    calm(() => new XMLSerializer().serializeToString(traps('serialized', document.body)));
    calm(() => Node.prototype.cloneNode.call(traps('cloned', document.body), convertible('deep', true)));
    calm(() => Function.prototype.toString.call(traps('fn', () => {})));
    const ws = Object.create(WebSocket.prototype);
    calm(() => WebSocket.prototype.send.call(ws, convertible('wsData', 'typed')));
  } finally {
    for (const u of undo) u();
  }
  return log;
};
export const HOOK_COUNTS = (sink) => `(${hooks})(${JSON.stringify(sink)})`;

/**
 * The GPC getter as a page sees it, and what the browser's own getter of
 * that name would look like (another getter of Navigator, printed, with the
 * name put in): [printed, expected print, name, length, has a prototype, constructible].
 */
export const GPC_GETTER = `(() => {
  const g = Object.getOwnPropertyDescriptor(Navigator.prototype, 'globalPrivacyControl').get;
  const own = Function.prototype.toString.call(Object.getOwnPropertyDescriptor(Navigator.prototype, 'userAgent').get).replace('userAgent', 'globalPrivacyControl');
  let constructible = true;
  try { Reflect.construct(String, [], g); } catch { constructible = false; }
  return [Function.prototype.toString.call(g), own, g.name, g.length, 'prototype' in g, constructible];
})()`;

/**
 * Typed arrays and DataView made to lie (set, fill and subarray do nothing
 * useful, getUint32 reads 0): hashes computed through them come out wrong.
 * The page's own crypto.subtle is unharmed.
 */
export const BREAK_HASHING = `(() => {
  const T = Object.getPrototypeOf(Uint8Array.prototype);
  T.set = function () {};
  T.fill = function () { return this; };
  T.subarray = function () { return new Uint8Array(64); };
  DataView.prototype.getUint32 = function () { return 0; };
  DataView.prototype.setUint32 = function () {};
})()`;

/**
 * The errors the browser throws through wrapped functions of the page's API
 * (no page code involved): each stack, own property names, and whether
 * `stack` is an accessor. (V8 shows a frame of its own for a JavaScript
 * built-in such as Function.prototype.toString, which the probe's wrapper
 * of it does not give back.)
 */
export const BROWSER_ERRORS = `[
  () => EventTarget.prototype.addEventListener.call({}, 'click', () => {}),
  () => HTMLCanvasElement.prototype.toDataURL.call({}),
  () => document.addEventListener('click'),
  () => Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').get.call({}),
  () => CanvasRenderingContext2D.prototype.getImageData.call({}, 0, 0, 1, 1),
].map((f) => {
  try { f(); return 'no error'; } catch (e) { return [e.stack, Object.getOwnPropertyNames(e).join(), typeof Object.getOwnPropertyDescriptor(e, 'stack').get]; }
})`;

/**
 * Spending the probe's budget of traced calls to steer the blame: the page has
 * the innocent library's event helper make 400 calls (more than a second's
 * budget), then the actor registers 600 listeners of its own. Past the budget
 * calls are traced by chance or counted as sampled, never put on the last
 * script traced.
 */
export const BUDGET_STEER = `(() => {
  const noop = () => {};
  for (let i = 0; i < 400; i++) window.__lib.on(document, 'scroll', noop);
  for (let i = 0; i < 600; i++) window.__act.listen('dblclick');
})()`;

/**
 * What BUDGET_STEER must not achieve, from the signals recorded per script
 * on tricks.example: each unmet condition, in words (none when the probe held).
 */
export function budgetSteered(sig, innocent, actor) {
  const said = JSON.stringify(sig);
  const problems = [];
  if (!(sig[innocent] && sig[innocent]['listener:scroll'] > 0)) problems.push(`the library's own calls are not its own: ${said}`);
  if (!(sig[actor] && sig[actor]['listener:dblclick'] > 0)) problems.push(`the actor's calls are not traced to it: ${said}`);
  if (sig[innocent] && sig[innocent]['listener:dblclick']) problems.push(`the actor's calls were put on the library: ${said}`);
  return problems;
}
