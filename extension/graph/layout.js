// Runs ForceAtlas2 in a web worker for a bounded time, then stops.
//
// graphology-layout-forceatlas2/worker builds its worker from a blob: URL,
// which the extension CSP (script-src 'self') does not name: Chromium allows
// it today, other engines need not. So the worker is this same bundle,
// graph.js, loaded as a module worker (main.js hands it to layout-worker.js)
// running the library's own iteration step, several per message; matrices,
// settings and the write-back come from the library's helpers.
import forceAtlas2 from 'graphology-layout-forceatlas2';
import helpers from 'graphology-layout-forceatlas2/helpers.js';
import DEFAULTS from 'graphology-layout-forceatlas2/defaults.js';

// Work per message: longer for big graphs, where applying positions (and
// sigma's redraw) costs the page most.
const sliceFor = (graph) => Math.min(300, 40 + (graph.order + graph.size) / 100);

/** How long a run may take: longer for bigger graphs, never unbounded. */
export const budgetFor = (order) => Math.min(10000, 1500 + order * 1.5);

export class Layout {
  constructor(onChange) {
    this.onChange = onChange; // (running: boolean, error?: Error) => void
    this.worker = null;
    this.run = 0;
  }

  get running() {
    return this.worker !== null;
  }

  start(graph, ms = budgetFor(graph.order)) {
    this.stop();
    if (graph.order < 2) return;
    const run = ++this.run;
    const settings = {
      ...DEFAULTS,
      ...forceAtlas2.inferSettings(graph),
      barnesHutOptimize: graph.order > 400,
    };
    const { nodes, edges } = helpers.graphToByteArrays(graph, () => 1);
    const deadline = performance.now() + ms;
    const sliceMs = sliceFor(graph);
    let worker;
    try {
      worker = new Worker(import.meta.url, { type: 'module', name: 'telltale-layout' });
    } catch (e) {
      this.onChange(false, e);
      return;
    }
    this.worker = worker;
    worker.addEventListener('message', ({ data }) => {
      if (data.run !== this.run || !graph) return;
      const matrix = new Float32Array(data.nodes);
      helpers.assignLayoutChanges(graph, matrix, null);
      if (performance.now() >= deadline) this.stop();
      else worker.postMessage({ run, nodes: matrix.buffer, settings, sliceMs }, [matrix.buffer]);
    });
    worker.addEventListener('error', (e) => {
      if (run !== this.run) return;
      this.stop();
      this.onChange(false, new Error(`Layout failed: ${e.message || 'worker error'}`));
    });
    worker.postMessage({ run, nodes: nodes.buffer, edges: edges.buffer, settings, sliceMs }, [nodes.buffer, edges.buffer]);
    this.onChange(true);
  }

  stop() {
    if (!this.worker) return;
    this.worker.terminate();
    this.worker = null;
    this.run++;
    this.onChange(false);
  }
}
