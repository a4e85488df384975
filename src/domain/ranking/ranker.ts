import MiniSearch from 'minisearch';
import type { Paper } from '../paper.js';
import type { Query } from '../query.js';
import { learnAcronyms, longForms, type AcronymTable } from './acronyms.js';
import { analyse, containsPhrase, indexTokens, type Analysed } from './analyse.js';
import { conceptsOf, excludedForms, formKey, type Concept, type Form } from './concepts.js';
import { passesFilters } from './filters.js';
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

// BM25 over title and abstract (MiniSearch), a title match counting three times an abstract one.
const TITLE_BOOST = 3;
// Pseudo-relevance feedback: the vocabulary of the best few matches finds papers that say the
// same thing in other words. RELATED_MIN is how close (relative to those matches) a paper must be.
const FEEDBACK_DOCS = 8;
const PROFILE_TERMS = 24;
const RELATED_MIN = 0.6;
// Seeds are the reader's own examples: a looser likeness to them is still worth showing.
const SEED_MIN = 0.4;
const SHORTLIST = 300;
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
  score: number;
  gated: boolean;
  matched: string[];
}

/** An index over a corpus of papers that ranks them for any number of topic queries. */
export function createRanker(corpus: readonly Paper[]) {
  const unique = [...new Map(corpus.map((p) => [p.id, p])).values()];
  const docs: Doc[] = unique.map((paper) => ({ paper, title: analyse(paper.title), abstract: analyse(paper.abstract) }));
  const position = new Map(docs.map((d, i) => [d.paper.id, i]));
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set([...indexTokens(d.title), ...indexTokens(d.abstract)])) df.set(t, (df.get(t) ?? 0) + 1);
  const n = Math.max(1, docs.length);
  const idf = (t: string) => Math.log(1 + n / (df.get(t) ?? 1));
  const acronyms: AcronymTable = learnAcronyms(unique.map((p) => `${p.title}. ${p.abstract}`));
  const reverse = longForms(acronyms);

  const index = new MiniSearch<{ i: number; title: string; abstract: string }>({
    idField: 'i',
    fields: ['title', 'abstract'],
    tokenize: (s) => s.split(' '),
    processTerm: (t) => t || null,
    searchOptions: { boost: { title: TITLE_BOOST } },
  });
  index.addAll(docs.map((d, i) => ({ i, title: indexTokens(d.title).join(' '), abstract: indexTokens(d.abstract).join(' ') })));

  const vectorOf = (d: Doc) => (d.vector ??= tfidf(d.title.seq, d.abstract.seq, idf, 2));
  const hitsCache = new Map<string, Map<number, number>>();

  /**
   * BM25 of every paper containing the form (phrases checked for adjacency), scaled so the
   * corpus's strongest match is 1: a three-word phrase and its one-word acronym weigh the same.
   */
  function formHits(form: Form): Map<number, number> {
    const key = formKey(form);
    let hits = hitsCache.get(key);
    if (hits) return hits;
    hits = new Map();
    let max = 0;
    for (const r of index.search(form.tokens.join(' '), { combineWith: 'AND' })) {
      const d = docs[r.id as number] as Doc;
      if (form.adjacent && form.tokens.length > 1 && !containsPhrase(d.title.seq, form.tokens) && !containsPhrase(d.abstract.seq, form.tokens)) continue;
      hits.set(r.id as number, r.score);
      max = Math.max(max, r.score);
    }
    if (max > 0) for (const [i, s] of hits) hits.set(i, s / max);
    if (hitsCache.size > 20_000) hitsCache.clear();
    hitsCache.set(key, hits);
    return hits;
  }

  /** Each paper's best form of a concept, and which form stood in when the typed one did not match. */
  function conceptHits(concept: Concept): { scores: Map<number, number>; via: Map<number, string> } {
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
    return { scores, via };
  }

  /** Coverage-weighted BM25 per paper: 1 means every concept matched as strongly as anywhere in the corpus. */
  function lexical(query: Query): Map<number, Lexical> {
    const out = new Map<number, Lexical>();
    for (const alternative of query.alternatives) {
      const concepts = conceptsOf(alternative, acronyms, reverse).map((c) => ({ c, ...conceptHits(c) }));
      const weights = concepts.map(({ scores }) => Math.log(1 + n / Math.max(1, scores.size)));
      const total = weights.reduce((a, b) => a + b, 0) || 1;
      const touched = new Set<number>();
      for (const { scores } of concepts) for (const i of scores.keys()) touched.add(i);
      for (const i of touched) {
        let score = 0;
        const matched: string[] = [];
        concepts.forEach(({ c, scores, via }, k) => {
          const s = scores.get(i);
          if (s === undefined) return;
          score += ((weights[k] as number) * s) / total;
          const v = via.get(i);
          matched.push(v ? `${c.label} (as ${v})` : c.label);
        });
        // Every concept (in any of its forms): "merely sharing a word" is not a match. Papers that
        // miss a word can still come in through their likeness to the best matches (below).
        const gated = matched.length === concepts.length;
        const prev = out.get(i);
        if (!prev) out.set(i, { score, gated, matched });
        else if (gated && !prev.gated) out.set(i, { score: score + OTHER_ALTERNATIVES * prev.score, gated, matched });
        else if (gated === prev.gated) {
          const [hi, lo] = score > prev.score ? [{ score, matched }, prev] : [prev, { score, matched }];
          out.set(i, { score: hi.score + OTHER_ALTERNATIVES * lo.score, gated, matched: [...new Set([...hi.matched, ...lo.matched])] });
        } else out.set(i, { ...prev, score: prev.score + OTHER_ALTERNATIVES * score });
      }
    }
    for (const l of out.values()) {
      l.score = Math.min(1, l.score);
      l.matched = tidy(l.matched);
    }
    return out;
  }

  /**
   * How close each paper is to the vocabulary of `about` (apart from the query's own words), as
   * the weight of that vocabulary in the paper relative to its weight in those papers (1 = as close).
   */
  function closeness(about: readonly Doc[], own: ReadonlySet<string>): { scores: Map<number, number>; terms: Map<string, number> } {
    const centroid = profile(about.map(vectorOf), PROFILE_TERMS + own.size);
    const terms = new Map([...centroid].filter(([t]) => !own.has(t)).slice(0, PROFILE_TERMS));
    const weight = (d: Doc) => {
      const v = vectorOf(d);
      let sum = 0;
      for (const [t, w] of terms) sum += w * (v.get(t) ?? 0);
      return sum;
    };
    const norm = about.reduce((a, d) => a + weight(d), 0) / Math.max(1, about.length) || 1;
    const scores = new Map<number, number>();
    // BM25 over the vocabulary shortlists the papers worth comparing; only those get a vector.
    const shortlist = index.search([...terms.keys()].join(' '), { combineWith: 'OR', boostTerm: (t) => terms.get(t) ?? 0 });
    for (const r of shortlist.slice(0, SHORTLIST)) scores.set(r.id as number, Math.min(1, weight(docs[r.id as number] as Doc) / norm));
    return { scores, terms };
  }

  /** Surface words of a paper for some stems, for explanations ("supernet", not "supernet" stems). */
  function surface(d: Doc, stems: readonly string[]): string[] {
    const wanted = new Set(stems);
    const found = new Map<string, string>();
    for (const m of `${d.paper.title} ${d.paper.abstract}`.matchAll(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu)) {
      for (const t of analyse(m[0]).seq) if (wanted.has(t) && !found.has(t)) found.set(t, m[0].toLowerCase());
    }
    return stems.flatMap((s) => (found.has(s) ? [found.get(s) as string] : []));
  }

  return {
    size: docs.length,
    acronyms,

    /** Ranks the corpus (or `candidates` of it) for a query, best first, each with its explanation. */
    rank(query: Query, options: RankOptions = {}): ScoredPaper[] {
      const hasWords = query.alternatives.length > 0;
      const excluded = new Set<number>();
      for (const form of excludedForms(query.excluded, acronyms, reverse)) for (const i of formHits(form).keys()) excluded.add(i);
      const allowed = (i: number) => !excluded.has(i) && passesFilters(query, (docs[i] as Doc).paper);

      const lex = hasWords ? lexical(query) : new Map<number, Lexical>();
      const best = [...lex].filter(([i, l]) => l.gated && allowed(i)).sort((a, b) => b[1].score - a[1].score);
      const feedback = best.slice(0, FEEDBACK_DOCS).map(([i]) => docs[i] as Doc);
      const own = new Set(query.alternatives.flatMap((a) => a.required.flatMap((t) => t.tokens)));
      const related = feedback.length >= 2 ? closeness(feedback, own) : undefined;
      const seeds = query.seeds.flatMap((id) => (position.has(id) ? [docs[position.get(id) as number] as Doc] : []));
      const seeded = seeds.length > 0 ? closeness(seeds, own) : undefined;
      const seedIds = new Set(query.seeds);

      const pool = new Set<number>([...lex.keys(), ...(related?.scores.keys() ?? []), ...(seeded?.scores.keys() ?? [])]);
      if (!hasWords && !seeded) for (let i = 0; i < docs.length; i++) pool.add(i);
      const out: ScoredPaper[] = [];
      for (const i of pool) {
        const d = docs[i] as Doc;
        if (!allowed(i) || seedIds.has(d.paper.id)) continue;
        if (options.candidates && !options.candidates.has(d.paper.id)) continue;
        const l = lex.get(i);
        const r = related?.scores.get(i) ?? 0;
        const s = seeded?.scores.get(i) ?? 0;
        const byWords = l?.gated === true;
        if (hasWords && !byWords && r < RELATED_MIN && s < SEED_MIN) continue;
        if (!hasWords && seeded && s < SEED_MIN) continue;
        let score: number;
        if (hasWords && seeded) score = 0.6 * (l?.score ?? 0) + 0.4 * Math.max(r, s);
        else if (hasWords) score = LEXICAL_SHARE * (l?.score ?? 0) + (1 - LEXICAL_SHARE) * r;
        else score = seeded ? s : 1;
        if (query.minScore !== undefined && score < query.minScore) continue;
        const entry: ScoredPaper = { paper: d.paper, score, matched: l?.matched ?? [] };
        if (seeded && s >= SEED_MIN) {
          const v = vectorOf(d);
          const [like] = seeds.map((seed) => ({ seed, sim: cosine(v, vectorOf(seed)) })).sort((a, b) => b.sim - a.sim);
          if (like) entry.resembles = { id: like.seed.paper.id, title: like.seed.paper.title };
        }
        if (!byWords && related && r >= RELATED_MIN) {
          const shared = [...related.terms.keys()].filter((t) => vectorOf(d).has(t)).slice(0, 3);
          entry.related = surface(d, shared);
        }
        out.push(entry);
      }
      blendPopularity(out, options.popularity ?? 0);
      return out.sort(
        (a, b) => b.score - a.score || b.paper.firstSeenAt.localeCompare(a.paper.firstSeenAt) || a.paper.title.localeCompare(b.paper.title),
      );
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

/** "NAS (as neural architecture search)" says nothing more when "neural architecture search" matched too. */
function tidy(matched: readonly string[]): string[] {
  const plain = new Set(matched.filter((m) => !m.endsWith(')')).map((m) => m.toLowerCase()));
  return matched.filter((m) => {
    const via = / \(as (.+)\)$/.exec(m)?.[1];
    return via === undefined || !plain.has(via.toLowerCase());
  });
}

/** Mixes log-scaled upvotes into the score, only among papers that matched and only when some have upvotes. */
function blendPopularity(list: ScoredPaper[], weight: number): void {
  if (weight <= 0) return;
  const most = Math.max(0, ...list.map((s) => s.paper.upvotes ?? 0));
  if (most <= 0) return;
  for (const s of list) s.score = (1 - weight) * s.score + (weight * Math.log1p(s.paper.upvotes ?? 0)) / Math.log1p(most);
}

export type Ranker = ReturnType<typeof createRanker>;
