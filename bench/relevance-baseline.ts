// The baselines `npm run eval:relevance` scores Paperboy against: textbook BM25 with nothing of
// Paperboy's (no Porter stems, phrases, acronyms, compounds, spelling, feedback or diversity).
// Written out here rather than taken from MiniSearch, because MiniSearch multiplies each score by
// the number of query words a paper matches (a coordination reward plain BM25 has not) and adds
// BM25+'s floor (d = 0.5) to every match.
import type { Paper } from '../src/domain/paper.js';

/** Lucene's (and so Elasticsearch's `_english_`) default English stopword set. */
export const BASELINE_STOPWORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);
const K1 = 1.2;
const B = 0.75;

/**
 * Harman's S-stemmer (1991): plurals only, the first rule that applies. "models" → model,
 * "queries" → query, "boxes" → boxe, "gaussian" and "class" unchanged.
 */
export function sStem(word: string): string {
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && !/[aeo]es$/.test(word)) return word.slice(0, -1);
  if (word.endsWith('s') && !/[us]s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Lowercase words split at anything but a letter or digit, accents folded, stopwords dropped, S-stemmed. */
export function baselineTokens(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && !BASELINE_STOPWORDS.has(w))
    .map(sStem)
    .filter((w) => w.length > 0);
}

/**
 * The words of a query as a plain engine sees them: Paperboy's syntax (OR, quotes, -exclusions,
 * operator:values) taken away, so an expert query is its bag of words.
 */
export function plainWords(query: string): string {
  return query
    .replace(/(^|\s)-("[^"]*"|\S+)/g, ' ')
    .replace(/(^|\s)(author|category|cat|like|min):("[^"]*"|\S+)/gi, ' ')
    .split(/\s+OR\s+/)
    .join(' ')
    .replace(/"/g, ' ');
}

export type BaselineMode = 'any' | 'all';

/**
 * BM25 (k1 = 1.2, b = 0.75, Lucene's idf ln(1 + (N − df + 0.5) / (df + 0.5))) over each paper's
 * title and abstract read as one text. A query is its distinct words: `any` ranks every paper
 * with at least one of them, `all` only the papers with every one. Ties keep the sample's order.
 */
export function createBaseline(papers: readonly Paper[]) {
  const docs = papers.map((p) => {
    const tf = new Map<string, number>();
    const tokens = baselineTokens(`${p.title}\n${p.abstract}`);
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    return { id: p.id, tf, length: tokens.length };
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const avgLength = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, docs.length);
  const idf = (t: string) => {
    const n = df.get(t) ?? 0;
    return Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
  };

  return {
    /** Each paper's score for a query, best first; papers that do not qualify are left out. */
    score(query: string, mode: BaselineMode): { id: string; score: number }[] {
      const words = [...new Set(baselineTokens(plainWords(query)))];
      if (words.length === 0) return [];
      const scored: { id: string; score: number; at: number }[] = [];
      docs.forEach((d, at) => {
        let matched = 0;
        let score = 0;
        for (const w of words) {
          const tf = d.tf.get(w);
          if (!tf) continue;
          matched++;
          score += (idf(w) * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * d.length) / avgLength));
        }
        if (mode === 'all' ? matched === words.length : matched > 0) scored.push({ id: d.id, score, at });
      });
      scored.sort((a, b) => b.score - a.score || a.at - b.at);
      return scored.map(({ id, score }) => ({ id, score }));
    },
    rank(query: string, mode: BaselineMode): string[] {
      return this.score(query, mode).map((s) => s.id);
    },
  };
}

export type Baseline = ReturnType<typeof createBaseline>;
