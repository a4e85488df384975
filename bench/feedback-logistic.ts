// The other model bench/feedback-curve.ts measures: an L2-regularised logistic regression over the
// same unit tf-idf vectors, trained by gradient descent on the reader's ratings. Kept here, not in
// src/, since the Rocchio profile (src/domain/ranking/reader-model.ts) did as well or better.
import type { Paper } from '../src/domain/paper.js';
import { dot, fromWeights, type RatedPaper, type ReaderModel } from '../src/domain/ranking/reader-model.js';
import type { Vector } from '../src/domain/ranking/vectors.js';

const EPOCHS = 200;
const STEP = 1;
const L2 = 0.01;

export function logisticModel(rated: readonly RatedPaper[], vectorOf: (p: Paper) => Vector): ReaderModel | undefined {
  if (rated.length === 0) return undefined;
  const xs = rated.map((r) => ({ v: vectorOf(r.paper), y: r.value === 1 ? 1 : 0 }));
  const w = new Map<string, number>();
  for (const { v } of xs) for (const t of v.keys()) w.set(t, 0);
  let b = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const grad = new Map<string, number>();
    let gb = 0;
    for (const { v, y } of xs) {
      const p = 1 / (1 + Math.exp(-(dot(w, v) + b)));
      const e = p - y;
      gb += e;
      for (const [t, x] of v) grad.set(t, (grad.get(t) ?? 0) + e * x);
    }
    for (const [t, wt] of w) w.set(t, wt - STEP * ((grad.get(t) ?? 0) / xs.length + L2 * wt));
    b -= (STEP * gb) / xs.length;
  }
  // The bias is left out of a paper's lean: it says how many ratings were likes, not what a paper is about.
  const liked = rated.filter((r) => r.value === 1).map((r) => ({ paper: r.paper, vector: vectorOf(r.paper) }));
  return fromWeights(w, liked, new Set(rated.filter((r) => r.value === -1).map((r) => r.paper.id)), rated.length);
}
