import { z } from 'zod';
import { ParseError } from '../domain/errors.js';
import type { PaperInput } from '../domain/paper.js';
import { elementLines } from './json-lines.js';
import { readJsonDocument } from './paperboy-json.js';
import type { ParsedSource } from './parsed.js';
import { newest } from './xml.js';

/**
 * Hugging Face Daily Papers JSON (huggingface.co/api/daily_papers?date=YYYY-MM-DD): an array of
 * `{paper: {id, title, summary, authors, publishedAt, upvotes, ai_summary?, ai_keywords?,
 * githubRepo?}, publishedAt, …}`. `paper.id` is the arXiv id without version; the outer
 * `publishedAt` is when the paper was featured, `paper.publishedAt` when arXiv published it.
 */
const itemSchema = z
  .object({
    paper: z
      .object({
        id: z.string().min(1, 'must not be empty'),
        title: z.string().trim().min(1, 'must not be empty'),
        summary: z.string().default(''),
        authors: z.array(z.object({ name: z.string() }).loose()).default([]),
        publishedAt: z.string().optional(),
        upvotes: z.number().int().nonnegative().optional(),
        ai_summary: z.string().nullish(),
        ai_keywords: z.array(z.string()).nullish(),
        githubRepo: z.string().nullish(),
      })
      .loose(),
    publishedAt: z.string().optional(),
  })
  .loose();

/** True when the text is a JSON array whose first element has a `paper` object. */
export function looksLikeHfDaily(head: string): boolean {
  return /^\[\s*(\]|\{\s*"paper"\s*:)/.test(head.trimStart());
}

const day = (iso: string | undefined) => (iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : undefined);
const iso = (raw: string | undefined) =>
  raw && !Number.isNaN(Date.parse(raw)) ? new Date(raw).toISOString() : undefined;

export function parseHfDaily(text: string, file: string): ParsedSource {
  const data = readJsonDocument(text, file);
  if (!Array.isArray(data)) {
    const error = (data as { error?: unknown } | null)?.error;
    const detail =
      typeof error === 'string' ? `the server answered with an error: ${error}` : 'expected an array of daily papers';
    throw new ParseError(file, 1, detail);
  }
  // Element lines cost a scan of the whole text: worked out only when an element is refused.
  const lineOf = (i: number) => elementLines(text, 1)[i];
  const papers = data.map((raw, i): PaperInput => {
    const result = itemSchema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.join('.') || undefined;
      throw new ParseError(
        file,
        lineOf(i),
        `daily paper ${i + 1}: ${issue?.message ?? 'invalid'}`,
        field ? { field } : {},
      );
    }
    const { paper, publishedAt } = result.data;
    return {
      title: paper.title,
      abstract: paper.summary,
      authors: paper.authors.map((a) => a.name),
      arxivId: paper.id,
      publishedAt: iso(paper.publishedAt),
      upvotes: paper.upvotes,
      aiSummary: paper.ai_summary ?? undefined,
      aiKeywords: paper.ai_keywords ?? undefined,
      githubRepo: paper.githubRepo ?? undefined,
      featuredOn: day(publishedAt),
    };
  });
  return { papers, newestAt: newest(data.map((d: { publishedAt?: string }) => iso(d?.publishedAt))) };
}
