import type { Query } from '../query.js';
import type { AcronymTable } from './acronyms.js';
import { conceptsOf, formKey, type Concept, type Form } from './concepts.js';
import type { Hits, LexicalIndex } from './lexical-index.js';
import { tidy } from './order.js';

// A paper matching a second alternative of the query too gets this share of that one's score.
const OTHER_ALTERNATIVES = 0.25;

/** A concept's papers (ascending) with their best form's score, and which form stood in where the typed one did not match. */
interface ConceptHits extends Hits {
  via: Map<number, string>;
}

export interface Lexical {
  /** Per paper (by position); 0 where nothing matched. */
  scores: Float64Array;
  /** Papers that match every concept of some alternative (good until the next query). */
  gated: Int32Array;
  isGated: Uint8Array;
  matched(i: number): string[];
}

/** Whether paper i is among the hits (binary search: the papers are ascending). */
function includes(hits: Hits, i: number): boolean {
  let lo = 0;
  let hi = hits.docs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = hits.docs[mid] as number;
    if (d === i) return true;
    if (d < i) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * The lexical side of ranking: BM25 per query form, merged per concept (a word with its acronym or
 * long form) and per alternative, with what matched. Forms and concepts are cached across topics.
 * `size` is the number of papers in the index.
 */
export function createLexical(index: LexicalIndex, acronyms: AcronymTable, reverse: ReadonlyMap<string, string>, size: number) {
  const n = Math.max(1, size);
  const hitsCache = new Map<string, Hits>();
  const conceptCache = new Map<string, ConceptHits>();
  // Reused by every concept of several forms (and cleared after): its best score per paper.
  const merging = new Float64Array(n);
  // Per-paper sums of lexical(), reused from topic to topic.
  const perPaper = {
    best: new Float64Array(n),
    sum: new Float64Array(n),
    isGated: new Uint8Array(n),
    seenScore: new Float64Array(n),
    seenCount: new Uint16Array(n),
    seen: new Int32Array(n),
    touched: new Int32Array(n),
    touchedCount: 0,
    gated: new Int32Array(n),
  };
  /** What a query of operators alone (no words) matches lexically: nothing. */
  const noWords: Lexical = { scores: new Float64Array(n), gated: new Int32Array(0), isGated: new Uint8Array(n), matched: () => [] };

  /**
   * BM25 of every paper containing the form (phrases checked for adjacency), scaled so the
   * corpus's strongest match is 1: a three-word phrase and its one-word acronym weigh the same.
   */
  function formHits(form: Form): Hits {
    const key = formKey(form);
    let hits = hitsCache.get(key);
    if (hits) return hits;
    hits = index.search(form.tokens, form.adjacent, form.loose);
    let max = 0;
    for (let k = 0; k < hits.scores.length; k++) max = Math.max(max, hits.scores[k] as number);
    if (max > 0) for (let k = 0; k < hits.scores.length; k++) hits.scores[k] = (hits.scores[k] as number) / max;
    if (hitsCache.size > 20_000) hitsCache.clear();
    hitsCache.set(key, hits);
    return hits;
  }

  /** Each paper's best form of a concept, and which form stood in when the typed one did not match. */
  function conceptHits(concept: Concept): ConceptHits {
    // Topics share concepts (NAS, "vision transformer"): each is merged from its forms once.
    const key = concept.forms.map((f) => `${formKey(f)}=${f.via ?? ''}`).join('|');
    const cached = conceptCache.get(key);
    if (cached) return cached;
    const typed = formHits(concept.forms[0] as Form);
    const via = new Map<number, string>();
    let merged: ConceptHits;
    if (concept.forms.length === 1) merged = { ...typed, via };
    else {
      const found: number[] = [];
      for (const form of concept.forms) {
        const hits = formHits(form);
        for (let k = 0; k < hits.docs.length; k++) {
          const i = hits.docs[k] as number;
          const s = hits.scores[k] as number;
          const before = merging[i] as number;
          if (before === 0) found.push(i);
          if (s > before) merging[i] = s;
          // The typed form wins the explanation whenever it matched at all.
          if (form.via && !via.has(i) && !includes(typed, i)) via.set(i, form.via);
        }
      }
      found.sort((a, b) => a - b);
      const scores = new Float64Array(found.length);
      found.forEach((i, k) => {
        scores[k] = merging[i] as number;
        merging[i] = 0;
      });
      merged = { docs: Int32Array.from(found), scores, via };
    }
    if (conceptCache.size > 20_000) conceptCache.clear();
    conceptCache.set(key, merged);
    return merged;
  }

  /**
   * Coverage-weighted BM25 per paper: 1 means every concept matched as strongly as anywhere in the
   * corpus. Only numbers per paper here; the words that matched are looked up for the papers shown.
   */
  function lexical(query: Query): Lexical {
    const alternatives = query.alternatives.map((alternative) => {
      const concepts = conceptsOf(alternative, acronyms, reverse).map((c) => ({ c, hits: conceptHits(c) }));
      const weights = concepts.map(({ hits }) => Math.log(1 + n / Math.max(1, hits.docs.length)));
      return { concepts, weights, total: weights.reduce((a, b) => a + b, 0) || 1 };
    });
    // The previous topic's marks are cleared here rather than when it returned: its scores were
    // read until then. One set of arrays per ranker, not per topic, spares the garbage collector.
    // Lists of papers are typed arrays of the corpus's size with a count: no array grown per topic.
    const { best, sum, isGated, seenScore, seenCount, seen, touched } = perPaper;
    for (let t = 0; t < perPaper.touchedCount; t++) {
      const i = touched[t] as number;
      best[i] = 0;
      sum[i] = 0;
      isGated[i] = 0;
    }
    let touchedCount = 0;
    for (const { concepts, weights, total } of alternatives) {
      let seenLength = 0;
      concepts.forEach(({ hits }, k) => {
        const w = (weights[k] as number) / total;
        for (let j = 0; j < hits.docs.length; j++) {
          const i = hits.docs[j] as number;
          if (seenCount[i] === 0) seen[seenLength++] = i;
          seenScore[i] = (seenScore[i] as number) + w * (hits.scores[j] as number);
          seenCount[i] = (seenCount[i] as number) + 1;
        }
      });
      for (let t = 0; t < seenLength; t++) {
        const i = seen[t] as number;
        const score = seenScore[i] as number;
        // Every concept (in any of its forms): "merely sharing a word" is not a match. Papers
        // that miss a word can still come in through their likeness to the best matches.
        const all = seenCount[i] === concepts.length;
        seenScore[i] = 0;
        seenCount[i] = 0;
        if (sum[i] === 0) touched[touchedCount++] = i;
        sum[i] = (sum[i] as number) + score;
        if (all && isGated[i] === 0) {
          isGated[i] = 1;
          best[i] = score;
        } else if ((all ? 1 : 0) === isGated[i]) best[i] = Math.max(best[i] as number, score);
      }
    }
    // The best alternative counts whole; a paper matching others too gets a share of them.
    perPaper.touchedCount = touchedCount;
    const scores = best;
    let gatedCount = 0;
    let top = 0;
    for (let t = 0; t < touchedCount; t++) {
      const i = touched[t] as number;
      const b = best[i] as number;
      scores[i] = b + OTHER_ALTERNATIVES * ((sum[i] as number) - b);
      top = Math.max(top, scores[i] as number);
      if (isGated[i]) perPaper.gated[gatedCount++] = i;
    }
    // Scaled, not capped, back to at most 1: the strongest match of each alternative scores 1
    // there, so capping tied every such paper at 1 whether it matched one alternative or four,
    // and the tie went to the title's alphabetical order.
    if (top > 1) for (let t = 0; t < touchedCount; t++) scores[touched[t] as number] = (scores[touched[t] as number] as number) / top;
    const gated = perPaper.gated.subarray(0, gatedCount);
    const matched = (i: number): string[] => {
      const labels: string[] = [];
      for (const { concepts } of alternatives) {
        const hit = concepts.filter(({ hits }) => includes(hits, i));
        if (hit.length === 0 || (isGated[i] === 1 && hit.length < concepts.length)) continue;
        for (const { c, hits } of hit) {
          const v = hits.via.get(i);
          const label = v ? `${c.label} (as ${v})` : c.label;
          if (!labels.includes(label)) labels.push(label);
        }
      }
      return labels.length > 1 ? tidy(labels) : labels;
    };
    return { scores, gated, isGated, matched };
  }

  return { formHits, lexical, noWords };
}
