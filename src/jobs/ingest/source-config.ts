// The sources file: which sources Paperboy fetches, in which format, on which cron. JSON (comments
// allowed), validated with zod; an error names the file, the line and the field.
import { chmod, readFile, writeFile, rename } from 'node:fs/promises';
import {
  findNodeAtLocation,
  parse as parseJsonc,
  parseTree,
  printParseErrorCode,
  type ParseError as JsoncError,
} from 'jsonc-parser';
import cron from 'node-cron';
import { z } from 'zod';
import { ParseError } from '../../domain/errors.js';
import { SOURCE_FORMATS, WEEKDAYS, type Source } from '../../domain/source.js';
import { lineOfOffset } from '../../ingest/json-lines.js';

const ARXIV_API = 'https://export.arxiv.org/api/query';
const ARXIV_RSS = 'https://rss.arxiv.org/rss/';
const HF_DAILY_API = 'https://huggingface.co/api/daily_papers';

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const sourceSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'use lower-case letters, digits, dots and dashes'),
    format: z.enum(['auto', ...SOURCE_FORMATS]).default('auto'),
    url: z.url({ protocol: /^https?$/ }).optional(),
    category: z
      .string()
      .regex(/^[a-z-]+(\.[A-Za-z-]+)?$/, 'an arXiv category such as cs.LG')
      .optional(),
    query: z.string().trim().min(1).optional(),
    cron: z.string().refine((c) => cron.validate(c), 'not a valid cron expression (e.g. "0 6 * * 1-5")'),
    timezone: z.string().default('UTC').refine(validZone, 'not an IANA time zone (e.g. America/New_York)'),
    enabled: z.boolean().default(true),
    skipDays: z.array(z.enum(WEEKDAYS)).default([]),
    maxAgeHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(96),
    maxResults: z.number().int().min(1).max(30_000).default(100),
    pageSize: z.number().int().min(1).max(2_000).default(100),
  })
  .strict()
  .superRefine((s, ctx) => {
    const needsUrl =
      !s.url &&
      !(s.format === 'arxiv-atom' && (s.query || s.category)) &&
      !(s.format === 'arxiv-rss' && s.category) &&
      s.format !== 'hf-daily';
    if (needsUrl) ctx.addIssue({ code: 'custom', path: ['url'], message: `a ${s.format} source needs a url` });
  });

/** A validated entry with its URL worked out (arXiv query or category, Hugging Face's API). */
function toSource(entry: z.output<typeof sourceSchema>): Source {
  const { category, query, url, ...rest } = entry;
  if (entry.format === 'arxiv-atom') {
    return { ...rest, url: url ?? ARXIV_API, query: query ?? `cat:${category}` };
  }
  if (entry.format === 'arxiv-rss' && !url) return { ...rest, url: `${ARXIV_RSS}${category}` };
  return { ...rest, url: url ?? HF_DAILY_API };
}

function lineOf(text: string, path: (string | number)[]): number | undefined {
  const tree = parseTree(text);
  for (let p = path; tree && p.length > 0; p = p.slice(0, -1)) {
    const node = findNodeAtLocation(tree, p);
    if (node) return lineOfOffset(text, node.offset);
  }
  return undefined;
}

/** Parses the text of a sources file. */
export function parseSourcesFile(text: string, file: string): Source[] {
  const errors: JsoncError[] = [];
  const data = parseJsonc(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first)
    throw new ParseError(file, lineOfOffset(text, first.offset), `invalid JSON (${printParseErrorCode(first.error)})`);
  const schema = z.object({ sources: z.array(z.unknown()) });
  const top = schema.safeParse(data);
  if (!top.success) throw new ParseError(file, 1, 'expected an object with a "sources" array', { field: 'sources' });
  const seen = new Set<string>();
  return top.data.sources.map((raw, i) => {
    const result = sourceSchema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0];
      const path = ['sources', i, ...(issue?.path ?? [])] as (string | number)[];
      const keys = issue?.code === 'unrecognized_keys' ? issue.keys : [];
      const field = keys.length ? keys.join(', ') : issue?.path.join('.') || undefined;
      const line = lineOf(text, keys.length ? [...path, keys[0] as string] : path);
      throw new ParseError(file, line, `source ${i + 1}: ${issue?.message ?? 'invalid'}`, field ? { field } : {});
    }
    if (seen.has(result.data.name)) {
      throw new ParseError(
        file,
        lineOf(text, ['sources', i, 'name']),
        `source ${i + 1}: the name "${result.data.name}" is used twice`,
        { field: 'name' },
      );
    }
    seen.add(result.data.name);
    return toSource(result.data);
  });
}

/** Reads the sources file; a file that does not exist means no sources. */
export async function readSourcesFile(file: string): Promise<Source[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ParseError(file, undefined, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  return parseSourcesFile(text, file);
}

/**
 * Rewrites the sources file with one entry added or removed (written aside, then renamed). Its URLs
 * may carry passwords and API keys: the file is written readable by its owner only.
 */
export async function editSourcesFile(file: string, edit: (entries: unknown[]) => unknown[]): Promise<void> {
  let entries: unknown[] = [];
  try {
    const text = await readFile(file, 'utf8');
    parseSourcesFile(text, file);
    entries = (parseJsonc(text) as { sources: unknown[] }).sources;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const next = edit(entries);
  const text = `${JSON.stringify({ sources: next }, null, 2)}\n`;
  parseSourcesFile(text, file);
  await writeFile(`${file}.tmp`, text, { mode: 0o600 });
  await chmod(`${file}.tmp`, 0o600);
  await rename(`${file}.tmp`, file);
}
