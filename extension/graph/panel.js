// The details panel of one site, from the core's nodeDetails. Every string
// (site, entity, cookie names, evidence) goes in as text, never as markup.
import { byId, el, fill, safeHttpUrl } from './dom.js';
import { categoryColor, categoryDescription, categoryName, count, plural, when } from './format.js';

const SHOW_AT_MOST = 200;

export class Panel {
  /** onPick(site): a site named in the panel was clicked; onClose(); onAct(site, intent): Block / Unblock (null for an imported file). */
  constructor({ onPick, onClose, onAct }) {
    this.root = byId('panel');
    this.body = byId('panel-body');
    this.onPick = onPick;
    this.onAct = onAct;
    this.site = null;
    byId('panel-close').addEventListener('click', onClose);
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.site !== null) onClose();
    });
  }

  get isOpen() {
    return this.site !== null;
  }

  loading(site) {
    this.open(site);
    fill(this.body, el('h2', { class: 'site' }, site), el('p', { class: 'muted' }, 'Loading…'));
  }

  /** details: the core's answer (null when the site is unknown); yourSites: how many sites you visited. */
  show(site, details, { yourSites, canAct = false }) {
    this.canAct = canAct;
    this.open(site);
    if (!details) {
      fill(this.body, el('h2', { class: 'site' }, site), el('p', { class: 'muted' }, 'Telltale has nothing on this site.'));
      return;
    }
    const d = details;
    const who = [d.company, d.entity && d.entity !== d.company ? d.entity : null].filter(Boolean);
    const homepage = safeHttpUrl(d.homepage);
    fill(this.body,
      el('h2', { class: 'site' }, d.site),
      who.length ? el('p', { class: 'who' }, who.join(' · ')) : el('p', { class: 'who muted' }, 'Owner unknown'),
      homepage ? el('p', { class: 'homepage' }, el('a', { href: homepage, target: '_blank', rel: 'noopener noreferrer' }, homepage)) : null,
      el('p', { class: 'badges' },
        d.tracker ? el('span', { class: 'badge tracker' }, 'Tracker') : null,
        d.blocked_by ? el('span', { class: 'badge blocked' }, 'Blocked') : null,
        d.first_party ? el('span', { class: 'badge yours' }, 'A site you visited') : null),
      d.first_party && this.canAct ? el('p', { class: 'site-report' },
        el('a', { href: `../report/report.html?site=${encodeURIComponent(d.site)}`, target: '_blank' }, `Site report: what ${d.site} did`)) : null,
      this.control(d),
      d.categories.length ? el('ul', { class: 'chips', 'aria-label': 'Categories' },
        d.categories.map((c) => el('li', { class: 'chip', title: categoryDescription(c) },
          el('span', { class: 'swatch', style: { background: categoryColor(c) }, 'aria-hidden': 'true' }),
          categoryName(c)))) : null,
      el('dl', { class: 'facts' },
        el('dt', {}, 'Requests'), el('dd', {}, count(d.requests)),
        el('dt', {}, 'Blocked'), el('dd', { class: 'blocked-requests' }, count(d.blocked)),
        el('dt', {}, 'First seen'), el('dd', {}, when(d.first_seen)),
        el('dt', {}, 'Last seen'), el('dd', {}, when(d.last_seen))),
      d.evidence.length ? section('Why Telltale says so', el('ul', { class: 'evidence' }, d.evidence.map((line) => el('li', {}, line)))) : null,
      d.seen_on.length ? section(`Seen you on ${count(d.seen_on.length)} of your ${plural(Math.max(yourSites, d.seen_on.length), 'site', 'sites')}`,
        this.sites(d.seen_on)) : null,
      d.cookies.length ? section(plural(d.cookies.length, 'cookie', 'cookies'),
        el('p', { class: 'muted small' }, 'Names and how often they were seen. Values are never stored.'),
        el('table', { class: 'cookies' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Name'), el('th', { scope: 'col', class: 'num' }, 'Seen'))),
          el('tbody', {}, d.cookies.map(([name, n]) => el('tr', {}, el('td', { class: 'mono' }, name), el('td', { class: 'num' }, count(n))))))) : null,
      d.syncs_with && d.syncs_with.length ? section(`Syncs cookies with ${plural(d.syncs_with.length, 'tracker', 'trackers')}`,
        el('p', { class: 'muted small' }, 'Its identifier cookie turned up in their requests (cookie names; values are never stored).'),
        this.syncList(d.syncs_with)) : null,
      d.synced_from && d.synced_from.length ? section(`Receives cookies synced by ${plural(d.synced_from.length, 'tracker', 'trackers')}`,
        this.syncList(d.synced_from)) : null,
      d.first_party ? section(d.loaded.length ? `Third parties it loaded: ${count(d.loaded.length)}` : 'It loaded no third parties',
        d.loaded.length ? this.sites(d.loaded) : null) : null,
    );
    this.body.scrollTop = 0;
  }

  /** Block / Unblock for a third party, when the data is yours (not an imported file). */
  control(d) {
    const third = d.requests > 0 || d.blocked > 0 || !d.first_party;
    if (!this.onAct || !this.canAct || !third) return null;
    const intent = d.blocked_by ? { do: 'unblock', site: d.site } : { do: 'block', site: d.site };
    return el('p', { class: 'actions' },
      el('button', { type: 'button', class: 'act', onclick: (e) => { e.currentTarget.disabled = true; this.onAct(d.site, intent); } }, d.blocked_by ? 'Unblock' : 'Block'),
      d.blocked_by ? el('span', { class: 'muted small' }, ` Blocked by your choice: ${d.blocked_by}`) : null);
  }

  /** A list of sites, each a button that selects it. */
  sites(list) {
    const shown = list.slice(0, SHOW_AT_MOST);
    return [
      el('ul', { class: 'sites' }, shown.map((s) => el('li', {}, el('button', { type: 'button', class: 'link', onclick: () => this.onPick(s) }, s)))),
      list.length > shown.length ? el('p', { class: 'muted small' }, `and ${count(list.length - shown.length)} more`) : null,
    ];
  }

  /** [site, cookie names] pairs: the site a button, the names as text. */
  syncList(pairs) {
    return el('ul', { class: 'sites syncs' }, pairs.slice(0, SHOW_AT_MOST).map(([s, names]) => el('li', {},
      el('button', { type: 'button', class: 'link', onclick: () => this.onPick(s) }, s),
      el('span', { class: 'muted small mono' }, ` ${names.join(', ')}`))));
  }

  /** Focus on the site's name, from where Tab reaches the panel's actions. */
  focus() {
    const heading = this.body.querySelector('h2');
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus();
  }

  open(site) {
    // Where focus was before the panel opened, to give it back on close.
    if (this.site === null && !this.root.contains(document.activeElement)) this.returnTo = document.activeElement;
    this.site = site;
    this.root.classList.add('open');
    this.root.setAttribute('aria-hidden', 'false');
  }

  close() {
    const hadFocus = this.root.contains(document.activeElement) || document.activeElement === document.body;
    this.site = null;
    this.root.classList.remove('open');
    this.root.setAttribute('aria-hidden', 'true');
    let back = this.returnTo;
    // A list redrawn meanwhile (after Block) has a new row for the same site.
    if (back && !back.isConnected && back.dataset?.site) back = document.querySelector(`tr[data-site="${CSS.escape(back.dataset.site)}"]`);
    if (hadFocus && back?.isConnected && back !== document.body) back.focus();
    this.returnTo = null;
  }
}

function section(title, ...content) {
  return el('section', {}, el('h3', {}, title), content);
}
