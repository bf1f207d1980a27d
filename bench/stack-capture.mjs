// What naming the calling script costs the page probe, in node's V8, ten
// frames deep: the former way (one `new Error().stack`, formatted and
// searched for the first http(s) URL) beside the probe's own
// (extension/injected/caller.js: Error.captureStackTrace past the wrapper,
// the structured call sites read by the probe's own prepareStackTrace,
// Error's properties swapped for the capture and put back).
//
//   node bench/stack-capture.mjs
import { scriptOf } from '../extension/injected/caller.js';

function deep(n, f) {
  return n ? deep(n - 1, f) : f();
}
const URL_IN_STACK = /(https?:\/\/[^\s()]+?):\d+:\d+/;
const formatted = () => {
  for (const line of (new Error().stack || '').split('\n')) {
    const m = URL_IN_STACK.exec(line);
    if (m) return m[1];
  }
  return '';
};
// A wrapper as the probe makes them: it names whoever called it.
const wrapper = () => scriptOf(wrapper);
const structured = () => wrapper();
for (const [name, capture] of [['formatted stack, searched', formatted], ['structured call sites (caller.js)', structured]]) {
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) deep(8, capture);
    console.log(`${name}: ${(((performance.now() - t0) / 2000) * 1000).toFixed(1)} µs each (2,000 captures)`);
  }
}
