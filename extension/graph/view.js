// The graph picture: a graphology graph of the core's view, drawn by sigma
// (WebGL), laid out by ForceAtlas2 in a worker. Colours, sizes and labels
// are the core's; this file only decides where things sit on screen and how
// the selected site stands out.
import Graph from 'graphology';
import Sigma from 'sigma';
import { NodeCircleProgram, EdgeLineProgram, EdgeRectangleProgram } from 'sigma/rendering';
import { NodeRingProgram } from './node-ring.js';
import { DASHES, DASHED_PROGRAMS } from './edge-dashed.js';
import { drawLabel } from './labels.js';
import { Layout, budgetFor } from './layout.js';

const EDGE_COLOR = '#b8c1ca';
const EDGE_FOCUS = '#59636e';
const DIMMED = '#e6e9ed';
const LABEL_AT = 6; // px: smaller marks get no label until you zoom in
// Your own sites always carry their name while there are this few of them.
const NAMED_SITES = 50;
// Small graphs may show every label; big ones one per grid cell or so.
const labelDensityFor = (order) => (order <= 200 ? 1 : 0.4);

// Above this many edges, edges are 1-px lines and hide while you drag:
// a software-rendered WebGL (no GPU) stays usable.
const MANY_EDGES = 5000;
// Marks may cover about this share of the screen: every size is scaled
// alike (down for a large graph, a little up for a small one), so the core's
// sizes stay in proportion and marks do not bury each other.
const INK = 0.12;
const SCALE = { min: 0.3, max: 1.25 };

// A stable pseudo-random number in [0, 1) for a node id (FNV-1a), so the same
// data starts from the same picture.
function hash01(text, salt) {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 4294967296;
}

export class GraphView {
  constructor(container, { onSelect, onLayout }) {
    this.container = container;
    this.onSelect = onSelect;
    this.graph = new Graph({ type: 'directed' });
    this.sigma = null;
    this.selected = null;
    this.neighbours = new Set();
    this.layout = new Layout(onLayout);
  }

  /** Sigma, created on first use (it needs WebGL; throws without it). */
  renderer() {
    if (this.sigma) return this.sigma;
    const sigma = new Sigma(this.graph, this.container, {
      allowInvalidContainer: true,
      renderEdgeLabels: false,
      enableEdgeEvents: false,
      labelRenderedSizeThreshold: LABEL_AT,
      defaultDrawNodeLabel: drawLabel,
      labelGridCellSize: 120,
      labelFont: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      labelSize: 12,
      labelWeight: '500',
      labelColor: { color: '#1f2328' },
      defaultEdgeColor: EDGE_COLOR,
      defaultEdgeType: 'line',
      edgeProgramClasses: { line: EdgeRectangleProgram, thin: EdgeLineProgram, ...DASHED_PROGRAMS },
      minEdgeThickness: 1,
      stagePadding: 40,
      zIndex: true,
      minCameraRatio: 0.02,
      maxCameraRatio: 20,
      nodeProgramClasses: { circle: NodeCircleProgram, ring: NodeRingProgram },
      nodeReducer: (node, data) => this.reduceNode(node, data),
      edgeReducer: (edge, data) => this.reduceEdge(edge, data),
    });
    sigma.on('clickNode', ({ node }) => this.onSelect(node));
    sigma.on('clickStage', () => this.onSelect(null));
    sigma.on('enterNode', () => { this.container.style.cursor = 'pointer'; });
    sigma.on('leaveNode', () => { this.container.style.cursor = ''; });
    // Sigma follows the window's size; the banner and error line change ours.
    new ResizeObserver(() => sigma.scheduleRender()).observe(this.container);
    this.sigma = sigma;
    window.__telltaleGraph = sigma;
    return sigma;
  }

  reduceNode(node, data) {
    if (this.selected === null) return data;
    if (node === this.selected) return { ...data, highlighted: true, forceLabel: true, zIndex: 2 };
    if (this.neighbours.has(node)) return { ...data, zIndex: 1 };
    return { ...data, color: DIMMED, label: null, zIndex: 0 };
  }

  reduceEdge(edge, data) {
    if (this.selected === null) return data;
    // Sigma's own graph: while a new one is being set, sigma may still draw the old one.
    const drawn = this.sigma ? this.sigma.getGraph() : this.graph;
    return drawn.hasNode(this.selected) && drawn.hasExtremity(edge, this.selected) ? { ...data, color: EDGE_FOCUS, zIndex: 1 } : { ...data, hidden: true };
  }

