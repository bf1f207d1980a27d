// The legend: the core's [category, colour] pairs for what is on screen,
// the ring that marks a site you visited, the colour of blocked attempts and of cookie syncs.
import { el, fill } from './dom.js';
import { categoryName, categoryDescription } from './format.js';

export function renderLegend(container, legend, { anyFirstParty, blockedColor = null, partlyColor = null, syncColor = null }) {
  const items = legend.map(([category, color]) => el('li', { title: categoryDescription(category) },
    el('span', { class: 'swatch', style: { background: color }, 'aria-hidden': 'true' }),
    categoryName(category)));
  if (anyFirstParty) {
    items.push(el('li', { class: 'legend-ring' }, el('span', { class: 'ring', 'aria-hidden': 'true' }), 'Ring: a site you visited'));
  }
  if (blockedColor) {
    items.push(el('li', { class: 'legend-blocked' }, el('span', { class: 'line', style: { background: blockedColor }, 'aria-hidden': 'true' }), 'Line: every request blocked by your choices'));
  }
  if (partlyColor) {
    items.push(el('li', { class: 'legend-blocked' }, el('span', { class: 'line', style: { background: partlyColor }, 'aria-hidden': 'true' }), 'Line: some requests blocked, some got through'));
  }
  if (syncColor) {
    items.push(el('li', { class: 'legend-syncs' }, el('span', { class: 'line', style: { background: syncColor }, 'aria-hidden': 'true' }), 'Line: syncs cookies with (its identifier sent to the other)'));
  }
  items.push(el('li', { class: 'legend-size' }, el('span', { class: 'dots', 'aria-hidden': 'true' }), 'Bigger: seen on more of your sites'));
  fill(container, legend.length ? el('ul', {}, items) : null);
  container.hidden = legend.length === 0;
}
