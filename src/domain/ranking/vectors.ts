/** Sparse term vectors (tf-idf, unit length): how alike two papers are, and what a set of papers is about. */
export type Vector = Map<string, number>;

// Bare numbers ("2024", "10") say little about what a paper is about.
export function isNumber(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A unit tf-idf vector of a paper; title stems count `titleWeight` times. */
export function tfidf(
  title: readonly string[],
  abstract: readonly string[],
  idf: (t: string) => number,
  titleWeight: number,
): Vector {
  const tf = new Map<string, number>();
  for (const t of title) if (!isNumber(t)) tf.set(t, (tf.get(t) ?? 0) + titleWeight);
  for (const t of abstract) if (!isNumber(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
  const v: Vector = new Map();
  let norm = 0;
  for (const [t, n] of tf) {
    const w = (1 + Math.log(n)) * idf(t);
    v.set(t, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [t, w] of v) v.set(t, w / norm);
  return v;
}

export function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small) {
    const x = large.get(t);
    if (x !== undefined) dot += w * x;
  }
  return dot;
}

/**
 * Which of some unit vectors a vector is most like (highest cosine; the first of equals), as a
 * function: an index from term to vectors makes each question cost the vector's terms, not a
 * cosine with every one (a digest explains hundreds of papers by thirty seeds).
 */
export function nearestOf(vectors: readonly Vector[]): (v: Vector) => number {
  const byTerm = new Map<string, [number, number][]>();
  vectors.forEach((u, k) => {
    for (const [t, w] of u) {
      const list = byTerm.get(t);
      if (list) list.push([k, w]);
      else byTerm.set(t, [[k, w]]);
    }
  });
  const dots = new Float64Array(vectors.length);
  return (v) => {
    dots.fill(0);
    for (const [t, w] of v) {
      const list = byTerm.get(t);
      if (list) for (const [k, x] of list) dots[k] = (dots[k] as number) + w * x;
    }
    let best = 0;
    for (let k = 1; k < dots.length; k++) if ((dots[k] as number) > (dots[best] as number)) best = k;
    return best;
  };
}
