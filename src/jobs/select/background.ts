import type { Paper } from '../../domain/paper.js';
import type { PaperStore, TopicStore } from '../../store/ports.js';
import { seedsBeyond } from './topics.js';

/** How many recent papers inform the ranking (term statistics, learned acronyms, related papers). */
export const BACKGROUND_PAPERS = 2000;

export type BackgroundStore = Pick<PaperStore, 'getPapers' | 'listPapers'> & Pick<TopicStore, 'listAllTopics'>;

/**
 * What rankings read beside a window's candidates: the recent papers (term statistics, acronyms)
 * and every topic's `like:` seeds, however old, since a seed outside the ranker's corpus could
 * not be compared with.
 */
export async function backgroundPapers(store: BackgroundStore): Promise<Paper[]> {
  const recent = await store.listPapers({ limit: BACKGROUND_PAPERS });
  const seeds = await seedsBeyond(store, new Set(recent.map((p) => p.id)));
  return seeds.length === 0 ? recent : [...recent, ...(await store.getPapers(seeds))];
}
