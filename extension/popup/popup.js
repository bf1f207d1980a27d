// The current tab's third parties, grouped by company, as the core reported them.
import { ask, el, chip, categoryMap } from '../shared/api.js';

async function tabId() {
  const fromQuery = new URLSearchParams(location.search).get('tab');
  if (fromQuery !== null) return Number(fromQuery);
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab ? tab.id : -1;
}

function company(c, report, info) {
  const replay = c.categories.includes('session-replay');
  const retarget = c.categories.includes('retargeting');
  const sites = c.sites.join(', ');
  return el('li', { class: [replay && 'replay', retarget && 'retarget'].filter(Boolean).join(' ') || null, dataset: { company: c.company } },
    el('div', {}, el('span', { class: 'name' }, c.company), c.tracker && el('span', { class: 'tracker-mark' }, 'tracker')),
    replay && el('div', { class: 'warning' }, 'Records what you do on this page (mouse, keys, forms).'),
    retarget && el('div', { class: 'warning' }, 'Marks you for ads that follow you to other sites.'),
    el('div', {}, c.categories.map((k) => chip(k, info))),
    c.known && sites !== c.company && el('div', { class: 'sites' }, sites),
    el('div', { class: 'meta' },
      `${c.requests} request${c.requests === 1 ? '' : 's'}`,
      c.reach > 1 ? ` · seen you on ${c.reach} of your sites` : '',
    ),
  );
}

async function main() {
  const [info, tab] = await Promise.all([categoryMap(), tabId()]);
  const { report, status } = await ask('tabReport', { tab });
  const alert = document.getElementById('alert');
  if (status.storageError) {
    alert.hidden = false;
    alert.textContent = status.storageError;
  }
  const summary = document.getElementById('summary');
  const list = document.getElementById('companies');
  if (!report) {
    summary.append(el('p', {}, 'Nothing recorded for this tab yet. Reload the page to audit it.'));
    return;
  }
  const n = report.trackers;
  summary.append(
    el('div', { class: 'site' }, report.site),
    el('div', {}, el('span', { class: `count${n ? '' : ' none'}` }, String(n)), n === 1 ? ' tracker' : ' trackers',
      ` among ${report.third_parties.length} third part${report.third_parties.length === 1 ? 'y' : 'ies'}`),
  );
  list.replaceChildren(...report.companies.map((c) => company(c, report, info)));
  document.body.dataset.ready = '1';
}

main().catch((e) => {
  document.getElementById('summary').append(el('p', {}, `Telltale could not load this tab's report: ${e.message}`));
});
