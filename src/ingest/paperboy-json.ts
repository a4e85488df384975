import { parse as parseJsonc, printParseErrorCode, type ParseError as ParseError_ } from 'jsonc-parser';
import { z } from 'zod';
import { ParseError } from '../domain/errors.js';
import type { PaperInput } from '../domain/paper.js';
import { elementLines, lineOfOffset } from './json-lines.js';

/**
 * Paperboy's own JSON: `{"papers": [...]}` or a bare array of papers. Authors may be strings or
 * `{"name": …}` objects. Every paper is checked before any is returned.
 */
const author = z.union([z.string(), z.object({ name: z.string() }).transform((a) => a.name)]);
const paperSchema = z.object({
  title: z.string().trim().min(1, 'must not be empty'),
  abstract: z.string().default(''),
  authors: z.array(author).default([]),
  arxivId: z.string().optional(),
  url: z.string().optional(),
  publishedAt: z.iso.datetime({ offset: true }).optional(),
});

/** True when the text is JSON shaped like Paperboy's format (an object with `papers`, or an array of objects with a title). */
export function looksLikePaperboyJson(text: string): boolean {
  const head = text.trimStart().slice(0, 200);
  return /^\{\s*"(papers|format)"/.test(head) || /^\[\s*(\]|\{\s*"(title|arxivId)")/.test(head);
}

/** JSON.parse on Node 20 often gives no position; jsonc-parser, in strict mode, says where the error is. */
function syntaxError(text: string, file: string, cause: unknown): ParseError {
  const errors: ParseError_[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  const line = first ? lineOfOffset(text, first.offset) : undefined;
  const what = first ? printParseErrorCode(first.error) : (cause as Error).message;
  return new ParseError(file, line, `invalid JSON (${what})`, { cause });
}

/** Parses a JSON document; an empty file or a syntax error is a ParseError naming file and line. */
export function readJsonDocument(text: string, file: string): unknown {
  if (text.trim().length === 0) throw new ParseError(file, undefined, 'the file is empty');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw syntaxError(text, file, err);
  }
}

export function parsePaperboyJson(text: string, file: string): PaperInput[] {
  const data = readJsonDocument(text, file);
  const wrapped = !Array.isArray(data);
  const list = wrapped ? (data as { papers?: unknown } | null)?.papers : data;
  if (!Array.isArray(list)) {
    throw new ParseError(file, 1, 'expected an array of papers or an object with a "papers" array', {
      field: 'papers',
    });
  }
  // Element lines cost a scan of the whole text: worked out only when an element is refused.
  const lineOf = (i: number) => elementLines(text, wrapped ? 2 : 1)[i];
  return list.map((item, i) => {
    const result = paperSchema.safeParse(item);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.join('.') || undefined;
      throw new ParseError(file, lineOf(i), `paper ${i + 1}: ${issue?.message ?? 'invalid'}`, field ? { field } : {});
    }
    return result.data satisfies PaperInput;
  });
}
