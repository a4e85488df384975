import type { ScoredPaper } from './ranking/ranker.js';
import { trimmedTitle } from './ranking/reader-model.js';

export type { ScoredPaper } from './ranking/ranker.js';

/** Why a paper was picked, in a few words: the paper the reader marked it is like, what matched, the seed it resembles, shared vocabulary, the filters it met. */
export function explain(scored: Pick<ScoredPaper, 'matched' | 'resembles' | 'related' | 'filters' | 'marked'>): string {
  const parts: string[] = [];
  if (scored.marked) parts.push(`like '${trimmedTitle(scored.marked.title)}', which you marked`);
  if (scored.matched.length > 0) parts.push(`matches ${scored.matched.join(', ')}`);
  if (scored.resembles) parts.push(`like “${scored.resembles.title}”`);
  if (scored.related && scored.related.length > 0) parts.push(`related: ${scored.related.join(', ')}`);
  if (scored.filters) parts.push(...scored.filters);
  return parts.join(' · ');
}

/** A score as shown to readers: two decimals. */
export function scoreLabel(score: number): string {
  return score.toFixed(2);
}
