import type { Query } from '../query.js';
import type { AcronymTable } from './acronyms.js';
import { conceptsOf, formKey, naturalConceptsOf, type Concept, type Form } from './concepts.js';
import type { Hits, LexicalIndex } from './lexical-index.js';
import { tidy } from './order.js';

// A paper matching a second alternative of the query too gets this share of that one's score.
const OTHER_ALTERNATIVES = 0.25;
// Natural queries. What two adjacent typed words found together add, as a share of their own
// weight in the query: a phrase of rare words ("point clouds") adds much, one of common words
// ("deep networks") little, as their words would.
const PHRASE_SHARE = 1;
// A word in more than half the papers still counts a little (BM25's idf would go negative).
const WEIGHT_FLOOR = 0.1;

interface Unit {
  c: Concept;
  hits: ConceptHits;
  weight: number;
  required: boolean;
}
interface PairUnit extends Unit {
  /** The words (by position in the alternative) the phrase is made of. */
  of: [number, number];
}
/** A bracketed list of a natural query: its weight, its items' weights and its words by item. */
interface ListSlot {
  weight: number;
  items: number[];
  members: { unit: Unit; item: number }[];
}
interface AlternativeUnits {
  /** The words outside lists, each weighed on its own. */
  words: Unit[];
  /** Every word, in the order typed (explanations, pairs). */
  all: Unit[];
  lists: ListSlot[];
  pairs: PairUnit[];
  /** Sums of the weights. */
  total: number;
  pairTotal: number;
}

/** A concept's papers (ascending) with their best form's score, and which form stood in where the typed one did not match. */
interface ConceptHits extends Hits {
  via: Map<number, string>;
}

export interface Lexical {
  /** Per paper (by position); 0 where nothing matched. */
  scores: Float64Array;
  /**
   * Papers that match some alternative (good until the next query): every concept of it
   * ('all-words'), its +terms and at least one word (natural; the ranker keeps those near the best).
   */
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
export function createLexical(
  index: LexicalIndex,
  acronyms: AcronymTable,
  reverse: ReadonlyMap<string, string>,
  size: number,
  specificity: (tokens: readonly string[]) => number = () => 1,
) {
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
    seenPhrase: new Float64Array(n),
    seenCount: new Uint16Array(n),
    seenRequired: new Uint16Array(n),
    seen: new Int32Array(n),
    touched: new Int32Array(n),
    touchedCount: 0,
    gated: new Int32Array(n),
  };
  /** What a query of operators alone (no words) matches lexically: nothing. */
  const noWords: Lexical = {
    scores: new Float64Array(n),
    gated: new Int32Array(0),
    isGated: new Uint8Array(n),
    matched: () => [],
  };

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

  /** The query's alternatives as units to score: each concept, its papers and its weight. */
  function unitsOf(query: Query): AlternativeUnits[] {
    return query.alternatives.map((alternative): AlternativeUnits => {
      if (query.syntax === 'all-words') {
        // Every concept required: one unit each, merged long forms included ("vision transformer" = ViT).
        const words = conceptsOf(alternative, acronyms, reverse).map((c) => ({
          c,
          hits: conceptHits(c),
          weight: 0,
          required: true,
        }));
        for (const u of words) u.weight = Math.log(1 + n / Math.max(1, u.hits.docs.length));
        return {
          words,
          all: words,
          lists: [],
          pairs: [],
          total: words.reduce((a, u) => a + u.weight, 0) || 1,
          pairTotal: 0,
        };
      }
      const natural = naturalConceptsOf(alternative, acronyms, reverse);
      const words: Unit[] = natural.words.map((c) => {
        const hits = conceptHits(c);
        return {
          c,
          hits,
          weight: termWeight(hits.docs.length) * specificity((c.forms[0] as Form).tokens),
          required: c.required,
        };
      });
      const pairs = natural.pairs.map(({ concept, of }) => ({
        c: concept,
        hits: conceptHits(concept),
        weight: ((words[of[0]] as Unit).weight + (words[of[1]] as Unit).weight) / 2,
        required: false,
        of,
      }));
      // A bracketed list weighs what one of its items does, on average: its items are examples of
      // one thing. Beside words outside it, it weighs at most what they do together: the list
      // refines what they name ("model compression (pruning, quantization)"), it does not outweigh it.
      const lists: ListSlot[] = [];
      const slotOf = new Map<number, ListSlot>();
      natural.words.forEach(({ list }, k) => {
        if (!list) return;
        let slot = slotOf.get(list.id);
        if (!slot) slotOf.set(list.id, (slot = { weight: 0, items: [], members: [] }));
        while (slot.items.length <= list.item) slot.items.push(0);
        slot.items[list.item] = (slot.items[list.item] as number) + (words[k] as Unit).weight;
        slot.members.push({ unit: words[k] as Unit, item: list.item });
      });
      const head = natural.words.reduce((a, c, k) => a + (c.list ? 0 : (words[k] as Unit).weight), 0);
      for (const slot of slotOf.values()) {
        const filled = slot.items.filter((w) => w > 0);
        slot.weight = filled.reduce((a, w) => a + w, 0) / Math.max(1, filled.length);
        if (head > 0) slot.weight = Math.min(slot.weight, head);
        lists.push(slot);
      }
      return {
        words: words.filter((_, k) => !natural.words[k]?.list),
        all: words,
        lists,
        pairs,
        total: head + lists.reduce((a, l) => a + l.weight, 0) || 1,
        pairTotal: pairs.reduce((a, u) => a + u.weight, 0),
      };
    });
  }

