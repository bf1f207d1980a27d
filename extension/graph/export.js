// The Export menu: data files written by the core (from your data or the
// imported file), and the current picture as PNG or SVG.
import { download } from './download.js';
import { png, svg } from './picture.js';

/**
 * menu: the <details> element; getSource(): the current data source;
 * getSigma(): the renderer or null; onError(e).
 */
export function setUpExport(menu, { getSource, getSigma, onError }) {
  menu.addEventListener('click', async (event) => {
    const item = event.target.closest('button');
    if (!item) return;
    menu.open = false;
    try {
      if (item.dataset.format) {
        const files = await getSource().export(item.dataset.format);
        for (const [name, text] of files) download(name, text);
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
