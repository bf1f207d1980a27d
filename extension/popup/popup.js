// The current tab's third parties, grouped by company, as the core reported
// them, with one-click controls. What each button does, whether it shows
// "Block" or "Unblock", and which optional permission it asks for all come
// from the core (`controls`); a click sends the intent and redraws.
import { ask, el, chip, categoryMap } from '../shared/api.js';

async function tabId() {
  const fromQuery = new URLSearchParams(location.search).get('tab');
  if (fromQuery !== null) return Number(fromQuery);
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab ? tab.id : -1;
}

let tab = -1;
let info = null;

/**
 * A button whose accessible name is its label. `needs`: optional permissions
 * requested in the click itself (browsers only ask inside a user gesture);
 * refused ones leave the choice applied in part, and the core says what is missing.
 */
function action(label, intent, { needs = [], pressed } = {}) {
  return el('button', {
    type: 'button',
    'aria-pressed': pressed === undefined ? null : String(pressed),
    onclick: (e) => {
      const asked = needs.length ? chrome.permissions.request({ permissions: needs }).catch(() => false) : Promise.resolve(true);
      e.currentTarget.disabled = true;
      asked.then(() => ask('act', { intent, tab })).then(render, showError);
    },
  }, label);
}

function company(c, row) {
  const replay = c.categories.includes('session-replay');
  const retarget = c.categories.includes('retargeting');
  const sites = c.sites.join(', ');
  const buttons = [];
  if (c.tracker && row) {
    buttons.push(row.blocked_by ? action('Unblock', { do: 'unblock', site: row.site }) : action('Block', { do: 'block', site: row.site }));
    if (row.can_opt_out && !row.opted_out) buttons.push(action('Opt out', { do: 'opt-out', site: row.site }, { needs: row.opt_out_needs }));
  }
  return el('li', { class: [replay && 'replay', retarget && 'retarget', row && row.blocked_by && 'blocked'].filter(Boolean).join(' ') || null, dataset: { company: c.company } },
    el('div', { class: 'row-head' },
      el('span', { class: 'name' }, c.company, c.brands.length ? el('span', { class: 'brands' }, ` (${c.brands.join(', ')})`) : null),
      c.tracker && el('span', { class: 'tracker-mark' }, 'tracker'),
      buttons.length ? el('span', { class: 'row-actions' }, buttons) : null),
    replay && el('div', { class: 'warning' }, row && row.blocked_by && !c.requests
      ? 'Tried to record what you do on this page (mouse, keys, forms); blocked.'
      : 'Records what you do on this page (mouse, keys, forms).'),
    retarget && el('div', { class: 'warning' }, row && row.blocked_by && !c.requests
      ? 'Tried to mark you for ads that follow you to other sites; blocked.'
      : 'Marks you for ads that follow you to other sites.'),
    el('div', {}, c.categories.map((k) => chip(k, info))),
    c.evidence && c.evidence.length ? el('div', { class: 'why', title: c.evidence.join('\n') }, `Why: ${c.evidence[0]}${c.evidence.length > 1 ? ` (and ${c.evidence.length - 1} more)` : ''}`) : null,
    c.known && sites !== c.company && el('div', { class: 'sites' }, sites),
    row && row.blocked_by && el('div', { class: 'blocked-by' }, `Blocked by your choice: ${row.blocked_by}`),
    row && row.opted_out && el('div', { class: 'meta' }, 'Opted out'),
    el('div', { class: 'meta' },
      `${c.requests} request${c.requests === 1 ? '' : 's'}`,
      c.blocked ? el('span', { class: 'blocked-count' }, ` · ${c.blocked} blocked`) : '',
      c.reach > 1 ? ` · seen you on ${c.reach} of your sites` : '',
    ),
  );
}

function pageControls(k) {
  const buttons = [
    action('Block all session replay', { do: k.session_replay_blocked ? 'unblock-category' : 'block-category', category: 'session-replay' }, { pressed: k.session_replay_blocked }),
    action('Block all retargeting', { do: k.retargeting_blocked ? 'unblock-category' : 'block-category', category: 'retargeting' }, { pressed: k.retargeting_blocked }),
    k.trusted ? action('Stop trusting this site', { do: 'untrust', site: k.site }) : action('Trust this site', { do: 'trust', site: k.site }),
    action('Opt out everywhere', { do: k.opt_out_everywhere ? 'stop-opt-out-everywhere' : 'opt-out-everywhere' }, { needs: k.opt_out_everywhere ? [] : k.opt_out_everywhere_needs, pressed: k.opt_out_everywhere }),
  ];
  const forget = el('button', {
    type: 'button',
    title: 'Remove the cookies and site data that the trackers you block have stored',
    onclick: () => ask('forgetPreview').then(({ domains }) => confirmForget(domains, k.forget_needs), showError),
  }, 'Forget me');
  return [
    el('div', { class: 'controls' }, buttons, forget),
    k.trusted && el('p', { class: 'meta' }, 'Trusted: nothing is blocked and no opt-out signal is sent on this site.'),
    k.undo && el('div', { class: 'undo' }, el('span', { class: 'meta' }, `Last: ${k.undo}`), action('Undo', { do: 'undo' })),
  ];
}

