import type { Postings } from './postings.js';

/**
 * Which of a few papers of the corpus (seeds, papers a reader liked) each paper is most like: the
 * highest dot product of their unit tf-idf vectors, the first of equals (as vectors.ts nearestOf,
 * on the postings' typed arrays instead of a map per paper). The few papers' terms are indexed in
 * a slot per term id while `visit` runs, so each question walks the asking paper's own terms once:
 * a list's head of hundreds of papers is explained per reader, for ten thousand readers a run.
 */
export function createNearest(p: Postings) {
  const slot = new Int32Array(p.names.length).fill(-1);
  const used: number[] = [];
  return function nearestAmong<T>(members: readonly number[], visit: (nearest: (i: number) => number) => T): T {
    // Per term slot: the members using it and their weights, flattened (member, weight, …).
    const lists: number[][] = [];
    members.forEach((m, k) => {
      for (let e = p.vectorStart[m] as number; e < (p.vectorStart[m + 1] as number); e++) {
        const t = p.vectorTerm[e] as number;
        let s = slot[t] as number;
        if (s === -1) {
          s = lists.length;
          slot[t] = s;
          lists.push([]);
          used.push(t);
        }
        (lists[s] as number[]).push(k, p.vectorWeight[e] as number);
      }
    });
    const dots = new Float64Array(members.length);
    const nearest = (i: number) => {
      dots.fill(0);
      for (let e = p.vectorStart[i] as number; e < (p.vectorStart[i + 1] as number); e++) {
        const s = slot[p.vectorTerm[e] as number] as number;
        if (s === -1) continue;
        const w = p.vectorWeight[e] as number;
        const list = lists[s] as number[];
        for (let x = 0; x < list.length; x += 2)
          dots[list[x] as number] = (dots[list[x] as number] as number) + w * (list[x + 1] as number);
      }
      let best = 0;
      for (let k = 1; k < dots.length; k++) if ((dots[k] as number) > (dots[best] as number)) best = k;
      return best;
    };
    try {
      return visit(nearest);
    } finally {
      for (const t of used) slot[t] = -1;
      used.length = 0;
    }
  };
}
