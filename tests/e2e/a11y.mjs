// axe-core (npm), read from disk and evaluated in a page, and what the
// accessibility tests count: violations of impact "serious" or "critical",
// one line each, naming the first elements.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function seriousViolations(results) {
  // axe ran its rules on a page with content: some of them passed.
  if (!results || !results.passes || results.passes.length < 10) throw new Error(`axe-core did not run: ${JSON.stringify(results).slice(0, 200)}`);
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}`);
}