// "Forget me" names every site whose data it would remove, and asks first.
function confirmForget(domains, needs) {
  const panel = document.getElementById('confirm');
  if (!domains.length) {
    panel.replaceChildren();
    note('Forget me removes the data of trackers you block, and you block none yet.');
    return;
  }
  const remove = el('button', {
    type: 'button',
    onclick: (e) => {
      // Asked inside this click: browsers only ask for permissions in a user gesture.
      const asked = chrome.permissions.request({ permissions: needs }).catch(() => false);
      e.currentTarget.disabled = true;
      asked.then((granted) => (granted ? ask('forget', { domains }) : null)).then((out) => {
        panel.replaceChildren();
        render();
        note(out ? `Removed ${out.cookies} cookie${out.cookies === 1 ? '' : 's'}${out.siteData ? ' and site data' : ''} of ${out.domains} blocked domain${out.domains === 1 ? '' : 's'}.` : 'Forget me needs permission to remove cookies and site data; nothing was removed.');
      }, showError);
    },
  }, `Remove data of ${domains.length} site${domains.length === 1 ? '' : 's'}`);
  panel.replaceChildren(el('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'confirm-title' },
    el('p', { id: 'confirm-title' }, `Forget me removes the cookies and site data (local storage, databases, caches, service workers) of ${domains.length === 1 ? 'this site' : `these ${domains.length} sites`}, which you block:`),
    el('ul', { class: 'forget-list' }, domains.map((d) => el('li', {}, d))),
    el('div', { class: 'controls' }, remove, el('button', { type: 'button', onclick: () => panel.replaceChildren() }, 'Cancel')),
  ));
  remove.focus();
}

// Opt-out cookies that a pack the person loaded names: shown in full, set only on their click.
function pendingCookies(policy) {
  const pending = (policy && policy.confirmCookies) || [];
  if (!pending.length) return null;
  return el('div', { class: 'confirm', role: 'group', 'aria-label': 'Opt-out cookies waiting for you' },
    el('p', {}, 'A rule pack you loaded asks Telltale to set these opt-out cookies. Set one only if you trust the pack: a cookie on a site can change how that site treats you.'),
    el('ul', { class: 'cookie-list' }, pending.map((c) => el('li', { dataset: { domain: c.domain } },
      el('code', {}, `${c.name}=${c.value}`), ` on ${c.domain} (${c.company}, from “${c.pack}”) `,
      action(`Set ${c.name} on ${c.domain}`, { do: 'confirm-cookie', domain: c.domain, name: c.name, value: c.value }, { needs: ['cookies'] })))));
}

// Choices waiting for a permission the person refused: said, and asked for again on this click.
function missingPermissions(policy) {
  const waiting = ((policy && policy.notApplied) || []).filter((n) => n.needs && n.needs.length);
  if (!waiting.length) return null;
  const needs = [...new Set(waiting.flatMap((n) => n.needs))];
  return el('div', { class: 'alert', role: 'group', 'aria-label': 'Waiting for a permission' },
    el('p', {}, waiting.map((n) => `${n.label}: ${n.reason}.`).join(' ')),
    el('button', {
      type: 'button',
      onclick: (e) => {
        const asked = chrome.permissions.request({ permissions: needs }).catch(() => false);
        e.currentTarget.disabled = true;
        asked.then((granted) => (granted ? ask('applyChoices') : null)).then((out) => {
          render();
          note(out ? 'Allowed: your choices now apply in full.' : 'Not allowed: your choices still apply in part.');
        }, showError);
      },
    }, `Allow ${needs.map((p) => (p === 'scripting' ? 'page scripts' : p)).join(' and ')}`));
}

function note(text) {
  const n = document.getElementById('note');
  n.hidden = !text;
  n.textContent = text || '';
}

function showError(e) {
  const alert = document.getElementById('alert');
  alert.hidden = false;
  alert.textContent = `Telltale: ${e.message || e}`;
  render();
}

async function render() {
  const [{ report, status }, { controls, policy }] = await Promise.all([ask('tabReport', { tab }), ask('controls', { tab })]);
  const alert = document.getElementById('alert');
  const problems = [status.storageError, policy && policy.error].filter(Boolean);
  if (problems.length) {
    alert.hidden = false;
    alert.textContent = problems.join(' ');
  }
  const summary = document.getElementById('summary');
  const list = document.getElementById('companies');
  const actions = document.getElementById('actions');
  if (!report) {
    summary.replaceChildren(el('p', {}, 'Nothing recorded for this tab yet. Reload the page to audit it.'));
    actions.replaceChildren();
    list.replaceChildren();
    document.body.dataset.ready = '1';
    return;
  }
  const n = report.trackers;
  summary.replaceChildren(
    el('div', { class: 'site' }, report.site),
    el('div', {}, el('span', { class: `count${n ? '' : ' none'}` }, String(n)), n === 1 ? ' tracker' : ' trackers',
      ` among ${report.third_parties.length} third part${report.third_parties.length === 1 ? 'y' : 'ies'}`,
      report.blocked ? el('span', { class: 'blocked-count', id: 'blocked-total' }, ` · ${report.blocked} blocked`) : null),
    el('a', { id: 'site-report', href: `../report/report.html?site=${encodeURIComponent(report.site)}`, target: '_blank' }, `Site report: what ${report.site} did`),
  );
  const others = ((policy && policy.notApplied) || []).filter((x) => !(x.needs && x.needs.length) && !(policy.confirmCookies || []).some((c) => x.reason.includes(` on ${c.domain} comes from`)));
  const notApplied = others.length ? el('p', { class: 'alert' }, `Not applied: ${others.map((x) => `${x.label} (${x.reason})`).join('; ')}`) : null;
  actions.replaceChildren(...[...pageControls(controls), missingPermissions(policy), pendingCookies(policy), notApplied].filter(Boolean));
  list.replaceChildren(...report.companies.map((c) => company(c, controls.rows[c.company])));
  document.body.dataset.ready = '1';
}

async function main() {
  [info, tab] = await Promise.all([categoryMap(), tabId()]);
  await render();
}

main().catch((e) => {
  document.getElementById('summary').append(el('p', {}, `Telltale could not load this tab's report: ${e.message}`));
});
