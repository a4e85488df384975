import type { Analysed } from './analyse.js';
import { isNumber } from './vectors.js';

/**
 * The corpus as integer term ids, in two layouts built in one pass: term → papers (postings, for
 * BM25 and for "which papers use this vocabulary") and paper → terms (its unit tf-idf vector).
 * Flat typed arrays rather than maps: ranking a thousand topics walks these lists millions of
 * times, and a map per term or per paper was a quarter of the time in garbage collection alone.
 */
export interface Postings {
  /** Papers in the corpus. */
  n: number;
  /** Stem → term id. */
  ids: ReadonlyMap<string, number>;
  names: readonly string[];
  /** Papers containing the term (in a stem sequence or as a compound's whole form). */
  df: Int32Array;
  /** Term t's postings are entries start[t] … start[t+1]−1 of the arrays below, papers ascending. */
  start: Int32Array;
  doc: Int32Array;
  titleTf: Int32Array;
  abstractTf: Int32Array;
  /** The term's weight in the paper's unit tf-idf vector; 0 when it is a number or only part of a compound's whole form. */
  weight: Float64Array;
  titleLength: Float64Array;
  abstractLength: Float64Array;
  /** Paper i's vector is vectorTerm/vectorWeight[vectorStart[i] … vectorStart[i+1]−1], in reading order. */
  vectorStart: Int32Array;
  vectorTerm: Int32Array;
  vectorWeight: Float64Array;
  /** Stems in reading order, as term ids: what phrases are checked against. */
  titleSeq: Int32Array[];
  abstractSeq: Int32Array[];
}

/** Inverse document frequency of the tf-idf vectors (not BM25's). */
export const vectorIdf = (n: number, df: number) => Math.log(1 + n / Math.max(1, df));

