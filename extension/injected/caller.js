// Part of the MAIN-world probe: which script called a wrapped function, from
// a stack captured by the browser's Error.captureStackTrace (taken at
// document_start), leaving out the wrapper and the probe's frames above it.
// No page code runs and no page setting steers it: for the capture the probe
// puts its own Error.stackTraceLimit (and, in V8, its own
// Error.prepareStackTrace, which reads the structured call sites through
// copies of their methods) on the browser's Error, then puts back the
// page's exact property descriptors. If a page has made them impossible to
// replace, the answer cannot be trusted: `scriptOf` returns null (tampering)
// and names no one.
import { S, apply, defineProperty, deleteProperty, getOwnPropertyDescriptor, getPrototypeOf, setPrototypeOf } from './safe.js';

const ErrorCtor = Error;
const capture = ErrorCtor.captureStackTrace;
const PREPARE = 'prepareStackTrace';
const LIMIT = 'stackTraceLimit';
// The object the stack is captured on (the probe's own: no prototype, no page getter).
const holder = { __proto__: null };
const own = (value, enumerable) => ({ __proto__: null, value, writable: true, enumerable, configurable: true });

/** Puts back a property of Error as the page left it (`desc` undefined: it had none). */
function restore(key, desc) {
  if (desc === undefined) deleteProperty(ErrorCtor, key);
  else {
    // Read as the page wrote it, not through Object.prototype (where a page may put `get` or `value`).
    setPrototypeOf(desc, null);
    defineProperty(ErrorCtor, key, desc);
  }
}

const isWeb = (s) => apply(S.slice, s, [0, 8]) === 'https://' || apply(S.slice, s, [0, 7]) === 'http://';

// ---- V8: structured call sites, read through the methods of the browser's CallSite.
let fileName = null;
let isEval = null;
let evalOrigin = null;
let named = null;

/** The script of an eval origin ("eval at NAME (URL:L:C)", nested as "eval at NAME (eval at ... (URL:L:C), <anonymous>:L:C)"). */
function originScript(o) {
  if (typeof o !== 'string') return '';
  let end = o.length;
  while (end > 0 && apply(S.charCodeAt, o, [end - 1]) === 41) end--; // ')'
  const file = withoutPosition(o, end);
  if (file < 0) return '';
  // The innermost origin's URL follows the last " (" (a URL holds no space; a page's function name comes before it).
  const open = apply(S.lastIndexOf, o, [' (', file]);
  if (open < 0) return '';
  const url = apply(S.slice, o, [open + 2, file]);
  return isWeb(url) ? url : '';
}

/** Where `s` (up to `end`) loses its ":line:column" ending, or -1 without one. */
function withoutPosition(s, end) {
  let i = end;
  for (let part = 0; part < 2; part++) {
    const digitsEnd = i;
    while (i > 0) {
      const c = apply(S.charCodeAt, s, [i - 1]);
      if (c < 48 || c > 57) break;
      i--;
    }
    if (i === digitsEnd || i === 0 || apply(S.charCodeAt, s, [i - 1]) !== 58) return -1; // ':'
    i--;
  }
  return i;
}

function prepare(_error, sites) {
  named = '';
  const n = sites.length;
  for (let i = 0; i < n; i++) {
    const site = sites[i];
    const file = apply(fileName, site, []);
    if (typeof file === 'string' && isWeb(file)) {
      named = file;
      break;
    }
    if (apply(isEval, site, [])) {
      const url = originScript(apply(evalOrigin, site, []));
      if (url) {
        named = url;
        break;
      }
    }
  }
  return '';
}
const OWN_PREPARE = own(prepare, false);
const V8_LIMIT = own(8, true);

function v8Script(fn) {
  const prepareDesc = getOwnPropertyDescriptor(ErrorCtor, PREPARE);
  const limitDesc = getOwnPropertyDescriptor(ErrorCtor, LIMIT);
  if (!defineProperty(ErrorCtor, PREPARE, OWN_PREPARE)) return null;
  if (!defineProperty(ErrorCtor, LIMIT, V8_LIMIT)) {
    restore(PREPARE, prepareDesc);
    return null;
  }
  named = null;
  try {
    capture(holder, fn);
    holder.stack; // eslint-disable-line no-unused-expressions
  } catch { /* nothing named */ }
  restore(LIMIT, limitDesc);
  restore(PREPARE, prepareDesc);
  // null here: V8 formatted without a prepareStackTrace (a capture inside a page's own): no name.
  return named === null ? '' : named;
}

