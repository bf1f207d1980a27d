// What loading the default pack costs in the wasm build (node): the
// entities (`new Auditor()`, the embedded JSON) and each filter layer
// (EasyList's ad servers, EasyPrivacy) from its compiled form
// (`loadCompiled`), each in a fresh auditor, five times; the first run pays
// for code the engine has not run yet.
//   bash scripts/build-extension.sh && node bench/load-compiled.mjs
import { readFileSync } from 'node:fs';
import { initSync, Auditor } from '../target/wasm/telltale.js';

const root = new URL('..', import.meta.url);
initSync({ module: readFileSync(new URL('target/wasm/telltale_bg.wasm', root)) });
const layers = ['easylist', 'easyprivacy'].map((name) => {
  const bytes = new Uint8Array(readFileSync(new URL(`dist/chrome/rules/${name}.ttpack`, root)));
  console.log(`rules/${name}.ttpack: ${bytes.length} bytes`);
  return [name, bytes];
});
for (let i = 0; i < 5; i++) {
  const times = layers.map(([name, bytes]) => {
    const t = performance.now();
    Auditor.empty().loadCompiled(bytes);
    return `${name} ${(performance.now() - t).toFixed(1)} ms`;
  });
  const t = performance.now();
  void new Auditor();
  const entities = performance.now() - t;
  console.log(`run ${i + 1}: layers (loadCompiled) ${times.join(', ')}; entities (new Auditor) ${entities.toFixed(1)} ms`);
}
