import { createHash } from 'node:crypto';
import { normaliseWhitespace, safeHttpUrl } from './text.js';

/** A paper as a source describes it, before it has a canonical id. */
export interface PaperInput {
  title: string;
  abstract: string;
  authors: string[];
  arxivId?: string | undefined;
  version?: number | undefined;
  url?: string | undefined;
  publishedAt?: string | undefined;
}

/** A paper as the store holds it. Times are ISO 8601 UTC strings. */
export interface Paper {
  id: string;
  arxivId: string | null;
  version: number | null;
  title: string;
  abstract: string;
  authors: string[];
  url: string | null;
  publishedAt: string | null;
  firstSeenAt: string;
  updatedAt: string;
  /** Upvotes where the source counts them (e.g. Daily Papers); ranking may blend them in. */
  upvotes?: number;
  /** arXiv categories (e.g. cs.CV) where the source gives them; `category:` in a topic query filters on them. */
  categories?: string[];
}

// New-style (2007-) ids like 2403.12345v2, and old-style ids like hep-th/9901001v1.
const ARXIV_NEW = /^(\d{4}\.\d{4,5})(?:v(\d+))?$/;
const ARXIV_OLD = /^([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v(\d+))?$/;

/** Splits an arXiv id (optionally with a version) into the id without version and the version. */
export function parseArxivId(raw: string): { id: string; version?: number } | undefined {
  const s = raw.trim().replace(/^arxiv:/i, '');
  const m = ARXIV_NEW.exec(s) ?? ARXIV_OLD.exec(s);
  if (!m || !m[1]) return undefined;
  return m[2] ? { id: m[1], version: Number(m[2]) } : { id: m[1] };
}

/** The title reduced to what survives re-typing: case, punctuation, accents and spacing removed. */
export function titleKey(title: string): string {
  return normaliseWhitespace(title)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The canonical id: `arxiv:<id>` when the arXiv id is known, else `title:<16 hex>`, a fingerprint
 * of the normalised title, so that the same paper ingested twice lands on the same row.
 */
export function canonicalId(input: Pick<PaperInput, 'arxivId' | 'title'>): string {
  if (input.arxivId) {
    const parsed = parseArxivId(input.arxivId);
    if (parsed) return `arxiv:${parsed.id}`;
  }
  const digest = createHash('sha256').update(titleKey(input.title)).digest('hex');
  return `title:${digest.slice(0, 16)}`;
}

/** Cleans what a parser produced: whitespace, control characters, unsafe URLs, duplicate authors. */
export function normalisePaperInput(input: PaperInput): PaperInput {
  const arxiv = input.arxivId ? parseArxivId(input.arxivId) : undefined;
  const authors = [...new Set(input.authors.map(normaliseWhitespace).filter((a) => a.length > 0))];
  return {
    title: normaliseWhitespace(input.title),
    abstract: normaliseWhitespace(input.abstract),
    authors,
    arxivId: arxiv?.id,
    version: input.version ?? arxiv?.version,
    url: safeHttpUrl(input.url),
    publishedAt: input.publishedAt,
  };
}

/** The link a reader follows: the paper's own URL, its arXiv page, or an arXiv title search. */
export function paperLink(paper: Pick<Paper, 'url' | 'arxivId' | 'title'>): string {
  if (paper.url) return paper.url;
  if (paper.arxivId) return `https://arxiv.org/abs/${paper.arxivId}`;
  const query = new URLSearchParams({ query: paper.title, searchtype: 'title' });
  return `https://arxiv.org/search/?${query.toString()}`;
}
