import type { Paper } from '../paper.js';
import type { Query, QueryTerm } from '../query.js';
import { learnAcronyms, longForms, type AcronymTable } from './acronyms.js';
import { analyse, surfaceOf } from './analyse.js';
import { excludedForms } from './concepts.js';
import { filterReasons, passesFilters } from './filters.js';
import { createLexical } from './lexical.js';
import type { Hits, LexicalIndexFactory } from './lexical-index.js';
import { blendPopularity, compare, topK } from './order.js';
import { createFeedback } from './feedback.js';
import { buildPostings, vectorIdf } from './postings.js';
import { createNearest } from './nearest.js';
import { createLeaning, readerBlend } from './reader-blend.js';
import type { ReaderModel } from './reader-model.js';
import { cosine, nearestOf, tfidf, type Vector } from './vectors.js';
import { topicality } from './specificity.js';
import { suggestion, type Correction } from './spelling.js';

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
  /** The author: and category: conditions it meets: "by Alan Turing", "in cs.CV". */
  filters?: string[];
  /** In a digest of several topics: the topic it was picked for. */
  topic?: string;
  /** The paper the reader marked "more like this" that it is most like, when it rose by their ratings. */
  marked?: { id: string; title: string };
}

export interface RankOptions {
  /** Only these paper ids are returned; the rest of the corpus still informs the ranking. */
  candidates?: ReadonlySet<string>;
  /** 0 to 1: how much of the score comes from upvotes (log-scaled) when papers have them. */
  popularity?: number;
  /** One reader's ratings under the topic (reader-model.ts): what they liked rises, what they rejected sinks or goes. */
  reader?: ReaderModel;
  /**
   * Only the first this many papers need to be in rank order and explained; the rest follow in
   * no particular order, with their scores and no explanation. For planning, where an email shows
   * only the head of a list and the rest is counted: explaining every paper of a personal topic
   * (the seed each is most like) cost more than ranking them.
   */
  ordered?: number;
}

/** What explains no paper: shared by the unexplained tail of a list (see RankOptions.ordered). */
const NOTHING_MATCHED: string[] = [];

// BM25 over title and abstract, a title occurrence counting three times an abstract one.
const TITLE_BOOST = 3;
// In the tf-idf vectors (feedback, likeness of papers) a title word counts twice.
const VECTOR_TITLE_WEIGHT = 2;
// Pseudo-relevance feedback: the vocabulary of the best few matches finds papers that say the
// same thing in other words. RELATED_MIN is how close (relative to those matches) a paper must be.
const FEEDBACK_DOCS = 8;
const PROFILE_TERMS = 24;
const RELATED_MIN = 0.6;
// Seeds are the reader's own examples: a looser likeness to them is still worth showing. Measured
// against the paper nearest the seeds (feedback.ts, 'nearest'), not against the seeds themselves.
const SEED_MIN = 0.4;
// A word is suggested for a mistyped one only if this many papers use it (and at least this
// share of the corpus): a word a paper or two use is as likely a typo as the query's.
const MIN_SUGGESTED_PAPERS = 2;
const SUGGESTED_SHARE = 0.001;
const LEXICAL_SHARE = 0.8;
// Natural queries: the least lexical score, relative to the best paper's, of a paper that matches.
const ADMIT = 0.15;
const NATURAL_LEXICAL_SHARE = 0.8;
const NATURAL_RELATED_MIN = 0.6;
const NATURAL_FEEDBACK_DOCS = 8;
// A paper leaning this far towards what the reader liked (1: as much as those papers themselves)
// says which of them it is like.
const READER_REASON_MIN = 0.35;

interface Doc {
  paper: Paper;
}

/**
 * An index over a corpus of papers that ranks them for any number of topic queries. BM25 comes
 * from the full-text engine `lexicalIndex` builds; close() frees it.
 */
