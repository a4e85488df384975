import { CLAUSE_BREAK, DROPPED_WORD, Vocabulary } from './analyse.js';
import { CLAUSE_MARK, DROPPED_MARK, type IndexedPaper } from './lexical-index.js';
import { isNumber } from './vectors.js';

/**
 * The corpus as integer term ids, in two layouts built in one pass: term → papers (postings, for
 * "which papers use this vocabulary") and paper → terms (its unit tf-idf vector). These serve the
 * feedback and the likeness of papers; BM25 and phrases are the full-text engine's (texts).
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
  /** Occurrences of the term in all the stem sequences, and papers with it in the title. */
  cf: Int32Array;
  titleDf: Int32Array;
  /** Term t's postings are entries start[t] … start[t+1]−1 of the arrays below, papers ascending. */
  start: Int32Array;
  doc: Int32Array;
  /** The term's weight in the paper's unit tf-idf vector; 0 when it is a number or only part of a compound's whole form. */
  weight: Float64Array;
  /** Paper i's vector is vectorTerm/vectorWeight[vectorStart[i] … vectorStart[i+1]−1], in reading order. */
  vectorStart: Int32Array;
  vectorTerm: Int32Array;
  vectorWeight: Float64Array;
  /** Each paper as the full-text engine indexes it: the stems with the marks of analyse.ts, and whole compounds. */
  texts: IndexedPaper[];
  /** The distinct words of the papers, as written. */
  words: readonly string[];
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
  const titleStems = new Int32Array(m);
  const titleWholes = new Int32Array(m);
  const texts: IndexedPaper[] = [];
  const stems: number[] = [];
  const whole: number[] = [];
  const words = (list: readonly number[], from: number, to: number): string => {
    const out: string[] = [];
    for (let k = from; k < to; k++) {
      const id = list[k] as number;
      out.push(id === CLAUSE_BREAK ? CLAUSE_MARK : id === DROPPED_WORD ? DROPPED_MARK : (names[id] as string));
    }
    return out.join(' ');
  };
  let tokens = 0;
  fields.forEach((f, i) => {
    stems.length = 0;
    whole.length = 0;
    vocabulary.read(f.title, stems, whole, true);
    const inTitle = stems.length;
    titleStems[i] = inTitle;
    titleWholes[i] = whole.length;
    stems.push(CLAUSE_BREAK);
    vocabulary.read(f.abstract, stems, whole, true);
    seq.push(Int32Array.from(stems));
    wholes.push(Int32Array.from(whole));
    texts.push({
      title: words(stems, 0, inTitle),
      abstract: words(stems, inTitle + 1, stems.length),
      titleWholes: words(whole, 0, whole.length === 0 ? 0 : (titleWholes[i] as number)),
      abstractWholes: words(whole, titleWholes[i] as number, whole.length),
    });
    tokens += stems.length + whole.length;
  });
  const terms = names.length;
  const numeric = new Uint8Array(terms);
  for (let id = 0; id < terms; id++) numeric[id] = isNumber(names[id] as string) ? 1 : 0;

  // Paper-major: each paper's distinct terms in reading order (title stems, abstract stems, then
  // whole forms), with their counts. `slot` finds a term's entry while its paper is being read.
  const entryTerm = new Int32Array(tokens);
  const entryVector = new Int32Array(tokens);
  const entryStart = new Int32Array(m + 1);
  const owner = new Int32Array(terms).fill(-1);
  const slot = new Int32Array(terms);
  const df = new Int32Array(terms);
  const cf = new Int32Array(terms);
  const titleDf = new Int32Array(terms);
  const entryInTitle = new Uint8Array(tokens);
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
      entryVector[e] = (entryVector[e] as number) + (k < inTitle ? titleWeight : 1);
      cf[stems[k] as number] = (cf[stems[k] as number] as number) + 1;
      if (k < inTitle && entryInTitle[e] === 0) {
        entryInTitle[e] = 1;
        titleDf[stems[k] as number] = (titleDf[stems[k] as number] as number) + 1;
      }
    }
    // A whole compound ("lowrank") is a posting of its paper, with no weight in its vector.
    const compounds = wholes[i] as Int32Array;
    for (let k = 0; k < compounds.length; k++) entryOf(compounds[k] as number, i);
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
    for (let e = entryStart[i] as number; e < (entryStart[i + 1] as number); e++)
      entryWeight[e] = (entryWeight[e] as number) / norm;
  }
  const vectorTerm = new Int32Array(vectorEntries);
  const vectorWeight = new Float64Array(vectorEntries);

  // Term-major: counting sort of the entries by term, papers staying in ascending order.
  const start = new Int32Array(terms + 1);
  for (let t = 0; t < terms; t++) start[t + 1] = (start[t] as number) + (df[t] as number);
  const cursor = start.slice(0, terms);
  const doc = new Int32Array(entries);
  const weight = new Float64Array(entries);
  let v = 0;
  for (let i = 0; i < m; i++) {
    vectorStart[i] = v;
    for (let e = entryStart[i] as number; e < (entryStart[i + 1] as number); e++) {
      const id = entryTerm[e] as number;
      const at = cursor[id] as number;
      cursor[id] = at + 1;
      doc[at] = i;
      const w = entryWeight[e] as number;
      weight[at] = w;
      if (w > 0) {
        vectorTerm[v] = id;
        vectorWeight[v++] = w;
      }
    }
  }
  vectorStart[m] = v;

  return {
    n: m,
    ids,
    names,
    df,
    cf,
    titleDf,
    start,
    doc,
    weight,
    vectorStart,
    vectorTerm,
    vectorWeight,
    texts,
    words: vocabulary.words,
  };
}
