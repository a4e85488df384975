// WCAG 2 contrast of the text a page shows, measured by the browser that renders it: each element
// with text of its own, its computed colour against the background it is painted on (the first
// ancestor with an opaque background, else the canvas of the page's colour scheme).
import type { Page } from 'playwright-core';

export interface ContrastFailure {
  text: string;
  color: string;
  background: string;
  ratio: number;
  /** 3 for large text (24 px, or 18.66 px bold), else 4.5: WCAG AA. */
  needed: number;
}

// Sent to the browser as text: a function passed as code would carry the helpers the TypeScript
// loader adds to named functions (`__name`), which the page does not have.
const MEASURE = `(() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lin = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4); };
  const luminance = (c) => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  // The canvas: dark only where the page says it has a dark scheme (color-scheme: light dark).
  const canvas = dark && getComputedStyle(document.documentElement).colorScheme.includes('dark') ? [18, 18, 18] : [255, 255, 255];
  const backgroundOf = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if ((c[3] === undefined ? 1 : c[3]) > 0.5) return c.slice(0, 3);
    }
    return canvas;
  };
  const failures = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || seen.has(el) || !node.textContent.trim()) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    // Hidden text (the preheader) is not read; a select's options are drawn by the system.
    if (style.visibility === 'hidden' || style.display === 'none' || Number(style.opacity) === 0 || box.width === 0 || box.height === 0) continue;
    if (el.closest('select, option, [aria-hidden="true"]')) continue;
    const fg = parse(style.color);
    const bg = backgroundOf(el);
    const l = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (l[0] + 0.05) / (l[1] + 0.05);
    const size = parseFloat(style.fontSize);
    const needed = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700) ? 3 : 4.5;
    if (ratio < needed) failures.push({ text: node.textContent.trim().slice(0, 60), color: style.color, background: 'rgb(' + bg.join(', ') + ')', ratio: Math.round(ratio * 100) / 100, needed });
  }
  return failures;
})()`;

/** Every piece of visible text on the page below WCAG AA contrast. */
export async function contrastFailures(page: Page): Promise<ContrastFailure[]> {
  return (await page.evaluate(MEASURE)) as ContrastFailure[];
}
