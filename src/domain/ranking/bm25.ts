import { containsPhrase, type Analysed } from './analyse.js';

/**
 * BM25 (Robertson & Zaragoza) over two fields, title and abstract, from in-memory postings.
 * MiniSearch's search() was measured first: 10–55 ms per term over 10,000 papers on the project's
 * machine, too slow to rank a thousand topics in seconds; these postings answer the same question
 * (and the same scores, up to MiniSearch's BM25+ delta) in well under a millisecond a term.
 */
const K1 = 1.2;
const B = 0.75;
const TITLE_UNIT = 1 << 20;

interface Postings {
  docs: number[];
  title: number[];
  abstract: number[];
}

export interface Bm25Index {
  /** Papers containing every token (in order, next to each other, when `adjacent`), with their BM25. */
  search(tokens: readonly string[], adjacent: boolean): Map<number, number>;
  /** How many papers contain the token. */
  df(token: string): number;
}

export function createBm25Index(fields: readonly { title: Analysed; abstract: Analysed; titleTokens: readonly string[]; abstractTokens: readonly string[] }[], titleBoost: number): Bm25Index {
  const postings = new Map<string, Postings>();
  const titleLength = new Float64Array(fields.length);
  const abstractLength = new Float64Array(fields.length);
  fields.forEach((f, i) => {
    titleLength[i] = f.titleTokens.length;
    abstractLength[i] = f.abstractTokens.length;
    // Title and abstract counts packed in one number (title × 2^20 + abstract): no array per term.
    const counts = new Map<string, number>();
    for (const t of f.titleTokens) counts.set(t, (counts.get(t) ?? 0) + TITLE_UNIT);
    for (const t of f.abstractTokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, packed] of counts) {
      let p = postings.get(t);
      if (!p) postings.set(t, (p = { docs: [], title: [], abstract: [] }));
      p.docs.push(i);
      p.title.push(Math.floor(packed / TITLE_UNIT));
      p.abstract.push(packed % TITLE_UNIT);
    }
  });
  const n = Math.max(1, fields.length);
  const avgTitle = titleLength.reduce((a, b) => a + b, 0) / n || 1;
  const avgAbstract = abstractLength.reduce((a, b) => a + b, 0) / n || 1;
  const saturate = (tf: number, length: number, avg: number) => (tf === 0 ? 0 : (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / avg)));

  function termScores(token: string, within?: ReadonlySet<number>): Map<number, number> {
    const p = postings.get(token);
    const out = new Map<number, number>();
    if (!p) return out;
    const idf = Math.log(1 + (n - p.docs.length + 0.5) / (p.docs.length + 0.5));
    for (let k = 0; k < p.docs.length; k++) {
      const i = p.docs[k] as number;
      if (within && !within.has(i)) continue;
      const s =
        titleBoost * saturate(p.title[k] as number, titleLength[i] as number, avgTitle) +
        saturate(p.abstract[k] as number, abstractLength[i] as number, avgAbstract);
      out.set(i, idf * s);
    }
    return out;
  }

  return {
    df: (token) => postings.get(token)?.docs.length ?? 0,
    search(tokens, adjacent) {
      if (tokens.length === 0) return new Map();
      // Intersect from the rarest token: the others are scored only where it occurs.
      const order = [...new Set(tokens)].sort((a, b) => (postings.get(a)?.docs.length ?? 0) - (postings.get(b)?.docs.length ?? 0));
      let scores = termScores(order[0] as string);
      for (const token of order.slice(1)) {
        const next = termScores(token, new Set(scores.keys()));
        const merged = new Map<number, number>();
        for (const [i, s] of next) merged.set(i, s + (scores.get(i) as number));
        scores = merged;
      }
      if (adjacent && tokens.length > 1) {
        for (const i of [...scores.keys()]) {
          const f = fields[i];
          if (f && !containsPhrase(f.title.seq, tokens) && !containsPhrase(f.abstract.seq, tokens)) scores.delete(i);
        }
      }
      return scores;
    },
  };
}
