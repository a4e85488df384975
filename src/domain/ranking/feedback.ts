import { topK } from './order.js';
import type { Postings } from './postings.js';

/** How close every paper is to the vocabulary of some papers. */
export interface Closeness {
  /** Per paper (by position), 0 to 1. */
  scores: Float64Array;
  /** The papers scoring at least the `min` asked for, ascending. */
  close: number[];
  /** The vocabulary (stem → weight), heaviest first. */
  terms: Map<string, number>;
}

/**
 * Pseudo-relevance feedback over the postings: the centroid of some papers' tf-idf vectors, its
 * heaviest terms apart from the query's own, and every paper's weight on those terms relative to
 * the papers it came from (1 = as close). One pass over those terms' postings, no per-paper vectors.
 * The scores returned are overwritten by the next call.
 */
export function createFeedback(p: Postings, profileTerms: number) {
  // Reused between topics (and reset after each): a topic's centroid touches a few hundred terms.
  const centroid = new Float64Array(p.names.length);
  // Also reused: the scores returned are good until the next call.
  const scores = new Float64Array(p.n);
  const byWeight = (a: number, b: number) => (centroid[b] as number) - (centroid[a] as number) || (p.names[a] as string).localeCompare(p.names[b] as string);

  return function closeness(about: readonly number[], own: ReadonlySet<string>, min: number): Closeness {
    const present: number[] = [];
    for (const i of about) {
      for (let e = p.vectorStart[i] as number; e < (p.vectorStart[i + 1] as number); e++) {
        const t = p.vectorTerm[e] as number;
        if (centroid[t] === 0) present.push(t);
        centroid[t] = (centroid[t] as number) + (p.vectorWeight[e] as number) / about.length;
      }
    }
    const heaviest = topK(present, profileTerms + own.size, byWeight);
    const terms = new Map<string, number>();
    for (const t of heaviest) {
      const name = p.names[t] as string;
      if (!own.has(name) && terms.size < profileTerms) terms.set(name, centroid[t] as number);
    }
    for (const t of present) centroid[t] = 0;

    scores.fill(0);
    // A posting's weight is 0 where the term is only part of a compound's whole form: it adds nothing.
    const { doc, weight } = p;
    for (const [name, w] of terms) {
      const t = p.ids.get(name) as number;
      const end = p.start[t + 1] as number;
      for (let k = p.start[t] as number; k < end; k++) {
        const i = doc[k] as number;
        scores[i] = (scores[i] as number) + w * (weight[k] as number);
      }
    }
    const norm = about.reduce((a, i) => a + (scores[i] as number), 0) / Math.max(1, about.length) || 1;
    // One scan of the corpus is cheaper than remembering the papers in the loop above.
    const close: number[] = [];
    for (let i = 0; i < p.n; i++) {
      const s = scores[i] as number;
      if (s === 0) continue;
      const x = Math.min(1, s / norm);
      scores[i] = x;
      if (x >= min) close.push(i);
    }
    return { scores, close, terms };
  };
}
