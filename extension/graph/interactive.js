// The Export menu's "Interactive HTML": the core writes the file (the current
// view, filters applied, with every shown site's details) around the viewer
// (extension/viewer/, sigma bundled in), with each site where it sits on
// screen now. The file opens offline in any browser; nothing is fetched.

/** The file's text. source: the page's data source; filters: the current ones; graph: the graphology graph on screen. */
export async function interactiveHtml(source, filters, graph) {
  const positions = {};
  graph.forEachNode((id, a) => {
    if (Number.isFinite(a.x) && Number.isFinite(a.y)) positions[id] = [a.x, a.y, Number.isFinite(a.size) ? a.size : null];
  });
  const response = await fetch(new URL('../viewer/viewer.js', import.meta.url));
  if (!response.ok) throw new Error(`the viewer could not be read (${response.status})`);
  return source.interactiveHtml(filters, positions, await response.text());
}
