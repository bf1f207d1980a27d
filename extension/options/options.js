// Settings: your choices, rule packs, retention, clearing, exporting and importing data, what is stored.
import { ask, el } from '../shared/api.js';
import { fetchList } from '../shared/fetch-list.js';

function download(name, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// A pack's licence and sources, as the core summarised them.
function about(summary) {
  if (!summary) return [el('td', {}), el('td', {})];
  const sources = summary.sources || [];
  const shown = sources.slice(0, 3).join('; ') + (sources.length > 3 ? `; and ${sources.length - 3} more` : '');
  return [
    el('td', {}, summary.license || ''),
    el('td', { class: 'small', title: sources.join('\n') }, shown,
      el('div', { class: 'muted' }, summary.counts || '')),
  ];
}

async function renderPacks() {
  const [{ loaded, user, errors }, settings] = await Promise.all([ask('packs'), ask('settings')]);
  const body = document.querySelector('#packs tbody');
  const rows = [];
  const def = loaded.find((p) => p.name === 'telltale-default');
  // The built-in pack's filter layers (EasyList, EasyPrivacy) are loaded as packs of their own: shown in the same row.
  const layers = [['easylist', 'EasyList'], ['easyprivacy', 'EasyPrivacy']]
    .map(([name, title]) => [title, loaded.find((p) => p.name === name)]).filter(([, l]) => l);
  const builtIn = def && layers.length ? { ...def,
    license: [def.license, ...layers.map(([t, l]) => `${t}: ${l.license}`)].join('; '),
    sources: [...def.sources, ...layers.flatMap(([, l]) => l.sources)],
    counts: [def.counts, ...layers.map(([t, l]) => `${t}: ${l.counts}`)].join(' · ') } : def;
  rows.push(el('tr', {},
    el('td', {}, 'telltale-default (built in)'),
    el('td', {}, def ? def.version : '—'),
    el('td', {}, def ? String(def.entities) : '—'),
    ...about(builtIn),
    el('td', {}, el('input', { type: 'checkbox', checked: settings.defaultPack !== false, 'aria-label': 'default pack enabled',
      onchange: async (e) => { await ask('setSettings', { settings: { defaultPack: e.target.checked } }); renderPacks(); } })),
    el('td', {}),
  ));
  for (const p of user) {
    const err = errors.find((x) => x.id === p.id);
    rows.push(el('tr', { dataset: { pack: p.name } },
      el('td', {}, p.name, err && el('div', { class: 'error' }, err.error)),
      el('td', {}, p.summary ? p.summary.version : ''),
      el('td', {}, p.summary ? String(p.summary.entities) : ''),
      ...about(p.summary),
      el('td', {}, el('input', { type: 'checkbox', checked: p.enabled, 'aria-label': `${p.name} enabled`,
        onchange: async (e) => { await ask('setPackEnabled', { id: p.id, enabled: e.target.checked }); renderPacks(); } })),
      el('td', {}, el('button', { onclick: async () => { await ask('removePack', { id: p.id }); renderPacks(); } }, 'Remove')),
    ));
  }
  body.replaceChildren(...rows);
}

// Only https links are made from vendors' opt-out pages (the core checked them already).
function safeHttps(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

async function renderChoices() {
  const { choices, keptAside, policy } = await ask('choices');
  const list = document.getElementById('choices');
  list.replaceChildren(...(choices.length ? choices.map((c) => el('li', { dataset: { key: c.key } },
    el('span', { class: 'choice' }, c.label),
    c.time ? el('span', { class: 'muted' }, ` since ${new Date(c.time).toLocaleString()}`) : null,
    ' ',
    el('button', { type: 'button', 'aria-label': `Remove: ${c.label}`, onclick: async () => { await ask('act', { intent: { do: 'remove', key: c.key }, tab: -1 }); renderChoices(); } }, 'Remove'),
  )) : [el('li', { class: 'muted' }, 'No choices yet. Block a tracker or opt out from the popup.')]));
  document.getElementById('remove-all').disabled = !choices.length;
  const problems = [];
  if (policy && policy.error) problems.push(el('p', { class: 'error' }, policy.error));
  for (const n of (policy && policy.notApplied) || []) problems.push(el('p', { class: 'error' }, `Not applied: ${n.label}: ${n.reason}`));
  for (const k of keptAside || []) problems.push(el('p', { class: 'error' }, `A stored choice could not be read and was kept aside (${k.error}): `, el('code', {}, JSON.stringify(k.entry))));
  document.getElementById('choices-problems').replaceChildren(...problems);
  const pages = ((policy && policy.pages) || []).map((p) => [p.company, safeHttps(p.url)]).filter(([, u]) => u);
  document.getElementById('opt-out-pages').replaceChildren(...(pages.length ? [
    el('h3', {}, 'Vendors’ own opt-out pages'),
    el('p', { class: 'muted' }, 'Opting out everywhere sends Global Privacy Control and Do Not Track and sets vendors’ documented flags and cookies; these vendors also offer a page of their own.'),
    el('ul', {}, pages.map(([company, url]) => el('li', {}, `${company}: `, el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, url)))),
  ] : []));
}

document.getElementById('remove-all').addEventListener('click', async () => {
  await ask('act', { intent: { do: 'remove-all' }, tab: -1 });
  renderChoices();
});

async function renderData() {
  const [settings, status] = await Promise.all([ask('settings'), ask('status')]);
  document.getElementById('retention').value = settings.retentionDays;
  document.getElementById('learn-sites').value = settings.learnSites;
  const s = status.stats;
  document.getElementById('stats').textContent =
    `${s.requests} requests seen (${s.third_party_requests} to third parties); skipped ${s.not_network} non-web URLs, ` +
    `${s.bad_urls} unreadable URLs, ${s.malformed_cookies} malformed cookies; pages forged ${s.probe_forged} probe reports ` +
    `and kept ${s.probe_tampered} calls from being traced to a script.`;
  const alert = document.getElementById('alert');
  const aside = status.corrupt.filter((k) => !(status.storageError || '').includes(k));
  const notes = [status.storageError, aside.length ? `Kept aside: ${aside.join(', ')}` : ''].filter(Boolean);
  alert.hidden = !notes.length;
  alert.textContent = notes.join(' ');
  document.getElementById('remove-corrupt').hidden = !status.corrupt.length;
}

document.getElementById('pack-url-load').addEventListener('click', async () => {
  const out = document.getElementById('pack-error');
  let res;
  try {
    res = await ask('addPack', await fetchList(document.getElementById('pack-url').value));
  } catch (e) {
    res = { ok: false, error: String(e.message || e) };
  }
  out.hidden = res.ok;
  out.textContent = res.ok ? '' : res.error;
  renderPacks();
});

document.getElementById('pack-file').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  const out = document.getElementById('pack-error');
  const res = await ask('addPack', { name: file.name, text: await file.text() });
  out.hidden = res.ok;
  out.textContent = res.ok ? '' : res.error;
  e.target.value = '';
  renderPacks();
});

