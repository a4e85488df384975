import { InvalidInputError, ParseError } from '../domain/errors.js';
import type { PaperInput } from '../domain/paper.js';
import type { SourceFormat } from '../domain/source.js';
import { isRateExceeded, looksLikeArxivAtom, parseArxivAtom } from './arxiv-atom.js';
import { looksLikeArxivRss, parseArxivRss } from './arxiv-rss.js';
import { looksLikeDailyPage, parseDailyPage } from './daily-page.js';
import { parseFeed } from './feed.js';
import { looksLikeHfDaily, parseHfDaily } from './hf-daily.js';
import type { ParsedSource } from './parsed.js';
import { looksLikePaperboyJson, parsePaperboyJson } from './paperboy-json.js';

export const FORMATS = ['auto', 'daily-page', 'json', 'hf-daily', 'arxiv-atom', 'arxiv-rss', 'rss', 'atom'] as const;
export type Format = (typeof FORMATS)[number];

const parsers: Record<SourceFormat, (text: string, file: string) => ParsedSource> = {
  'daily-page': parseDailyPage,
  json: (text, file) => ({ papers: parsePaperboyJson(text, file) }),
  'hf-daily': parseHfDaily,
  'arxiv-atom': parseArxivAtom,
  'arxiv-rss': parseArxivRss,
  rss: (text, file) => parseFeed(text, file, 'rss'),
  atom: (text, file) => parseFeed(text, file, 'atom'),
};

export function parseFormat(raw: string): Format {
  if ((FORMATS as readonly string[]).includes(raw)) return raw as Format;
  throw new InvalidInputError(`unknown format "${raw}": use one of ${FORMATS.join(', ')}`);
}

/** Picks the format from the content itself; the file name is only used in the error. */
export function detectFormat(text: string, file: string): SourceFormat {
  if (text.trim().length === 0) throw new ParseError(file, undefined, 'the file is empty');
  // Enough of the head to see the root element and its namespaces, past an XML prolog or comment.
  const head = text.slice(0, 2000);
  if (looksLikeDailyPage(text)) return 'daily-page';
  if (isRateExceeded(head)) return 'arxiv-atom';
  if (looksLikeHfDaily(head)) return 'hf-daily';
  if (looksLikePaperboyJson(text)) return 'json';
  if (/^\s*(<\?xml|<!--|<rss|<feed)/.test(head)) {
    if (looksLikeArxivRss(head)) return 'arxiv-rss';
    if (looksLikeArxivAtom(head)) return 'arxiv-atom';
    if (head.includes('<rss')) return 'rss';
    if (head.includes('<feed')) return 'atom';
  }
  throw new ParseError(
    file,
    1,
    'unknown format: not a Daily Papers page, Paperboy or Hugging Face JSON, nor an RSS/Atom feed (pass --format to say which)',
  );
}

/** Parses a source's text in the given format (or the detected one). Pure: no I/O. */
export function parseSource(
  text: string,
  file: string,
  format: Format = 'auto',
): ParsedSource & { format: SourceFormat } {
  const chosen = format === 'auto' ? detectFormat(text, file) : format;
  return { ...parsers[chosen](text, file), format: chosen };
}

/** The papers of a source's text, in the given format (or the detected one). */
export function parsePapers(text: string, file: string, format: Format = 'auto'): PaperInput[] {
  return parseSource(text, file, format).papers;
}
