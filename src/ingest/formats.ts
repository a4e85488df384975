import { InvalidInputError, ParseError } from '../domain/errors.js';
import type { PaperInput } from '../domain/paper.js';
import { looksLikeDailyPage, parseDailyPage } from './daily-page.js';
import { looksLikePaperboyJson, parsePaperboyJson } from './paperboy-json.js';

export const FORMATS = ['auto', 'daily-page', 'json'] as const;
export type Format = (typeof FORMATS)[number];

const parsers: Record<Exclude<Format, 'auto'>, (text: string, file: string) => PaperInput[]> = {
  'daily-page': parseDailyPage,
  json: parsePaperboyJson,
};

export function parseFormat(raw: string): Format {
  if ((FORMATS as readonly string[]).includes(raw)) return raw as Format;
  throw new InvalidInputError(`unknown format "${raw}": use one of ${FORMATS.join(', ')}`);
}

/** Picks the format from the content itself; the file name is only used in the error. */
export function detectFormat(text: string, file: string): Exclude<Format, 'auto'> {
  if (text.trim().length === 0) throw new ParseError(file, undefined, 'the file is empty');
  if (looksLikeDailyPage(text)) return 'daily-page';
  if (looksLikePaperboyJson(text)) return 'json';
  throw new ParseError(file, 1, `unknown format: not a Daily Papers page nor Paperboy JSON (pass --format to say which)`);
}

/** Parses a source's text in the given format (or the detected one). Pure: no I/O. */
export function parsePapers(text: string, file: string, format: Format = 'auto'): PaperInput[] {
  const chosen = format === 'auto' ? detectFormat(text, file) : format;
  return parsers[chosen](text, file);
}
