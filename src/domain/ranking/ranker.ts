import type { Paper } from '../paper.js';
import type { Query } from '../query.js';
import { learnAcronyms, longForms, type AcronymTable } from './acronyms.js';
import { analyse, indexTokens, surfaceOf, type Analysed } from './analyse.js';
import { createBm25Index } from './bm25.js';
import { conceptsOf, excludedForms, formKey, type Concept, type Form } from './concepts.js';
import { passesFilters } from './filters.js';
import { blendPopularity, compare, tidy, topK } from './order.js';
import { cosine, profile, tfidf, type Vector } from './vectors.js';

/** A paper ranked for a topic, with why it was picked. */
export interface ScoredPaper {
  paper: Paper;
  /** Relevance from 0 to 1 (popularity blended in when the operator asks for it). */
  score: number;
  /** The query's words and phrases found in the paper, as typed; "(as NAS)" when an acronym stood in. */
  matched: string[];
  /** The seed paper it is most like, for topics seeded with example papers. */
  resembles?: { id: string; title: string };
  /** Words it shares with the topic's best matches, when the query's own words did not all match. */
  related?: string[];
  /** In a digest of several topics: the topic it was picked for. */
  topic?: string;
}

export interface RankOptions {
  /** Only these paper ids are returned; the rest of the corpus still informs the ranking. */
  candidates?: ReadonlySet<string>;
  /** 0 to 1: how much of the score comes from upvotes (log-scaled) when papers have them. */
  popularity?: number;
}

// BM25 over title and abstract, a title match counting three times an abstract one.
const TITLE_BOOST = 3;
// Pseudo-relevance feedback: the vocabulary of the best few matches finds papers that say the
// same thing in other words. RELATED_MIN is how close (relative to those matches) a paper must be.
const FEEDBACK_DOCS = 8;
const PROFILE_TERMS = 24;
const RELATED_MIN = 0.6;
// Seeds are the reader's own examples: a looser likeness to them is still worth showing.
const SEED_MIN = 0.4;
const LEXICAL_SHARE = 0.8;
// A paper matching a second alternative of the query too gets this share of that one's score.
const OTHER_ALTERNATIVES = 0.25;

interface Doc {
  paper: Paper;
  title: Analysed;
  abstract: Analysed;
  vector?: Vector;
}

interface Lexical {
  scores: Map<number, number>;
  /** Papers that match every concept of some alternative. */
  gated: Set<number>;
  matched(i: number): string[];
}

interface Closeness {
  /** Per paper (by position), 0 to 1. */
  scores: Float64Array;
  touched: number[];
  terms: Map<string, number>;
}

const NO_WORDS: Lexical = { scores: new Map(), gated: new Set(), matched: () => [] };

