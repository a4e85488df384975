import { CLAUSE_BREAK, Vocabulary } from './analyse.js';
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
  /**
   * Paper i's stems in reading order as term ids, title then abstract with a CLAUSE_BREAK between
   * them, and the marks of analyse.ts where a clause ends or a word was dropped: what phrases are
   * checked against.
   */
  seq: Int32Array[];
  /** Where posting k's term stands in its paper's `seq`: positions[positionStart[k] … positionStart[k+1]−1]. */
  positionStart: Int32Array;
  positions: Int32Array;
}

/** Inverse document frequency of the tf-idf vectors (not BM25's). */
export const vectorIdf = (n: number, df: number) => Math.log(1 + n / Math.max(1, df));

/** Analyses the papers and builds both layouts; in a paper's vector each title stem counts `titleWeight` times. */
export function buildPostings(fields: readonly { title: string; abstract: string }[], titleWeight: number): Postings {
  const vocabulary = new Vocabulary();
  const { ids, names } = vocabulary;
  const m = fields.length;
  const seq: Int32Array[] = [];
  const wholes: Int32Array[] = [];
  const titleLength = new Float64Array(m);
  const titleStems = new Int32Array(m);
  const titleWholes = new Int32Array(m);
  const abstractLength = new Float64Array(m);
  const stems: number[] = [];
  const whole: number[] = [];
  let tokens = 0;
  fields.forEach((f, i) => {
    stems.length = 0;
    whole.length = 0;
    vocabulary.read(f.title, stems, whole, true);
    titleStems[i] = stems.length;
    titleWholes[i] = whole.length;
    stems.push(CLAUSE_BREAK);
    vocabulary.read(f.abstract, stems, whole, true);
    seq.push(Int32Array.from(stems));
    wholes.push(Int32Array.from(whole));
    let inTitle = 0;
    let words = 0;
    for (let k = 0; k < stems.length; k++) {
      if ((stems[k] as number) < 0) continue;
      words++;
      if (k < (titleStems[i] as number)) inTitle++;
    }
    titleLength[i] = inTitle + (titleWholes[i] as number);
    abstractLength[i] = words - inTitle + whole.length - (titleWholes[i] as number);
    tokens += words + whole.length;
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
  const entryStems = new Int32Array(tokens);
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
    const stems = seq[i] as Int32Array;
    const inTitle = titleStems[i] as number;
    for (let k = 0; k < stems.length; k++) {
      if ((stems[k] as number) < 0) continue;
      const e = entryOf(stems[k] as number, i);
      entryStems[e] = (entryStems[e] as number) + 1;
      if (k < inTitle) {
        entryTitle[e] = (entryTitle[e] as number) + 1;
        entryVector[e] = (entryVector[e] as number) + titleWeight;
      } else {
        entryAbstract[e] = (entryAbstract[e] as number) + 1;
        entryVector[e] = (entryVector[e] as number) + 1;
      }
    }
    const compounds = wholes[i] as Int32Array;
    for (let k = 0; k < compounds.length; k++) {
      const e = entryOf(compounds[k] as number, i);
      if (k < (titleWholes[i] as number)) entryTitle[e] = (entryTitle[e] as number) + 1;
      else entryAbstract[e] = (entryAbstract[e] as number) + 1;
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
  const entryPosting = new Int32Array(entries);
  const stemCount = new Int32Array(entries);
  let v = 0;
  for (let i = 0; i < m; i++) {
    vectorStart[i] = v;
    for (let e = entryStart[i] as number; e < (entryStart[i + 1] as number); e++) {
      const id = entryTerm[e] as number;
      const at = cursor[id] as number;
      cursor[id] = at + 1;
      doc[at] = i;
      entryPosting[e] = at;
      stemCount[at] = entryStems[e] as number;
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

  // Positions, grouped by posting: a phrase is checked where its rarest word stands, not by reading the paper.
  const positionStart = new Int32Array(entries + 1);
  for (let k = 0; k < entries; k++) positionStart[k + 1] = (positionStart[k] as number) + (stemCount[k] as number);
  const positions = new Int32Array(positionStart[entries] as number);
  const next = positionStart.slice(0, entries);
  for (let i = 0; i < m; i++) {
    for (let e = entryStart[i] as number; e < (entryStart[i + 1] as number); e++) slot[entryTerm[e] as number] = e;
    const stems = seq[i] as Int32Array;
    for (let k = 0; k < stems.length; k++) {
      const id = stems[k] as number;
      if (id < 0) continue;
      const at = entryPosting[slot[id] as number] as number;
      positions[next[at] as number] = k;
      next[at] = (next[at] as number) + 1;
    }
  }
  return { n: m, ids, names, df, start, doc, titleTf, abstractTf, weight, titleLength, abstractLength, vectorStart, vectorTerm, vectorWeight, seq, positionStart, positions };
}
