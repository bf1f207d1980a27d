// Part of the MAIN-world probe: what the person typed in each field since
// its form was last submitted, and whether data a script sends holds it, as
// typed, URL-encoded, in base64, or as its MD5, SHA-1 or SHA-256 (Blacklight's
// key-logging test, run on the person's own typing). Values live in this
// page's memory only; a match is reported as the kind of field and the
// encoding, never the value nor a hash of it. Only typing the browser vouches
// for (trusted input events) counts.
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Uint8Array as SafeBytes } from './hash-globals.js';
import { S, SafeMap, SafeSet, apply, fromCharCode, getter, list, min } from './safe.js';

// The page's own built-ins may be changed by its scripts later: take them now.
// A value's kind is told by the browser's own getters and methods (they
// throw for anything else): `instanceof` would run a page's Symbol.hasInstance
// or a Proxy's trap.
const Input = window.HTMLInputElement;
const TextArea = window.HTMLTextAreaElement;
const inputValue = getter(Input && Input.prototype, 'value');
const inputType = getter(Input && Input.prototype, 'type');
const inputForm = getter(Input && Input.prototype, 'form');
const areaValue = getter(TextArea && TextArea.prototype, 'value');
const areaForm = getter(TextArea && TextArea.prototype, 'form');
const localName = getter(Element.prototype, 'localName');
const listen = EventTarget.prototype.addEventListener;
const target = getter(Event.prototype, 'target');
// The field itself, also inside a web component's shadow tree (`target` at the window is its host).
const composedPath = Event.prototype.composedPath;
const encode = encodeURIComponent;
const btoaFn = window.btoa;
const Encoder = TextEncoder;
const encodeText = TextEncoder.prototype.encode;
const Decoder = TextDecoder;
const decodeBytes = TextDecoder.prototype.decode;
const Params = window.URLSearchParams;
const paramsToString = Params && Params.prototype.toString;
const Form = window.FormData;
const formValues = Form && Form.prototype.values;
const ArrayBufferCtor = ArrayBuffer;
const bufferLength = getter(ArrayBuffer.prototype, 'byteLength');
const isView = ArrayBuffer.isView;
const TypedArrayProto = Object.getPrototypeOf(window.Uint8Array.prototype);
const typedTag = getter(TypedArrayProto, Symbol.toStringTag);
const typedBuffer = getter(TypedArrayProto, 'buffer');
const typedOffset = getter(TypedArrayProto, 'byteOffset');
const typedLength = getter(TypedArrayProto, 'byteLength');
const viewBuffer = getter(window.DataView.prototype, 'buffer');
const viewOffset = getter(window.DataView.prototype, 'byteOffset');
const viewLength = getter(window.DataView.prototype, 'byteLength');
const Uint8 = window.Uint8Array;
const TRAILING_PAD = /=+$/;
const SPACES = /%20/g;

/** Plain, URL-encoded and base64 forms of shorter values match too much by chance. */
const MIN_CLEAR = 6;
/** Fields remembered at once (the oldest go first), and the characters kept of each. */
const MAX_FIELDS = 32;
const MAX_CHARS = 512;
/** Characters of a body (bytes of a binary one) looked in: a send costs the page little however big it is. */
const MAX_BODY = 1 << 18;

const TEXT_TYPES = new SafeSet(['text', 'search', 'tel', 'url', 'number', '']);
const fields = new SafeMap(); // field element → { field, value, forms }

/** Whether `fn` (a getter or method of the browser) accepts `v`: it throws for anything else. */
function is(fn, v) {
  if (!fn) return false;
  try {
    apply(fn, v, []);
    return true;
  } catch {
    return false;
  }
}

/** The kind of an input or textarea element (the browser's getters throw for any other: the caller catches). */
function kindOf(el, area) {
  if (area) return 'text';
  const type = apply(inputType, el, []);
  if (type === 'password') return 'password';
  if (type === 'email') return 'email';
  return TEXT_TYPES.has(type) ? 'text' : null;
}

function onInput(e) {
  try { remember(e); } catch { /* never break the page, nor show it an error */ }
}

function remember(e) {
  if (e.isTrusted !== true) return; // an own, unforgeable property of every event
  const path = composedPath ? apply(composedPath, e, []) : null;
  const el = (path && path.length > 0 && path[0]) || apply(target, e, []);
  const name = apply(localName, el, []);
  if (name !== 'input' && name !== 'textarea') return;
  const area = name === 'textarea';
  const field = kindOf(el, area);
  if (!field) return;
  const value = apply(S.slice, apply(area ? areaValue : inputValue, el, []), [0, MAX_CHARS]);
  fields.delete(el);
  if (!value) return;
  if (fields.size >= MAX_FIELDS) {
    let oldest = null;
    fields.forEach((_, key) => { oldest ??= key; });
    fields.delete(oldest);
  }
  fields.set(el, { field, value, forms: null, area });
}

