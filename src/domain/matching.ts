import type { Paper } from './paper.js';
import type { Query } from './query.js';
import { createRanker, type RankOptions, type ScoredPaper } from './ranking/ranker.js';

export type { ScoredPaper } from './ranking/ranker.js';

/** Ranks papers for one query using those same papers as the corpus. For many topics, build one ranker. */
export function rankPapers(query: Query, papers: readonly Paper[], options?: RankOptions): ScoredPaper[] {
  return createRanker(papers).rank(query, options);
}

/** Why a paper was picked, in a few words: what matched, the seed it resembles, shared vocabulary. */
export function explain(scored: Pick<ScoredPaper, 'matched' | 'resembles' | 'related'>): string {
  const parts: string[] = [];
  if (scored.matched.length > 0) parts.push(`matches ${scored.matched.join(', ')}`);
  if (scored.resembles) parts.push(`like “${scored.resembles.title}”`);
  if (scored.related && scored.related.length > 0) parts.push(`related: ${scored.related.join(', ')}`);
  return parts.join(' · ');
}

/** A score as shown to readers: two decimals. */
export function scoreLabel(score: number): string {
  return score.toFixed(2);
}
