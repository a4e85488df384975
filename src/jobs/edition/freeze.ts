import { digestId, editionKey, type Digest } from '../../domain/digest.js';
import { NotFoundError } from '../../domain/errors.js';
import { periodContaining, type Period, type PeriodKind } from '../../domain/period.js';
import type { Paper } from '../../domain/paper.js';
import type { Slotted } from '../../domain/ranking/diversity.js';
import type { RatedPaper } from '../../domain/ranking/reader-model.js';
import { topicSetKey, type Topic } from '../../domain/topic.js';
import type { Logger } from '../../log.js';
import { fitDigest, renderDigest, type RenderedDigest, type ViewBuilder } from '../../render/email/digest-email.js';
import { digestEntries, digestView } from '../../render/email/digest-view.js';
import type { EmailTemplates } from '../../render/email/templates.js';
import type { DigestStore, NewDigest, PaperStore, TopicStore } from '../../store/ports.js';
import { distinctCounter, pickForTopics, topicRanking } from '../select/pick.js';
import { packView } from './lazy-digests.js';
import { memo, newFreezeCache, type FreezeCache } from './freeze-cache.js';
import { heldEditions } from './held-editions.js';
import { revisedIn, revisedPicks } from './revised.js';
import { windowStartOf } from './window.js';
import type { WindowRanking } from './window-ranking.js';

export interface FreezeDeps {
  store: Pick<PaperStore, 'papersFirstSeenBetween' | 'papersRevisedBetween'> &
    Pick<TopicStore, 'getTopic'> &
    Pick<DigestStore, 'findDigest' | 'digestWindow' | 'insertDigest' | 'latestDigest'>;
  ranking: WindowRanking;
  templates: () => Promise<EmailTemplates>;
  clock: () => Date;
  logger: Logger;
  config: { publicUrl: string; digest: { maxPapers: number } };
}

/** Which edition to freeze. */
export interface FreezeOptions {
  /** The topics' slugs, in any order. */
  slugs: readonly string[];
  kind: PeriodKind;
  /** The cut-off: papers first seen up to this time are candidates (default: now). */
  at?: Date;
  /** The period it is filed under (default: the UTC period containing `at`); a subscriber-local one for planning. */
  period?: Period;
  /** For a variant: where its window starts (the cut-off of its subscribers' last digest). */
  variantSince?: string;
  /** Revised papers it shows as updated, to subscribers who had them before (SHOW_REVISED_PAPERS). */
  updatedIds?: readonly string[];
  /** For one reader's own edition: their id, and their ratings by topic slug (the topics rated are ranked with them). */
  reader?: { id: string; ratings: ReadonlyMap<string, readonly RatedPaper[]> };
}

export type FreezeResult =
  | { status: 'created' | 'existing'; digest: Digest }
  | { status: 'empty'; editionKey: string; periodKey: string };

/** An edition of a topic set and period (the main one, or the variant since `variantSince`), before it is frozen. */
export interface EditionWindow {
  slugs: readonly string[];
  period: Period;
  at: Date;
  variantSince?: string;
}

/** A freezer for one run: editions frozen through it share candidate papers and rankings. */
export interface FreezeSession {
  /**
   * The digest of these topics for the period containing `at` (or the subscriber-local period
   * given). An edition that exists is returned as it was frozen. A new one holds the papers first
   * seen since the previous edition of the same topic set (or, for the first, during the preceding
   * period length), so no paper is skipped between editions and none appears in two. An empty
   * digest is not stored.
   */
  freeze(options: FreezeOptions): Promise<FreezeResult>;
  /**
   * The revised papers an edition could show as updated: revised within its window, first seen
   * before it, and still ranked for its topics, best first; and all the revised papers of its
   * window. Whom they are shown to is the planner's choice.
   */
  updatesFor(edition: EditionWindow): Promise<{ picked: Paper[]; window: Paper[] }>;
  /** Where the window of the edition that freeze would make starts (also when it would be empty). */
  windowStart(edition: EditionWindow): Promise<string>;
  /**
   * The editions of one reader this session froze and holds (see SessionOptions), handed over
   * once to be stored, before or with their deliveries; always none for a session that stores.
   */
  takeHeld(): NewDigest[];
  /** How many editions it holds now. */
  readonly held: number;
}

