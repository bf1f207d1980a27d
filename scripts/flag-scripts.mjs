// Writes the page-world scripts for the js-flag opt-outs of the built-in rule
// pack (one file per mechanism, `injected/flags/<id>.js`, plus `index.json`
// listing them). The core makes each script from the pack's data; this only
// writes the files. Usage: node scripts/flag-scripts.mjs WASM_DIR OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [wasmDir, outDir] = process.argv.slice(2);
const core = await import(pathToFileURL(path.resolve(wasmDir, 'telltale.js')).href);
await core.default({ module_or_path: fs.readFileSync(path.resolve(wasmDir, 'telltale_bg.wasm')) });
const scripts = JSON.parse(core.flagScripts());
fs.mkdirSync(outDir, { recursive: true });
for (const [id, text] of scripts) fs.writeFileSync(path.join(outDir, `${id}.js`), text);
fs.writeFileSync(path.join(outDir, 'index.json'), `${JSON.stringify(scripts.map(([id]) => id))}\n`);
console.log(`flag-scripts: ${scripts.length} opt-out flag script(s) in ${outDir}`);
