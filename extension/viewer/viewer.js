// The viewer inside an interactive HTML export: a file that opens offline in
// any browser. It reads the core's view and details from the file's own
// <script type="application/json" id="telltale-data"> and draws them with
// sigma (bundled in by esbuild): pan and zoom with the mouse, wheel or keys,
// names on hover, a site's details on click, and a list of every site whose
// rows select it in the graph. Every string goes in as text. A file made
// without a picture (the CLI's: "layout": "settle") is laid out here, by
// ForceAtlas2, before it is drawn.
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import Sigma from 'sigma';
import { EdgeRectangleProgram, NodeCircleProgram } from 'sigma/rendering';
import { DASHES, DASHED_PROGRAMS } from '../graph/edge-dashed.js';
import { NodeRingProgram } from '../graph/node-ring.js';

const data = JSON.parse(document.getElementById('telltale-data').textContent);
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

const graph = new Graph({ type: 'directed', multi: false });
for (const n of data.view.nodes) {
  graph.addNode(n.id, { x: n.x, y: n.y, size: Math.max(2, n.size * data.scale), color: n.color, label: n.label, type: n.first_party ? 'ring' : 'circle', zIndex: n.first_party ? 2 : 1 });
}
for (const e of data.view.edges) {
  if (graph.hasNode(e.source) && graph.hasNode(e.target) && !graph.hasEdge(e.source, e.target)) {
    // As on the graph page: blocked attempts and cookie syncs dashed or dotted, not only coloured.
    graph.addEdge(e.source, e.target, { color: e.color, size: Math.max(0.5, Math.min(4, e.size || 1)), type: DASHES[e.state] ? e.state : 'line' });
  }
}

if (data.layout === 'settle' && graph.order > 1) {
  const settings = { ...forceAtlas2.inferSettings(graph), barnesHutOptimize: graph.order > 2000 };
  forceAtlas2.assign(graph, { iterations: graph.order > 2000 ? 60 : 150, settings });
  document.body.dataset.layout = 'settled';
} else {
  document.body.dataset.layout = 'given';
}

let selected = null;
const neighbours = new Set();
const sigma = new Sigma(graph, $('canvas'), {
  renderEdgeLabels: false,
  labelRenderedSizeThreshold: 8,
  zIndex: true,
  defaultEdgeType: 'line',
  edgeProgramClasses: { line: EdgeRectangleProgram, ...DASHED_PROGRAMS },
  nodeProgramClasses: { circle: NodeCircleProgram, ring: NodeRingProgram },
  minCameraRatio: 0.02,
  maxCameraRatio: 20,
  nodeReducer: (node, attrs) => {
    if (!selected) return attrs;
    if (node === selected) return { ...attrs, highlighted: true, forceLabel: true, zIndex: 3 };
    return neighbours.has(node) ? { ...attrs, forceLabel: true } : { ...attrs, color: '#e6e9ed', label: null };
  },
  edgeReducer: (edge, attrs) => {
    if (!selected) return attrs;
    const [a, b] = graph.extremities(edge);
    return a === selected || b === selected ? attrs : { ...attrs, hidden: true };
  },
});

const fmtTime = (ms) => (ms > 0 ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '');

function showPanel(site) {
  const d = data.details[site];
  const panel = $('panel');
  if (!d) {
    panel.hidden = true;
    return;
  }
  const who = [d.company, d.entity && d.entity !== d.company ? d.entity : null].filter(Boolean).join(' · ');
  const list = (title, items) => (items.length ? [el('h3', {}, title), el('ul', {}, items.map((x) => el('li', {}, x)))] : []);
  panel.replaceChildren(
    el('h2', {}, d.site),
    el('p', { class: 'who' }, who || 'Owner unknown'),
    el('p', {}, [d.tracker ? 'Tracker' : null, d.first_party ? 'A site visited' : null, d.categories.join(', ')].filter(Boolean).join(' · ')),
    el('p', { class: 'muted' }, `${d.requests} requests; first seen ${fmtTime(d.first_seen)}, last seen ${fmtTime(d.last_seen)}`),
    ...list('Why Telltale says so', d.evidence),
    ...list(`Seen on ${d.seen_on.length} of the sites visited`, d.seen_on),
    ...list('Cookie names (values are never kept)', d.cookies.map(([name, n]) => `${name} (${n})`)),
    ...list('Syncs cookies with', d.syncs_with.map(([s, names]) => `${s}: ${names.join(', ')}`)),
    ...list('Third parties it loaded', d.loaded),
    // Last, so that Tab from the details reaches it (it is drawn top right).
    el('button', { type: 'button', class: 'close', 'aria-label': 'Close the details', onclick: unselect }, '×'),
  );
  panel.hidden = false;
}

