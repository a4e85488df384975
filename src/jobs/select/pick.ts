// Picking a digest's papers: each topic's ranking of a window's candidates, merged into the
// email's slots. Pure (no store): edition/freeze.ts feeds it the papers and caches its rankings per run.
import type { Paper } from '../../domain/paper.js';
import { diversifyForSlots, papersShown, type Slotted } from '../../domain/ranking/diversity.js';
import type { ScoredPaper } from '../../domain/matching.js';
import type { LexicalIndexFactory } from '../../domain/ranking/lexical-index.js';
import { createRanker } from '../../domain/ranking/ranker.js';
import { readerModel, type RatedPaper } from '../../domain/ranking/reader-model.js';
import type { Query } from '../../domain/query.js';
import type { Topic } from '../../domain/topic.js';
import { topicQuery } from './topics.js';

export interface PickOptions {
  /** Recent papers besides the candidates: they shape the ranking, they are never picked. */
  background?: readonly Paper[];
  /** Slots in the email: each topic's list is diversified over this many. */
  slots: number;
  popularity?: number;
  /** The full-text engine (the store's). */
  lexicalIndex: LexicalIndexFactory;
  /**
   * Planning: the lists are read only as far as an email can reach (shownHead), the rest is
   * counted. Their heads are in order and explained, their tails neither, for personal topics and
   * readers' rankings (each ranked for one edition); the "more" page asks for whole lists.
   */
  headOnly?: boolean;
}

/**
 * How far into a topic's ranked list an email can reach. Diversifying looks at the first 3 × slots
 * (at least 30) still unpicked papers, so at most that plus `slots` positions, and moves the
 * near-duplicates it finds there behind the rest; then a digest of several topics walks each list
 * at most until it has skipped what the other topics showed (slots, each with ALSO_SHOWN
 * near-duplicates) and taken `slots` of its own.
 */
const shownHead = (slots: number) => Math.max(slots * 3, 30) + slots + slots * (ALSO_SHOWN + 2);

/**
 * The papers that take a digest's slots, each with the near-duplicates shown under it, and how
 * many papers matched in all (near-duplicates included).
 */
export interface Picked {
  picked: PickedPaper[];
  total: number;
}

/** A paper in a digest's slots, with the topic (slug) whose section it is shown in. */
export type PickedPaper = Slotted & { section: string };

// Near-duplicates named under one paper: a paper re-posted a dozen times would otherwise fill the
// email with titles; the others are counted in "more on the web" and listed there.
const ALSO_SHOWN = 2;

/** What a planning run shares between the topic sets it picks for (see edition/freeze-cache.ts). */
export interface SharedPicking {
  /** One topic's ranking of the window, computed once for every topic set that contains the topic. */
  rankTopic?: (topic: Topic) => readonly Slotted[];
  /** Counts the distinct papers of several rankings of the window (what did not fit is counted as more). */
  countDistinct?: (lists: readonly (readonly Slotted[])[]) => number;
}

/**
 * Ranks the candidates for each topic and merges them into the digest's slots: each paper appears
 * once, under the topic where it ranked first, and topics take turns so one busy topic cannot
 * crowd out the others. Within a topic, near-duplicates do not take the slots (MMR): they go under
 * the paper they duplicate, unless another topic already shows them.
 */
export function pickForTopics(
  topics: readonly Topic[],
  candidates: readonly Paper[],
  options: PickOptions,
  shared: SharedPicking = {},
): Picked {
  const rankTopic = shared.rankTopic ?? topicRanking(candidates, options);
  const countDistinct = shared.countDistinct ?? countDistinctPapers;
  const lists = topics.map(rankTopic);
  const named = topics.length > 1;
  const seen = new Set<string>();
  const picked: PickedPaper[] = [];
  for (let i = 0, more = true; more && picked.length < options.slots; i++) {
    more = false;
    for (const [k, list] of lists.entries()) {
      const entry = list[i];
      if (!entry || picked.length >= options.slots) continue;
      more = true;
      if (seen.has(entry.paper.id)) continue;
      seen.add(entry.paper.id);
      // A near-duplicate already shown under another topic's paper is not shown twice.
      const also = entry.also.filter((d) => !seen.has(d.paper.id)).slice(0, ALSO_SHOWN);
      for (const d of also) seen.add(d.paper.id);
      picked.push({ ...entry, also, section: topics[k]!.slug, ...(named ? { topic: topics[k]!.name } : {}) });
    }
  }
  return { picked, total: lists.length === 1 ? papersShown(lists[0]!) : countDistinct(lists) };
}

function countDistinctPapers(lists: readonly (readonly Slotted[])[]): number {
  return new Set(lists.flatMap((l) => l.flatMap((r) => [r.paper.id, ...r.also.map((d) => d.paper.id)]))).size;
}

/** Counts over one window's rankings; see distinctCounter. */
export interface WindowCounter {
  /** The distinct papers of several rankings. */
  (lists: readonly (readonly Slotted[])[]): number;
  /** Per ranking, what remainingByTopic would list under it, counted without listing it. */
  remaining(lists: readonly (readonly Slotted[])[], shown: ReadonlySet<string>): number[];
}

/**
 * Counts the distinct papers of several rankings of one window's candidates, and what a digest of
 * them leaves for its "more" page per topic, with a reused mark per candidate: a weekly run merges
 * a thousand topic sets whose lists run to thousands of papers. Each list is turned into candidate
 * indices once, however many topic sets hold its topic.
 */
