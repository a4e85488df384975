import { DROPPED_WORD } from './analyse.js';
import type { Postings } from './postings.js';

/**
 * BM25F (Robertson & Zaragoza) over two fields, title and abstract, scored once per posting when
 * the index is built, so a search is a walk over typed arrays.
 *
 * Why not a maintained engine: `node --import tsx bench/lexical-engines.ts` gives MiniSearch 7 and
 * SQLite FTS5 the same analysed tokens and the 800 distinct forms of the ranking benchmark's 1,000
 * topics over 10,000 papers, each form searched once. MiniSearch took 2.0 s to analyse and index
 * and 3.2 s to search (1.8 ms a form, 10 ms at p90), the whole 5 s budget before any ranking, and
 * has no phrase search. FTS5 took 0.55 s and 0.69 s against 0.60 s and 0.10 s here, and neither
 * yields the term → papers lists with tf-idf weights that the feedback needs, so this index would
 * be built anyway; FTS5 would also put a database inside the pure domain. See BENCHMARKS.md.
 */
const K1 = 1.2;
const B = 0.75;

/** Papers containing every token, ascending, with their BM25. */
export interface Hits {
  docs: Int32Array;
  scores: Float64Array;
}

export const NO_HITS: Hits = { docs: new Int32Array(0), scores: new Float64Array(0) };

export interface Bm25Index {
  /**
   * Papers containing every token (in order, next to each other, when `adjacent`; `loose` lets a
   * phrase stand across dropped words, for phrases typed with one).
   */
  search(tokens: readonly string[], adjacent: boolean, loose?: boolean): Hits;
}

export function createBm25Index(p: Postings, titleBoost: number): Bm25Index {
  const n = Math.max(1, p.n);
  let totalTitle = 0;
  let totalAbstract = 0;
  for (let i = 0; i < p.n; i++) {
    totalTitle += p.titleLength[i] as number;
    totalAbstract += p.abstractLength[i] as number;
  }
  const avgTitle = totalTitle / n || 1;
  const avgAbstract = totalAbstract / n || 1;
  // BM25F: the fields' length-normalised counts are weighted and added, then saturated once. Scoring
  // each field apart and adding the scores let a word once in the title and once in the abstract
  // count nearly as two words, and papers that name a word in passing in both rose over papers
  // about it (mean nDCG@10 of `npm run eval:relevance` 0.894 summed, 0.904 so).
  const bm25f = (titleTf: number, titleLength: number, abstractTf: number, abstractLength: number) => {
    const tf = (titleBoost * titleTf) / (1 - B + (B * titleLength) / avgTitle) + abstractTf / (1 - B + (B * abstractLength) / avgAbstract);
    return (tf * (K1 + 1)) / (tf + K1);
  };
  const score = new Float64Array(p.doc.length);
  for (let t = 0; t < p.df.length; t++) {
    const df = p.df[t] as number;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    for (let k = p.start[t] as number; k < (p.start[t + 1] as number); k++) {
      const i = p.doc[k] as number;
      score[k] = idf * bm25f(p.titleTf[k] as number, p.titleLength[i] as number, p.abstractTf[k] as number, p.abstractLength[i] as number);
    }
  }

  return {
    search(tokens, adjacent, loose = false) {
      if (tokens.length === 0) return NO_HITS;
      const unique = [...new Set(tokens)].map((t) => p.ids.get(t) ?? -1);
      if (unique.includes(-1)) return NO_HITS;
      // Intersect from the rarest token: the lists are ascending, so each step is one merge.
      const order = unique.sort((a, b) => (p.df[a] as number) - (p.df[b] as number));
      const first = order[0] as number;
      let docs = p.doc.slice(p.start[first], p.start[first + 1]);
      let scores = score.slice(p.start[first], p.start[first + 1]);
      for (let o = 1; o < order.length && docs.length > 0; o++) {
        const t = order[o] as number;
        const end = p.start[t + 1] as number;
        const nextDocs = new Int32Array(docs.length);
        const nextScores = new Float64Array(docs.length);
        let kept = 0;
        let k = p.start[t] as number;
        for (let j = 0; j < docs.length && k < end; j++) {
          const i = docs[j] as number;
          while (k < end && (p.doc[k] as number) < i) k++;
          if (k < end && p.doc[k] === i) {
            nextDocs[kept] = i;
            nextScores[kept++] = (score[k] as number) + (scores[j] as number);
          }
        }
        docs = nextDocs.subarray(0, kept);
        scores = nextScores.subarray(0, kept);
      }
      if (adjacent && tokens.length > 1) {
        // Check each paper where the rarest word stands: the phrase around it, word by word.
        const phrase = Int32Array.from(tokens, (t) => p.ids.get(t) as number);
        const anchor = phrase.indexOf(first);
        const end = p.start[first + 1] as number;
        let k = p.start[first] as number;
        let kept = 0;
        for (let j = 0; j < docs.length; j++) {
          const i = docs[j] as number;
          while (p.doc[k] !== i && k < end) k++;
          if (!phraseAt(p, k, phrase, anchor, loose)) continue;
          docs[kept] = i;
          scores[kept++] = scores[j] as number;
        }
        docs = docs.subarray(0, kept);
        scores = scores.subarray(0, kept);
      }
      return { docs, scores };
    },
  };
}

/**
 * Whether posting k's paper has `phrase` with its word `anchor` at one of that posting's positions,
 * its words side by side (or with only dropped words between them, when `loose`), never across a
 * clause's end.
 */
function phraseAt(p: Postings, k: number, phrase: Int32Array, anchor: number, loose: boolean): boolean {
  const seq = p.seq[p.doc[k] as number] as Int32Array;
  for (let x = p.positionStart[k] as number; x < (p.positionStart[k + 1] as number); x++) {
    if (phraseAround(seq, p.positions[x] as number, phrase, anchor, loose)) return true;
  }
  return false;
}

function phraseAround(seq: Int32Array, at: number, phrase: Int32Array, anchor: number, loose: boolean): boolean {
  // Marks are negative, term ids are not: a mark never equals a phrase's word.
  let s = at;
  for (let j = anchor - 1; j >= 0; j--) {
    s--;
    while (loose && s >= 0 && seq[s] === DROPPED_WORD) s--;
    if (s < 0 || seq[s] !== phrase[j]) return false;
  }
  s = at;
  for (let j = anchor + 1; j < phrase.length; j++) {
    s++;
    while (loose && s < seq.length && seq[s] === DROPPED_WORD) s++;
    if (s >= seq.length || seq[s] !== phrase[j]) return false;
  }
  return true;
}
