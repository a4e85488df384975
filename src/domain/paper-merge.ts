import type { Paper, PaperFacts, PaperInput } from './paper.js';

/** The fields a sighting can change; ids and first-seen time never change. */
export type PaperFields = Pick<
  Paper,
  'arxivId' | 'version' | 'title' | 'abstract' | 'authors' | 'url' | 'publishedAt'
> &
  PaperFacts;

const FACTS = ['categories', 'upvotes', 'aiSummary', 'aiKeywords', 'githubRepo', 'featuredOn'] as const;

/** Copies the facts that are present, so that absent ones stay absent (never written empty). */
function withFacts(fields: PaperFields, facts: PaperFacts): PaperFields {
  for (const key of FACTS) {
    const value = facts[key];
    if (value !== undefined) (fields as unknown as Record<string, unknown>)[key] = value;
  }
  return fields;
}

/** The stored fields of a paper seen for the first time. */
export function fieldsFromInput(input: PaperInput): PaperFields {
  return withFacts(
    {
      arxivId: input.arxivId ?? null,
      version: input.version ?? null,
      title: input.title,
      abstract: input.abstract,
      authors: input.authors,
      url: input.url ?? null,
      publishedAt: input.publishedAt ?? null,
    },
    input,
  );
}

function union(a: readonly string[] | undefined, b: readonly string[] | undefined): string[] | undefined {
  if (!a?.length) return b?.length ? [...b] : undefined;
  if (!b?.length) return [...a];
  return [...new Set([...a, ...b])];
}

/**
 * Facts from every source are kept: categories are the union (the first source's primary stays
 * first), upvotes only grow (an older file must not lower them), the newest AI summary, keywords
 * and repository win, and the first day a paper was featured stays its featured day.
 */
function mergeFacts(existing: PaperFacts, input: PaperFacts): PaperFacts {
  const upvotes =
    existing.upvotes === undefined
      ? input.upvotes
      : input.upvotes === undefined
        ? existing.upvotes
        : Math.max(existing.upvotes, input.upvotes);
  // The earlier day it was featured; ISO dates compare as strings.
  const featuredOn =
    existing.featuredOn && input.featuredOn && input.featuredOn < existing.featuredOn
      ? input.featuredOn
      : (existing.featuredOn ?? input.featuredOn);
  return {
    categories: union(existing.categories, input.categories),
    upvotes,
    aiSummary: input.aiSummary ?? existing.aiSummary,
    aiKeywords: input.aiKeywords?.length ? input.aiKeywords : existing.aiKeywords,
    githubRepo: input.githubRepo ?? existing.githubRepo,
    featuredOn,
  };
}

/**
 * A paper's date is when it first appeared: no source can give one earlier than that, but some
 * give a later one (an arXiv replacement's announcement day, a journal's publication), so the
 * earliest wins whichever source came first. Compared as instants: a Paperboy JSON date may carry
 * an offset.
 */
function earliest(stored: string | null, seen: string | undefined): string | null {
  if (!stored) return seen ?? null;
  return seen && Date.parse(seen) < Date.parse(stored) ? seen : stored;
}

/**
 * Merges a new sighting into what is stored. The text (title, abstract, authors) follows the
 * newest known version: a sighting of the same or a newer version replaces it; an older version,
 * or a versionless sighting (Hugging Face, a feed) of a paper arXiv gave a version, only fills in
 * what is missing. Facts (categories, upvotes, AI summary…) are merged either way, never lost.
 */
export function mergePaper(existing: PaperFields, input: PaperInput): PaperFields {
  const leads = existing.version === null || (input.version !== undefined && input.version >= existing.version);
  const text: PaperFields = leads
    ? {
        arxivId: input.arxivId ?? existing.arxivId,
        version: input.version ?? existing.version,
        title: input.title || existing.title,
        abstract: input.abstract || existing.abstract,
        authors: input.authors.length > 0 ? input.authors : existing.authors,
        url: input.url ?? existing.url,
        publishedAt: earliest(existing.publishedAt, input.publishedAt),
      }
    : {
        arxivId: existing.arxivId ?? input.arxivId ?? null,
        version: existing.version,
        title: existing.title || input.title,
        abstract: existing.abstract || input.abstract,
        authors: existing.authors.length > 0 ? existing.authors : input.authors,
        url: existing.url ?? input.url ?? null,
        publishedAt: earliest(existing.publishedAt, input.publishedAt),
      };
  for (const key of FACTS) delete text[key];
  const merged = withFacts(text, mergeFacts(existing, input));
  return sameFields(existing, merged) ? existing : merged;
}

/**
 * Whether a sighting is a revision of the stored paper: a strictly newer arXiv version than the
 * stored one. A versionless sighting, the same or an older version, or a first version for a paper
 * stored without one (nobody can tell what its readers saw) is not.
 */
export function isRevision(existing: Pick<PaperFields, 'version'>, input: Pick<PaperInput, 'version'>): boolean {
  return existing.version !== null && input.version !== undefined && input.version > existing.version;
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a?.length ?? 0) === (b?.length ?? 0) && (a ?? []).every((x, i) => x === b?.[i]);

export function sameFields(a: PaperFields, b: PaperFields): boolean {
  return (
    a.arxivId === b.arxivId &&
    a.version === b.version &&
    a.title === b.title &&
    a.abstract === b.abstract &&
    a.url === b.url &&
    a.publishedAt === b.publishedAt &&
    sameList(a.authors, b.authors) &&
    sameList(a.categories, b.categories) &&
    sameList(a.aiKeywords, b.aiKeywords) &&
    a.upvotes === b.upvotes &&
    a.aiSummary === b.aiSummary &&
    a.githubRepo === b.githubRepo &&
    a.featuredOn === b.featuredOn
  );
}