/** Builds both layouts; in a paper's vector each title stem counts `titleWeight` times. */
export function buildPostings(fields: readonly { title: Analysed; abstract: Analysed }[], titleWeight: number): Postings {
  const ids = new Map<string, number>();
  const names: string[] = [];
  const intern = (list: readonly string[]): Int32Array => {
    const out = new Int32Array(list.length);
    for (let k = 0; k < list.length; k++) {
      const t = list[k] as string;
      let id = ids.get(t);
      if (id === undefined) {
        id = names.length;
        ids.set(t, id);
        names.push(t);
      }
      out[k] = id;
    }
    return out;
  };
  const m = fields.length;
  const titleSeq: Int32Array[] = [];
  const abstractSeq: Int32Array[] = [];
  const titleWhole: Int32Array[] = [];
  const abstractWhole: Int32Array[] = [];
  const titleLength = new Float64Array(m);
  const abstractLength = new Float64Array(m);
  let tokens = 0;
  fields.forEach((f, i) => {
    titleSeq.push(intern(f.title.seq));
    abstractSeq.push(intern(f.abstract.seq));
    titleWhole.push(intern(f.title.whole));
    abstractWhole.push(intern(f.abstract.whole));
    titleLength[i] = f.title.seq.length + f.title.whole.length;
    abstractLength[i] = f.abstract.seq.length + f.abstract.whole.length;
    tokens += titleLength[i] + abstractLength[i];
  });
  const terms = names.length;
  const numeric = new Uint8Array(terms);
  names.forEach((t, id) => (numeric[id] = isNumber(t) ? 1 : 0));

  // Paper-major: each paper's distinct terms in reading order (title stems, abstract stems, then
  // whole forms), with their counts. `slot` finds a term's entry while its paper is being read.
  const entryTerm = new Int32Array(tokens);
  const entryTitle = new Int32Array(tokens);
  const entryAbstract = new Int32Array(tokens);
  const entryVector = new Int32Array(tokens);
  const entryStart = new Int32Array(m + 1);
  const owner = new Int32Array(terms).fill(-1);
  const slot = new Int32Array(terms);
  const df = new Int32Array(terms);
  let entries = 0;
  const entryOf = (id: number, i: number): number => {
    if (owner[id] === i) return slot[id] as number;
    owner[id] = i;
    slot[id] = entries;
    entryTerm[entries] = id;
    df[id] = (df[id] as number) + 1;
    return entries++;
  };
  for (let i = 0; i < m; i++) {
    entryStart[i] = entries;
    for (const id of titleSeq[i] as Int32Array) {
      const e = entryOf(id, i);
      entryTitle[e] = (entryTitle[e] as number) + 1;
      entryVector[e] = (entryVector[e] as number) + titleWeight;
    }
    for (const id of abstractSeq[i] as Int32Array) {
      const e = entryOf(id, i);
      entryAbstract[e] = (entryAbstract[e] as number) + 1;
      entryVector[e] = (entryVector[e] as number) + 1;
    }
    for (const id of titleWhole[i] as Int32Array) {
      const e = entryOf(id, i);
      entryTitle[e] = (entryTitle[e] as number) + 1;
    }
    for (const id of abstractWhole[i] as Int32Array) {
      const e = entryOf(id, i);
      entryAbstract[e] = (entryAbstract[e] as number) + 1;
    }
  }
  entryStart[m] = entries;

  // Unit tf-idf weights: (1 + log tf) · idf, normalised per paper.
  const n = Math.max(1, m);
  const entryWeight = new Float64Array(entries);
  const vectorStart = new Int32Array(m + 1);
  let vectorEntries = 0;
  for (let i = 0; i < m; i++) {
    let norm = 0;
    for (let e = entryStart[i] as number; e < (entryStart[i + 1] as number); e++) {
      const id = entryTerm[e] as number;
      const tf = entryVector[e] as number;
      if (tf === 0 || numeric[id] === 1) continue;
      const w = (1 + Math.log(tf)) * vectorIdf(n, df[id] as number);
      entryWeight[e] = w;
      norm += w * w;
      vectorEntries++;
    }
    norm = Math.sqrt(norm) || 1;
    for (let e = entryStart[i] as number; e < (entryStart[i + 1] as number); e++) entryWeight[e] = (entryWeight[e] as number) / norm;
  }
  const vectorTerm = new Int32Array(vectorEntries);
  const vectorWeight = new Float64Array(vectorEntries);

  // Term-major: counting sort of the entries by term, papers staying in ascending order.
  const start = new Int32Array(terms + 1);
  for (let t = 0; t < terms; t++) start[t + 1] = (start[t] as number) + (df[t] as number);
  const cursor = start.slice(0, terms);
  const doc = new Int32Array(entries);
  const titleTf = new Int32Array(entries);
  const abstractTf = new Int32Array(entries);
  const weight = new Float64Array(entries);
  let v = 0;
  for (let i = 0; i < m; i++) {
    vectorStart[i] = v;
    for (let e = entryStart[i] as number; e < (entryStart[i + 1] as number); e++) {
      const id = entryTerm[e] as number;
      const at = cursor[id] as number;
      cursor[id] = at + 1;
      doc[at] = i;
      titleTf[at] = entryTitle[e] as number;
      abstractTf[at] = entryAbstract[e] as number;
      const w = entryWeight[e] as number;
      weight[at] = w;
      if (w > 0) {
        vectorTerm[v] = id;
        vectorWeight[v++] = w;
      }
    }
  }
  vectorStart[m] = v;
  return { n: m, ids, names, df, start, doc, titleTf, abstractTf, weight, titleLength, abstractLength, vectorStart, vectorTerm, vectorWeight, titleSeq, abstractSeq };
}

/** Whether the term ids of `phrase` occur consecutively in `seq`. */
export function containsIds(seq: Int32Array, phrase: Int32Array): boolean {
  const first = phrase[0] as number;
  const last = seq.length - phrase.length;
  // The typed array's own indexOf finds the first word far faster than a loop in script.
  for (let i = seq.indexOf(first); i !== -1 && i <= last; i = seq.indexOf(first, i + 1)) {
    let j = 1;
    while (j < phrase.length && seq[i + j] === phrase[j]) j++;
    if (j === phrase.length) return true;
  }
  return false;
}
