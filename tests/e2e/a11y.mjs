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

/**
 * A keyboard walk (Chromium, playwright): Tab from the top of the page until
 * focus comes back round, noting each element reached and whether its focus
 * shows (an outline or a box shadow). Returns how many were reached, the
 * controls that Tab never reached and the ones reached with no visible focus.
 */
export async function keyboardWalk(page) {
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  const controls = await page.evaluate(() => [...document.querySelectorAll('button, a[href], input, select, summary, [tabindex]:not([tabindex="-1"])')]
    .filter((e) => !e.disabled && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
    .map((e, i) => { e.dataset.walk = String(i); return i; }));
  const reached = new Set();
  const unseen = [];
  for (let i = 0; i < controls.length + 5; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body || e.dataset.walk === undefined) return null;
      const s = getComputedStyle(e);
      const shows = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
      return { walk: e.dataset.walk, name: `${e.tagName.toLowerCase()} ${(e.textContent || e.getAttribute('aria-label') || e.id || '').trim().slice(0, 40)}`, shows };
    });
    if (!at) continue;
    if (reached.has(at.walk)) break;
    reached.add(at.walk);
    if (!at.shows) unseen.push(at.name);
  }
  const missed = await page.evaluate((r) => [...document.querySelectorAll('[data-walk]')].filter((e) => !r.includes(e.dataset.walk))
    .map((e) => `${e.tagName.toLowerCase()} ${(e.textContent || e.id || '').trim().slice(0, 40)}`), [...reached]);
  return { reached: reached.size, missed, unseen };
}