document.getElementById('save-learn-sites').addEventListener('click', async () => {
  await ask('setSettings', { settings: { learnSites: Number(document.getElementById('learn-sites').value) } });
  const saved = document.getElementById('learn-sites-saved');
  saved.hidden = false;
  setTimeout(() => { saved.hidden = true; }, 2000);
  renderData();
});

document.getElementById('save-retention').addEventListener('click', async () => {
  await ask('setSettings', { settings: { retentionDays: Number(document.getElementById('retention').value) } });
  const saved = document.getElementById('retention-saved');
  saved.hidden = false;
  setTimeout(() => { saved.hidden = true; }, 2000);
  renderData();
});

document.getElementById('export-all').addEventListener('click', async () => download('telltale-snapshot.json', await ask('exportAll')));
// "Import everything" says what the file would replace, and asks first.
const counted = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const held = (h) => `${counted(h.sites, 'site')} visited, ${counted(h.third_parties, 'third party', 'third parties')} (${counted(h.trackers, 'tracker')})`;
document.getElementById('import-all').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  const out = document.getElementById('import-error');
  const panel = document.getElementById('import-confirm');
  const text = await file.text();
  e.target.value = '';
  out.hidden = true;
  let s;
  try {
    s = await ask('importSummary', { text });
  } catch (err) {
    out.hidden = false;
    out.textContent = `${file.name}: ${err.message || err}`;
    return;
  }
  const replaces = [
    `everything Telltale has recorded (${held(s.now)}) with the file’s (${held(s.file)})`,
    s.file.choices === null ? null : `your ${counted(s.now.choices, 'choice')} (blocks, trusted sites, opt-outs) with the file’s ${s.file.choices}`,
  ].filter(Boolean);
  const go = el('button', {
    type: 'button',
    class: 'danger',
    onclick: async () => {
      panel.replaceChildren();
      const res = await ask('importAll', { text });
      out.hidden = res.ok;
      out.textContent = res.ok ? '' : `${file.name}: ${res.error}`;
      renderChoices();
      renderData();
    },
  }, 'Import and replace');
  panel.replaceChildren(el('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'import-confirm-title' },
    el('p', { id: 'import-confirm-title' }, `Importing ${file.name} replaces ${replaces.join(', and ')}.`),
    el('p', { class: 'muted' }, s.file.choices === null ? 'The file holds no choices: yours stay. Rule packs and settings stay.' : 'Rule packs and settings stay.'),
    el('p', {}, go, ' ', el('button', { type: 'button', onclick: () => panel.replaceChildren() }, 'Cancel'))));
  go.focus();
});
document.getElementById('export-graph').addEventListener('click', async () => {
  const [[name, text]] = await ask('export', { format: 'json' });
  download(name, text);
});
document.getElementById('export-learned').addEventListener('click', async () => download('telltale-learned.json', await ask('learnedPack')));
document.getElementById('clear').addEventListener('click', async () => {
  if (!confirm('Delete everything Telltale has recorded? Rule packs and settings stay.')) return;
  await ask('clearAll');
  renderData();
});

document.getElementById('remove-corrupt').addEventListener('click', async () => {
  if (!confirm('Delete the copies of stored data that Telltale could not read?')) return;
  await ask('removeCorrupt');
  renderData();
});

Promise.all([renderChoices(), renderPacks(), renderData()]).then(() => { document.body.dataset.ready = '1'; });
