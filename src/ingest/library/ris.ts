// RIS (.ris) as Zotero, Mendeley, EndNote and publishers export it: `TY  - JOUR` … `ER  - `, one tag a line.
import { ParseError } from '../../domain/errors.js';
import { arxivIdIn, type LibraryEntry, libraryEntry } from './entry.js';

const TAG = /^([A-Z][A-Z0-9]) {2}-(?: (.*))?$/;
const TITLE_TAGS = ['TI', 'T1', 'CT', 'BT'];
const ARXIV_TAGS = ['UR', 'L1', 'L2', 'DO', 'N1', 'JO', 'JF', 'T2', 'M3', 'AN', 'ID', 'PB'];

/** Reads every record; text outside a record, a tag before `TY` or a record without `ER` is a ParseError naming the line. */
export function parseRis(source: string, file: string): LibraryEntry[] {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  const entries: LibraryEntry[] = [];
  let fields: Map<string, string[]> | undefined;
  let start = 0;
  let last: string | undefined;
  lines.forEach((raw, index) => {
    const n = index + 1;
    const line = raw.replace(/\s+$/, '');
    const tag = TAG.exec(line) ?? (/^ER {2}-$/.test(line) ? ['', 'ER', ''] : null);
    if (!tag) {
      if (line.trim() === '') return;
      // A value hard-wrapped over several lines (abstracts, long titles) continues the previous tag.
      if (fields && last) {
        const values = fields.get(last) as string[];
        values[values.length - 1] = `${values[values.length - 1]} ${line.trim()}`;
        return;
      }
      throw new ParseError(file, n, `not an RIS line (expected "TY  - " to start a record): "${line.slice(0, 40)}"`);
    }
    const [, name, value = ''] = tag as [string, string, string?];
    if (name === 'TY') {
      if (fields) throw new ParseError(file, start, 'this record has no "ER  - " line before the next "TY  - "');
      fields = new Map();
      start = n;
    } else if (!fields) {
      throw new ParseError(file, n, `"${name}  - " before any "TY  - ": each record starts with TY`);
    } else if (name === 'ER') {
      entries.push(entryOf(fields, start));
      fields = undefined;
      last = undefined;
      return;
    }
    fields.set(name, [...(fields.get(name) ?? []), value.trim()]);
    last = name;
  });
  if (fields) throw new ParseError(file, start, 'the last record has no "ER  - " line: the file is cut short?');
  return entries;
}

function entryOf(fields: Map<string, string[]>, line: number): LibraryEntry {
  const first = (tags: string[]) => tags.map((t) => fields.get(t)?.[0]).find(Boolean);
  const title = first(TITLE_TAGS);
  const doi = fields.get('DO')?.[0];
  const arxivId = ARXIV_TAGS.flatMap((t) => fields.get(t) ?? [])
    .map((v) => arxivIdIn(v))
    .find(Boolean);
  const key = fields.get('ID')?.[0];
  return libraryEntry({ line, key, title, arxivId, doi });
}
