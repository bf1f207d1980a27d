// The filter controls: category, time window, one of your sites, trackers
// only. They produce the `filters` object the core's graphView takes; the
// core does the filtering.
import { byId, el, fill } from './dom.js';
import { categoryName, categoryDescription } from './format.js';

const DAY = 864e5;

function since(window) {
  if (window === 'today') {
    const start = new Date();
    start.setHours(0, 0, 0, 0);
    return start.getTime();
  }
  if (window === '7d') return Date.now() - 7 * DAY;
  return null;
}

export class Filters {
  constructor(onChange) {
    this.onChange = onChange;
    this.list = byId('category-list');
    this.summary = byId('category-summary');
    this.time = byId('time');
    this.site = byId('site');
    this.trackersOnly = byId('trackers-only');
    this.categories = [];

    byId('filters').addEventListener('submit', (e) => e.preventDefault());
    byId('filters').addEventListener('change', () => this.changed());
    byId('categories-all').addEventListener('click', () => this.setAll(true));
    byId('categories-none').addEventListener('click', () => this.setAll(false));
  }

  /** The category checkboxes ([{id, name, color}] from the core). */
  setCategories(info) {
    this.categories = info.map((c) => c.id);
    const legend = this.list.querySelector('legend');
    fill(this.list, legend, info.map((c) => el('label', { class: 'check category', title: categoryDescription(c.id) },
      el('input', { type: 'checkbox', value: c.id, checked: true }),
      el('span', { class: 'swatch', style: { background: c.color }, 'aria-hidden': 'true' }),
      categoryName(c.id))));
    this.updateSummary();
  }

  /** The first-party sites to choose from. */
  setSites(sites) {
    const chosen = this.site.value;
    fill(this.site, el('option', { value: '' }, 'All your sites'), sites.map((s) => el('option', { value: s }, s)));
    this.site.value = sites.includes(chosen) ? chosen : '';
  }

  setAll(on) {
    for (const box of this.boxes()) box.checked = on;
    this.changed();
  }

  boxes() {
    return [...this.list.querySelectorAll('input[type=checkbox]')];
  }

  checked() {
    return this.boxes().filter((b) => b.checked).map((b) => b.value);
  }

  updateSummary() {
    const on = this.checked();
    this.summary.textContent = on.length === this.categories.length ? 'All categories'
      : on.length === 0 ? 'No categories'
      : on.length === 1 ? categoryName(on[0])
      : `${on.length} categories`;
  }

  changed() {
    this.updateSummary();
    this.onChange(this.current());
  }

  /** {categories, since, site, trackers_only}; all categories checked means no category filter. */
  current() {
    const on = this.checked();
    return {
      categories: on.length === this.categories.length ? [] : on,
      since: since(this.time.value),
      site: this.site.value || null,
      trackers_only: this.trackersOnly.checked,
    };
  }

  /** True when nothing is filtered (the view shows everything). */
  isEmpty(f = this.current()) {
    return !this.showsNothing() && f.categories.length === 0 && f.since === null && f.site === null && !f.trackers_only;
  }

  /** "No categories" cannot be asked of the core (empty means all): the page shows nothing. */
  showsNothing() {
    return this.categories.length > 0 && this.checked().length === 0;
  }
}
