// The current picture as a file: PNG from sigma's own layers (what you see),
// SVG rebuilt from node positions and the colours on screen. Text goes in
// with textContent and XMLSerializer escapes it.
import { HOLE } from './node-ring.js';
import { DASHES } from './edge-dashed.js';
import { HALO } from './labels.js';

const SVG = 'http://www.w3.org/2000/svg';
const BACKGROUND = '#ffffff';

/** PNG of the graph as drawn, on a white background. */
export function png(sigma) {
  // WebGL layers keep their pixels only until the frame is shown: draw now,
  // then copy in the same task.
  sigma.refresh();
  const layers = Object.values(sigma.getCanvases()).filter((c) => c.isConnected && c.width > 0 && c.height > 0);
  const { width, height } = layers[0];
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d');
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, width, height);
  for (const layer of layers) ctx.drawImage(layer, 0, 0, width, height);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('The PNG could not be made'))), 'image/png'));
}

function node(name, attrs = {}) {
  const n = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
}

const round = (v) => Math.round(v * 10) / 10;

/** SVG text of the graph as drawn (positions, colours, sizes, shown labels). */
export function svg(sigma, title) {
  const graph = sigma.getGraph();
  const { width, height } = sigma.getDimensions();
  const settings = sigma.getSettings();
  const root = node('svg', { width, height, viewBox: `0 0 ${width} ${height}` });
  const titleNode = node('title');
  titleNode.textContent = title;
  root.append(titleNode, node('rect', { width, height, fill: BACKGROUND }));

  // Screen position and radius of every shown node.
  const at = new Map();
  graph.forEachNode((id, attrs) => {
    const d = sigma.getNodeDisplayData(id);
    if (!d || d.hidden) return;
    const p = sigma.graphToViewport({ x: attrs.x, y: attrs.y });
    at.set(id, { x: p.x, y: p.y, r: sigma.scaleSize(d.size), d });
  });

  const edges = node('g', { 'stroke-linecap': 'round' });
  graph.forEachEdge((id, attrs, source, target) => {
    const d = sigma.getEdgeDisplayData(id);
    const a = at.get(source);
    const b = at.get(target);
    if (!d || d.hidden || !a || !b) return;
    edges.append(node('line', {
      x1: round(a.x), y1: round(a.y), x2: round(b.x), y2: round(b.y),
      stroke: d.color || settings.defaultEdgeColor,
      'stroke-width': attrs.type === 'thin' ? 1 : round(Math.max(settings.minEdgeThickness, sigma.scaleSize(d.size || 1))),
      // Dashed or dotted as on screen (butt ends, so the gaps stay open).
      ...(DASHES[attrs.type] ? { 'stroke-dasharray': DASHES[attrs.type].join(' '), 'stroke-linecap': 'butt' } : {}),
    }));
  });

  // Drawn in sigma's order (z-index first), so the picture stacks the same way.
  const order = [...at.entries()].sort((p, q) => (p[1].d.zIndex || 0) - (q[1].d.zIndex || 0));
  const nodes = node('g');
  for (const [id, { x, y, r, d }] of order) {
    nodes.append(node('circle', { cx: round(x), cy: round(y), r: round(r), fill: d.color }));
    if (graph.getNodeAttribute(id, 'type') === 'ring') nodes.append(node('circle', { cx: round(x), cy: round(y), r: round(r * HOLE), fill: BACKGROUND }));
  }

  const labels = node('g', {
    'font-family': settings.labelFont,
    'font-size': settings.labelSize,
    'font-weight': settings.labelWeight,
    fill: settings.labelColor.color || '#000',
    stroke: HALO.color,
    'stroke-width': HALO.width,
    'stroke-linejoin': 'round',
    'paint-order': 'stroke',
  });
  for (const id of sigma.getNodeDisplayedLabels()) {
    const p = at.get(id);
    if (!p || !p.d.label) continue;
    const text = node('text', { x: round(p.x + p.r + 3), y: round(p.y + settings.labelSize / 3) });
    text.textContent = p.d.label;
    labels.append(text);
  }

  root.append(edges, nodes, labels);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(root);
}