/** An index over a corpus of papers that ranks them for any number of topic queries. */
export function createRanker(corpus: readonly Paper[]) {
  const unique = [...new Map(corpus.map((p) => [p.id, p])).values()];
  const docs: Doc[] = unique.map((paper) => ({ paper, title: analyse(paper.title), abstract: analyse(paper.abstract) }));
  const position = new Map(docs.map((d, i) => [d.paper.id, i]));
  const n = Math.max(1, docs.length);
  const acronyms: AcronymTable = learnAcronyms(unique.map((p) => `${p.title}. ${p.abstract}`));
  const reverse = longForms(acronyms);

  const index = createBm25Index(
    docs.map((d) => ({ ...d, titleTokens: indexTokens(d.title), abstractTokens: indexTokens(d.abstract) })),
    TITLE_BOOST,
  );
  const idf = (t: string) => Math.log(1 + n / Math.max(1, index.df(t)));

  const vectorOf = (d: Doc) => (d.vector ??= tfidf(d.title.seq, d.abstract.seq, idf, 2));
  // Term → (paper, tf-idf weight): how close every paper is to a vocabulary, in one pass over
  // that vocabulary's papers.
  const vocabulary = new Map<string, { docs: number[]; weights: number[] }>();
  docs.forEach((d, i) => {
    for (const [t, w] of tfidf(d.title.seq, d.abstract.seq, idf, 2)) {
      let list = vocabulary.get(t);
      if (!list) vocabulary.set(t, (list = { docs: [], weights: [] }));
      list.docs.push(i);
      list.weights.push(w);
    }
  });
  const hitsCache = new Map<string, Map<number, number>>();
  const conceptCache = new Map<string, { scores: Map<number, number>; via: Map<number, string> }>();

  /**
   * BM25 of every paper containing the form (phrases checked for adjacency), scaled so the
   * corpus's strongest match is 1: a three-word phrase and its one-word acronym weigh the same.
   */
  function formHits(form: Form): Map<number, number> {
    const key = formKey(form);
    let hits = hitsCache.get(key);
    if (hits) return hits;
    hits = index.search(form.tokens, form.adjacent);
    let max = 0;
    for (const s of hits.values()) max = Math.max(max, s);
    if (max > 0) for (const [i, s] of hits) hits.set(i, s / max);
    if (hitsCache.size > 20_000) hitsCache.clear();
    hitsCache.set(key, hits);
    return hits;
  }

  /** Each paper's best form of a concept, and which form stood in when the typed one did not match. */
  function conceptHits(concept: Concept): { scores: Map<number, number>; via: Map<number, string> } {
    // Topics share concepts (NAS, "vision transformer"): each is merged from its forms once.
    const key = concept.forms.map((f) => `${formKey(f)}=${f.via ?? ''}`).join('|');
    const cached = conceptCache.get(key);
    if (cached) return cached;
    const scores = new Map<number, number>();
    const via = new Map<number, string>();
    const typed = formHits(concept.forms[0] as Form);
    for (const form of concept.forms) {
      for (const [i, s] of formHits(form)) {
        const before = scores.get(i);
        if (before === undefined || s > before) scores.set(i, s);
        // The typed form wins the explanation whenever it matched at all.
        if (form.via && !typed.has(i) && !via.has(i)) via.set(i, form.via);
      }
    }
    if (conceptCache.size > 20_000) conceptCache.clear();
    conceptCache.set(key, { scores, via });
    return { scores, via };
  }

  /**
   * Coverage-weighted BM25 per paper: 1 means every concept matched as strongly as anywhere in the
   * corpus. Only numbers per paper here; the words that matched are looked up for the papers shown.
   */
  function lexical(query: Query): Lexical {
    const alternatives = query.alternatives.map((alternative) => {
      const concepts = conceptsOf(alternative, acronyms, reverse).map((c) => ({ c, ...conceptHits(c) }));
      const weights = concepts.map(({ scores }) => Math.log(1 + n / Math.max(1, scores.size)));
      return { concepts, weights, total: weights.reduce((a, b) => a + b, 0) || 1 };
    });
    const best = new Float64Array(n);
    const sum = new Float64Array(n);
    const isGated = new Uint8Array(n);
    const touched: number[] = [];
    const seenScore = new Float64Array(n);
    const seenCount = new Uint16Array(n);
    for (const { concepts, weights, total } of alternatives) {
      const seen: number[] = [];
      concepts.forEach(({ scores }, k) => {
        const w = (weights[k] as number) / total;
        for (const [i, x] of scores) {
          if (seenCount[i] === 0) seen.push(i);
          seenScore[i] = (seenScore[i] as number) + w * x;
          seenCount[i] = (seenCount[i] as number) + 1;
        }
      });
      for (const i of seen) {
        const score = seenScore[i] as number;
        // Every concept (in any of its forms): "merely sharing a word" is not a match. Papers
        // that miss a word can still come in through their likeness to the best matches.
        const all = seenCount[i] === concepts.length;
        seenScore[i] = 0;
        seenCount[i] = 0;
        if (sum[i] === 0) touched.push(i);
        sum[i] = (sum[i] as number) + score;
        if (all && isGated[i] === 0) {
          isGated[i] = 1;
          best[i] = score;
        } else if ((all ? 1 : 0) === isGated[i]) best[i] = Math.max(best[i] as number, score);
      }
    }
    const scores = new Map<number, number>();
    const gated = new Set<number>();
    // The best alternative counts whole; a paper matching others too gets a share of them.
    for (const i of touched) {
      const b = best[i] as number;
      scores.set(i, Math.min(1, b + OTHER_ALTERNATIVES * ((sum[i] as number) - b)));
      if (isGated[i]) gated.add(i);
    }
    const matched = (i: number): string[] => {
      const labels: string[] = [];
      for (const { concepts } of alternatives) {
        const hit = concepts.filter(({ scores: x }) => x.has(i));
        if (hit.length === 0 || (gated.has(i) && hit.length < concepts.length)) continue;
        for (const { c, via } of hit) {
          const v = via.get(i);
          const label = v ? `${c.label} (as ${v})` : c.label;
          if (!labels.includes(label)) labels.push(label);
        }
      }
      return labels.length > 1 ? tidy(labels) : labels;
    };
    return { scores, gated, matched };
  }

  /**
   * How close each paper is to the vocabulary of `about` (apart from the query's own words), as
   * the weight of that vocabulary in the paper relative to its weight in those papers (1 = as close).
   */
  function closeness(about: readonly Doc[], own: ReadonlySet<string>): Closeness {
    const centroid = profile(about.map(vectorOf), PROFILE_TERMS + own.size);
    const terms = new Map([...centroid].filter(([t]) => !own.has(t)).slice(0, PROFILE_TERMS));
    const sums = new Float64Array(docs.length);
    const touched: number[] = [];
    for (const [t, w] of terms) {
      const list = vocabulary.get(t);
      if (!list) continue;
      for (let k = 0; k < list.docs.length; k++) {
        const i = list.docs[k] as number;
        if (sums[i] === 0) touched.push(i);
        sums[i] = (sums[i] as number) + w * (list.weights[k] as number);
      }
    }
    const norm = about.reduce((a, d) => a + (sums[position.get(d.paper.id) as number] ?? 0), 0) / Math.max(1, about.length) || 1;
    for (const i of touched) sums[i] = Math.min(1, (sums[i] as number) / norm);
    return { scores: sums, touched, terms };
  }

  return {
    size: docs.length,
    acronyms,

    /** Ranks the corpus (or `candidates` of it) for a query, best first, each with its explanation. */
    rank(query: Query, options: RankOptions = {}): ScoredPaper[] {
      return this.top(query, Infinity, options).picked;
    },

    /** The best `limit` papers for a query, explained, and how many matched in all. */
    top(query: Query, limit: number, options: RankOptions = {}): { picked: ScoredPaper[]; total: number } {
      const hasWords = query.alternatives.length > 0;
      const excluded = new Set<number>();
      for (const form of excludedForms(query.excluded, acronyms, reverse)) for (const i of formHits(form).keys()) excluded.add(i);
      const filtered = query.authors.length + query.excludedAuthors.length + query.categories.length > 0;
      const allowed = (i: number) => !excluded.has(i) && (!filtered || passesFilters(query, (docs[i] as Doc).paper));

      const lex = hasWords ? lexical(query) : NO_WORDS;
      const gatedScores: { i: number; score: number }[] = [];
      for (const i of lex.gated) if (allowed(i)) gatedScores.push({ i, score: lex.scores.get(i) as number });
      const feedback = topK(gatedScores, FEEDBACK_DOCS, (a, b) => b.score - a.score || a.i - b.i).map(({ i }) => docs[i] as Doc);
      const own = new Set(query.alternatives.flatMap((a) => a.required.flatMap((t) => t.tokens)));
      const related = feedback.length >= 2 ? closeness(feedback, own) : undefined;
      const seeds = query.seeds.flatMap((id) => (position.has(id) ? [docs[position.get(id) as number] as Doc] : []));
      const seeded = seeds.length > 0 ? closeness(seeds, own) : undefined;
      const seedIds = new Set(query.seeds);

      const pool = new Set<number>(lex.gated);
      if (related) for (const i of related.touched) if ((related.scores[i] as number) >= RELATED_MIN) pool.add(i);
      if (seeded) for (const i of seeded.touched) if ((seeded.scores[i] as number) >= SEED_MIN) pool.add(i);
      if (!hasWords && !seeded) for (let i = 0; i < docs.length; i++) pool.add(i);
      const found: { i: number; score: number }[] = [];
      for (const i of pool) {
        const d = docs[i] as Doc;
        if (options.candidates && !options.candidates.has(d.paper.id)) continue;
        if (!allowed(i) || (seedIds.size > 0 && seedIds.has(d.paper.id))) continue;
        const l = lex.scores.get(i) ?? 0;
        const r = related?.scores[i] ?? 0;
        const s = seeded?.scores[i] ?? 0;
        let score: number;
        if (hasWords && seeded) score = 0.6 * l + 0.4 * Math.max(r, s);
        else if (hasWords) score = LEXICAL_SHARE * l + (1 - LEXICAL_SHARE) * r;
        else score = seeded ? s : 1;
        if (query.minScore !== undefined && score < query.minScore) continue;
        found.push({ i, score });
      }
      const weight = options.popularity ?? 0;
      if (weight > 0) blendPopularity(found, weight, (i) => (docs[i] as Doc).paper.upvotes);
      const byRank = (a: { i: number; score: number }, b: { i: number; score: number }) => {
        const pa = (docs[a.i] as Doc).paper;
        const pb = (docs[b.i] as Doc).paper;
        return b.score - a.score || compare(pb.firstSeenAt, pa.firstSeenAt) || compare(pa.title, pb.title);
      };
      const picked = topK(found, limit, byRank).map(({ i, score }) => {
        const d = docs[i] as Doc;
        const entry: ScoredPaper = { paper: d.paper, score, matched: lex.matched(i) };
        if (seeded && (seeded.scores[i] ?? 0) >= SEED_MIN) {
          const v = vectorOf(d);
          const [like] = seeds.map((seed) => ({ seed, sim: cosine(v, vectorOf(seed)) })).sort((a, b) => b.sim - a.sim);
          if (like) entry.resembles = { id: like.seed.paper.id, title: like.seed.paper.title };
        }
        if (!lex.gated.has(i) && related && (related.scores[i] ?? 0) >= RELATED_MIN) {
          entry.related = [...related.terms.keys()].filter((t) => vectorOf(d).has(t)).slice(0, 3).map(surfaceOf);
        }
        return entry;
      });
      return { picked, total: found.length };
    },

    /** Cosine similarity of two papers' term vectors (0 to 1); papers outside the corpus are analysed on the spot. */
    similarity(a: Paper, b: Paper): number {
      const vec = (p: Paper) => {
        const i = position.get(p.id);
        if (i !== undefined) return vectorOf(docs[i] as Doc);
        return tfidf(analyse(p.title).seq, analyse(p.abstract).seq, idf, 2);
      };
      return cosine(vec(a), vec(b));
    },
  };
}

export type Ranker = ReturnType<typeof createRanker>;