function select(site) {
  selected = site && graph.hasNode(site) ? site : null;
  neighbours.clear();
  if (selected) for (const n of graph.neighbors(selected)) neighbours.add(n);
  for (const row of document.querySelectorAll('#rows tr')) row.setAttribute('aria-selected', String(row.dataset.site === selected));
  showPanel(selected);
  sigma.refresh();
  if (selected) {
    const p = sigma.getNodeDisplayData(selected);
    if (p) sigma.getCamera().animate({ x: p.x, y: p.y, ratio: Math.min(sigma.getCamera().ratio, 0.6) }, { duration: 300 });
  }
  document.body.dataset.selected = selected || '';
}

sigma.on('clickNode', ({ node }) => select(node));
sigma.on('clickStage', () => select(null));
sigma.on('enterNode', ({ node }) => { $('canvas').title = node; });
sigma.on('leaveNode', () => { $('canvas').title = ''; });
sigma.getCamera().on('updated', (s) => { document.body.dataset.camera = `${s.x.toFixed(4)},${s.y.toFixed(4)},${s.ratio.toFixed(4)}`; });

// The list: every site, sortable by nothing more than its order here; a row's button selects it.
const rows = [...data.view.nodes].sort((a, b) => Number(b.tracker) - Number(a.tracker) || b.reach - a.reach || a.id.localeCompare(b.id));
$('rows').replaceChildren(...rows.map((n) => el('tr', { 'data-site': n.id },
  el('td', {}, el('button', { type: 'button', class: 'pick', onclick: () => pickFromList(n.id) }, n.label)),
  el('td', {}, n.company || ''),
  el('td', {}, n.categories.join(', ')),
  el('td', { class: 'n' }, n.reach),
  el('td', { class: 'n' }, n.requests))));

// Picked from the list, the site's details take focus; closing them gives it to the List button.
let backTo = null;
function pickFromList(site) {
  showView('graph');
  select(site);
  backTo = $('show-list');
  const heading = $('panel').querySelector('h2');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

function unselect() {
  const hadFocus = $('panel').contains(document.activeElement) || document.activeElement === document.body;
  select(null);
  if (hadFocus && backTo) backTo.focus();
  backTo = null;
}

// The legend: each category by name with its colour, the ring, and the lines.
const states = new Set(data.view.edges.map((e) => e.state));
const LINES = [['blocked', 'Short dashes: every request blocked'], ['partly-blocked', 'Long dashes: some requests blocked'], ['syncs', 'Dots: syncs cookies with']];
$('legend').replaceChildren(
  ...data.view.legend.map(([category, color]) => el('li', {}, el('span', { class: 'swatch', style: `background:${color}`, 'aria-hidden': 'true' }), category.replace(/-/g, ' '))),
  data.view.nodes.some((n) => n.first_party) ? el('li', {}, el('span', { class: 'ring', 'aria-hidden': 'true' }), 'Ring: a site visited') : null,
  ...LINES.filter(([state]) => states.has(state)).map(([state, text]) => {
    const color = data.view.edges.find((e) => e.state === state).color;
    const [dash, gap] = DASHES[state];
    return el('li', {}, el('span', { class: 'line', style: `background:repeating-linear-gradient(90deg,${color} 0 ${dash}px,transparent ${dash}px ${dash + gap}px)`, 'aria-hidden': 'true' }), text);
  }));

function showView(which) {
  $('graph-view').hidden = which !== 'graph';
  $('list-view').hidden = which !== 'list';
  $('show-graph').setAttribute('aria-pressed', String(which === 'graph'));
  $('show-list').setAttribute('aria-pressed', String(which === 'list'));
  if (which === 'graph') sigma.refresh();
}
$('show-graph').addEventListener('click', () => showView('graph'));
$('show-list').addEventListener('click', () => showView('list'));
$('zoom-in').addEventListener('click', () => sigma.getCamera().animatedZoom({ duration: 200 }));
$('zoom-out').addEventListener('click', () => sigma.getCamera().animatedUnzoom({ duration: 200 }));
$('fit').addEventListener('click', () => sigma.getCamera().animatedReset({ duration: 200 }));
document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && selected) unselect(); });
document.body.dataset.ready = '1';
