import { ParseError } from '../domain/errors.js';
import type { PaperInput } from '../domain/paper.js';
import type { ParsedSource } from './parsed.js';

/**
 * The Daily Papers page as text: five header lines (the last one the page's date), then a title
 * line and an abstract line per paper, blank lines between them. The page names no authors,
 * links or ids, so papers from it are keyed by their title.
 */
const DAILY_PAGE_MARKER = 'Get trending papers in your email inbox!';

const HEADER_LINES = 5;
// What tells the two lines apart, measured on a real page (103 papers): titles are 20 to 143
// characters, none ends with a full stop and none holds two sentences; abstracts are 1,343 to 1,913
// characters of five sentences or more, ending with a full stop (or a URL). Words shared by a
// title and its abstract do not tell (a day's papers share their field's words), so they are not used.
const MAX_TITLE = 300;
const SENTENCE_BREAK = /[.!?]["')\]]?\s+["'([]?\p{Lu}/u;
// "vs. Bert" or "et al. Show" do not end a sentence.
const ABBREVIATION = /\b(?:vs|e\.g|i\.e|et al|etc|cf|approx|Fig|Figs|Eq|Eqs|Sec|No|Dr|Mr|Ms|St)\./gi;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// The header's date line: "Mar 21" (the page says no year).
const DATE_LINE = /^([A-Z][a-z]{2})[a-z]*\.? (\d{1,2})$/;

/** The day (MM-DD) the page's header dates it with, if it has a date line. */
function pageDay(header: readonly { text: string }[]): string | undefined {
  for (const { text } of header) {
    const m = DATE_LINE.exec(text);
    const month = m ? MONTHS.indexOf(m[1]!.toLowerCase()) + 1 : 0;
    const day = Number(m?.[2]);
    if (month > 0 && day >= 1 && day <= 31) return `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }
  return undefined;
}

/**
 * The page's full date, when the file's name gives that day with its year (a saved page named
 * `daily-papers-2024-03-21.txt`): the name is only believed where it agrees with the page.
 */
function yearOfDay(file: string, day: string): string | undefined {
  for (const m of file.matchAll(/(\d{4})-(\d{2})-(\d{2})/g)) if (`${m[2]}-${m[3]}` === day) return `${m[1]}-${day}`;
  return undefined;
}

/** The latest date with this month and day (MM-DD) on or before `now` (UTC): a page read today dates its papers at most a year back. */
export function latestDayOn(day: string, now: Date): string {
  for (let year = now.getUTCFullYear(); ; year--) {
    const date = `${year}-${day}`;
    // 29 February exists only in leap years: Date.parse would roll it over to 1 March.
    if (new Date(`${date}T00:00:00Z`).toISOString().slice(5, 10) !== day) continue;
    if (date <= now.toISOString().slice(0, 10)) return date;
  }
}

interface Line {
  number: number;
  text: string;
}

type Kind = 'title' | 'abstract' | 'stray';

/** True when the text starts like a Daily Papers page. */
export function looksLikeDailyPage(text: string): boolean {
  return text.slice(0, 400).includes(DAILY_PAGE_MARKER);
}

function kindOf(text: string): Kind {
  if (!/\p{L}/u.test(text)) return 'stray';
  if (text.length > MAX_TITLE || /\.["')\]]?$/.test(text)) return 'abstract';
  return SENTENCE_BREAK.test(text.replace(ABBREVIATION, '')) ? 'abstract' : 'title';
}

const quote = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 59)}…` : text);

/** Lines left out of the papers, and why. */
interface Skipped {
  line: number;
  /** How many lines are left out (for the share of the page that pairs up). */
  lines: number;
  detail: string;
}

/**
 * Reads a page: each abstract is paired with the one title line right above it. Where that is not
 * certain (two title lines in a row before an abstract: one lost its abstract or is stray text;
 * an abstract with no title above), no paper is made and a warning names the lines. A page cut
 * after a title, or one where most lines do not pair up, is refused with a ParseError naming the line.
 */
export function parseDailyPage(text: string, file: string): ParsedSource & { warnings: string[] } {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.length > 0) lines.push({ number: i + 1, text: trimmed });
  });
  if (lines.length === 0) throw new ParseError(file, undefined, 'the file is empty');

  const header = lines.slice(0, HEADER_LINES);
  if (!header.some((l) => l.text === DAILY_PAGE_MARKER)) {
    throw new ParseError(
      file,
      lines[0]?.number,
      `not a Daily Papers page: its header has no line "${DAILY_PAGE_MARKER}"`,
    );
  }
  const body = lines.slice(HEADER_LINES);
  if (body.length === 0) throw new ParseError(file, undefined, 'the page has a header but no papers');

  const papers: PaperInput[] = [];
  const skipped: Skipped[] = [];
  let titles: Line[] = [];
  for (const line of body) {
    const kind = kindOf(line.text);
    if (kind === 'stray') {
      // No letters at all ("42", "·"): never a title, so it does not stand between a title and its abstract.
      skipped.push({ line: line.number, lines: 1, detail: `${quote(line.text)} is neither a title nor an abstract` });
    } else if (kind === 'title') {
      titles.push(line);
    } else if (titles.length === 1) {
      papers.push({ title: (titles[0] as Line).text, abstract: line.text, authors: [] });
      titles = [];
    } else if (titles.length === 0) {
      skipped.push({
        line: line.number,
        lines: 1,
        detail: `expected a paper title, found a ${line.text.length}-character paragraph`,
      });
    } else {
      const numbers = titles.map((t) => t.number);
      skipped.push({
        line: numbers[0] as number,
        lines: titles.length + 1,
        detail: `${titles.length} title lines in a row (lines ${numbers.join(', ')}) before the abstract at line ${line.number}: an abstract is missing or a line is stray, so the abstract's title is not certain`,
      });
      titles = [];
    }
  }
  const last = titles.at(-1);
  if (last) {
    throw new ParseError(file, last.number, `the paper ${quote(last.text)} has no abstract: the page looks truncated`, {
      field: 'abstract',
    });
  }
  const first = skipped[0];
  if (first && papers.length === 0) throw new ParseError(file, first.line, first.detail, { field: 'title' });
  const unpaired = skipped.reduce((n, s) => n + s.lines, 0);
  // Mostly unpaired lines: not a page with a few flaws but something else, and none of it is trusted.
  if (first && unpaired > papers.length * 2) {
    throw new ParseError(
      file,
      first.line,
      `titles and abstracts do not alternate: ${unpaired} of ${body.length} lines do not pair up, the first here (${first.detail})`,
    );
  }
  const skippedLines = (s: Skipped) =>
    s.lines === 1 ? 'line skipped' : `${s.lines} lines skipped, no paper stored from them`;
  const warnings = skipped.map((s) => `${file}:${s.line}: ${s.detail}; ${skippedLines(s)}`);
  // The page's date is the day Daily Papers featured its papers (not when arXiv published them).
  const day = pageDay(header);
  const dated = day && yearOfDay(file, day);
  if (dated) return { papers: papers.map((p) => ({ ...p, featuredOn: dated })), warnings };
  return day ? { papers, warnings, undatedDay: day } : { papers, warnings };
}
