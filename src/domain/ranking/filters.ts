import type { Paper } from '../paper.js';
import type { Query } from '../query.js';

const words = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** The paper's first author (as the paper writes the name) with every word of `wanted` in their name ("Han" matches "Song Han"). */
function authorMatching(paper: Pick<Paper, 'authors'>, wanted: string): string | undefined {
  const need = words(wanted);
  return paper.authors.find((name) => {
    const have = new Set(words(name));
    return need.every((w) => have.has(w));
  });
}

/** Whether one of the paper's authors has every word of `wanted` in their name. */
function byAuthor(paper: Pick<Paper, 'authors'>, wanted: string): boolean {
  return authorMatching(paper, wanted) !== undefined;
}

/** The paper's first category (as written) that is `category` or, for an archive like `cs`, one of its categories. */
function categoryMatching(paper: Pick<Paper, 'categories'>, category: string): string | undefined {
  return (paper.categories ?? []).find((c) => {
    const lower = c.toLowerCase();
    return lower === category || lower.startsWith(`${category}.`);
  });
}

/** Whether the paper is in the category or in one of the archive's. A paper with no known categories is not. */
function inCategory(paper: Pick<Paper, 'categories'>, category: string): boolean {
  return categoryMatching(paper, category) !== undefined;
}

/**
 * The query's author and category conditions the paper meets, as its explanation shows them:
 * "by Alan Turing" (the name as the paper writes it), "in cs.CV". Excluded authors say nothing.
 */
export function filterReasons(query: Query, paper: Paper): string[] {
  const reasons: string[] = [];
  const authors = [...new Set(query.authors.flatMap((a) => authorMatching(paper, a) ?? []))];
  if (authors.length > 0) reasons.push(`by ${authors.join(', ')}`);
  const categories = [...new Set(query.categories.flatMap((c) => categoryMatching(paper, c) ?? []))];
  if (categories.length > 0) reasons.push(`in ${categories.join(', ')}`);
  return reasons;
}

/** The query's author and category conditions. */
export function passesFilters(query: Query, paper: Paper): boolean {
  if (query.authors.length > 0 && !query.authors.some((a) => byAuthor(paper, a))) return false;
  if (query.excludedAuthors.some((a) => byAuthor(paper, a))) return false;
  if (query.categories.length > 0 && !query.categories.some((c) => inCategory(paper, c))) return false;
  return true;
}
