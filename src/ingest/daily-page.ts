import { ParseError } from '../domain/errors.js';
import type { PaperInput } from '../domain/paper.js';

/**
 * The Daily Papers page as text: five header lines (the last one the page's date), then a title
 * line and an abstract line per paper, blank lines between them. The page names no authors,
 * links or ids, so papers from it are keyed by their title.
 */
export const DAILY_PAGE_MARKER = 'Get trending papers in your email inbox!';

const HEADER_LINES = 5;
// The longest real title seen is ~150 characters; a much longer "title" is an abstract out of place.
const MAX_TITLE = 300;
const MIN_ABSTRACT = 20;

interface Line {
  number: number;
  text: string;
}

/** True when the text starts like a Daily Papers page. */
export function looksLikeDailyPage(text: string): boolean {
  return text.slice(0, 400).includes(DAILY_PAGE_MARKER);
}

/** Parses a whole page; throws ParseError naming the file and line of the first problem. */
export function parseDailyPage(text: string, file: string): PaperInput[] {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.length > 0) lines.push({ number: i + 1, text: trimmed });
  });
  if (lines.length === 0) throw new ParseError(file, undefined, 'the file is empty');

  const header = lines.slice(0, HEADER_LINES);
  if (!header.some((l) => l.text === DAILY_PAGE_MARKER)) {
    throw new ParseError(file, lines[0]?.number, `not a Daily Papers page: its header has no line "${DAILY_PAGE_MARKER}"`);
  }
  const body = lines.slice(HEADER_LINES);
  if (body.length === 0) throw new ParseError(file, undefined, 'the page has a header but no papers');

  const papers: PaperInput[] = [];
  for (let i = 0; i < body.length; i += 2) {
    const title = body[i] as Line;
    const abstract = body[i + 1];
    if (title.text.length > MAX_TITLE) {
      throw new ParseError(
        file,
        title.number,
        `expected a paper title, found a ${title.text.length}-character paragraph: a title or an abstract is missing above`,
        { field: 'title' },
      );
    }
    if (!abstract) {
      throw new ParseError(file, title.number, `the paper "${title.text}" has no abstract: the page looks truncated`, {
        field: 'abstract',
      });
    }
    if (abstract.text.length < MIN_ABSTRACT) {
      throw new ParseError(
        file,
        abstract.number,
        `expected the abstract of "${title.text}", found a ${abstract.text.length}-character line`,
        { field: 'abstract' },
      );
    }
    papers.push({ title: title.text, abstract: abstract.text, authors: [] });
  }
  return papers;
}