function onSubmit(e) {
  try {
    if (e.isTrusted !== true) return; // an own, unforgeable property of every event
    const form = apply(target, e, []);
    const sent = list();
    fields.forEach((f, el) => { if (apply(f.area ? areaForm : inputForm, el, []) === form) sent[sent.length] = el; });
    for (let i = 0; i < sent.length; i++) fields.delete(sent[i]);
  } catch { /* never break the page */ }
}

// Capturing listeners on the window, added before any page script: they run
// before the page's own, so a value is known when a page listener sends it.
if (inputValue && target) {
  apply(listen, window, ['input', onInput, true]);
  apply(listen, window, ['submit', onSubmit, true]);
}

const bytesOf = (text) => apply(encodeText, new Encoder(), [text]);
/** The UTF-8 bytes of `text` in the hashes' own kind of array (hash-globals.js). */
const hashBytes = (text) => new SafeBytes(bytesOf(text));

function base64(text) {
  const bytes = bytesOf(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += fromCharCode(bytes[i]);
  return apply(S.replace, btoaFn(bin), [TRAILING_PAD, '']);
}

/** A way a value may be written in what is sent. */
const form = (encoding, text, hex) => ({ encoding, text, hex });

/** The ways a value may be written in what is sent. */
function formsOf(value) {
  const bytes = hashBytes(value);
  const out = list();
  out[out.length] = form('md5', bytesToHex(md5(bytes)), true);
  out[out.length] = form('sha1', bytesToHex(sha1(bytes)), true);
  out[out.length] = form('sha256', bytesToHex(sha256(bytes)), true);
  if (value.length >= MIN_CLEAR) {
    out[out.length] = form('plain', value, false);
    const url = encode(value);
    if (url !== value) {
      out[out.length] = form('url', url, false);
      out[out.length] = form('url', apply(S.replace, url, [SPACES, '+']), false);
    }
    out[out.length] = form('base64', base64(value), false);
  }
  return out;
}

/** At most MAX_BODY bytes of `buffer` from `offset`, as text. */
function decoded(buffer, offset, length) {
  return apply(decodeBytes, new Decoder(), [new Uint8(buffer, offset, min(length, MAX_BODY))]);
}

/** Text to look in, from a body as scripts send it (string, URLSearchParams, FormData, bytes). */
function texts(body, out) {
  if (body == null) return out;
  if (typeof body === 'string') out[out.length] = apply(S.slice, body, [0, MAX_BODY]);
  else if (typeof body !== 'object') return out;
  else if (isView(body)) {
    // A typed array (it has a tag) or a DataView.
    if (apply(typedTag, body, []) !== undefined) out[out.length] = decoded(apply(typedBuffer, body, []), apply(typedOffset, body, []), apply(typedLength, body, []));
    else out[out.length] = decoded(apply(viewBuffer, body, []), apply(viewOffset, body, []), apply(viewLength, body, []));
  } else if (is(bufferLength, body)) out[out.length] = decoded(body, 0, apply(bufferLength, body, []));
  else if (is(paramsToString, body)) out[out.length] = apply(S.slice, apply(paramsToString, body, []), [0, MAX_BODY]);
  else if (formValues && is(formValues, body)) {
    const it = apply(formValues, body, []);
    const next = it.next;
    for (let r = apply(next, it, []); !r.done; r = apply(next, it, [])) if (typeof r.value === 'string') out[out.length] = apply(S.slice, r.value, [0, MAX_BODY]);
  }
  return out;
}

/** Whether anything typed and not yet submitted is remembered. */
export function typing() {
  return fields.size > 0;
}

/**
 * What typed and not yet submitted is in data sent to `url` (a string) with
 * `body`: a list of {field, encoding}, empty when nothing was typed or none
 * of it is there.
 */
export function typedIn(url, body) {
  const found = list();
  if (!fields.size) return found;
  const one = list();
  one[0] = apply(S.slice, url || '', [0, MAX_BODY]);
  const parts = texts(body, one);
  const lower = list();
  const remembered = list();
  fields.forEach((f) => { remembered[remembered.length] = f; });
  for (let n = 0; n < remembered.length; n++) {
    const f = remembered[n];
    if (!f.forms) f.forms = formsOf(f.value);
    for (let k = 0; k < f.forms.length; k++) {
      const { encoding, text, hex } = f.forms[k];
      for (let i = 0; i < parts.length; i++) {
        let hit = apply(S.includes, parts[i], [text]);
        if (!hit && hex) hit = apply(S.includes, (lower[i] ??= apply(S.toLowerCase, parts[i], [])), [text]);
        if (hit) {
          let known = false;
          for (let j = 0; j < found.length; j++) if (found[j].field === f.field && found[j].encoding === encoding) known = true;
          if (!known) found[found.length] = { field: f.field, encoding };
          break;
        }
      }
    }
  }
  return found;
}
