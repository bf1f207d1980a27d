// Entry of graph.js. The same file is also the layout's web worker (the
// extension CSP allows workers only from the extension's own files), so this
// only picks the role; each role is loaded lazily.
if (typeof document === 'undefined') {
  import('./layout-worker.js').then(({ serve }) => serve(self));
} else {
  import('./app.js').then(({ start }) => start());
}
