import type { Paper } from '../paper.js';
import type { Query } from '../query.js';

const words = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** Whether one of the paper's authors has every word of `wanted` in their name ("Han" matches "Song Han"). */
export function byAuthor(paper: Pick<Paper, 'authors'>, wanted: string): boolean {
  const need = words(wanted);
  return paper.authors.some((name) => {
    const have = new Set(words(name));
    return need.every((w) => have.has(w));
  });
}

/** Whether the paper is in the category or, for an archive like `cs`, in one of its categories. A paper with no known categories is not. */
export function inCategory(paper: Pick<Paper, 'categories'>, category: string): boolean {
  return (paper.categories ?? []).some((c) => {
    const lower = c.toLowerCase();
    return lower === category || lower.startsWith(`${category}.`);
  });
}

/** The query's author and category conditions. */
export function passesFilters(query: Query, paper: Paper): boolean {
  if (query.authors.length > 0 && !query.authors.some((a) => byAuthor(paper, a))) return false;
  if (query.excludedAuthors.some((a) => byAuthor(paper, a))) return false;
  if (query.categories.length > 0 && !query.categories.some((c) => inCategory(paper, c))) return false;
  return true;
}
