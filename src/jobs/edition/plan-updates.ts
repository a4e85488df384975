import type { Paper } from '../../domain/paper.js';
import type { PlanningStore } from '../../store/ports.js';

/**
 * Splits an edition's audience by the revised papers each may be shown as updated
 * (SHOW_REVISED_PAPERS): `rest` get the edition as it is; each entry of `withUpdates` names the
 * revised paper ids (best first) and the subscribers who get them in an edition of their own;
 * `rejected` holds, by subscriber, the papers they marked "Not for me" under the edition's topics.
 * Subscribers with the same history share one: in practice a topic set's audience splits in two.
 */
export function splitByUpdates(
  subscriberIds: readonly string[],
  revised: readonly Paper[],
  audience: ReadonlyMap<string, ReadonlySet<string>>,
  rejected: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): { rest: string[]; withUpdates: { updatedIds: string[]; subscriberIds: string[] }[] } {
  const rest: string[] = [];
  const groups = new Map<string, { updatedIds: string[]; subscriberIds: string[] }>();
  const holders = revised.map((p) => ({ id: p.id, who: audience.get(p.id) }));
  for (const id of subscriberIds) {
    // A paper the reader marked "Not for me" never comes back to them, not even as updated.
    const mine = holders.flatMap((h) => (h.who?.has(id) && !rejected.get(id)?.has(h.id) ? [h.id] : []));
    if (mine.length === 0) {
      rest.push(id);
      continue;
    }
    const key = mine.join('\n');
    const group = groups.get(key);
    if (group) group.subscriberIds.push(id);
    else groups.set(key, { updatedIds: mine, subscriberIds: [id] });
  }
  return { rest, withUpdates: [...groups.values()] };
}

/**
 * Who may be shown each revised paper as updated, read from the store once per paper and planning
 * run (the caller asks for a window's revised papers together): many topic sets share a paper,
 * and a run's own new deliveries cannot change the answer (each subscriber is in one group of a run).
 */
export function updatableAudiences(store: Pick<PlanningStore, 'updatableAudience'>) {
  const known = new Map<string, Set<string>>();
  return async (papers: readonly Paper[]): Promise<ReadonlyMap<string, ReadonlySet<string>>> => {
    const missing = papers.filter((p) => !known.has(p.id));
    if (missing.length > 0) for (const [id, who] of await store.updatableAudience(missing)) known.set(id, who);
    return known;
  };
}