export function createRanker(corpus: readonly Paper[], lexicalIndex: LexicalIndexFactory) {
  const unique = [...new Map(corpus.map((p) => [p.id, p])).values()];
  const docs: Doc[] = unique.map((paper) => ({ paper }));
  const position = new Map(docs.map((d, i) => [d.paper.id, i]));
  const n = Math.max(1, docs.length);
  const acronyms: AcronymTable = learnAcronyms(unique.map((p) => `${p.title}. ${p.abstract}`));
  const reverse = longForms(acronyms);

  const postings = buildPostings(unique, VECTOR_TITLE_WEIGHT);
  const index = lexicalIndex(postings.texts, TITLE_BOOST);
  // Two, as a topic can have both: the vocabulary of its best matches and that of its seed papers.
  const relatedTo = createFeedback(postings, PROFILE_TERMS);
  const seededBy = createFeedback(postings, PROFILE_TERMS);
  const leaning = createLeaning(postings);
  const nearestAmong = createNearest(postings);
  // A window's candidates as a mark per paper, worked out once per set (every topic and reader of a
  // window asks with the same one): a typed-array read, where a lookup of the paper's id in the set
  // cost more than the rest of a personal topic's ranking.
  const candidateMarks = new WeakMap<ReadonlySet<string>, { marks: Uint8Array; end: number }>();
  /** A mark per paper of the set, and the position after its last paper. */
  const marksOf = (ids: ReadonlySet<string>): { marks: Uint8Array; end: number } => {
    let found = candidateMarks.get(ids);
    if (!found) {
      found = { marks: new Uint8Array(docs.length), end: 0 };
      for (const id of ids) {
        const i = position.get(id);
        if (i === undefined) continue;
        found.marks[i] = 1;
        found.end = Math.max(found.end, i + 1);
      }
      candidateMarks.set(ids, found);
    }
    return found;
  };
  // A ranked list's papers as positions, worked out once per list: a topic's list is re-ranked for
  // each of its readers.
  const listPositions = new WeakMap<readonly ScoredPaper[], Int32Array>();
  const positionsOfList = (list: readonly ScoredPaper[]): Int32Array => {
    let at = listPositions.get(list);
    if (!at) listPositions.set(list, (at = Int32Array.from(list, (e) => position.get(e.paper.id) as number)));
    return at;
  };
  const idf = (t: string) => vectorIdf(n, postings.df[postings.ids.get(t) ?? -1] ?? 0);

  // A paper's vector as a map, made when asked and not kept: likeness of papers in the corpus is
  // worked out on the typed arrays (similarity), and a map kept for every paper a planning run
  // touched (the liked and rejected papers of ten thousand readers) held a hundred megabytes.
  const vectorOf = (i: number): Vector => {
    const v: Vector = new Map();
    for (let e = postings.vectorStart[i] as number; e < (postings.vectorStart[i + 1] as number); e++) {
      v.set(postings.names[postings.vectorTerm[e] as number] as string, postings.vectorWeight[e] as number);
    }
    return v;
  };
  const specificity = (tokens: readonly string[]) => {
    let most = 0;
    for (const t of tokens) {
      const id = postings.ids.get(t);
      most = Math.max(
        most,
        id === undefined
          ? 1
          : topicality(postings.df[id] as number, postings.cf[id] as number, postings.titleDf[id] as number),
      );
    }
    return most;
  };
  const { formHits, lexical, noWords } = createLexical(index, acronyms, reverse, docs.length, specificity);

  // "Did you mean": the corpus's words and how many papers use each (their stem's papers), gathered
  // when a query first has a word that no paper uses; each such word is looked up once.
  let corpusWords: [string, number][] | undefined;
  const suggestions = new Map<string, string | undefined>();
  const surfaceWords = (): [string, number][] => {
    const byWord = new Map<string, number>();
    for (const written of postings.words) {
      const word = written.toLowerCase();
      if (byWord.has(word) || !/^\p{L}{3,}$/u.test(word)) continue;
      const [stem, ...more] = analyse(word).seq;
      const id = stem === undefined || more.length > 0 ? undefined : postings.ids.get(stem);
      if (id !== undefined) byWord.set(word, postings.df[id] as number);
    }
    return [...byWord];
  };
  /** A plain word typed alone that no paper has, and the word of the papers it was likely meant to be. */
  const correctionOf = (term: QueryTerm): Correction | undefined => {
    const only = term.tokens.length === 1 ? (term.tokens[0] as string) : undefined;
    if (
      only === undefined ||
      term.quoted ||
      term.acronym ||
      term.whole ||
      !/^\p{L}+$/u.test(term.text) ||
      postings.ids.has(only)
    )
      return undefined;
    const typed = term.text.toLowerCase();
    if (!suggestions.has(typed)) {
      corpusWords ??= surfaceWords();
      suggestions.set(
        typed,
        suggestion(typed, corpusWords, Math.max(MIN_SUGGESTED_PAPERS, Math.ceil(docs.length * SUGGESTED_SHARE))),
      );
    }
    const meant = suggestions.get(typed);
    return meant === undefined ? undefined : { typed: term.text, suggestion: meant };
  };
  const correctionsOf = (query: Query): Correction[] => {
    const found: Correction[] = [];
    for (const a of query.alternatives) {
      for (const t of a.terms) {
        const c = correctionOf(t);
        if (c && !found.some((f) => f.typed === c.typed)) found.push(c);
      }
    }
    return found;
  };
  /** A natural query with its mistyped words read as the words meant (they match nothing as typed). */
  const corrected = (query: Query, corrections: readonly Correction[]): Query => {
    if (corrections.length === 0 || query.syntax === 'all-words') return query;
    const meant = new Map(corrections.map((c) => [c.typed, c.suggestion]));
    const alternatives = query.alternatives.map((a) => ({
      terms: a.terms.map((t) => {
        const word = meant.get(t.text);
        return word === undefined ? t : { ...t, text: word, tokens: analyse(word).seq };
      }),
    }));
    return { ...query, alternatives };
  };
  // Marks and scores of top(), reused from topic to topic; the previous topic's marks are cleared
  // at the start of the next (the caller reads its results until then).
  const perPaper = {
    inPool: new Uint8Array(n),
    excluded: new Uint8Array(n),
    exclusions: [] as Hits[],
    pool: new Int32Array(n),
    poolCount: 0,
    found: new Int32Array(n),
    score: new Float64Array(n),
  };

  // similarity(a, b) is asked about one b and many a (diversifying compares the papers of a window
  // with the one just picked): b's unit vector is spread over a dense array once, and each a walks
  // its own terms in it, with no map per paper built or kept.
  const dense = new Float64Array(postings.names.length);
  let spreadPaper = -1;
  const spreadOut = (j: number) => {
    if (spreadPaper === j) return;
    const { vectorStart, vectorTerm, vectorWeight } = postings;
    if (spreadPaper !== -1)
      for (let e = vectorStart[spreadPaper] as number; e < (vectorStart[spreadPaper + 1] as number); e++)
        dense[vectorTerm[e] as number] = 0;
    for (let e = vectorStart[j] as number; e < (vectorStart[j + 1] as number); e++)
      dense[vectorTerm[e] as number] = vectorWeight[e] as number;
    spreadPaper = j;
  };
  /**
   * The order of a ranking over items that stand for papers (their positions, or indices into a
   * list with `positionOf`): best score first, then newer, then by title, then by position in the
   * corpus, so the same on every run; top() and rerank() both rank in it.
   */
  const rankOrder =
    (scoreOf: (x: number) => number, positionOf: (x: number) => number = (x) => x) =>
    (a: number, b: number): number => {
      const sa = scoreOf(a);
      const sb = scoreOf(b);
      if (sa !== sb) return sb - sa;
      const ia = positionOf(a);
      const ib = positionOf(b);
      const pa = (docs[ia] as Doc).paper;
      const pb = (docs[ib] as Doc).paper;
      return compare(pb.firstSeenAt, pa.firstSeenAt) || compare(pa.title, pb.title) || ia - ib;
    };
  // Marks of rerank(): the papers of the list re-ranked, and those the reader rejected; cleared after each call.
  const rerankMarks = { listed: new Uint8Array(n), rejected: new Uint8Array(n) };
  // The unexplained rest of a list re-ranked with `ordered` is only counted: a paper of the topic's
  // list stands there as the topic ranked it, one copy shared by every reader's list (not the
  // topic's own entry, which a digest's near-duplicates are attached to).
  const tailCopies = new WeakMap<readonly ScoredPaper[], ScoredPaper[]>();
  const tailCopiesOf = (list: readonly ScoredPaper[]): ScoredPaper[] => {
    let copies = tailCopies.get(list);
    if (!copies) tailCopies.set(list, (copies = []));
    return copies;
  };
  // Marks of a list's head while its unexplained rest is gathered (see RankOptions.ordered).
  const inHead = new Uint8Array(n);
  /** Appends the papers of `found` that are not in `head`, in the order found, with their scores alone. */
  const appendUnexplained = (
    into: ScoredPaper[],
    found: ArrayLike<number>,
    head: readonly number[],
    score: Float64Array,
  ) => {
    for (const i of head) inHead[i] = 1;
    for (let k = 0; k < found.length; k++) {
      const i = found[k] as number;
      if (inHead[i] === 0)
        into.push({ paper: (docs[i] as Doc).paper, score: score[i] as number, matched: NOTHING_MATCHED });
    }
    for (const i of head) inHead[i] = 0;
  };

  return {
    size: docs.length,
    acronyms,

    /** Ranks the corpus (or `candidates` of it) for a query, best first, each with its explanation. */
    rank(query: Query, options: RankOptions = {}): ScoredPaper[] {
      return this.top(query, Infinity, options).picked;
    },

    /**
     * The words of a query that no paper has but that are one or two edits from a word many papers
     * use ("nueral" → "neural"), with that word. A natural query is ranked with them corrected.
     */
    corrections(query: Query): Correction[] {
      return correctionsOf(query);
    },

    /**
     * The best `limit` papers for a query, explained, how many matched in all, and the mistyped
     * words it was ranked with corrected (see corrections()).
     */
    top(
      typed: Query,
      limit: number,
      options: RankOptions = {},
    ): { picked: ScoredPaper[]; total: number; corrections: Correction[] } {
      const corrections = correctionsOf(typed);
      const query = corrected(typed, corrections);
      const hasWords = query.alternatives.length > 0;
      const { excluded, inPool } = perPaper;
      for (const { docs: out } of perPaper.exclusions)
        for (let k = 0; k < out.length; k++) excluded[out[k] as number] = 0;
      for (let k = 0; k < perPaper.poolCount; k++) inPool[perPaper.pool[k] as number] = 0;
      const exclusions = (perPaper.exclusions = excludedForms(query.excluded, acronyms, reverse).map(formHits));
      for (const { docs: out } of exclusions) for (let k = 0; k < out.length; k++) excluded[out[k] as number] = 1;
      const excluding = exclusions.length > 0;
      const filtered = query.authors.length + query.excludedAuthors.length + query.categories.length > 0;
      const allowed = (i: number) =>
        (!excluding || excluded[i] === 0) && (!filtered || passesFilters(query, (docs[i] as Doc).paper));

      const lex = hasWords ? lexical(query) : noWords;
      const byLexical = (a: number, b: number) => (lex.scores[b] as number) - (lex.scores[a] as number) || a - b;
      const natural = query.syntax !== 'all-words';
      const relatedMin = natural ? NATURAL_RELATED_MIN : RELATED_MIN;
      const lexicalShare = natural ? NATURAL_LEXICAL_SHARE : LEXICAL_SHARE;
      const { candidates } = options;
      const isCandidate = candidates && marksOf(candidates).marks;
      // A natural query's matches are the papers near its best, among those that may be picked (a
      // digest's window, not the background): a paper that shares only a common word with it is no
      // match however many do, and the best always is one, so that a topic whose words occur in
      // the window never finds nothing.
      let floor = 0;
      if (natural) {
        for (let k = 0; k < lex.gated.length; k++) {
          const i = lex.gated[k] as number;
          const l = lex.scores[i] as number;
          if (l <= floor || !allowed(i)) continue;
          if (!isCandidate || isCandidate[i] === 1) floor = l;
        }
        floor *= ADMIT;
      }
      // The vocabulary (feedback) comes from the corpus's best matches before that cut, each
      // weighing by its lexical score (RM3's relevance model): when one paper has a word no other
      // has ("AutoML"), the next best, below the cut, still say what the topic is about, and a
      // weak match adds little.
      const matches = excluding || filtered ? lex.gated.filter(allowed) : lex.gated;
      const feedback = topK(matches, natural ? NATURAL_FEEDBACK_DOCS : FEEDBACK_DOCS, byLexical);
      const own = new Set(query.alternatives.flatMap((a) => a.terms.flatMap((t) => t.tokens)));
      const related =
        feedback.length >= 2
          ? relatedTo(feedback, own, relatedMin, 'about', (i) => lex.scores[i] as number)
          : undefined;
      const seeds = query.seeds.flatMap((id) => (position.has(id) ? [position.get(id) as number] : []));
      const seeded = seeds.length > 0 ? seededBy(seeds, own, SEED_MIN, 'nearest') : undefined;
      const isSeed = new Uint8Array(seeds.length > 0 ? docs.length : 0);
      for (const i of seeds) isSeed[i] = 1;

      const { pool } = perPaper;
      let poolCount = 0;
      const add = (i: number) => {
        if (inPool[i] === 1) return;
        inPool[i] = 1;
        pool[poolCount++] = i;
      };
      // Indexed loops over typed arrays: `for … of` allocated an iterator result per paper here.
      for (let k = 0; k < lex.gated.length; k++)
        if ((lex.scores[lex.gated[k] as number] as number) >= floor) add(lex.gated[k] as number);
      if (related) for (const i of related.close) add(i);
      if (seeded) for (const i of seeded.close) add(i);
      // Filters alone (author:, category:) take every paper that passes them; seeds that are not
      // in the corpus find nothing, rather than everything.
      if (!hasWords && query.seeds.length === 0) for (let i = 0; i < docs.length; i++) add(i);
      perPaper.poolCount = poolCount;
      // Papers by position, their scores in `score` (reused, like the marks).
      const { score: final } = perPaper;
      let foundCount = 0;
      for (let k = 0; k < poolCount; k++) {
        const i = pool[k] as number;
        if (isCandidate && isCandidate[i] === 0) continue;
        if (!allowed(i) || (seeds.length > 0 && isSeed[i] === 1)) continue;
        const l = lex.scores[i] ?? 0;
        const r = related?.scores[i] ?? 0;
        const s = seeded?.scores[i] ?? 0;
        let score: number;
        if (hasWords && seeded) score = 0.6 * l + 0.4 * Math.max(r, s);
        else if (hasWords) score = lexicalShare * l + (1 - lexicalShare) * r;
        else score = seeded ? s : 1;
        final[i] = score;
        perPaper.found[foundCount++] = i;
      }
      const weight = options.popularity ?? 0;
      if (weight > 0)
        blendPopularity(perPaper.found.subarray(0, foundCount), final, weight, (i) => (docs[i] as Doc).paper.upvotes);
      // min: is about the score the reader sees, so it applies after popularity is blended in.
      if (query.minScore !== undefined) {
        let kept = 0;
        for (let k = 0; k < foundCount; k++) {
          const i = perPaper.found[k] as number;
          if ((final[i] as number) >= query.minScore) perPaper.found[kept++] = i;
        }
        foundCount = kept;
      }
      const found = perPaper.found.subarray(0, foundCount);
      // Best first, in the order every ranking of the corpus uses (rankOrder).
      const byRank = rankOrder((i) => final[i] as number);
      // A reader's ranking re-ranks the whole list (see rerank), then keeps `limit`.
      const wanted = options.reader ? Infinity : limit;
      const ordered = Math.min(wanted, options.reader ? Infinity : (options.ordered ?? Infinity));
      const head = topK(found, ordered, byRank);
      // With seeds, each paper like them says which it is most like (nearestAmong, below).
      const explain =
        (nearestSeed: (i: number) => number = () => 0) =>
        (i: number) => {
          const d = docs[i] as Doc;
          const entry: ScoredPaper = { paper: d.paper, score: final[i] as number, matched: lex.matched(i) };
          const reasons = filtered ? filterReasons(query, d.paper) : [];
          if (reasons.length > 0) entry.filters = reasons;
          if (seeded && (seeded.scores[i] ?? 0) >= SEED_MIN) {
            const like = seeds[nearestSeed(i)] as number;
            entry.resembles = { id: (docs[like] as Doc).paper.id, title: (docs[like] as Doc).paper.title };
          }
          if (
            (lex.isGated[i] !== 1 || (lex.scores[i] as number) < floor) &&
            related &&
            (related.scores[i] ?? 0) >= relatedMin
          ) {
            const own = vectorOf(i);
            entry.related = [...related.terms.keys()]
              .filter((t) => own.has(t))
              .slice(0, 3)
              .map(surfaceOf);
          }
          return entry;
        };
      const picked = seeded ? nearestAmong(seeds, (nearest) => head.map(explain(nearest))) : head.map(explain());
      if (wanted > ordered && found.length > head.length) appendUnexplained(picked, found, head, final);
      if (!options.reader) return { picked, total: found.length, corrections };
      const reranked = this.rerank(typed, picked, options.reader, options.candidates);
      return { picked: reranked.slice(0, limit), total: reranked.length, corrections };
    },

    /**
     * A topic's ranking (as rank() returns it) ranked again for one reader (reader-model.ts):
     * each paper's score blended with how it leans towards what they liked or rejected
     * (reader-blend.ts), the papers of `candidates` leaning well towards what they liked added
     * though the topic's words missed them, the papers they rejected left out. Cheaper than
     * ranking again: the topic's ranking is computed once for all its readers. With `ordered`,
     * only the first that many are in order and explained, as with RankOptions.ordered, and the
     * papers of the rest that `ranked` had keep the score it gave them.
     */
    rerank(
      query: Query,
      ranked: readonly ScoredPaper[],
      reader: ReaderModel,
      candidates?: ReadonlySet<string>,
      ordered = Infinity,
    ): ScoredPaper[] {
      // Every paper of `ranked` is a candidate: with candidates, only those need a lean.
      const window = candidates && marksOf(candidates);
      const lean = leaning(reader, window?.end);
      const blend = readerBlend(reader);
      const blended = (score: number, i: number) =>
        Math.min(1, Math.max(0, (1 - blend) * score + blend * (lean.scores[i] as number)));
      const { listed, rejected } = rerankMarks;
      const rejectedAt = [...reader.rejectedIds].flatMap((id) =>
        position.has(id) ? [position.get(id) as number] : [],
      );
      for (const i of rejectedAt) rejected[i] = 1;
      // Each paper of the new list: its position, its score for this reader, and where it was in
      // `ranked` (−1: added by the reader's lean). Arrays of numbers, not an object per paper:
      // a topic's list runs to thousands of papers and is re-ranked for each of its readers.
      const at: number[] = [];
      const scores: number[] = [];
      const from: number[] = [];
      const min = query.minScore ?? -Infinity;
      const listedAt = positionsOfList(ranked);
      for (let k = 0; k < ranked.length; k++) {
        const i = listedAt[k] as number;
        listed[i] = 1;
        if (rejected[i] === 1) continue;
        const score = blended((ranked[k] as ScoredPaper).score, i);
        if (score < min) continue;
        at.push(i);
        scores.push(score);
        from.push(k);
      }
      const isCandidate = window?.marks;
      let excluded: Set<number> | undefined;
      for (const i of lean.close) {
        if (listed[i] === 1 || rejected[i] === 1 || (isCandidate && isCandidate[i] === 0)) continue;
        const paper = (docs[i] as Doc).paper;
        if (query.seeds.includes(paper.id) || !passesFilters(query, paper)) continue;
        excluded ??= new Set(
          excludedForms(query.excluded, acronyms, reverse).flatMap((f) => Array.from(formHits(f).docs)),
        );
        const score = blended(0, i);
        if (excluded.has(i) || score < min) continue;
        at.push(i);
        scores.push(score);
        from.push(-1);
      }
      for (let k = 0; k < ranked.length; k++) listed[listedAt[k] as number] = 0;
      for (const i of rejectedAt) rejected[i] = 0;

      const byScore = rankOrder(
        (k) => scores[k] as number,
        (k) => at[k] as number,
      );
      const all = Array.from(at.keys());
      const head = topK(all, Math.min(ordered, all.length), byScore);
      // The liked paper each rising paper is most like: on the typed arrays when all of them are
      // in the corpus (they are, the background holding the recent weeks), else on their maps.
      const likedAt = reader.liked.map((l) => position.get(l.paper.id));
      const withNearestLiked = <T>(visit: (nearest: (i: number) => number) => T): T => {
        if (likedAt.every((i) => i !== undefined)) return nearestAmong(likedAt as number[], visit);
        const nearest = nearestOf(reader.liked.map((l) => l.vector));
        return visit((i) => nearest(vectorOf(i)));
      };
      const out = withNearestLiked((nearestLiked) =>
        head.map((k): ScoredPaper => {
          const i = at[k] as number;
          const paper = (docs[i] as Doc).paper;
          const was = from[k] === -1 ? undefined : (ranked[from[k] as number] as ScoredPaper);
          const entry: ScoredPaper = { paper, score: scores[k] as number, matched: was ? was.matched : [] };
          if (was?.resembles) entry.resembles = was.resembles;
          if (was?.related) entry.related = was.related;
          const filters = was ? was.filters : filterReasons(query, paper);
          if (filters && filters.length > 0) entry.filters = filters;
          if ((lean.scores[i] as number) >= READER_REASON_MIN && reader.liked.length > 0) {
            const like = reader.liked[nearestLiked(i)] as ReaderModel['liked'][number];
            entry.marked = { id: like.paper.id, title: like.paper.title };
          }
          return entry;
        }),
      );
      if (head.length < all.length) {
        const inOut = new Uint8Array(all.length);
        for (const k of head) inOut[k] = 1;
        const copies = tailCopiesOf(ranked);
        for (let k = 0; k < all.length; k++) {
          if (inOut[k] === 1) continue;
          const was = from[k] as number;
          if (was !== -1) {
            const base = ranked[was] as ScoredPaper;
            out.push((copies[was] ??= { paper: base.paper, score: base.score, matched: base.matched }));
          } else out.push({ paper: (docs[at[k] as number] as Doc).paper, score: scores[k] as number, matched: [] });
        }
      }
      return out;
    },

    /** Cosine similarity of two papers' term vectors (0 to 1); papers outside the corpus are analysed on the spot. */
    similarity(a: Paper, b: Paper): number {
      const i = position.get(a.id);
      const j = position.get(b.id);
      if (i === undefined || j === undefined) return cosine(this.vector(a), this.vector(b));
      spreadOut(j);
      let dot = 0;
      const { vectorStart, vectorTerm, vectorWeight } = postings;
      for (let e = vectorStart[i] as number; e < (vectorStart[i + 1] as number); e++)
        dot += (vectorWeight[e] as number) * (dense[vectorTerm[e] as number] as number);
      return dot;
    },

    /** A paper's unit tf-idf vector (a reader model learns over these); a paper outside the corpus is analysed on the spot. */
    vector(p: Paper): Vector {
      const i = position.get(p.id);
      if (i !== undefined) return vectorOf(i);
      return tfidf(analyse(p.title).seq, analyse(p.abstract).seq, idf, VECTOR_TITLE_WEIGHT);
    },

    /** Frees the full-text engine's index; the ranker cannot rank after this. */
    close(): void {
      index.close();
    },
  };
}

export type Ranker = ReturnType<typeof createRanker>;
