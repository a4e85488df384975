import type { Paper } from '../../domain/paper.js';
import type { Slotted } from '../../domain/ranking/diversity.js';
import { topicSetKey, type Topic } from '../../domain/topic.js';
import type { PaperStore } from '../../store/ports.js';
import { distinctCounter, pickForTopics, topicRanking } from '../select/pick.js';
import { memo, type FreezeCache } from './freeze-cache.js';
import type { WindowRanking } from './window-ranking.js';

/**
 * Slots of an email that revised papers shown as updated may take: a fifth (at least one), so
 * that updates never crowd out what is new.
 */
const updatedSlots = (slots: number) => Math.max(1, Math.floor(slots / 5));

export interface RevisedDeps {
  store: Pick<PaperStore, 'papersRevisedBetween'>;
  ranking: WindowRanking;
  maxPapers: number;
}

/** An edition's window of first sightings: after `windowStart`, up to `cutoffAt`. */
export interface WindowBounds {
  windowStart: string;
  cutoffAt: string;
}

/** Papers revised within a window and first seen before it, read once per window and run. */
export function revisedIn(
  { store }: Pick<RevisedDeps, 'store'>,
  cache: FreezeCache,
  { windowStart, cutoffAt }: WindowBounds,
): Promise<Paper[]> {
  return memo(cache.candidates, `revised\n${windowStart}\n${cutoffAt}`, () =>
    store.papersRevisedBetween(windowStart, cutoffAt),
  );
}

/**
 * The window's revised papers ranked for these topics, as many as the updated slots hold. As for
 * new papers, each topic's ranking of a window is computed once and shared by the topic sets.
 */
export function revisedPicks(
  deps: RevisedDeps,
  cache: FreezeCache,
  topics: readonly Topic[],
  bounds: WindowBounds,
): Promise<Slotted[]> {
  const window = `revised\n${bounds.windowStart}\n${bounds.cutoffAt}`;
  return memo(cache.revised, `${topicSetKey(topics.map((t) => t.slug))}\n${window}`, async () => {
    const revised = await revisedIn(deps, cache, bounds);
    if (revised.length === 0) return [];
    const background = await memo(cache.background, 'recent', deps.ranking.background);
    const options = deps.ranking.options(background, updatedSlots(deps.maxPapers));
    const rankings = memo(cache.rankings, window, () => topicRanking(revised, options));
    return pickForTopics(topics, revised, options, {
      rankTopic: (t) => memo(cache.ranked, `${t.slug}\n${window}`, () => rankings(t)),
      countDistinct: memo(cache.counters, window, () => distinctCounter(revised)),
    }).picked;
  });
}
