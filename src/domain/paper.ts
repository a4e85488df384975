import { createHash } from 'node:crypto';
import { latexToText } from './latex.js';
import { normaliseWhitespace, safeHttpUrl } from './text.js';

/**
 * Facts only some sources know. A paper keeps those of every source that saw it: arXiv gives the
 * categories, Hugging Face the upvotes, its AI summary and keywords, and the day it was featured.
 */
export interface PaperFacts {
  /** arXiv categories, the primary one first. */
  categories?: string[] | undefined;
  upvotes?: number | undefined;
  aiSummary?: string | undefined;
  aiKeywords?: string[] | undefined;
  githubRepo?: string | undefined;
  /** The day (YYYY-MM-DD) Hugging Face Daily Papers featured it. */
  featuredOn?: string | undefined;
}

/** A paper as a source describes it, before it has a canonical id. */
export interface PaperInput extends PaperFacts {
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
  /** arXiv categories (e.g. cs.CV), the primary first, where the source gives them; `category:` in a topic query filters on them. */
  categories?: string[];
  /** Upvotes where the source counts them (e.g. Daily Papers); ranking may blend them in. */
  upvotes?: number;
  aiSummary?: string;
  aiKeywords?: string[];
  githubRepo?: string;
  featuredOn?: string;
  /** When a newer arXiv version than the stored one last arrived; absent if it never did. */
  revisedAt?: string;
}

// New-style (2007-) ids like 2403.12345v2, and old-style ids like hep-th/9901001v1.
const ARXIV_NEW = /^(\d{4}\.\d{4,5})(?:v(\d+))?$/;
const ARXIV_OLD = /^([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v(\d+))?$/;

// What may stand before an id: `arXiv:`, `oai:arXiv.org:`, or an arXiv abs/pdf link, http or https.
const ARXIV_PREFIX = /^(?:arxiv:|oai:arxiv\.org:|https?:\/\/(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf)\/)/i;

/**
 * Splits an arXiv id (optionally with a version) into the id without version and the version.
 * Accepts `arXiv:` and OAI prefixes and abs/pdf links, so that every way of naming a paper agrees.
 */
export function parseArxivId(raw: string): { id: string; version?: number } | undefined {
  const s = raw
    .trim()
    .replace(ARXIV_PREFIX, '')
    .replace(/(?:\.pdf)?(?:[?#].*)?$/i, '')
    .replace(/\/$/, '');
  const m = ARXIV_NEW.exec(s) ?? ARXIV_OLD.exec(s);
  if (!m?.[1]) return undefined;
  return m[2] ? { id: m[1], version: Number(m[2]) } : { id: m[1] };
}

/** The title reduced to what survives re-typing: case, punctuation, accents and spacing removed. */
export function titleKey(title: string): string {
  return normaliseWhitespace(latexToText(title))
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

/**
 * The abstract as a reader should see it, as the title is: LaTeX markup turned into the text it
 * prints (`$\mathcal{O}(n)$` is "O(n)"). Abstracts are stored as typed; this is for display.
 */
export function readableAbstract(abstract: string): string {
  return normaliseWhitespace(latexToText(abstract));
}

/** The title as a reader should see it: one line, LaTeX markup turned into the text it prints. */
function normaliseTitle(title: string): string {
  return normaliseWhitespace(latexToText(normaliseWhitespace(title)));
}

const list = (items: readonly string[] | undefined): string[] | undefined => {
  const clean = [...new Set((items ?? []).map(normaliseWhitespace).filter((s) => s.length > 0))];
  return clean.length > 0 ? clean : undefined;
};

/**
 * Cleans what a parser produced: whitespace, LaTeX in titles, control characters, unsafe URLs,
 * duplicate authors. An arXiv link stands for its id (http or https, abs or pdf, any version) and
 * becomes the one canonical abs link, so all sightings of a paper agree.
 */
export function normalisePaperInput(input: PaperInput): PaperInput {
  const arxiv =
    (input.arxivId ? parseArxivId(input.arxivId) : undefined) ?? (input.url ? parseArxivId(input.url) : undefined);
  const url =
    arxiv && (!input.url || parseArxivId(input.url)) ? `https://arxiv.org/abs/${arxiv.id}` : safeHttpUrl(input.url);
  const out: PaperInput = {
    title: normaliseTitle(input.title),
    abstract: normaliseWhitespace(input.abstract),
    authors: list(input.authors.map((a) => (a.includes('\\') ? latexToText(a) : a))) ?? [],
    arxivId: arxiv?.id,
    version: input.version ?? arxiv?.version,
    url,
    publishedAt: input.publishedAt,
  };
  const categories = list(input.categories);
  const aiKeywords = list(input.aiKeywords);
  const aiSummary = input.aiSummary ? normaliseWhitespace(input.aiSummary) : '';
  const githubRepo = safeHttpUrl(input.githubRepo);
  if (categories) out.categories = categories;
  if (input.upvotes !== undefined && Number.isFinite(input.upvotes))
    out.upvotes = Math.max(0, Math.round(input.upvotes));
  if (aiSummary) out.aiSummary = aiSummary;
  if (aiKeywords) out.aiKeywords = aiKeywords;
  if (githubRepo) out.githubRepo = githubRepo;
  if (input.featuredOn && /^\d{4}-\d{2}-\d{2}$/.test(input.featuredOn)) out.featuredOn = input.featuredOn;
  return out;
}

/** Where a reader can go for a paper: each only where a source made it known. */
export interface PaperLinks {
  /** Its own page: the source's link, or its arXiv abstract page. */
  page?: string;
  pdf?: string;
  code?: string;
  /** Its page on Hugging Face Daily Papers (or that day's page, for a paper known by its title only). */
  dailyPapers?: string;
  /** For a paper with no known page: an arXiv title search, to be offered as a search, not as the paper. */
  search?: string;
}

/** The links a reader may follow for a paper, from what its sources said. URLs were checked at ingest. */
export function paperLinks(paper: Pick<Paper, 'url' | 'arxivId' | 'title' | 'githubRepo' | 'featuredOn'>): PaperLinks {
  const links: PaperLinks = {};
  const abs = paper.arxivId ? `https://arxiv.org/abs/${paper.arxivId}` : undefined;
  const page = paper.url ?? abs;
  if (page) links.page = page;
  if (paper.arxivId) links.pdf = `https://arxiv.org/pdf/${paper.arxivId}`;
  if (paper.githubRepo) links.code = paper.githubRepo;
  if (paper.featuredOn) {
    links.dailyPapers = paper.arxivId
      ? `https://huggingface.co/papers/${paper.arxivId}`
      : `https://huggingface.co/papers/date/${paper.featuredOn}`;
  }
  if (!page)
    links.search = `https://arxiv.org/search/?${new URLSearchParams({ query: paper.title, searchtype: 'title' }).toString()}`;
  return links;
}

/** The link a reader follows: the paper's own URL, its arXiv page, or an arXiv title search. */
export function paperLink(paper: Pick<Paper, 'url' | 'arxivId' | 'title'>): string {
  if (paper.url) return paper.url;
  if (paper.arxivId) return `https://arxiv.org/abs/${paper.arxivId}`;
  const query = new URLSearchParams({ query: paper.title, searchtype: 'title' });
  return `https://arxiv.org/search/?${query.toString()}`;
}
