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
import { SafeMap, SafeSet } from './safe.js';

// The page's own built-ins may be changed by its scripts later: take them now.
const { apply, getOwnPropertyDescriptor } = Reflect;
const getter = (proto, name) => (proto && (getOwnPropertyDescriptor(proto, name) || {}).get) || null;
const Input = window.HTMLInputElement;
const TextArea = window.HTMLTextAreaElement;
const inputValue = getter(Input && Input.prototype, 'value');
const inputType = getter(Input && Input.prototype, 'type');
const inputForm = getter(Input && Input.prototype, 'form');
const areaValue = getter(TextArea && TextArea.prototype, 'value');
const areaForm = getter(TextArea && TextArea.prototype, 'form');
const listen = EventTarget.prototype.addEventListener;
const target = getter(Event.prototype, 'target');
// The field itself, also inside a web component's shadow tree (`target` at the window is its host).
const composedPath = Event.prototype.composedPath;
const encode = encodeURIComponent;
const btoaFn = window.btoa;
const Encoder = TextEncoder;
const Decoder = TextDecoder;
const Params = window.URLSearchParams;
const paramsToString = Params && Params.prototype.toString;
const Form = window.FormData;
const formValues = Form && Form.prototype.values;
const ArrayBufferCtor = ArrayBuffer;
const isView = ArrayBuffer.isView;
const Uint8 = Uint8Array;
const { includes, toLowerCase, replace, slice } = String.prototype;
const fromCharCode = String.fromCharCode;

/** Plain, URL-encoded and base64 forms of shorter values match too much by chance. */
const MIN_CLEAR = 6;
/** Fields remembered at once (the oldest go first), and the characters kept of each. */
const MAX_FIELDS = 32;
const MAX_CHARS = 512;
/** Characters of a body (bytes of a binary one) looked in: a send costs the page little however big it is. */
const MAX_BODY = 1 << 18;

const TEXT_TYPES = new SafeSet(['text', 'search', 'tel', 'url', 'number', '']);
const fields = new SafeMap(); // field element → { field, value, forms }

function kindOf(el) {
  if (TextArea && el instanceof TextArea) return 'text';
  if (!(Input && el instanceof Input)) return null;
  const type = apply(inputType, el, []);
  if (type === 'password') return 'password';
  if (type === 'email') return 'email';
  return TEXT_TYPES.has(type) ? 'text' : null;
}

function formOf(el) {
  return apply(TextArea && el instanceof TextArea ? areaForm : inputForm, el, []);
}

function onInput(e) {
  try { remember(e); } catch { /* never break the page, nor show it an error */ }
}

function remember(e) {
  if (e.isTrusted !== true) return; // an own, unforgeable property of every event
  const el = (composedPath && apply(composedPath, e, [])[0]) || apply(target, e, []);
  const field = kindOf(el);
  if (!field) return;
  const value = apply(slice, apply(field === 'text' && TextArea && el instanceof TextArea ? areaValue : inputValue, el, []), [0, MAX_CHARS]);
  fields.delete(el);
  if (!value) return;
  if (fields.size >= MAX_FIELDS) {
    let oldest = null;
    fields.forEach((_, key) => { oldest ??= key; });
    fields.delete(oldest);
  }
  fields.set(el, { field, value, forms: null });
}

function onSubmit(e) {
  try {
    if (e.isTrusted !== true) return; // an own, unforgeable property of every event
    const form = apply(target, e, []);
    const sent = [];
    fields.forEach((_, el) => { if (formOf(el) === form) sent[sent.length] = el; });
    for (let i = 0; i < sent.length; i++) fields.delete(sent[i]);
  } catch { /* never break the page */ }
}

// Capturing listeners on the window, added before any page script: they run
// before the page's own, so a value is known when a page listener sends it.
if (inputValue && target) {
  apply(listen, window, ['input', onInput, true]);
  apply(listen, window, ['submit', onSubmit, true]);
}

function base64(text) {
  const bytes = new Encoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += fromCharCode(bytes[i]);
  return apply(replace, btoaFn(bin), [/=+$/, '']);
}

/** The ways a value may be written in what is sent: [encoding, text, hex]. */
function formsOf(value) {
  const bytes = new Encoder().encode(value);
  const out = [
    ['md5', bytesToHex(md5(bytes)), true],
    ['sha1', bytesToHex(sha1(bytes)), true],
    ['sha256', bytesToHex(sha256(bytes)), true],
  ];
  if (value.length >= MIN_CLEAR) {
    out.push(['plain', value, false]);
    const url = encode(value);
    if (url !== value) out.push(['url', url, false], ['url', apply(replace, url, [/%20/g, '+']), false]);
    out.push(['base64', base64(value), false]);
  }
  return out;
}

/** Text to look in, from a body as scripts send it (string, URLSearchParams, FormData, bytes). */
function texts(body, out) {
  if (body == null) return out;
  if (typeof body === 'string') out.push(apply(slice, body, [0, MAX_BODY]));
  else if (Params && body instanceof Params) out.push(apply(slice, apply(paramsToString, body, []), [0, MAX_BODY]));
  else if (Form && body instanceof Form) {
    const it = apply(formValues, body, []);
    for (let r = it.next(); !r.done; r = it.next()) if (typeof r.value === 'string') out.push(apply(slice, r.value, [0, MAX_BODY]));
  } else if (body instanceof ArrayBufferCtor || isView(body)) {
    const bytes = body instanceof ArrayBufferCtor ? new Uint8(body, 0, Math.min(body.byteLength, MAX_BODY)) : new Uint8(body.buffer, body.byteOffset, Math.min(body.byteLength, MAX_BODY));
    out.push(new Decoder().decode(bytes));
  }
  return out;
}

/** Whether anything typed and not yet submitted is remembered. */
export function typing() {
  return fields.size > 0;
}

/**
 * What typed and not yet submitted is in data sent to `url` with `body`:
 * a list of {field, encoding}, empty when nothing was typed or none of it is there.
 */
export function typedIn(url, body) {
  if (!fields.size) return [];
  const parts = texts(body, [apply(slice, String(url || ''), [0, MAX_BODY])]);
  const lower = [];
  const found = [];
  const remembered = [];
  fields.forEach((f) => { remembered[remembered.length] = f; });
  for (let n = 0; n < remembered.length; n++) {
    const f = remembered[n];
    if (!f.forms) f.forms = formsOf(f.value);
    for (const [encoding, text, hex] of f.forms) {
      for (let i = 0; i < parts.length; i++) {
        let hit = apply(includes, parts[i], [text]);
        if (!hit && hex) hit = apply(includes, (lower[i] ??= apply(toLowerCase, parts[i], [])), [text]);
        if (hit) {
          if (!found.some((x) => x.field === f.field && x.encoding === encoding)) found.push({ field: f.field, encoding });
          break;
        }
      }
    }
  }
  return found;
}
