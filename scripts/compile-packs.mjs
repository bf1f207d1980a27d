// Compiles the built-in rule layers into the core's binary form, so the
// service worker loads them without parsing: rules/easylist.json and
// rules/easyprivacy.json → OUT_DIR/*.ttpack. The core compiles; this only
// writes the files.
// Usage: node scripts/compile-packs.mjs WASM_DIR OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [wasmDir, outDir] = process.argv.slice(2);
const core = await import(pathToFileURL(path.resolve(wasmDir, 'telltale.js')).href);
await core.default({ module_or_path: fs.readFileSync(path.resolve(wasmDir, 'telltale_bg.wasm')) });
fs.mkdirSync(outDir, { recursive: true });
for (const name of ['easylist', 'easyprivacy']) {
  const file = `rules/${name}.json`;
  const bytes = core.compilePack(file, fs.readFileSync(file, 'utf8'));
  // Read back as the worker will, so a broken build fails here.
  const summary = JSON.parse(core.Auditor.empty().loadCompiled(bytes));
  fs.writeFileSync(path.join(outDir, `${name}.ttpack`), bytes);
  console.log(`compile-packs: ${file} → ${name}.ttpack (${bytes.length} bytes; ${summary.filter_lists.map(([n, c]) => `${n} ${c} filters`).join(', ')})`);
}
