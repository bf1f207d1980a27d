// The legend: the core's [category, colour] pairs for what is on screen,
// the ring that marks a site you visited, the colour and dashes of blocked attempts and of cookie syncs.
import { el, fill } from './dom.js';
import { DASHES } from './edge-dashed.js';
import { categoryName, categoryDescription } from './format.js';

export function renderLegend(container, legend, { anyFirstParty, blockedColor = null, partlyColor = null, syncColor = null }) {
  const items = legend.map(([category, color]) => el('li', { title: categoryDescription(category) },
    el('span', { class: 'swatch', style: { background: color }, 'aria-hidden': 'true' }),
    categoryName(category)));
  if (anyFirstParty) {
    items.push(el('li', { class: 'legend-ring' }, el('span', { class: 'ring', 'aria-hidden': 'true' }), 'Ring: a site you visited'));
  }
  if (blockedColor) {
    items.push(el('li', { class: 'legend-blocked' }, line(blockedColor, DASHES.blocked), 'Short dashes: every request blocked by your choices'));
  }
  if (partlyColor) {
    items.push(el('li', { class: 'legend-blocked' }, line(partlyColor, DASHES['partly-blocked']), 'Long dashes: some requests blocked, some got through'));
  }
  if (syncColor) {
    items.push(el('li', { class: 'legend-syncs' }, line(syncColor, DASHES.syncs), 'Dots: syncs cookies with (its identifier sent to the other)'));
  }
  items.push(el('li', { class: 'legend-size' }, el('span', { class: 'dots', 'aria-hidden': 'true' }), 'Bigger: seen on more of your sites'));
  fill(container, legend.length ? el('ul', {}, items) : null);
  container.hidden = legend.length === 0;
}

/** A legend's sample of a line: its colour, and its dashes as drawn. */
function line(color, [dash, gap]) {
  return el('span', { class: 'line', style: { background: `repeating-linear-gradient(90deg, ${color} 0 ${dash}px, transparent ${dash}px ${dash + gap}px)` }, 'aria-hidden': 'true' });
}
