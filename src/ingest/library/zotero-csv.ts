// Zotero's CSV export ("Export Library…" → CSV): a header row with "Key", "Title", "DOI", "Url", "Extra", … in quotes.
import { parse } from 'csv-parse/sync';
import { ParseError } from '../../domain/errors.js';
import { arxivIdIn, type LibraryEntry, libraryEntry } from './entry.js';

// Where Zotero keeps an arXiv id: the link, arXiv's DOI, "arXiv: 2401.01234" in Extra, the publication ("arXiv preprint arXiv:…").
const ARXIV_COLUMNS = [
  'Url',
  'DOI',
  'Extra',
  'Publication Title',
  'Archive Location',
  'Notes',
  'Report Number',
  'Series',
];

/** Reads every row; a file without a Title column, or a broken quote, is a ParseError naming the line. */
export function parseZoteroCsv(source: string, file: string): LibraryEntry[] {
  let rows: { record: Record<string, string>; line: number }[];
  try {
    rows = (
      parse(source.replace(/^\uFEFF/, ''), {
        columns: true,
        info: true,
        relax_column_count: true,
        skip_empty_lines: true,
      }) as { record: Record<string, string>; info: { lines: number } }[]
    ).map((r) => ({ record: r.record, line: r.info.lines }));
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new ParseError(file, e.lines, `not a readable CSV file: ${e.message.replace(/^Invalid [^:]*: /, '')}`, {
      cause: err,
    });
  }
  const header = rows[0] ? Object.keys(rows[0].record) : [];
  if (rows.length > 0 && !header.includes('Title')) {
    throw new ParseError(
      file,
      1,
      `not a Zotero CSV export: no "Title" column (the columns are ${header.slice(0, 6).join(', ')})`,
    );
  }
  return rows.map(({ record, line }) => {
    const title = record.Title?.trim();
    const doi = record.DOI?.trim();
    const key = record.Key?.trim();
    const arxivId = ARXIV_COLUMNS.map((c) => arxivIdIn(record[c])).find(Boolean);
    return libraryEntry({ line, key, title, arxivId, doi });
  });
}
