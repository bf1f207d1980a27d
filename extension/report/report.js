// The site report page: the core writes the report (one self-contained HTML
// document, every datum escaped by the core, no script in it); this page
// shows that document, saves it as a file, and prints it.
import { ask } from '../shared/api.js';

const site = new URLSearchParams(location.search).get('site') || '';
const status = document.getElementById('status');
const holder = document.getElementById('report');

function fileName(s) {
  return `telltale-report-${s.replace(/[^a-z0-9.-]+/gi, '_').slice(0, 100)}.html`;
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/html' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function main() {
  const html = await ask('siteReport', { site, userAgent: navigator.userAgent });
  if (!html) {
    holder.replaceChildren(Object.assign(document.createElement('p'), { textContent: `Telltale has seen nothing of ${site || 'this site'}.` }));
    holder.removeAttribute('aria-busy');
    return;
  }
  // The page's extension CSP runs no inline script, and the core's document has none.
  const doc = new DOMParser().parseFromString(html, 'text/html');
  document.title = doc.title;
  for (const style of doc.head.querySelectorAll('style')) document.head.append(document.adoptNode(style));
  holder.replaceChildren(...[...doc.body.childNodes].map((n) => document.adoptNode(n)));
  holder.removeAttribute('aria-busy');
  const exportButton = document.getElementById('export-html');
  exportButton.disabled = false;
  exportButton.addEventListener('click', () => {
    download(fileName(site), html);
    status.textContent = `Saved ${fileName(site)}.`;
  });
  const printButton = document.getElementById('print');
  printButton.disabled = false;
  printButton.addEventListener('click', () => window.print());
  document.body.dataset.ready = '1';
}

main().catch((e) => {
  holder.replaceChildren(Object.assign(document.createElement('p'), { textContent: `Telltale could not make the report: ${e.message || e}` }));
  holder.removeAttribute('aria-busy');
});
