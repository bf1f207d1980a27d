// The layout worker: ForceAtlas2 iterations (graphology-layout-forceatlas2's
// own step function) on the matrices layout.js sends, in slices of a few
// tens of milliseconds, so the page applies positions a few times a second.
import iterate from 'graphology-layout-forceatlas2/iterate.js';

export function serve(scope) {
  let edges = null;
  scope.addEventListener('message', ({ data }) => {
    const nodes = new Float32Array(data.nodes);
    if (data.edges) edges = new Float32Array(data.edges);
    const end = performance.now() + data.sliceMs;
    let iterations = 0;
    do {
      iterate(data.settings, nodes, edges);
      iterations++;
    } while (performance.now() < end);
    scope.postMessage({ run: data.run, nodes: nodes.buffer, iterations }, [nodes.buffer]);
  });
}
