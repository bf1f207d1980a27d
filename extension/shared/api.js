// Messages to the background; resolves with the value or throws its error.
export async function ask(type, fields = {}) {
  const res = await chrome.runtime.sendMessage({ type, ...fields });
  if (!res || !res.ok) throw new Error(res ? res.error : 'no answer from the background');
  return res.value;
}

// Element helper: text always goes in as text, never as markup.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'style') for (const [p, x] of Object.entries(v)) e.style.setProperty(p.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`), x);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// A category chip coloured by the core's colour for it.
export function chip(category, info) {
  const i = info.get(category);
  return el('span', { class: `chip${i && i.tracking ? ' tracking' : ''}`, title: i ? i.description : category, style: { '--chip': i ? i.color : '#999' }, dataset: { category } }, i ? i.name : category);
}

export async function categoryMap() {
  return new Map((await ask('categories')).map((c) => [c.id, c]));
}
