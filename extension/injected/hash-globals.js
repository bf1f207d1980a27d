// Part of the MAIN-world probe: the Uint8Array, Uint32Array, DataView and
// Math that @noble/hashes uses, as copies taken before any page script runs.
// The build injects them in place of those globals in every bundled file
// (esbuild --inject), so hashing what the person typed calls no method a
// page can replace or watch (Uint8Array.prototype.set, DataView's
// getUint32, Math.min, Symbol.hasInstance, Symbol.species): a page can
// neither read the value through them nor make the hashes come out wrong to
// hide a key logger. The typed arrays and DataView are subclasses whose
// prototypes hold the browser's own methods, frozen.
const g = globalThis;
const { apply, defineProperty, getOwnPropertyDescriptor, getPrototypeOf, ownKeys } = Reflect;
const freeze = Object.freeze;
const ordinaryHasInstance = g.Function.prototype[g.Symbol.hasInstance];
const SPECIES = g.Symbol.species;
const HAS_INSTANCE = g.Symbol.hasInstance;

function copy(to, from) {
  const keys = ownKeys(from);
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== 'constructor' && !getOwnPropertyDescriptor(to, keys[i])) defineProperty(to, keys[i], getOwnPropertyDescriptor(from, keys[i]));
  }
}

/** A subclass of `Ctor` that answers every method, getter, species and instanceof from copies. */
function safe(Ctor, protos) {
  class Safe extends Ctor {}
  for (let i = 0; i < protos.length; i++) copy(Safe.prototype, protos[i]);
  defineProperty(Safe, SPECIES, { __proto__: null, value: Safe });
  defineProperty(Safe, HAS_INSTANCE, { __proto__: null, value: (v) => apply(ordinaryHasInstance, Safe, [v]) });
  copy(Safe, Ctor);
  const parent = getPrototypeOf(Ctor);
  if (parent && parent !== g.Function.prototype) copy(Safe, parent);
  freeze(Safe.prototype);
  freeze(Safe);
  return Safe;
}

const TypedArrayProto = getPrototypeOf(g.Uint8Array.prototype);
const SafeUint8Array = safe(g.Uint8Array, [g.Uint8Array.prototype, TypedArrayProto]);
const SafeUint32Array = safe(g.Uint32Array, [g.Uint32Array.prototype, TypedArrayProto]);
const SafeDataView = safe(g.DataView, [g.DataView.prototype]);
const SafeMath = { __proto__: null };
copy(SafeMath, g.Math);
freeze(SafeMath);

export { SafeUint8Array as Uint8Array, SafeUint32Array as Uint32Array, SafeDataView as DataView, SafeMath as Math };