  /** Draws a view ({nodes, edges}); sites already on screen keep their place. */
  show(view) {
    const previous = this.graph;
    const graph = new Graph({ type: 'directed' });
    const scale = this.scaleFor(view.nodes);
    const edgeType = view.edges.length > MANY_EDGES ? 'thin' : 'line';
    const nameSites = view.nodes.filter((n) => n.first_party).length <= NAMED_SITES;
    let placed = 0;
    for (const n of view.nodes) {
      const old = previous.hasNode(n.id) ? previous.getNodeAttributes(n.id) : null;
      if (old) placed++;
      graph.addNode(n.id, {
        label: n.label,
        size: n.size * scale,
        color: n.color,
        type: n.first_party ? 'ring' : 'circle',
        forceLabel: n.first_party && nameSites,
        x: old ? old.x : NaN,
        y: old ? old.y : NaN,
      });
    }
    for (const e of view.edges) {
      if (graph.hasNode(e.source) && graph.hasNode(e.target) && !graph.hasDirectedEdge(e.source, e.target)) {
        // Blocked attempts and cookie syncs: the core's colour for them, and dashes or dots.
        graph.addDirectedEdge(e.source, e.target, { size: e.size * scale, type: DASHES[e.state] ? e.state : edgeType, color: e.color });
      }
    }
    this.place(graph);

    this.layout.stop();
    this.graph = graph;
    if (this.selected !== null && !graph.hasNode(this.selected)) this.selected = null;
    this.neighbours = new Set(this.selected === null ? [] : graph.neighbors(this.selected));
    const sigma = this.renderer();
    sigma.setSettings({
      labelRenderedSizeThreshold: LABEL_AT * scale,
      labelDensity: labelDensityFor(graph.order),
      hideEdgesOnMove: edgeType === 'thin',
    });
    sigma.setGraph(graph);
    // A different graph (another file, your data again): show all of it.
    if (placed === 0) sigma.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
    // Mostly known positions: a short run settles the newcomers.
    const budget = budgetFor(graph.order);
    this.layout.start(graph, placed > graph.order * 0.8 ? Math.min(budget, 1500) : budget);
    return { nodes: graph.order, edges: graph.size };
  }

  /** One factor for every size, so the marks of a big graph do not bury each other. */
  scaleFor(nodes) {
    const area = Math.max(1, this.container.clientWidth * this.container.clientHeight);
    const ink = nodes.reduce((sum, n) => sum + Math.PI * n.size * n.size, 0);
    return ink > 0 ? Math.min(SCALE.max, Math.max(SCALE.min, Math.sqrt((area * INK) / ink))) : 1;
  }

  /** New sites start next to a neighbour already placed, else scattered. */
  place(graph) {
    const spread = 20 * Math.sqrt(graph.order + 1);
    graph.forEachNode((id, a) => {
      if (Number.isFinite(a.x)) return;
      const near = graph.findNeighbor(id, (_, b) => Number.isFinite(b.x));
      const anchor = near ? graph.getNodeAttributes(near) : { x: 0, y: 0 };
      const radius = near ? 8 : spread;
      const angle = 2 * Math.PI * hash01(id, 1);
      const r = radius * Math.sqrt(hash01(id, 2));
      graph.mergeNodeAttributes(id, { x: anchor.x + r * Math.cos(angle), y: anchor.y + r * Math.sin(angle) });
    });
  }

  /** Highlights a site and its neighbours (null clears); `focus` moves the camera to it. */
  select(site, { focus = false } = {}) {
    const id = site !== null && this.graph.hasNode(site) ? site : null;
    this.selected = id;
    this.neighbours = new Set(id === null ? [] : this.graph.neighbors(id));
    if (!this.sigma) return;
    this.sigma.refresh();
    if (focus && id !== null) {
      const d = this.sigma.getNodeDisplayData(id);
      if (d) this.sigma.getCamera().animate({ x: d.x, y: d.y, ratio: Math.min(this.sigma.getCamera().ratio, 0.5) }, { duration: 400 });
    }
  }

  relayout() {
    if (this.graph.order > 1) this.layout.start(this.graph);
  }

  stopLayout() {
    this.layout.stop();
  }

  resetCamera() {
    this.sigma?.getCamera().animatedReset({ duration: 300 });
  }
}
