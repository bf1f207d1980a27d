// Where the page's data comes from. Both sources answer the same
// questions, computed by the Telltale core:
// - your data: the background service worker, by message;
// - an imported export: a core loaded in this page (see core.js), which
//   never touches the background or its storage.

const runtime = (globalThis.browser ?? globalThis.chrome).runtime;

async function ask(type, args) {
  const answer = await runtime.sendMessage({ type, ...args });
  if (!answer) throw new Error('Telltale’s background did not answer. Reload the page.');
  if (!answer.ok) throw new Error(answer.error);
  return answer.value;
}

export const liveSource = {
  file: null,
  graphView: (filters) => ask('graphView', { filters }),
  nodeDetails: (site) => ask('nodeDetails', { site }),
  interactiveHtml: (filters, positions, viewer) => ask('interactiveHtml', { filters, positions, viewer }),
  export: (format) => ask('export', { format }),
  // The graph page is no tab of yours: its actions carry no Undo of a page.
  act: (intent) => ask('act', { intent, tab: -1 }),
  close() {},
};

/** A source over an in-page core holding an imported graph. */
export function fileSource(file, auditor) {
  return {
    file,
    graphView: async (filters) => JSON.parse(auditor.graphView(JSON.stringify(filters))),
    nodeDetails: async (site) => JSON.parse(auditor.nodeDetails(String(site))),
    interactiveHtml: async (filters, positions, viewer) => auditor.interactiveHtml(JSON.stringify(filters), JSON.stringify(positions), viewer, Date.now()),
    export: async (format) => Array.from(auditor.export(String(format)), (pair) => [pair[0], pair[1]]),
    close: () => auditor.free(),
  };
}
