import type { Paper } from '../../domain/paper.js';
import type { Slotted } from '../../domain/ranking/diversity.js';
import type { Topic } from '../../domain/topic.js';
import type { TopicRanking, WindowCounter } from '../select/pick.js';

/**
 * What one planning run shares between the digests it freezes: the candidate papers of a window
 * and each topic's ranking of them are read and computed once, not once per topic set.
 */
export interface FreezeCache {
  topics: Map<string, Promise<Topic | undefined>>;
  candidates: Map<string, Promise<Paper[]>>;
  background: Map<string, Promise<Paper[]>>;
  rankings: Map<string, TopicRanking>;
  counters: Map<string, WindowCounter>;
  ranked: Map<string, readonly Slotted[]>;
  /** Each window's revised papers, and each topic set's pick of them (see revised.ts). */
  revised: Map<string, Promise<Slotted[]>>;
}

export const newFreezeCache = (): FreezeCache => ({
  topics: new Map(),
  candidates: new Map(),
  background: new Map(),
  rankings: new Map(),
  counters: new Map(),
  ranked: new Map(),
  revised: new Map(),
});

export function memo<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}
