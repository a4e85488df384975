import type { ScoredPaper } from './ranker.js';

/** Past this similarity two papers are near-duplicates: only the better one takes a slot. */
export const NEAR_DUPLICATE = 0.8;
// Maximal marginal relevance: how much relevance counts against similarity to what is already picked.
const LAMBDA = 0.85;

/**
 * Reorders a ranked list so its first `slots` papers are relevant and not alike (MMR), with
 * near-duplicates of a picked paper moved behind them. Nothing is dropped: what does not fit
 * still counts as "more on the web".
 */
export function diversify(
  ranked: readonly ScoredPaper[],
  slots: number,
  similarity: (a: ScoredPaper, b: ScoredPaper) => number,
): ScoredPaper[] {
  const rest = [...ranked];
  const picked: ScoredPaper[] = [];
  const duplicates: ScoredPaper[] = [];
  const maxSim = new Map<ScoredPaper, number>(rest.map((r) => [r, 0]));
  // Only the head of the list competes for the slots: the tail cannot win them anyway.
  const window = Math.max(slots * 3, 30);
  while (picked.length < slots && rest.length > 0) {
    let bestAt = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < Math.min(rest.length, window); i++) {
      const r = rest[i] as ScoredPaper;
      const sim = maxSim.get(r) ?? 0;
      if (sim >= NEAR_DUPLICATE) continue;
      const value = LAMBDA * r.score - (1 - LAMBDA) * sim;
      if (value > bestValue) {
        bestValue = value;
        bestAt = i;
      }
    }
    if (bestAt === -1) break;
    const [chosen] = rest.splice(bestAt, 1) as [ScoredPaper];
    picked.push(chosen);
    for (const r of rest.slice(0, window)) maxSim.set(r, Math.max(maxSim.get(r) ?? 0, similarity(r, chosen)));
  }
  for (const r of rest) (maxSim.get(r)! >= NEAR_DUPLICATE ? duplicates : picked).push(r);
  return [...picked.slice(0, slots), ...picked.slice(slots), ...duplicates];
}
