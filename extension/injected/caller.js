// Part of the MAIN-world probe: which script called a wrapped function, from
// a stack captured by the browser's Error.captureStackTrace (taken at
// document_start), leaving out the wrapper and the probe's frames above it.
// No page code runs and no page setting steers it. In V8 the capture is
// cheap and the naming is not, so they are apart: `callerOf` captures the
// frames now (with the page's Error.stackTraceLimit when it is an ordinary
// number, else the probe's own, put on Error for the capture and the page's
// put back), and `nameAll` names a batch of captures later, with the probe's
// own Error.prepareStackTrace (reading the structured call sites through
// copies of their methods) put on Error once for the whole batch and then
// the page's exact property descriptors put back. V8 formats a stack only
// when it is first read, with the prepareStackTrace of that moment, and the
// captures are the probe's own objects, which no page can reach. If a page
// has made those properties impossible to replace, the answer cannot be
// trusted: the capture is named null (tampering) and no one is blamed.
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

// The page's stackTraceLimit is used as it is when it is a plain number in this range.
const MIN_LIMIT = 8;
const MAX_LIMIT = 16;

/** Frames of the caller of `fn`, captured now on an object of the probe's own, to be named by `nameAll`. */
function v8Capture(fn) {
  const held = { __proto__: null, script: undefined };
  const limitDesc = getOwnPropertyDescriptor(ErrorCtor, LIMIT);
  const v = limitDesc && limitDesc.value;
  if (limitDesc && !limitDesc.get && !limitDesc.set && typeof v === 'number' && v >= MIN_LIMIT && v <= MAX_LIMIT) {
    try { capture(held, fn); } catch { held.script = ''; }
    return held;
  }
  if (!defineProperty(ErrorCtor, LIMIT, V8_LIMIT)) return null;
  try { capture(held, fn); } catch { held.script = ''; }
  restore(LIMIT, limitDesc);
  return held;
}

/** Names each of `held[0..n)` (captures by `callerOf`) into `out`: a script's URL, '' for none, null when a page tampered. */
function v8NameAll(held, n, out) {
  let prepareDesc;
  let own = false;
  for (let i = 0; i < n; i++) {
    const h = held[i];
    if (h === null || typeof h !== 'object') {
      out[i] = h;
      continue;
    }
    if (h.script === undefined) {
      if (!own) {
        prepareDesc = getOwnPropertyDescriptor(ErrorCtor, PREPARE);
        own = defineProperty(ErrorCtor, PREPARE, OWN_PREPARE);
        if (!own) {
          for (let j = i; j < n; j++) out[j] = typeof held[j] === 'object' && held[j] !== null ? null : held[j];
          return;
        }
      }
      named = null;
      try {
        h.stack; // eslint-disable-line no-unused-expressions
      } catch { /* nothing named */ }
      // null here: V8 formatted the stack without the probe's prepareStackTrace: no name.
      h.script = named === null ? '' : named;
    }
    out[i] = h.script;
  }
  if (own) restore(PREPARE, prepareDesc);
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
let v8 = false;
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
    mode = v8Capture;
    v8 = true;
  }
}

/**
 * Who called `fn`, a function of the probe now running: the web script's
 * URL as the browser names it ('' for none; inline code is named by its
 * page's URL), null when a page has tampered with the means to tell, or
 * (in V8) a capture that `nameAll` names later.
 */
export function callerOf(fn) {
  return mode === null ? '' : mode(fn);
}

/** Names each of `who[0..n)` (what `callerOf` gave) into `out`: a URL, '' or null (tampering). */
export function nameAll(who, n, out) {
  if (v8) v8NameAll(who, n, out);
  else for (let i = 0; i < n; i++) out[i] = who[i];
}

/** An error the browser threw from inside the wrapper `fn`, given the stack it would have had without the wrapper (V8). */
export function withoutWrapper(error, fn) {
  if (!v8) return;
  const desc = getOwnPropertyDescriptor(error, 'stack');
  if (!desc) return;
  setPrototypeOf(desc, null);
  if (typeof desc.get !== 'function') return;
  try { capture(error, fn); } catch { /* left as it was */ }
}
