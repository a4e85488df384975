import type { Postings } from './postings.js';
import type { ReaderModel } from './reader-model.js';

// How much a reader's ratings weigh against the topic's own score: BLEND_MAX at most, half of that
// after BLEND_HALF ratings (0.4 after 5, 0.54 after 10), so a first rating nudges the ranking and
// ten steer it. Tuned on bench/feedback-curve.ts (see BENCHMARKS.md): 0.5 at most gained half as much.
const BLEND_MAX = 0.7;
const BLEND_HALF = 3;
// A paper that does not match the topic's words comes in when it leans this far towards what was
// liked (1: as far as the liked papers themselves, on average).
const LEAN_MIN = 0.25;

/** The share of a paper's score that comes from the reader's lean, after `ratings` ratings. */
export function readerBlend(model: Pick<ReaderModel, 'ratings'>): number {
  return (BLEND_MAX * model.ratings) / (model.ratings + BLEND_HALF);
}

/** How every paper of the corpus (up to the end asked) leans, −1 (like what was rejected) to 1 (like what was liked). */
export interface Lean {
  /** Per paper (by position); overwritten by the next call. */
  scores: Float64Array;
  /** The papers leaning at least LEAN_MIN towards what was liked. */
  close: number[];
}

/**
 * One pass over the model's terms' postings per reader, no per-paper vectors (as feedback.ts); the
 * papers touched are remembered, so that a reader costs their terms' postings, not the corpus.
 */
export function createLeaning(p: Postings): (model: ReaderModel, end?: number) => Lean {
  const scores = new Float64Array(p.n);
  const isTouched = new Uint8Array(p.n);
  const touched = new Int32Array(p.n);
  let count = 0;
  // Only papers before position `end` are scored (a window's candidates come first in the corpus,
  // the background after them, and a reader's ranking picks only among the candidates); each
  // term's postings are in ascending order of paper, so its walk stops there.
  return (model, end = p.n) => {
    for (let k = 0; k < count; k++) {
      const i = touched[k] as number;
      scores[i] = 0;
      isTouched[i] = 0;
    }
    count = 0;
    const { doc, weight } = p;
    for (const [name, w] of model.weights) {
      const t = p.ids.get(name);
      if (t === undefined) continue;
      const last = p.start[t + 1] as number;
      for (let k = p.start[t] as number; k < last; k++) {
        const i = doc[k] as number;
        if (i >= end) break;
        if (isTouched[i] === 0) {
          isTouched[i] = 1;
          touched[count++] = i;
        }
        scores[i] = (scores[i] as number) + w * (weight[k] as number);
      }
    }
    const close: number[] = [];
    for (let k = 0; k < count; k++) {
      const i = touched[k] as number;
      const x = Math.max(-1, Math.min(1, (scores[i] as number) / model.yardstick));
      scores[i] = x;
      if (x >= LEAN_MIN) close.push(i);
    }
    return { scores, close };
  };
}
