import type { Paper, PaperInput } from './paper.js';

/** The fields a sighting can change; ids and first-seen time never change. */
export type PaperFields = Pick<Paper, 'arxivId' | 'version' | 'title' | 'abstract' | 'authors' | 'url' | 'publishedAt'>;

/** The stored fields of a paper seen for the first time. */
export function fieldsFromInput(input: PaperInput): PaperFields {
  return {
    arxivId: input.arxivId ?? null,
    version: input.version ?? null,
    title: input.title,
    abstract: input.abstract,
    authors: input.authors,
    url: input.url ?? null,
    publishedAt: input.publishedAt ?? null,
  };
}

/**
 * Merges a new sighting into what is stored: an older version changes nothing; otherwise the new
 * text wins, and facts the new source lacks (authors, link, id) are kept, not lost.
 */
export function mergePaper(existing: PaperFields, input: PaperInput): PaperFields {
  if (input.version !== undefined && existing.version !== null && input.version < existing.version) return existing;
  return {
    arxivId: input.arxivId ?? existing.arxivId,
    version: input.version ?? existing.version,
    title: input.title || existing.title,
    abstract: input.abstract || existing.abstract,
    authors: input.authors.length > 0 ? input.authors : existing.authors,
    url: input.url ?? existing.url,
    publishedAt: existing.publishedAt ?? input.publishedAt ?? null,
  };
}

export function sameFields(a: PaperFields, b: PaperFields): boolean {
  return (
    a.arxivId === b.arxivId &&
    a.version === b.version &&
    a.title === b.title &&
    a.abstract === b.abstract &&
    a.url === b.url &&
    a.publishedAt === b.publishedAt &&
    a.authors.length === b.authors.length &&
    a.authors.every((name, i) => name === b.authors[i])
  );
}
