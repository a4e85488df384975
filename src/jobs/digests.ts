import { digestId, editionKey, type Digest } from '../domain/digest.js';
import { NotFoundError } from '../domain/errors.js';
import { periodContaining, type Period, type PeriodKind } from '../domain/period.js';
import { topicSetKey, topicSlugsOf, type Topic } from '../domain/topic.js';
import type { ScoredPaper } from '../domain/matching.js';
import type { Paper } from '../domain/paper.js';
import { renderDigest } from '../render/email/digest-email.js';
import { digestView } from '../render/email/digest-view.js';
import type { EmailTemplates } from '../render/email/templates.js';
import type { Logger } from '../log.js';
import type { DigestStore, FullTextStore, PaperStore, TopicStore } from '../store/ports.js';
import type { Slotted } from '../domain/ranking/diversity.js';
import { distinctCounter, pickForTopics, remainingByTopic, remainingCounter, topicRanking, type PickOptions } from './pick.js';
import { seedsBeyond } from './topics.js';

export interface DigestDeps {
  store: Pick<PaperStore, 'getPapers' | 'listPapers' | 'papersFirstSeenBetween' | 'papersRevisedBetween'> &
    Pick<TopicStore, 'getTopic' | 'listTopics'> &
    Pick<DigestStore, 'findDigest' | 'getDigest' | 'insertDigest' | 'latestDigest'> &
    FullTextStore;
  templates: () => Promise<EmailTemplates>;
  clock: () => Date;
  logger: Logger;
  config: { publicUrl: string; digest: { maxPapers: number; popularity?: number } };
}

/** The papers of an edition's window that matched its topics but are not in it, per topic, best first. */
export interface RemainingPapers {
  digest: Digest;
  topics: { topic: Topic; papers: ScoredPaper[] }[];
}

/** Editions whose remaining papers are kept: each costs a ranking of its window to compute. */
const REMAINING_CACHED = 16;

export type FreezeResult =
  | { status: 'created' | 'existing'; digest: Digest }
  | { status: 'empty'; topicSet: string; periodKey: string };

/**
 * Slots of an email that revised papers shown as updated may take: a fifth (at least one), so
 * that updates never crowd out what is new.
 */
export const updatedSlots = (slots: number) => Math.max(1, Math.floor(slots / 5));

const PERIOD_MS: Record<PeriodKind, number> = { day: 86_400_000, week: 7 * 86_400_000 };

/** How many recent papers inform the ranking (term statistics, learned acronyms, related papers). */
export const BACKGROUND_PAPERS = 2000;

/**
 * What one planning run shares between the digests it freezes: the candidate papers of a window
 * and each topic's ranking of them are read and computed once, not once per topic set.
 */
interface FreezeCache {
  topics: Map<string, Promise<Topic | undefined>>;
  candidates: Map<string, Promise<Paper[]>>;
  background: Map<string, Promise<Paper[]>>;
  rankings: Map<string, (topic: Topic) => readonly Slotted[]>;
  counters: Map<string, (lists: readonly (readonly Slotted[])[]) => number>;
  ranked: Map<string, readonly Slotted[]>;
  remaining: Map<string, ReturnType<typeof remainingCounter>>;
  /** Each window's revised papers, and each topic set's pick of them (see revisedPicks). */
  revised: Map<string, Promise<Slotted[]>>;
}

const newCache = (): FreezeCache => ({
  topics: new Map(),
  candidates: new Map(),
  background: new Map(),
  rankings: new Map(),
  counters: new Map(),
  ranked: new Map(),
  remaining: new Map(),
  revised: new Map(),
});

/** The ids of the papers shown: each picked paper, then the near-duplicates shown under it. */
const shownIds = (picked: readonly Slotted[]) => picked.flatMap((p) => [p.paper.id, ...p.also.map((d) => d.paper.id)]);

