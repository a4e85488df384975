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

const NO_DUPLICATES = Object.freeze([]) as unknown as ScoredPaper[];

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
  // Only the head of the list competes for the slots: the tail cannot win them anyway. The window
  // is the first `window` papers not yet picked, so it reaches `window + slots` papers at most;
  // only those are marked and compared, whatever the length of the list (thousands of papers).
  const window = Math.max(slots * 3, 30);
  const reach = Math.min(ranked.length, window + slots);
  const taken = new Uint8Array(reach);
  const maxSim = new Float64Array(reach);
  const nearest = new Int32Array(reach).fill(-1);
  /** Calls visit with each position of the current window, in rank order. */
  const eachInWindow = (visit: (k: number) => void) => {
    for (let k = 0, seen = 0; k < reach && seen < window; k++) {
      if (taken[k] === 1) continue;
      seen++;
      visit(k);
    }
  };
  const picked: ScoredPaper[] = [];
  while (picked.length < slots) {
    let bestAt = -1;
    let bestValue = -Infinity;
    eachInWindow((k) => {
      const sim = maxSim[k] as number;
      if (sim >= NEAR_DUPLICATE) return;
      const value = LAMBDA * (ranked[k] as ScoredPaper).score - (1 - LAMBDA) * sim;
      if (value > bestValue) {
        bestValue = value;
        bestAt = k;
      }
    });
    if (bestAt === -1) break;
    taken[bestAt] = 1;
    const chosen = ranked[bestAt] as ScoredPaper;
    picked.push(chosen);
    eachInWindow((k) => {
      const sim = similarity(ranked[k] as ScoredPaper, chosen);
      if (sim > (maxSim[k] as number)) {
        maxSim[k] = sim;
        nearest[k] = bestAt;
      }
    });
  }
  const duplicates: Spread['duplicates'] = [];
  for (let k = 0; k < ranked.length; k++) {
    const r = ranked[k] as ScoredPaper;
    if (k >= reach) picked.push(r);
    else if (taken[k] === 1) continue;
    else if (nearest[k] !== -1 && (maxSim[k] as number) >= NEAR_DUPLICATE)
      duplicates.push({ paper: r, of: ranked[nearest[k] as number] as ScoredPaper });
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
  // lists of every topic of a window (a copy each was 140 MB more at the weekly plan's peak). Most
  // papers have no near-duplicate: they share one empty list, frozen so that none is added to it.
  const slotted = order as Slotted[];
  for (const r of slotted) r.also = NO_DUPLICATES;
  for (const d of duplicates) {
    const of = d.of as Slotted;
    if (of.also === NO_DUPLICATES) of.also = [];
    of.also.push(d.paper);
  }
  return slotted;
}