export interface SessionOptions {
  /**
   * Hold the editions of one reader instead of storing each as it is frozen: the planner stores
   * them with their deliveries, many in one transaction. Any other edition is stored at once.
   */
  holdOwnEditions?: boolean;
}

/** The ids of the papers shown: each picked paper, then the near-duplicates shown under it. */
const shownIds = (picked: readonly Slotted[]) => picked.flatMap((p) => [p.paper.id, ...p.also.map((d) => d.paper.id)]);

export function createFreezeSession(deps: FreezeDeps, { holdOwnEditions = false }: SessionOptions = {}): FreezeSession {
  const cache = newFreezeCache();
  const revisedDeps = { store: deps.store, ranking: deps.ranking, maxPapers: deps.config.digest.maxPapers };
  const held = holdOwnEditions ? heldEditions(deps.store) : undefined;
  // With editions held, the session finds them as if they were stored.
  const freezeDeps = held ? { ...deps, store: Object.assign(Object.create(deps.store), held.reads) } : deps;
  return {
    freeze: (options) => freezeEdition(freezeDeps, cache, options, held?.hold),
    takeHeld: () => held?.take() ?? [],
    get held() {
      return held?.size ?? 0;
    },
    async updatesFor({ slugs, period, at, variantSince }) {
      const topics = await topicsFor(deps.store, cache, slugs);
      const bounds = {
        windowStart: await windowStartOf(freezeDeps.store, { topics, period, at, variantSince }),
        cutoffAt: at.toISOString(),
      };
      const picked = (await revisedPicks(revisedDeps, cache, topics, bounds)).map((p) => p.paper);
      return { picked, window: picked.length === 0 ? [] : await revisedIn(revisedDeps, cache, bounds) };
    },
    async windowStart({ slugs, period, at, variantSince }) {
      return windowStartOf(freezeDeps.store, {
        topics: await topicsFor(deps.store, cache, slugs),
        period,
        at,
        variantSince,
      });
    },
  };
}

async function topicsFor(
  store: Pick<TopicStore, 'getTopic'>,
  cache: FreezeCache,
  slugs: readonly string[],
): Promise<Topic[]> {
  const topics: Topic[] = [];
  for (const slug of [...new Set(slugs)].sort()) {
    const topic = await memo(cache.topics, slug, () => store.getTopic(slug, 'any'));
    if (!topic) throw new NotFoundError(`no topic "${slug}" (see: paperboy topics list)`);
    topics.push(topic);
  }
  return topics;
}

/**
 * Picks the papers of an edition's window, renders them once and stores the edition (see
 * FreezeSession.freeze); with `hold`, an edition of one reader is held instead (SessionOptions).
 */
