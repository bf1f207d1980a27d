// Part of the MAIN-world probe: Map, Set and WeakMap whose methods are the
// browser's own, copied before any page script runs. A page that later
// changes Map.prototype (to read what the probe counts, to forge it, or to
// make it fail and hide) changes nothing in these. Iterate them with
// forEach: an iterator's `next` is shared with the page.
const { defineProperty, getOwnPropertyDescriptor, ownKeys } = Reflect;
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

export const SafeMap = makeSafe(Map);
export const SafeSet = makeSafe(Set);
export const SafeWeakMap = makeSafe(WeakMap);
