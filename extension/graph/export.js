// The Export menu: data files written by the core (from your data or the
// imported file), the current picture as PNG or SVG, and the current view as
// an interactive HTML file.
import { download } from './download.js';
import { interactiveHtml } from './interactive.js';
import { png, svg } from './picture.js';

/**
 * menu: the <details> element; getSource(): the current data source;
 * getSigma(): the renderer or null; getFilters(): the filters in force; onError(e).
 */
export function setUpExport(menu, { getSource, getSigma, getFilters, onError }) {
  menu.addEventListener('click', async (event) => {
    const item = event.target.closest('button');
    if (!item) return;
    menu.open = false;
    try {
      if (item.dataset.format) {
        const files = await getSource().export(item.dataset.format);
        for (const [name, text] of files) download(name, text);
      } else if (item.dataset.interactive) {
        const sigma = getSigma();
        if (!sigma || sigma.getGraph().order === 0) throw new Error('There is no graph to save yet.');
        download(`telltale-graph-${new Date().toISOString().slice(0, 10)}.html`, await interactiveHtml(getSource(), getFilters(), sigma.getGraph()));
      } else if (item.dataset.picture) {
        const sigma = getSigma();
        if (!sigma || sigma.getGraph().order === 0) throw new Error('There is no picture to save yet.');
        const stamp = new Date().toISOString().slice(0, 10);
        if (item.dataset.picture === 'png') download(`telltale-graph-${stamp}.png`, await png(sigma));
        else download(`telltale-graph-${stamp}.svg`, svg(sigma, 'Telltale — who saw you'));
      }
    } catch (e) {
      onError(e);
    }
  });
}
