import type { ScoredPaper } from './ranker.js';

/** Past this similarity two papers are near-duplicates: only the better one takes a slot. */
const NEAR_DUPLICATE = 0.8;
// Maximal marginal relevance: how much relevance counts against similarity to what is already picked.
const LAMBDA = 0.85;

/** A paper that takes a slot, with its near-duplicates (other versions of it) shown under it. */
export interface Slotted extends ScoredPaper {
  also: ScoredPaper[];
}

/** How many papers a list of slotted papers (or their views) shows: each one and the near-duplicates under it. */
export function papersShown(slotted: readonly { also?: readonly unknown[] }[]): number {
  return slotted.reduce((n, s) => n + 1 + (s.also?.length ?? 0), 0);
}

interface Spread {
  /** Picked for the slots (MMR order), then the rest that are not near-duplicates, in rank order. */
  ranked: ScoredPaper[];
  /** Each near-duplicate, in rank order, with the picked paper it is most like. */
  duplicates: { paper: ScoredPaper; of: ScoredPaper }[];
}

function spread(
  ranked: readonly ScoredPaper[],
  slots: number,
  similarity: (a: ScoredPaper, b: ScoredPaper) => number,
): Spread {
  const rest = [...ranked];
  const picked: ScoredPaper[] = [];
  const maxSim = new Map<ScoredPaper, number>(rest.map((r) => [r, 0]));
  const nearest = new Map<ScoredPaper, ScoredPaper>();
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
    for (const r of rest.slice(0, window)) {
      const sim = similarity(r, chosen);
      if (sim > (maxSim.get(r) ?? 0)) {
        maxSim.set(r, sim);
        nearest.set(r, chosen);
      }
    }
  }
  const duplicates: Spread['duplicates'] = [];
  for (const r of rest) {
    const of = nearest.get(r);
    if (of && maxSim.get(r)! >= NEAR_DUPLICATE) duplicates.push({ paper: r, of });
    else picked.push(r);
  }
  return { ranked: picked, duplicates };
}

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
  const { ranked: order, duplicates } = spread(ranked, slots, similarity);
  return [...order, ...duplicates.map((d) => d.paper)];
}

/**
 * As diversify, for a digest: a near-duplicate of a picked paper (a re-post, an extended version,
 * a workshop report of the same work) takes no slot of its own; it rides along under the paper it
 * duplicates, as `also` (set on the ranked papers themselves). Nothing is dropped.
 */
export function diversifyForSlots(
  ranked: readonly ScoredPaper[],
  slots: number,
  similarity: (a: ScoredPaper, b: ScoredPaper) => number,
): Slotted[] {
  const { ranked: order, duplicates } = spread(ranked, slots, similarity);
  // In place, not copied: a topic's list runs to thousands of papers, and a planning run holds the
  // lists of every topic of a window (a copy each was 140 MB more at the weekly plan's peak).
  const slotted = new Map<ScoredPaper, Slotted>(order.map((r) => [r, Object.assign(r, { also: [] as ScoredPaper[] })]));
  for (const d of duplicates) slotted.get(d.of)?.also.push(d.paper);
  return [...slotted.values()];
}