export function distinctCounter(candidates: readonly Paper[]): WindowCounter {
  const index = new Map(candidates.map((p, i) => [p.id, i]));
  // The rankings hold the candidates' own paper objects: found by the object, which is quicker to
  // look up than its id; by the id for any other copy of a paper.
  const byPaper = new Map(candidates.map((p, i) => [p, i]));
  const at = (p: Paper) => byPaper.get(p) ?? index.get(p.id) ?? -1;
  const marks = new Uint8Array(candidates.length);
  const indices = new WeakMap<readonly Slotted[], Int32Array>();
  // One pass into a typed array sized first: a reader's own ranking is turned into indices for their
  // edition alone (15,000 times in the weekly plan with feedback), and the flatMap into arrays of
  // entries that Int32Array.from then walked as an iterable took four times as long.
  const of = (list: readonly Slotted[]) => {
    let a = indices.get(list);
    if (!a) {
      let n = 0;
      for (const r of list) n += 1 + r.also.length;
      a = new Int32Array(n);
      let k = 0;
      for (const r of list) {
        a[k++] = at(r.paper);
        for (const d of r.also) a[k++] = at(d.paper);
      }
      indices.set(list, a);
    }
    return a;
  };
  const distinct = (lists: readonly (readonly Slotted[])[]) => {
    const arrays = lists.map(of);
    let n = 0;
    for (const a of arrays) {
      for (const i of a) {
        if (i >= 0 && marks[i] === 0) {
          marks[i] = 1;
          n++;
        }
      }
    }
    for (const a of arrays) for (const i of a) if (i >= 0) marks[i] = 0;
    return n;
  };
  const remaining = (lists: readonly (readonly Slotted[])[], shown: ReadonlySet<string>) => {
    const shownAt: number[] = [];
    for (const id of shown) {
      const i = index.get(id);
      if (i !== undefined && marks[i] === 0) {
        marks[i] = 1;
        shownAt.push(i);
      }
    }
    const arrays = lists.map(of);
    const counts = arrays.map((a) => {
      let n = 0;
      for (const i of a) {
        if (i >= 0 && marks[i] === 0) {
          marks[i] = 1;
          n++;
        }
      }
      return n;
    });
    for (const a of arrays) for (const i of a) if (i >= 0) marks[i] = 0;
    for (const i of shownAt) marks[i] = 0;
    return counts;
  };
  return Object.assign(distinct, { remaining });
}

/**
 * Where each matching paper a digest does not show is listed: under the first of its topics
 * (in the digest's topic order) whose ranking has it, once. The "more" page lists them so, and the
 * digest's sections count them so: each section's count is what it shows plus what its topic has
 * there, and the sections add up to the digest's total.
 */
export function remainingByTopic<T extends Slotted>(
  lists: readonly (readonly T[])[],
  shown: ReadonlySet<string>,
): ScoredPaper[][] {
  const seen = new Set(shown);
  return lists.map((list) => {
    const papers = list.flatMap((entry) => [entry, ...entry.also]).filter((p) => !seen.has(p.paper.id));
    for (const p of papers) seen.add(p.paper.id);
    return papers;
  });
}

/** One topic's ranking of a window, for every reader or for one reader with their ratings under it. */
export interface TopicRanking {
  (topic: Topic): readonly Slotted[];
  /** Ranked with one reader's ratings under the topic (see ranking/reader-model.ts). */
  forReader(topic: Topic, rated: readonly RatedPaper[]): readonly Slotted[];
}

/** One topic's diversified ranking of the candidates, with the background shaping the statistics. */
export function topicRanking(candidates: readonly Paper[], options: PickOptions): TopicRanking {
  // The ranker lives as long as the run's cache that holds this function; its index goes with it.
  const ranker = createRanker([...candidates, ...(options.background ?? [])], options.lexicalIndex);
  const ids = new Set(candidates.map((p) => p.id));
  const popularity = options.popularity ?? 0;
  const head = options.headOnly ? shownHead(options.slots) : Infinity;
  // Each shared topic's ranking is kept, whole, for its readers with ratings, who rank it again
  // (ranker.rerank). A personal topic's is ranked for its one edition and not kept.
  const ranked = new Map<string, ScoredPaper[]>();
  // Parsed once per topic, not once per reader.
  const queries = new WeakMap<Topic, Query>();
  const queryOf = (t: Topic) => {
    let q = queries.get(t);
    if (!q) queries.set(t, (q = topicQuery(t)));
    return q;
  };
  const whole = (t: Topic) => ranker.rank(queryOf(t), { candidates: ids, popularity });
  const rankedFor = (t: Topic) => {
    let list = ranked.get(t.slug);
    if (!list) ranked.set(t.slug, (list = whole(t)));
    return list;
  };
  const slotted = (list: readonly ScoredPaper[]) =>
    diversifyForSlots(list, options.slots, (a, b) => ranker.similarity(a.paper, b.paper));
  return Object.assign(
    (t: Topic) =>
      slotted(
        t.owner !== undefined ? ranker.rank(queryOf(t), { candidates: ids, popularity, ordered: head }) : rankedFor(t),
      ),
    {
      forReader: (t: Topic, rated: readonly RatedPaper[]) => {
        const reader = readerModel(rated, (p) => ranker.vector(p));
        // Re-ranked from the whole list: a paper it explains may rise into the head.
        const list = t.owner !== undefined ? whole(t) : rankedFor(t);
        return slotted(reader ? ranker.rerank(queryOf(t), list, reader, ids, head) : list);
      },
    },
  );
}
