// Part of the MAIN-world probe: its copies of the browser's built-ins, taken
// before any page script runs. A page that later changes a prototype (to read
// what the probe counts, to forge it, or to make it fail and hide) changes
// nothing here. The probe calls methods through Reflect.apply on these
// copies, builds its lists with `list()` (no prototype, so no setter a page
// puts on Array.prototype sees an element), never iterates with for..of,
// spread or destructuring (a page can replace iterators), and reads the
// browser's getters through `getter()`.
export const { apply, defineProperty, deleteProperty, getOwnPropertyDescriptor, getPrototypeOf, ownKeys, setPrototypeOf } = Reflect;
const reflectGet = Reflect.get;
const freeze = Object.freeze;

function makeSafe(Ctor) {
  class Safe extends Ctor {}
  const proto = Ctor.prototype;
  const keys = ownKeys(proto);
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== 'constructor') defineProperty(Safe.prototype, keys[i], getOwnPropertyDescriptor(proto, keys[i]));
  }
  freeze(Safe.prototype);
  return Safe;
}

// Map, Set and WeakMap whose methods are the browser's own. Iterate them
// with forEach: an iterator's `next` is shared with the page.
export const SafeMap = makeSafe(Map);
export const SafeSet = makeSafe(Set);
export const SafeWeakMap = makeSafe(WeakMap);
export const SafeWeakSet = makeSafe(WeakSet);

/** An empty array with no prototype: `a[a.length] = v` runs no page setter, and a missing index reads undefined. */
export function list() {
  const a = [];
  setPrototypeOf(a, null);
  return a;
}

/** The browser's getter of `name` on `proto`, or null. */
export const getter = (proto, name) => (proto && (getOwnPropertyDescriptor(proto, name) || {}).get) || null;

/** Reflect.get, for a read that must run a page's getter or trap exactly as the browser would. */
export const get = (target, key, receiver) => apply(reflectGet, undefined, [target, key, receiver]);

/** ES ToString, as the browser converts a DOMString argument (a page's toString or Symbol.toPrimitive runs once). */
export const toStr = (v) => `${v}`;

// Strings, by Reflect.apply on these: `apply(S.slice, s, [0, 3])`.
const SP = String.prototype;
export const S = {
  __proto__: null,
  charCodeAt: SP.charCodeAt,
  codePointAt: SP.codePointAt,
  includes: SP.includes,
  indexOf: SP.indexOf,
  lastIndexOf: SP.lastIndexOf,
  replace: SP.replace,
  slice: SP.slice,
  toLowerCase: SP.toLowerCase,
};
export const fromCharCode = String.fromCharCode;
export const stringify = JSON.stringify;
export const isArray = Array.isArray;
export const keysOf = Object.keys;
export const hasOwn = Object.hasOwn;
export const { abs, min, random } = Math;

// URLs: parsed by the browser's URL, read by its getters.
export const URLCtor = URL;
const U = URL.prototype;
export const urlHost = getter(U, 'host');
export const urlHostname = getter(U, 'hostname');
export const urlPathname = getter(U, 'pathname');
export const urlHref = getter(U, 'href');
