// The Telltale core (wasm) loaded in this page, for category names and for
// viewing an imported export without touching your own data. The glue is the
// extension's own copy in ../wasm/, imported at run time (not bundled).

let loading = null;

function load() {
  if (!loading) {
    loading = (async () => {
      // Left out of the bundle (esbuild --external): the extension's own copy is loaded.
      const core = await import('../wasm/telltale.js');
      await core.default({ module_or_path: new URL('../wasm/telltale_bg.wasm', import.meta.url) });
      return core;
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

/** [{id, name, description, color, tracking}] for every category. */
export async function categoryInfo() {
  return JSON.parse((await load()).categoryInfo());
}

/** An auditor holding only the graph in `text`; throws the core's located error. */
export async function openExport(fileName, text) {
  const core = await load();
  const auditor = core.Auditor.empty();
  try {
    auditor.importGraph(String(fileName), String(text));
  } catch (e) {
    auditor.free();
    throw e;
  }
  return auditor;
}
