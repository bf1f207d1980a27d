// Saving a file from the page: a Blob behind a temporary <a download>.

const TYPES = {
  json: 'application/json',
  gexf: 'application/gexf+xml',
  graphml: 'application/graphml+xml',
  dot: 'text/vnd.graphviz',
  csv: 'text/csv',
  svg: 'image/svg+xml',
  html: 'text/html',
  png: 'image/png',
};

const typeOf = (name) => TYPES[String(name).split('.').pop().toLowerCase()] || 'application/octet-stream';

/** Saves `data` (text or Blob) as `fileName`. */
export function download(fileName, data) {
  const blob = data instanceof Blob ? data : new Blob([data], { type: `${typeOf(fileName)};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = String(fileName).replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
