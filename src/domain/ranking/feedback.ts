import { topK } from './order.js';
import type { Postings } from './postings.js';

// With the 'nearest' yardstick (below): the least share of the seeds' closeness to their own
// vocabulary that the nearest paper must reach to count as fully alike.
const NEAREST_FLOOR = 0.1;

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
 * Pseudo-relevance feedback over the postings: the (weighted) centroid of some papers' tf-idf vectors, its
 * heaviest terms apart from the query's own, and every paper's weight on those terms relative to
 * a yardstick (1 = as close: the papers it came from, or the nearest other paper). One pass over those terms' postings, no per-paper vectors.
 * The scores returned are overwritten by the next call.
 */
export function createFeedback(p: Postings, profileTerms: number) {
  // Reused between topics (and reset after each): a topic's centroid touches a few hundred terms.
  const centroid = new Float64Array(p.names.length);
  // Also reused: the scores returned are good until the next call.
  const scores = new Float64Array(p.n);
  const byWeight = (a: number, b: number) =>
    (centroid[b] as number) - (centroid[a] as number) || (p.names[a] as string).localeCompare(p.names[b] as string);

  /**
   * `yardstick` is what counts as fully alike (score 1). 'about': the papers the vocabulary came
   * from, on average; right for the best matches of a query's words, several papers whose common
   * vocabulary none of them owns. 'nearest': the closest paper outside `about`, right for a
   * reader's seed papers: the vocabulary is the seeds' own heaviest terms, so a seed matches it as
   * a paper matches itself and no other paper comes near (about 0.1 to 0.3 of that on the seeds'
   * own subject). The nearest paper stands for "on the subject" and the others count by their
   * share of its closeness. So that a corpus with nothing on the subject does not crown its least
   * unrelated paper, the nearest counts as fully alike only up to NEAREST_FLOOR of the seeds' own
   * closeness: a paper further than that is never fully alike.
   */
  /**
   * `strength` weighs the papers in the centroid (a relevance model: a paper counts by how well it
   * matched the query, so the fifth-best match, often one that shares a word in passing, adds its
   * vocabulary less than the best does); the papers count alike without it (seeds).
   */
  return function closeness(
    about: readonly number[],
    own: ReadonlySet<string>,
    min: number,
    yardstick: 'about' | 'nearest' = 'about',
    strength?: (i: number) => number,
  ): Closeness {
    const present: number[] = [];
    const totalStrength = strength ? about.reduce((a, i) => a + strength(i), 0) : 0;
    for (const i of about) {
      const share = strength && totalStrength > 0 ? strength(i) / totalStrength : 1 / about.length;
      for (let e = p.vectorStart[i] as number; e < (p.vectorStart[i + 1] as number); e++) {
        const t = p.vectorTerm[e] as number;
        if (centroid[t] === 0) present.push(t);
        centroid[t] = (centroid[t] as number) + (p.vectorWeight[e] as number) * share;
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
    const aboutMean = about.reduce((a, i) => a + (scores[i] as number), 0) / Math.max(1, about.length) || 1;
    let norm = aboutMean;
    if (yardstick === 'nearest') {
      let nearest = 0;
      for (let i = 0; i < p.n; i++)
        if ((scores[i] as number) > nearest && !about.includes(i)) nearest = scores[i] as number;
      norm = Math.max(nearest, NEAREST_FLOOR * aboutMean);
    }
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
