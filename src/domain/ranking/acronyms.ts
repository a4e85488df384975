import { analyse } from './analyse.js';

/**
 * Acronyms learned from the papers themselves: "Neural Architecture Search (NAS)" teaches that
 * nas ↔ neural architectur search. Definitions are found with the Schwartz & Hearst (2003)
 * algorithm: the short form in parentheses, its letters matched right to left in the words before.
 */
export interface Acronym {
  /** As written, e.g. "ViT". */
  short: string;
  /** As written, e.g. "Vision Transformer". */
  long: string;
  /** The long form's analysed stems. */
  stems: readonly string[];
}
/** Keyed by the short form's analysed token ("vit"). */
export type AcronymTable = ReadonlyMap<string, Acronym>;

const SHORT = /\(([A-Za-z][A-Za-z0-9-]{1,9})\)/g;

/** The long form ending just before `(short)`, or undefined when the letters do not line up. */
function longFormFor(short: string, before: string): string | undefined {
  const letters = short.replace(/s$/, '').replace(/[^A-Za-z0-9]/g, '');
  if (letters.length < 2 || !/[A-Z]/.test(short)) return undefined;
  const words = before.trimEnd().split(/\s+/);
  const window = words.slice(-Math.min(letters.length + 5, letters.length * 2)).join(' ');
  let s = letters.length - 1;
  let l = window.length - 1;
  while (s >= 0) {
    const c = (letters[s] as string).toLowerCase();
    // The first letter must start a word; the others may sit inside one ("ViT" in "Vision Transformer").
    while (
      l >= 0 &&
      (window[l]?.toLowerCase() !== c || (s === 0 && l > 0 && /[\p{L}\p{N}]/u.test(window[l - 1] as string)))
    )
      l--;
    if (l < 0) return undefined;
    l--;
    s--;
  }
  const start = window.lastIndexOf(' ', l) + 1;
  const long = window.slice(start).replace(/^[^\p{L}\p{N}]+/u, '');
  // A long form is words, more than the short form, and does not contain it.
  if (long.length <= letters.length || long.toLowerCase().includes(letters.toLowerCase())) return undefined;
  return long;
}

/** Every (acronym, long form) pair defined in the texts, each long form as analysed stems; the most used wins. */
export function learnAcronyms(texts: Iterable<string>): AcronymTable {
  const counts = new Map<string, Map<string, { n: number; short: string; long: string }>>();
  for (const text of texts) {
    for (const m of text.matchAll(SHORT)) {
      const short = m[1] as string;
      const long = longFormFor(short, text.slice(Math.max(0, (m.index ?? 0) - 200), m.index));
      if (!long) continue;
      const key = analyse(short).seq.join(' ');
      const stems = analyse(long).seq;
      if (!key || key.includes(' ') || stems.length < 2) continue;
      const forms = counts.get(key) ?? new Map<string, { n: number; short: string; long: string }>();
      const seen = forms.get(stems.join(' '));
      if (seen) seen.n++;
      else forms.set(stems.join(' '), { n: 1, short: short.replace(/s$/, ''), long });
      counts.set(key, forms);
    }
  }
  const table = new Map<string, Acronym>();
  for (const [key, forms] of counts) {
    const best = [...forms].sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))[0];
    if (best) table.set(key, { short: best[1].short, long: best[1].long, stems: best[0].split(' ') });
  }
  return table;
}

/** The reverse table: long form (stems joined by spaces) → the short form's token. */
export function longForms(table: AcronymTable): Map<string, string> {
  const reverse = new Map<string, string>();
  for (const [key, { stems }] of table) if (!reverse.has(stems.join(' '))) reverse.set(stems.join(' '), key);
  return reverse;
}
