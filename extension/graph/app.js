// The graph page: wires the controls to a data source and hands the core's
// answers to the renderers (graph, list, panel, legend). It decides nothing
// about the data itself.
import { byId } from './dom.js';
import { liveSource, fileSource } from './api.js';
import { categoryInfo, openExport } from './core.js';
import { count, setCategoryInfo } from './format.js';
import { Filters } from './filters.js';
import { GraphView } from './view.js';
import { List } from './list.js';
import { Panel } from './panel.js';
import { renderLegend } from './legend.js';
import { setUpExport } from './export.js';

// Used only if the core cannot be loaded in the page: ids stand in for names.
const CATEGORY_IDS = ['session-replay', 'retargeting', 'advertising', 'analytics', 'social', 'fingerprinting',
  'cross-site-cookies', 'tracking', 'tag-manager', 'consent', 'content', 'cdn', 'other'];

const NOTHING = { nodes: [], edges: [], legend: [] };

const message = (e) => String((e && e.message) || e);

// The picture is drawn with WebGL, which privacy-hardened browsers often turn off.
function webglAvailable() {
  const canvas = document.createElement('canvas');
  return !!(canvas.getContext('webgl2') || canvas.getContext('webgl'));
}

class App {
  constructor() {
    this.source = liveSource;
    this.sites = [];        // your sites (first parties), from the unfiltered view
    this.total = 0;         // nodes in the unfiltered view
    this.view = NOTHING;
    this.shown = null;      // signature of what the graph shows
    this.seq = 0;
    this.selected = null;

    this.filters = new Filters(() => this.load());
    this.graph = new GraphView(byId('canvas'), {
      onSelect: (site) => this.pick(site),
      onLayout: (running, error) => this.layoutChanged(running, error),
    });
    // Picked by keyboard, the site's details take focus; closing them gives it back to the row.
    this.list = new List({ onPick: (site, how) => this.pick(site, { focus: true, moveFocus: !!how?.keyboard }) });
    this.panel = new Panel({
      onPick: (site) => this.pick(site, { focus: true }),
      onClose: () => this.pick(null),
      onAct: (site, intent) => this.act(site, intent),
    });

    byId('show-graph').addEventListener('click', () => this.setMode('graph'));
    byId('show-list').addEventListener('click', () => this.setMode('list'));
    byId('relayout').addEventListener('click', () => (this.graph.layout.running ? this.graph.stopLayout() : this.graph.relayout()));
    byId('fit').addEventListener('click', () => this.graph.resetCamera());
    byId('import').addEventListener('change', (e) => this.importFile(e.target));
    byId('back').addEventListener('click', () => this.useSource(liveSource));
    byId('error-close').addEventListener('click', () => { byId('error').hidden = true; });
    setUpExport(byId('export-menu'), {
      getSource: () => this.source,
      getSigma: () => this.graph.sigma,
      getFilters: () => this.filters.current(),
      onError: (e) => this.showError(`Export failed: ${message(e)}`),
    });
    // Menus close when you click elsewhere.
    document.addEventListener('click', (e) => {
      for (const menu of document.querySelectorAll('details.menu[open]')) if (!menu.contains(e.target)) menu.open = false;
    });
    // Escape closes an open menu and gives focus back to its button.
    document.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      for (const menu of document.querySelectorAll('details.menu[open]')) {
        menu.open = false;
        menu.querySelector('summary').focus();
      }
    });
    // Coming back to the tab shows what was seen meanwhile.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.source === liveSource) this.load({ sites: true });
    });
  }

  async init() {
    try {
      const info = await categoryInfo();
      setCategoryInfo(info);
      this.filters.setCategories(info);
    } catch (e) {
      this.filters.setCategories(CATEGORY_IDS.map((id) => ({ id, color: '#c7c7c7' })));
      this.showError(`Category names could not be loaded (${message(e)}).`);
    }
    await this.load({ sites: true });
  }

  /** Asks the source for the filtered view and shows it; `sites` also refreshes the site list. */
  async load({ sites = false } = {}) {
    const seq = ++this.seq;
    const filters = this.filters.current();
    const source = this.source;
    try {
      const unfiltered = this.filters.isEmpty(filters);
      const view = this.filters.showsNothing() ? NOTHING : await source.graphView(filters);
      const all = unfiltered ? view : sites ? await source.graphView({}) : null;
      if (seq !== this.seq) return;
      if (all) {
        this.total = all.nodes.length;
        this.sites = all.nodes.filter((n) => n.first_party).map((n) => n.id);
        this.filters.setSites(this.sites);
      }
      this.render(view);
    } catch (e) {
      if (seq !== this.seq) return;
      this.showError(`Could not read the graph: ${message(e)}`);
      this.render(NOTHING);
    }
  }

  render(view) {
    this.view = view;
    const colorOf = (state) => (view.edges.find((e) => e.state === state) || {}).color || null;
    renderLegend(byId('legend'), view.legend, { anyFirstParty: view.nodes.some((n) => n.first_party), blockedColor: colorOf('blocked'), partlyColor: colorOf('partly-blocked'), syncColor: colorOf('syncs') });
    this.list.show(view.nodes);
    this.renderEmpty(view);

    // Unchanged data keeps the picture as it is (no new layout).
    const signature = JSON.stringify([view.nodes.map((n) => [n.id, n.size, n.color, n.first_party]), view.edges.map((e) => [e.source, e.target, e.size, e.color])]);
    if (signature !== this.shown) {
      try {
        this.graph.show(view);
        this.shown = signature;
      } catch (e) {
        this.shown = null;
        this.showError(webglAvailable()
          ? `The graph cannot be drawn here (${message(e)}). The List view still works.`
          : 'The graph is drawn with WebGL, which is turned off in this browser. The List view shows the same sites, companies and counts.');
        this.setMode('list');
      }
    }
    if (this.selected !== null && !view.nodes.some((n) => n.id === this.selected)) this.graph.select(null);
    this.describe(view);
    this.layoutChanged(this.graph.layout.running);
    const body = document.body.dataset;
    body.nodes = String(this.graph.graph.order);
    body.edges = String(this.graph.graph.size);
    body.ready = '1';
  }

  renderEmpty(view) {
    const empty = byId('empty');
    empty.hidden = view.nodes.length > 0;
    if (!empty.hidden) {
      const [title, text] = this.total > 0
        ? ['No sites match these filters.', 'Widen the time window, pick more categories or choose all your sites.']
        : this.source.file
          ? ['This file holds no sites.', 'Import another Telltale JSON export, or go back to your data.']
          : ['Nothing seen yet.', 'Browse a few sites, then come back.'];
      byId('empty-title').textContent = title;
      byId('empty-text').textContent = text;
    }
  }

  /** The drawing's text alternative: what it shows, and where the same is in words. */
  describe(view) {
    const visited = view.nodes.filter((n) => n.first_party).length;
    const trackers = view.nodes.filter((n) => n.tracker).length;
    byId('canvas').setAttribute('aria-label', `Tracker graph of ${count(view.nodes.length)} sites: ${count(visited)} you visited, `
      + `${count(trackers)} ${trackers === 1 ? 'tracker' : 'trackers'}, ${count(view.edges.length)} connections. The List view shows the same sites as a table.`);
  }

  updateStatus() {
    const g = this.graph.graph;
    const parts = g.order ? [`${count(g.order)} sites`, `${count(g.size)} connections`] : [];
    if (this.graph.layout.running) parts.push('arranging…');
    byId('status').textContent = parts.join(' · ');
  }

  layoutChanged(running, error) {
    document.body.dataset.layout = running ? 'running' : 'done';
    const button = byId('relayout');
    button.textContent = running ? 'Stop layout' : 'Re-run layout';
    button.disabled = this.graph.graph.order < 2;
    byId('fit').disabled = this.graph.graph.order === 0;
    this.updateStatus();
    if (error) this.showError(message(error));
  }

  /** Block / Unblock from the details panel, then shows the new state. */
  async act(site, intent) {
    if (!this.source.act) return;
    try {
      await this.source.act(intent);
    } catch (e) {
      this.showError(`Could not change ${site}: ${message(e)}`);
    }
    await this.load();
    if (this.selected === site) await this.pick(site);
  }

  /** Selects a site (null clears): highlights it and opens its details. */
  async pick(site, { focus = false, moveFocus = false } = {}) {
    this.selected = site;
    this.graph.select(site, { focus });
    this.list.select(site);
    document.body.dataset.selected = site ?? '';
    if (site === null) {
      this.panel.close();
      return;
    }
    this.panel.loading(site);
    try {
      const details = await this.source.nodeDetails(site);
      if (this.selected === site) {
        this.panel.show(site, details, { yourSites: this.sites.length, canAct: !!this.source.act });
        if (moveFocus) this.panel.focus();
      }
    } catch (e) {
      if (this.selected === site) this.panel.close();
      this.showError(`Could not read ${site}: ${message(e)}`);
    }
  }

  setMode(mode) {
    const list = mode === 'list';
    byId('list-view').hidden = !list;
    byId('show-graph').setAttribute('aria-pressed', String(!list));
    byId('show-list').setAttribute('aria-pressed', String(list));
    document.body.dataset.mode = mode;
    if (list) byId('search').focus();
  }

  async importFile(input) {
    const file = input.files && input.files[0];
    input.value = '';
    if (!file) return;
    try {
      const auditor = await openExport(file.name, await file.text());
      this.useSource(fileSource(file.name, auditor));
    } catch (e) {
      this.showError(`Could not import ${file.name}: ${message(e)}`);
    }
  }

  useSource(source) {
    if (source === this.source) return;
    this.source.close();
    this.source = source;
    const banner = byId('banner');
    banner.hidden = !source.file;
    byId('banner-text').textContent = source.file ? `Viewing ${source.file} (your own data is unchanged)` : '';
    document.body.classList.toggle('imported', !!source.file);
    byId('error').hidden = true;
    this.pick(null);
    this.load({ sites: true });
  }

  showError(text) {
    byId('error-text').textContent = text;
    byId('error').hidden = false;
  }
}

export async function start() {
  const app = new App();
  await app.init();
}
