// What loading the default pack costs in the wasm build (node): the
// entities (`new Auditor()`, the embedded JSON) and the EasyPrivacy layer
// from its compiled form (`loadCompiled`), each in a fresh auditor, five
// times; the first run pays for code the engine has not run yet.
//   bash scripts/build-extension.sh && node bench/load-compiled.mjs
import { readFileSync } from 'node:fs';
import { initSync, Auditor } from '../target/wasm/telltale.js';

const root = new URL('..', import.meta.url);
initSync({ module: readFileSync(new URL('target/wasm/telltale_bg.wasm', root)) });
const bytes = new Uint8Array(readFileSync(new URL('dist/chrome/rules/easyprivacy.ttpack', root)));
console.log(`rules/easyprivacy.ttpack: ${bytes.length} bytes`);
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  Auditor.empty().loadCompiled(bytes);
  const layer = performance.now() - t;
  t = performance.now();
  void new Auditor();
  const entities = performance.now() - t;
  console.log(`run ${i + 1}: EasyPrivacy layer (loadCompiled) ${layer.toFixed(1)} ms; entities (new Auditor) ${entities.toFixed(1)} ms`);
}
