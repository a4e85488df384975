import type { Paper } from '../paper.js';
import type { Vector } from './vectors.js';

/** A reader's rating of one paper under one topic: "more like this" (1) or "not for me" (−1). */
export interface RatedPaper {
  paper: Paper;
  value: 1 | -1;
}

/**
 * What a reader's ratings under a topic teach its ranking: a linear model over the papers' unit
 * tf-idf vectors (a paper's lean is its dot product with `weights`, relative to the papers they
 * liked), the papers they liked (to say which one a paper resembles) and those they rejected.
 */
export interface ReaderModel {
  /** Stem → weight: positive for the vocabulary of the papers liked, negative for that of the rejected. */
  weights: Map<string, number>;
  /** A paper whose dot product with `weights` is this leans fully towards what was liked (lean 1). */
  yardstick: number;
  liked: { paper: Paper; vector: Vector }[];
  rejectedIds: ReadonlySet<string>;
  /** How many ratings it learned from: the more, the more it weighs against the topic's words. */
  ratings: number;
}

// A rejection weighs half a like: "not for me" says less about what the reader wants than
// "more like this" does (a paper is often rejected for one aspect of it).
const REJECTED_WEIGHT = 0.5;
// The profile keeps its heaviest terms: scoring walks each term's postings once.
const MODEL_TERMS = 60;

/**
 * A Rocchio profile of the ratings: the mean vector of the papers liked minus half the mean of
 * those rejected, cut to its heaviest terms. Chosen over a logistic regression on the same
 * vectors by the learning curve of bench/feedback-curve.ts (see BENCHMARKS.md).
 */
export function readerModel(rated: readonly RatedPaper[], vectorOf: (p: Paper) => Vector): ReaderModel | undefined {
  if (rated.length === 0) return undefined;
  const liked = rated.filter((r) => r.value === 1).map((r) => ({ paper: r.paper, vector: vectorOf(r.paper) }));
  const rejected = rated.filter((r) => r.value === -1).map((r) => vectorOf(r.paper));
  const profile = new Map<string, number>();
  const add = (vectors: readonly Vector[], share: number) => {
    for (const v of vectors)
      for (const [t, w] of v) profile.set(t, (profile.get(t) ?? 0) + (w * share) / vectors.length);
  };
  add(
    liked.map((l) => l.vector),
    1,
  );
  add(rejected, -REJECTED_WEIGHT);
  return fromWeights(profile, liked, new Set(rated.filter((r) => r.value === -1).map((r) => r.paper.id)), rated.length);
}

/** A model from any linear weights over the vectors: the heaviest terms kept, the yardstick set on the papers liked. */
export function fromWeights(
  all: ReadonlyMap<string, number>,
  liked: ReaderModel['liked'],
  rejectedIds: ReadonlySet<string>,
  ratings: number,
): ReaderModel {
  const weights = new Map(
    [...all]
      .filter(([, w]) => w !== 0)
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || (a[0] < b[0] ? -1 : 1))
      .slice(0, MODEL_TERMS),
  );
  const dots = liked.map((l) => dot(weights, l.vector));
  // Nothing liked: a lean is measured against the heaviest weight, so only the rejected's vocabulary counts.
  const yardstick =
    dots.length > 0
      ? dots.reduce((a, b) => a + b, 0) / dots.length
      : Math.max(...[...weights.values()].map(Math.abs), 0);
  return { weights, yardstick: yardstick > 0 ? yardstick : 1, liked, rejectedIds, ratings };
}

export function dot(weights: ReadonlyMap<string, number>, v: Vector): number {
  let s = 0;
  for (const [t, w] of weights) {
    const x = v.get(t);
    if (x !== undefined) s += w * x;
  }
  return s;
}

/** The title of a liked paper as a reason names it: at most `max` characters, cut at a word, with "…". */
export function trimmedTitle(title: string, max = 40): string {
  const t = title.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  const space = t[max] === ' ' ? max : cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/, '')}…`;
}