// ---- Other engines (SpiderMonkey): one frame, "NAME@FILE:LINE:COLUMN\n", NAME the page's to choose.
const TEXT_LIMIT = own(1, true);

/** A frame's file, when it is one: a web URL (eval'd code: the script that evaluated it), '' for any other file, null for none. */
function fileOf(c) {
  const code = c.length ? apply(S.charCodeAt, c, [0]) : 0;
  if (isWeb(c)) {
    const space = apply(S.indexOf, c, [' ']);
    if (apply(S.indexOf, c, ['\n']) >= 0) return null;
    if (space < 0) return c;
    // "URL line N > eval": code evaluated by that script.
    return apply(S.slice, c, [space, space + 6]) === ' line ' ? apply(S.slice, c, [0, space]) : null;
  }
  if (code === 60) return ''; // '<anonymous code>' and the like
  // Another scheme (blob:, data:, about:, ...).
  let i = 0;
  for (; i < c.length; i++) {
    const k = apply(S.charCodeAt, c, [i]);
    if (!((k >= 97 && k <= 122) || (k >= 65 && k <= 90) || (i > 0 && ((k >= 48 && k <= 57) || k === 43 || k === 45 || k === 46)))) break;
  }
  return i > 0 && i < c.length && apply(S.charCodeAt, c, [i]) === 58 ? '' : null;
}

/** The caller's script from its one frame; null when the frame can be read more than one way (a page's function name that holds "@" and a file). */
function frameScript(s) {
  let end = s.length;
  if (end && apply(S.charCodeAt, s, [end - 1]) === 10) end--;
  const file = withoutPosition(s, end);
  if (file < 0) return '';
  let found = '';
  let readings = 0;
  for (let at = apply(S.indexOf, s, ['@']); at >= 0 && at < file; at = apply(S.indexOf, s, ['@', at + 1])) {
    const f = fileOf(apply(S.slice, s, [at + 1, file]));
    if (f !== null) {
      readings++;
      found = f;
    }
  }
  return readings > 1 ? null : found;
}

function textScript(fn) {
  const limitDesc = getOwnPropertyDescriptor(ErrorCtor, LIMIT);
  if (!defineProperty(ErrorCtor, LIMIT, TEXT_LIMIT)) return null;
  let s = '';
  try {
    capture(holder, fn);
    s = holder.stack;
  } catch { /* nothing named */ }
  restore(LIMIT, limitDesc);
  return typeof s === 'string' ? frameScript(s) : '';
}

// Which API this engine has: V8's call sites are found by capturing once now, before any page script.
let mode = typeof capture === 'function' ? textScript : null;
if (mode) {
  let sites = null;
  const prepareDesc = getOwnPropertyDescriptor(ErrorCtor, PREPARE);
  if (defineProperty(ErrorCtor, PREPARE, own((_e, s) => { sites = s; return ''; }, false))) {
    try {
      capture(holder);
      holder.stack; // eslint-disable-line no-unused-expressions
    } catch { /* not V8 */ }
    restore(PREPARE, prepareDesc);
  }
  const site = sites && typeof sites === 'object' && sites.length > 0 ? getPrototypeOf(sites[0]) : null;
  if (site && typeof site.getFileName === 'function' && typeof site.isEval === 'function' && typeof site.getEvalOrigin === 'function') {
    fileName = site.getFileName;
    isEval = site.isEval;
    evalOrigin = site.getEvalOrigin;
    mode = v8Script;
  }
}

/**
 * The web script (its URL as the browser names it) whose code called `fn`,
 * a function of the probe now running; '' for none (inline code is named by
 * its page's URL); null when a page has tampered with the means to tell.
 */
export function scriptOf(fn) {
  return mode === null ? '' : mode(fn);
}

/** An error the browser threw from inside the wrapper `fn`, given the stack it would have had without the wrapper (V8). */
export function withoutWrapper(error, fn) {
  if (mode !== v8Script) return;
  const desc = getOwnPropertyDescriptor(error, 'stack');
  if (!desc) return;
  setPrototypeOf(desc, null);
  if (typeof desc.get !== 'function') return;
  try { capture(error, fn); } catch { /* left as it was */ }
}
