// Which library format an upload is, by its name or else its first lines, and its entries.
import { ParseError } from '../../domain/errors.js';
import { parseBibtex } from './bibtex.js';
import type { LibraryEntry } from './entry.js';
import { parseRis } from './ris.js';
import { parseZoteroCsv } from './zotero-csv.js';

export type LibraryFormat = 'bibtex' | 'ris' | 'zotero-csv';

function formatOf(file: string, text: string): LibraryFormat | undefined {
  const name = file.toLowerCase();
  if (name.endsWith('.bib') || name.endsWith('.bibtex')) return 'bibtex';
  if (name.endsWith('.ris')) return 'ris';
  if (name.endsWith('.csv')) return 'zotero-csv';
  const head = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 500);
  if (/^(?:%.*\n\s*)*@\s*[A-Za-z]+\s*[{(]/.test(head)) return 'bibtex';
  if (/^TY {2}-/.test(head)) return 'ris';
  if (/^"?Key"?,/.test(head)) return 'zotero-csv';
  return undefined;
}

/** The entries of a BibTeX, RIS or Zotero CSV export; anything else is a ParseError saying what is accepted. */
export function parseLibrary(file: string, text: string): LibraryEntry[] {
  const format = formatOf(file, text);
  if (format === 'bibtex') return parseBibtex(text, file);
  if (format === 'ris') return parseRis(text, file);
  if (format === 'zotero-csv') return parseZoteroCsv(text, file);
  throw new ParseError(
    file,
    1,
    'not a library export Paperboy reads: upload a BibTeX (.bib), RIS (.ris) or Zotero CSV (.csv) file',
  );
}
