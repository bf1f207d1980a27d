// The List view: the same nodes as the graph in a table, sortable by any
// column and searchable by site, company or entity.
import { byId, el, fill } from './dom.js';
import { categoryColor, categoryName, count, when } from './format.js';

// Rows drawn at first; the rest on request (thousands of rows make sorting slow).
const FIRST_ROWS = 500;

const text = (v) => (v == null ? '' : String(v));
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

const COLUMNS = [
  { key: 'site', title: 'Site', value: (n) => n.label, compare: 'text' },
  { key: 'company', title: 'Company', value: (n) => text(n.company || n.entity), compare: 'text' },
  { key: 'categories', title: 'Categories', value: (n) => n.categories.map(categoryName).join(', '), compare: 'text' },
  { key: 'tracker', title: 'Tracker', value: (n) => (n.tracker ? 1 : 0), compare: 'number', first: 'desc' },
  { key: 'reach', title: 'Reach', value: (n) => n.reach, compare: 'number', first: 'desc', hint: 'How many of your sites it saw you on' },
  { key: 'requests', title: 'Requests', value: (n) => n.requests, compare: 'number', first: 'desc' },
  { key: 'last_seen', title: 'Last seen', value: (n) => n.last_seen, compare: 'number', first: 'desc' },
];

export class List {
  constructor({ onPick }) {
    this.onPick = onPick;
    this.head = byId('table-head');
    this.body = byId('table-body');
    this.search = byId('search');
    this.countLine = byId('list-count');
    this.more = byId('list-more');
    this.all = false;
    this.nodes = [];
    this.sort = { key: 'reach', dir: 'desc' };
    this.selected = null;
    this.search.addEventListener('input', () => this.render());
    this.more.addEventListener('click', () => {
      this.all = true;
      this.render();
    });
    this.body.addEventListener('click', (e) => {
      const row = e.target.closest('tr[data-site]');
      if (row) this.onPick(row.dataset.site);
    });
    this.body.addEventListener('keydown', (e) => {
      const row = e.target.closest('tr[data-site]');
      if (row && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        this.onPick(row.dataset.site, { keyboard: true });
      }
    });
    this.renderHead();
  }

  show(nodes) {
    this.nodes = nodes;
    this.all = false;
    this.render();
  }

  select(site) {
    this.selected = site;
    for (const row of this.body.querySelectorAll('tr.selected')) row.classList.remove('selected');
    if (site !== null) {
      for (const row of this.body.rows) if (row.dataset.site === site) row.classList.add('selected');
    }
  }

  sortBy(key) {
    const column = COLUMNS.find((c) => c.key === key);
    this.sort = this.sort.key === key
      ? { key, dir: this.sort.dir === 'asc' ? 'desc' : 'asc' }
      : { key, dir: column.first || 'asc' };
    this.renderHead();
    this.render();
  }

  renderHead() {
    fill(this.head, COLUMNS.map((c) => {
      const active = this.sort.key === c.key;
      return el('th', {
        scope: 'col',
        class: c.compare === 'number' ? 'num' : null,
        'aria-sort': active ? (this.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none',
        title: c.hint,
      }, el('button', { type: 'button', class: 'sort', onclick: () => this.sortBy(c.key) },
        c.title, el('span', { class: 'arrow', 'aria-hidden': 'true' }, active ? (this.sort.dir === 'asc' ? '▲' : '▼') : '')));
    }));
  }

  rows() {
    const query = this.search.value.trim().toLowerCase();
    const hits = query
      ? this.nodes.filter((n) => [n.label, n.company, n.entity].some((v) => v && String(v).toLowerCase().includes(query)))
      : this.nodes.slice();
    const column = COLUMNS.find((c) => c.key === this.sort.key);
    const sign = this.sort.dir === 'asc' ? 1 : -1;
    const keyed = hits.map((n) => [column.value(n), n]);
    keyed.sort(([a, n], [b, m]) =>
      sign * (column.compare === 'number' ? a - b : collator.compare(a, b)) || collator.compare(n.label, m.label));
    return keyed.map(([, n]) => n);
  }

  render() {
    const rows = this.rows();
    const shown = this.all ? rows : rows.slice(0, FIRST_ROWS);
    const matching = rows.length === this.nodes.length ? `${count(rows.length)} sites` : `${count(rows.length)} of ${count(this.nodes.length)} sites`;
    this.countLine.textContent = shown.length < rows.length ? `${matching}, first ${count(shown.length)} shown` : matching;
    this.more.hidden = shown.length === rows.length;
    this.more.textContent = `Show all ${count(rows.length)}`;
    const body = document.createDocumentFragment();
    for (const n of shown) {
      body.append(el('tr', { 'data-site': n.id, tabindex: '0', class: n.id === this.selected ? 'selected' : null },
        el('td', { class: 'site' }, n.first_party ? el('span', { class: 'ring small', role: 'img', title: 'A site you visited', 'aria-label': 'A site you visited' }) : null, n.label),
        el('td', {}, text(n.company || n.entity)),
        el('td', {}, el('div', { class: 'cats' }, n.categories.map((c) => el('span', { class: 'chip small' },
          el('span', { class: 'swatch', style: { background: categoryColor(c) }, 'aria-hidden': 'true' }), categoryName(c))))),
        el('td', { class: 'num' }, n.tracker ? el('span', { class: 'badge tracker' }, 'Yes') : el('span', { class: 'muted' }, 'No')),
        el('td', { class: 'num' }, count(n.reach)),
        el('td', { class: 'num' }, count(n.requests)),
        el('td', { class: 'num when' }, when(n.last_seen))));
    }
    this.body.replaceChildren(body);
  }
}