  /**
   * A word's weight in a natural query: its inverse document frequency (BM25's, with a floor), so
   * that what few papers say ("quantization") counts for more than what most say ("models",
   * "learning"). A word no paper has weighs as the rarest: in `"denoising" generative OR
   * diffusion`, a paper with "generative" alone has not half of what was asked for.
   */
  function termWeight(df: number): number {
    return Math.max(WEIGHT_FLOOR, Math.log((n - Math.max(1, df) + 0.5) / (Math.max(1, df) + 0.5)));
  }

  /**
   * BM25 per paper, each concept scaled so the corpus's strongest match is 1 and weighted by how
   * rare it is. 'all-words': a paper must match every concept of an alternative. Natural: every
   * concept counts and only +terms are needed; a paper gains for each word it has, as strongly
   * as it has it (a paper with the words it misses scores what they add, no more is taken off), and
   * for having adjacent typed words together; papers far below the best are left to the
   * pseudo-relevance feedback. Only numbers per paper here; the words that matched are
   * looked up for the papers shown.
   */
  function lexical(query: Query): Lexical {
    const natural = query.syntax !== 'all-words';
    const alternatives = unitsOf(query);
    // The previous topic's marks are cleared here rather than when it returned: its scores were
    // read until then. One set of arrays per ranker, not per topic, spares the garbage collector.
    // Lists of papers are typed arrays of the corpus's size with a count: no array grown per topic.
    const { best, sum, isGated, seenScore, seenPhrase, seenCount, seenRequired, seen, touched } = perPaper;
    for (let t = 0; t < perPaper.touchedCount; t++) {
      const i = touched[t] as number;
      best[i] = 0;
      sum[i] = 0;
      isGated[i] = 0;
    }
    let touchedCount = 0;
    for (const { words, all: every, lists, pairs, total, pairTotal } of alternatives) {
      let seenLength = 0;
      let required = 0;
      for (const u of every) {
        if (!u.required) continue;
        required++;
        for (let j = 0; j < u.hits.docs.length; j++)
          seenRequired[u.hits.docs[j] as number] = (seenRequired[u.hits.docs[j] as number] as number) + 1;
      }
      for (const u of words) {
        const w = u.weight / total;
        const { docs, scores } = u.hits;
        for (let j = 0; j < docs.length; j++) {
          const i = docs[j] as number;
          if (seenCount[i] === 0) seen[seenLength++] = i;
          seenScore[i] = (seenScore[i] as number) + w * (scores[j] as number);
          seenCount[i] = (seenCount[i] as number) + 1;
        }
      }
      // A list counts by its best item: how strongly a paper has that item's words.
      for (const { weight, items, members } of lists) {
        const byPaper = new Map<number, Float64Array>();
        for (const { unit, item } of members) {
          const { docs, scores } = unit.hits;
          for (let j = 0; j < docs.length; j++) {
            const i = docs[j] as number;
            let sums = byPaper.get(i);
            if (!sums) byPaper.set(i, (sums = new Float64Array(items.length)));
            sums[item] = (sums[item] as number) + unit.weight * (scores[j] as number);
          }
        }
        const w = weight / total;
        for (const [i, sums] of byPaper) {
          let relevance = 0;
          items.forEach((itemWeight, k) => {
            if (itemWeight === 0) return;
            relevance = Math.max(relevance, (sums[k] as number) / itemWeight);
          });
          if (seenCount[i] === 0) seen[seenLength++] = i;
          seenScore[i] = (seenScore[i] as number) + w * relevance;
          seenCount[i] = (seenCount[i] as number) + 1;
        }
      }
      // A phrase adds to the papers that have its words (not to one with only an acronym of it:
      // that one's words are counted where the acronym stands for them).
      for (const u of pairs) {
        const w = u.weight / total;
        const { docs, scores } = u.hits;
        for (let j = 0; j < docs.length; j++) {
          const i = docs[j] as number;
          if (seenCount[i] !== 0) seenPhrase[i] = (seenPhrase[i] as number) + w * (scores[j] as number);
        }
      }
      for (let t = 0; t < seenLength; t++) {
        const i = seen[t] as number;
        let score = seenScore[i] as number;
        // 'all-words': every concept (in any of its forms); "merely sharing a word" is not a
        // match. Natural: every +term. Papers that miss one can still come in through their
        // likeness to the best matches.
        const all = natural ? seenRequired[i] === required : seenCount[i] === words.length;
        // Scaled back so that a paper with every word and phrase scores 1, as one with the only word
        // of an alternative of one word does.
        if (natural && pairTotal > 0)
          score = (score + PHRASE_SHARE * (seenPhrase[i] as number)) / (1 + (PHRASE_SHARE * pairTotal) / total);
        seenScore[i] = 0;
        seenPhrase[i] = 0;
        seenCount[i] = 0;
        seenRequired[i] = 0;
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
    for (let t = 0; t < touchedCount; t++) {
      const i = touched[t] as number;
      const b = best[i] as number;
      scores[i] = b + OTHER_ALTERNATIVES * ((sum[i] as number) - b);
      if (isGated[i]) perPaper.gated[gatedCount++] = i;
    }
    // Scaled, not capped, back to at most 1: the strongest match of each alternative scores 1
    // there, so capping tied every such paper at 1 whether it matched one alternative or four,
    // and the tie went to the title's alphabetical order.
    let most = 0;
    for (let t = 0; t < touchedCount; t++) most = Math.max(most, scores[touched[t] as number] as number);
    if (most > 1)
      for (let t = 0; t < touchedCount; t++)
        scores[touched[t] as number] = (scores[touched[t] as number] as number) / most;
    const gated = perPaper.gated.subarray(0, gatedCount);
    const matched = (i: number): string[] => {
      const labels: string[] = [];
      for (const { all: words, pairs } of alternatives) {
        const hit = words.filter(({ hits }) => includes(hits, i));
        if (hit.length === 0) continue;
        // Only the alternatives the paper matches: all their words ('all-words'), their +words (natural).
        if (natural ? words.some((u) => u.required && !hit.includes(u)) : isGated[i] === 1 && hit.length < words.length)
          continue;
        // Adjacent words found together are named as the phrase they make ("point clouds", and
        // "neural architecture search" for its two pairs), in the order typed.
        const shown: { at: number; label: string }[] = [];
        const inPhrase = new Set<number>();
        for (const u of pairs) {
          if (!includes(u.hits, i)) continue;
          const [from, to] = u.of;
          const last = shown.at(-1);
          if (last && inPhrase.has(from)) last.label += ` ${(words[to] as Unit).c.label}`;
          else shown.push({ at: from, label: u.c.label });
          inPhrase.add(from).add(to);
        }
        for (const u of hit) {
          if (inPhrase.has(words.indexOf(u))) continue;
          const v = u.hits.via.get(i);
          shown.push({ at: words.indexOf(u), label: v ? `${u.c.label} (as ${v})` : u.c.label });
        }
        shown.sort((a, b) => a.at - b.at);
        for (const { label } of shown) if (!labels.includes(label)) labels.push(label);
      }
      return labels.length > 1 ? tidy(labels) : labels;
    };
    return { scores, gated, isGated, matched };
  }

  return { formHits, lexical, noWords };
}
