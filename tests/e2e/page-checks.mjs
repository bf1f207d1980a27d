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