async function freezeEdition(
  deps: FreezeDeps,
  cache: FreezeCache,
  options: FreezeOptions,
  hold?: (digest: NewDigest) => Digest,
): Promise<FreezeResult> {
  const { store, ranking, templates, clock, logger, config } = deps;
  const {
    slugs,
    kind,
    at = clock(),
    period = periodContaining(kind, at),
    variantSince,
    updatedIds = [],
    reader,
  } = options;
  const topics = await topicsFor(store, cache, slugs);
  const mainSet = topicSetKey(topics.map((t) => t.slug));
  // A variant holds only papers first seen after `variantSince`: for subscribers who already
  // received part of the main edition. One with updates also shows those revised papers, for
  // the subscribers who had them before. Each is its own edition, rendered once like any other.
  const key = editionKey(mainSet, variantSince, updatedIds, reader?.id);
  const existing = await store.findDigest(key, kind, period.key);
  if (existing) return { status: 'existing', digest: existing };

  const windowStart = await windowStartOf(store, {
    topics,
    period,
    at,
    variantSince,
    mainKnownMissing: key === mainSet,
  });
  const cutoffAt = at.toISOString();
  const window = `${windowStart}\n${cutoffAt}`;
  const candidates = await memo(cache.candidates, window, () => store.papersFirstSeenBetween(windowStart, cutoffAt));
  const background = candidates.length > 0 ? await memo(cache.background, 'recent', ranking.background) : [];
  // An edition shows the heads of its topics' lists: only those are ranked in full (pick.ts).
  const pickOptions = { ...ranking.options(background, config.digest.maxPapers), headOnly: true };
  const rankings = memo(cache.rankings, window, () => topicRanking(candidates, pickOptions));
  const counter = memo(cache.counters, window, () => distinctCounter(candidates));
  // A topic the reader rated is ranked for them alone, a personal topic for its one edition; the
  // others as for everyone, once per run.
  const rankTopic = (t: Topic) => {
    const rated = reader?.ratings.get(t.slug);
    if (rated && rated.length > 0) return rankings.forReader(t, rated);
    if (t.owner !== undefined) return rankings(t);
    return memo(cache.ranked, `${t.slug}\n${window}`, () => rankings(t));
  };
  const lists = topics.map(rankTopic);
  const fresh = pickForTopics(topics, candidates, pickOptions, {
    rankTopic: (t) => lists[topics.indexOf(t)] as readonly Slotted[],
    countDistinct: counter,
  });
  const wanted = new Set(updatedIds);
  const revisedDeps = { store, ranking, maxPapers: config.digest.maxPapers };
  // A revised paper is shown again on its own: its near-duplicates were not asked for.
  const updated =
    wanted.size === 0
      ? []
      : (await revisedPicks(revisedDeps, cache, topics, { windowStart, cutoffAt }))
          .filter((p) => wanted.has(p.paper.id))
          .map((p) => ({ ...p, also: [] }));
  // Updates come after what is new, in the slots left; what no longer fits is counted as more.
  const picked = [...fresh.picked.slice(0, config.digest.maxPapers - updated.length), ...updated];
  if (fresh.total + updated.length === 0) {
    logger.debug('digest empty, skipped', { topics: key, period: period.key });
    return { status: 'empty', editionKey: key, periodKey: period.key };
  }
  const id = digestId(key, period);
  const build = (keep: number) => {
    const shown = picked.slice(0, keep);
    return digestView({
      digestId: id,
      topics,
      period,
      window: { start: windowStart, cutoff: cutoffAt },
      picked: shown,
      // What did not fit is listed on the "more" page under its topic, and counted there.
      moreByTopic: counter.remaining(lists, new Set(shownIds(shown))),
      updatedIds: wanted,
      publicUrl: config.publicUrl,
    });
  };
  // An edition of one reader (ranked with their ratings, or of their personal topic) is read once,
  // in one layout: stored as its view, rendered when read (lazy-digests.ts). Shared editions are
  // rendered here, once, in both layouts.
  const ofOne = reader !== undefined || topics.some((t) => t.owner !== undefined);
  const rendered: RenderedDigest | ReturnType<typeof asView> = ofOne
    ? asView(await templates(), build, picked.length)
    : renderDigest(await templates(), build, picked.length);
  const frozen: NewDigest = {
    id,
    editionKey: key,
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
    ...(rendered.compact ? { compact: rendered.compact } : {}),
    // The view is pure and cheap to build again: the papers that fit, for chat messages. An
    // edition of one reader stores its view alone: no channel gets it, and a read that asks for
    // its entries gets them from the view (lazy-digests.ts).
    ...('view' in rendered ? { view: rendered.view } : { entries: digestEntries(build(rendered.shown)) }),
  };
  const { digest, created } =
    ofOne && hold ? { digest: hold(frozen), created: true } : await store.insertDigest(frozen);
  if (created) {
    logger.debug('digest frozen', { id: digest.id, topics: key, period: period.key, papers: digest.paperIds.length });
  }
  return { status: created ? 'created' : 'existing', digest };
}

/** A reader's edition as stored: its view, with html and text left empty (see renderedWhenRead). */
function asView(templates: EmailTemplates, build: ViewBuilder, picks: number) {
  const { view, shown } = fitDigest(templates, build, picks);
  return {
    subject: view.subject,
    html: '',
    text: '',
    compact: undefined,
    shown,
    view: packView(view),
  };
}
