// How numbers, times and category ids read on the page.

const number = new Intl.NumberFormat();
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const count = (n) => number.format(Number(n) || 0);

export function when(ms) {
  const n = Number(ms);
  return Number.isFinite(n) && n > 0 ? dateTime.format(new Date(n)) : '—';
}

export const plural = (n, one, many) => `${count(n)} ${n === 1 ? one : many}`;

// Names for the legend entries that are not categories.
const special = { 'first-party': 'Your site (first party)', unknown: 'Unclassified' };

let names = {};

/** Category names and descriptions from the core ([{id, name, description, color}]). */
export function setCategoryInfo(list) {
  names = Object.fromEntries(list.map((c) => [c.id, c]));
}

export const categoryName = (id) => names[id]?.name || special[id] || String(id);
export const categoryDescription = (id) => names[id]?.description || '';
export const categoryColor = (id) => names[id]?.color || '#c7c7c7';