function memo<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** Freezes topic digests: picks the papers of a period, renders them once and stores the edition. */
export function createDigestJobs({ store, templates, clock, logger, config }: DigestDeps) {
  // A frozen edition's window never changes: its remaining papers are computed once per topic queries.
  const remainingCache = new Map<string, RemainingPapers>();
  /**
   * What rankings read beside a window's candidates: the recent papers (term statistics, acronyms)
   * and every topic's `like:` seeds, however old, since a seed outside the ranker's corpus could
   * not be compared with.
   */
  async function backgroundPapers(): Promise<Paper[]> {
    const recent = await store.listPapers({ limit: BACKGROUND_PAPERS });
    const seeds = await seedsBeyond(store, new Set(recent.map((p) => p.id)));
    return seeds.length === 0 ? recent : [...recent, ...(await store.getPapers(seeds))];
  }

  /** How a window is ranked and picked: the operator's popularity share, on the store's full-text engine. */
  const pickOptions = (background: readonly Paper[], slots: number): PickOptions => ({
    background,
    slots,
    popularity: config.digest.popularity ?? 0,
    lexicalIndex: store.lexicalIndex,
  });

  async function topicsFor(slugs: readonly string[], cache: FreezeCache): Promise<Topic[]> {
    const topics: Topic[] = [];
    for (const slug of [...new Set(slugs)].sort()) {
      const topic = await memo(cache.topics, slug, () => store.getTopic(slug));
      if (!topic) throw new NotFoundError(`no topic "${slug}" (see: paperboy topics list)`);
      topics.push(topic);
    }
    return topics;
  }

  const jobs = {
    /** A freezer for one run: digests frozen through it share candidate papers and rankings. */
    session() {
      const cache = newCache();
      const freeze = (
        slugs: readonly string[],
        kind: PeriodKind,
        at: Date = clock(),
        period?: Period,
        variantSince?: string,
        updatedIds?: readonly string[],
      ) => freezeWith(cache, slugs, kind, at, period ?? periodContaining(kind, at), variantSince, updatedIds);
      /**
       * The revised papers an edition (the main one, or the variant since `variantSince`) could
       * show as updated: revised within its window, first seen before it, and still ranked for its
       * topics, best first; and all the revised papers of its window. Whom they are shown to is
       * the planner's choice.
       */
      const updatesFor = async (
        slugs: readonly string[],
        period: Period,
        at: Date,
        variantSince?: string,
      ): Promise<{ picked: Paper[]; window: Paper[] }> => {
        const topics = await topicsFor(slugs, cache);
        const windowStart = await windowStartOf(topics, period, at, variantSince);
        const picked = (await revisedPicks(cache, topics, windowStart, at.toISOString())).map((p) => p.paper);
        return { picked, window: picked.length === 0 ? [] : await revisedIn(cache, windowStart, at.toISOString()) };
      };
      /** Where the window of the edition that freeze would make starts (also when it would be empty). */
      const windowStart = async (slugs: readonly string[], period: Period, at: Date, variantSince?: string) =>
        windowStartOf(await topicsFor(slugs, cache), period, at, variantSince);
      return Object.assign(freeze, { updatesFor, windowStart });
    },

    /**
     * The digest of these topics for the period containing `at` (or the subscriber-local period
     * given). An edition that exists is returned
     * as it was frozen. A new one holds the papers first seen since the previous edition of the
     * same topic set (or, for the first, during the preceding period length), so no paper is
     * skipped between editions and none appears in two. An empty digest is not stored.
     */
    async freeze(
      slugs: readonly string[],
      kind: PeriodKind,
      at: Date = clock(),
      period: Period = periodContaining(kind, at),
      variantSince?: string,
    ): Promise<FreezeResult> {
      return freezeWith(newCache(), slugs, kind, at, period, variantSince);
    },

    /**
     * What the "more papers on the web" line of an edition stands for: its window's papers that
     * matched its topics and that it does not show (neither in a slot nor under one as a
     * near-duplicate), ranked again for each topic. Undefined for an unknown edition.
     */
    async remaining(digestId: string): Promise<RemainingPapers | undefined> {
      const digest = await store.getDigest(digestId);
      if (!digest) return undefined;
      const topics: Topic[] = [];
      for (const slug of topicSlugsOf(digest.topicSet)) {
        const topic = await store.getTopic(slug);
        if (topic) topics.push(topic);
      }
      const key = JSON.stringify([digestId, ...topics.map((t) => t.query)]);
      const cached = remainingCache.get(key);
      if (cached) return cached;
      const candidates = await store.papersFirstSeenBetween(digest.windowStart, digest.cutoffAt);
      const background = candidates.length > 0 ? await backgroundPapers() : [];
      const rank = topicRanking(candidates, pickOptions(background, config.digest.maxPapers));
      const lists = topics.map(rank);
      const rest = remainingByTopic(lists, new Set(digest.paperIds));
      const result: RemainingPapers = { digest, topics: topics.map((topic, k) => ({ topic, papers: rest[k]! })) };
      remainingCache.set(key, result);
      if (remainingCache.size > REMAINING_CACHED) remainingCache.delete(remainingCache.keys().next().value!);
      return result;
    },

    /** Freezes every topic's digest for the period containing `at` (the scheduler records the run). */
    async freezeAllTopics(kind: PeriodKind, at: Date = clock()): Promise<FreezeResult[]> {
      const freeze = jobs.session();
      const results: FreezeResult[] = [];
      for (const topic of await store.listTopics()) results.push(await freeze([topic.slug], kind, at));
      return results;
    },
  };
  return jobs;

  /**
   * Where an edition's window starts: at `variantSince` for a variant, else where the topic set's
   * previous main edition was cut off (or one period length back for the first). `mainKnownMissing`
   * spares a lookup when the caller has just found no main edition for the period.
   */
  async function windowStartOf(
    topics: readonly Topic[],
    period: Period,
    at: Date,
    variantSince: string | undefined,
    mainKnownMissing = false,
  ): Promise<string> {
    if (variantSince) return variantSince;
    const mainSet = topicSetKey(topics.map((t) => t.slug));
    // An edition with updates beside this period's main one shares its window: the main one is
    // then the latest, and must not be taken for the previous.
    const current = mainKnownMissing ? undefined : await store.findDigest(mainSet, period.kind, period.key);
    if (current) return current.windowStart;
    const kind = period.kind;
    const previous = await store.latestDigest(mainSet, kind);
    return previous?.cutoffAt ?? new Date(at.getTime() - PERIOD_MS[kind]).toISOString();
  }

  /** Papers revised within a window and first seen before it, read once per window and run. */
  function revisedIn(cache: FreezeCache, windowStart: string, cutoffAt: string): Promise<Paper[]> {
    return memo(cache.candidates, `revised\n${windowStart}\n${cutoffAt}`, () => store.papersRevisedBetween(windowStart, cutoffAt));
  }

  /**
   * The window's revised papers ranked for these topics, as many as the updated slots hold. As for
   * new papers, each topic's ranking of a window is computed once and shared by the topic sets.
   */
  function revisedPicks(cache: FreezeCache, topics: readonly Topic[], windowStart: string, cutoffAt: string): Promise<Slotted[]> {
    const window = `revised\n${windowStart}\n${cutoffAt}`;
    return memo(cache.revised, `${topicSetKey(topics.map((t) => t.slug))}\n${window}`, async () => {
      const revised = await revisedIn(cache, windowStart, cutoffAt);
      if (revised.length === 0) return [];
      const background = await memo(cache.background, 'recent', backgroundPapers);
      const options = pickOptions(background, updatedSlots(config.digest.maxPapers));
      const rankings = memo(cache.rankings, window, () => topicRanking(revised, options));
      return pickForTopics(
        topics,
        revised,
        options,
        (t) => memo(cache.ranked, `${t.slug}\n${window}`, () => rankings(t)),
        memo(cache.counters, window, () => distinctCounter(revised)),
      ).picked;
    });
  }

  async function freezeWith(
    cache: FreezeCache,
    slugs: readonly string[],
    kind: PeriodKind,
    at: Date,
    period: Period,
    variantSince: string | undefined,
    updatedIds: readonly string[] = [],
  ): Promise<FreezeResult> {
    const topics = await topicsFor(slugs, cache);
    const mainSet = topicSetKey(topics.map((t) => t.slug));
    // A variant holds only papers first seen after `variantSince`: for subscribers who already
    // received part of the main edition. One with updates also shows those revised papers, for
    // the subscribers who had them before. Each is its own edition, rendered once like any other.
    const topicSet = editionKey(mainSet, variantSince, updatedIds);
    const existing = await store.findDigest(topicSet, kind, period.key);
    if (existing) return { status: 'existing', digest: existing };

    const windowStart = await windowStartOf(topics, period, at, variantSince, topicSet === mainSet);
    const cutoffAt = at.toISOString();
    const window = `${windowStart}\n${cutoffAt}`;
    const candidates = await memo(cache.candidates, window, () => store.papersFirstSeenBetween(windowStart, cutoffAt));
    const background = candidates.length > 0 ? await memo(cache.background, 'recent', backgroundPapers) : [];
    const options = pickOptions(background, config.digest.maxPapers);
    const rankings = memo(cache.rankings, window, () => topicRanking(candidates, options));
    const fresh = pickForTopics(
      topics,
      candidates,
      options,
      (t) => memo(cache.ranked, `${t.slug}\n${window}`, () => rankings(t)),
      memo(cache.counters, window, () => distinctCounter(candidates)),
    );
    const wanted = new Set(updatedIds);
    // A revised paper is shown again on its own: its near-duplicates were not asked for.
    const updated = wanted.size === 0 ? [] : (await revisedPicks(cache, topics, windowStart, cutoffAt)).filter((p) => wanted.has(p.paper.id)).map((p) => ({ ...p, also: [] }));
    // Updates come after what is new, in the slots left; what no longer fits is counted as more.
    const picked = [...fresh.picked.slice(0, config.digest.maxPapers - updated.length), ...updated];
    if (fresh.total + updated.length === 0) {
      logger.debug('digest empty, skipped', { topics: topicSet, period: period.key });
      return { status: 'empty', topicSet, periodKey: period.key };
    }
    const id = digestId(topicSet, period);
    const lists = topics.map((t) => memo(cache.ranked, `${t.slug}\n${window}`, () => rankings(t)));
    const countRemaining = memo(cache.remaining, window, () => remainingCounter(candidates));
    const build = (keep: number) => {
      const shown = picked.slice(0, keep);
      return digestView({
        digestId: id,
        topics,
        period,
        window: { start: windowStart, cutoff: cutoffAt },
        picked: shown,
        // What did not fit is listed on the "more" page under its topic, and counted there.
        moreByTopic: countRemaining(lists, new Set(shownIds(shown))),
        updatedIds: wanted,
        publicUrl: config.publicUrl,
      });
    };
    const rendered = renderDigest(await templates(), build, picked.length);
    const { digest, created } = await store.insertDigest({
      id,
      topicSet,
      period,
      windowStart,
      cutoffAt,
      createdAt: clock().toISOString(),
      subject: rendered.subject,
      // Near-duplicates shown under a paper were received too: they follow it.
      paperIds: shownIds(picked.slice(0, rendered.shown)),
      updatedIds: picked.slice(0, rendered.shown).flatMap((p) => (wanted.has(p.paper.id) ? [p.paper.id] : [])),
      html: rendered.html,
      text: rendered.text,
    });
    if (created) {
      logger.debug('digest frozen', { id: digest.id, topics: topicSet, period: period.key, papers: digest.paperIds.length });
    }
    return { status: created ? 'created' : 'existing', digest };
  }
}

export type DigestJobs = ReturnType<typeof createDigestJobs>;
