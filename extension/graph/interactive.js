// The Export menu's "Interactive HTML": one file holding the current view
// (filters applied) as the core computed it, where each site sits on screen
// now, every shown site's details, and the viewer (extension/viewer/, sigma
// bundled in) inline. It opens offline in any browser; nothing is fetched.

const STYLE = `
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d0d7de;--panel:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9da7b3;--line:#3d444d;--panel:#161b22}}
*{box-sizing:border-box}html,body{height:100%;margin:0}
body{display:flex;flex-direction:column;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;padding:.5rem 1rem;border-bottom:1px solid var(--line)}
h1{font-size:1.1rem;margin:0}.muted{color:var(--muted)}
button{font:inherit;color:inherit;background:transparent;border:1px solid var(--line);border-radius:.3rem;padding:.2rem .6rem;cursor:pointer}
button[aria-pressed=true]{background:var(--panel);font-weight:600}
button:focus-visible{outline:3px solid #0969da;outline-offset:2px}
main{flex:1;position:relative;min-height:0}
#graph-view{position:absolute;inset:0}#canvas{position:absolute;inset:0;background:#fff}
.tools{position:absolute;left:.75rem;bottom:.75rem;display:flex;gap:.3rem}.tools button{background:var(--bg)}
#panel{position:absolute;top:.5rem;right:.5rem;bottom:.5rem;width:min(24rem,90vw);overflow:auto;background:var(--bg);border:1px solid var(--line);border-radius:.4rem;padding:.75rem 1rem}
#panel h2{font-size:1.05rem;margin:.2rem 2rem .3rem 0;overflow-wrap:anywhere}#panel h3{font-size:.9rem;margin:.8rem 0 .2rem}
#panel ul{margin:0;padding-left:1.1rem;overflow-wrap:anywhere}#panel .close{position:absolute;top:.5rem;right:.5rem}
#list-view{position:absolute;inset:0;overflow:auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
td.n{text-align:right}tr[aria-selected=true]{background:var(--panel)}.pick{border:0;padding:0;text-decoration:underline}
`;

const html = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The file's text. source: the page's data source; filters: the current ones; graph: the graphology graph on screen. */
export async function interactiveHtml(source, filters, graph) {
  const data = await source.interactiveData(filters);
  for (const n of data.view.nodes) {
    const a = graph.hasNode(n.id) ? graph.getNodeAttributes(n.id) : null;
    n.x = a ? a.x : 0;
    n.y = a ? a.y : 0;
    if (a && a.size) n.size = a.size;
  }
  data.scale = 1;
  const response = await fetch(new URL('../viewer/viewer.js', import.meta.url));
  if (!response.ok) throw new Error(`the viewer could not be read (${response.status})`);
  // Inline script: nothing in it may close the element early.
  const viewer = (await response.text()).replace(/<\/(script)/gi, '<\\/$1');
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const sites = data.view.nodes.length;
  const trackers = data.view.nodes.filter((n) => n.tracker).length;
  const visited = data.view.nodes.filter((n) => n.first_party).length;
  const made = new Date().toISOString().slice(0, 10);
  const title = `Telltale — who saw you (${made})`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${html(title)}</title><style>${STYLE}</style></head>
<body>
<header><h1>${html(title)}</h1>
<p class="muted">${sites} sites: ${visited} visited, ${trackers} trackers. Drag to pan, scroll to zoom, click a site for its details.</p>
<div role="group" aria-label="View"><button type="button" id="show-graph" aria-pressed="true">Graph</button> <button type="button" id="show-list" aria-pressed="false">List</button></div>
</header>
<main>
<section id="graph-view" aria-label="Graph">
<div id="canvas" role="img" aria-label="Tracker graph of ${sites} sites: ${visited} visited, ${trackers} trackers. The List view shows the same sites as a table."></div>
<div class="tools"><button type="button" id="zoom-in" aria-label="Zoom in">+</button><button type="button" id="zoom-out" aria-label="Zoom out">−</button><button type="button" id="fit">Fit</button></div>
<aside id="panel" aria-live="polite" hidden></aside>
</section>
<section id="list-view" aria-label="List" hidden>
<table><thead><tr><th scope="col">Site</th><th scope="col">Owner</th><th scope="col">Categories</th><th scope="col" class="n">Sites seen on</th><th scope="col" class="n">Requests</th></tr></thead><tbody id="rows"></tbody></table>
</section>
</main>
<script type="application/json" id="telltale-data">${json}</script>
<script>${viewer}</script>
</body></html>
`;
}
