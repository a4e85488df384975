import type { Period } from '../../domain/period.js';
import type { PlanningStore } from '../../store/ports.js';
import type { PlanGroup } from './due-groups.js';
import type { FreezeResult, FreezeSession } from './freeze.js';
import { splitByUpdates, type updatableAudiences } from './plan-updates.js';
import { planReaderEditions, type ReaderRatings } from './reader-editions.js';

export interface GroupEditionsDeps {
  /** The run's freezer: editions frozen through it share candidate papers and rankings. */
  freezer: FreezeSession;
  store: Pick<PlanningStore, 'receivedAnyOf'>;
  /** Of some subscribers, those with ratings under these topics, and the ratings (reader-editions.ts). */
  readers: (subscriberIds: readonly string[], slugs: readonly string[]) => Promise<Map<string, ReaderRatings>>;
  /** SHOW_REVISED_PAPERS: whether revised papers are shown again, as updated, to those who had them. */
  showRevised: boolean;
  /** Who may be shown each revised paper as updated, read once per paper and run (plan-updates.ts). */
  audiences: ReturnType<typeof updatableAudiences>;
  /** Queues one delivery of an edition per subscriber. */
  deliver: (subscriberIds: readonly string[], digestId: string) => Promise<void>;
}

/** What planning one group did: the digests it froze, and whether it is to be planned again next time. */
export interface GroupOutcome {
  digestsCreated: number;
  empty: boolean;
}

/**
 * Which edition each subscriber of a group gets: the main one, a variant for those whose history
 * differs (they missed an edition, or changed topics), with SHOW_REVISED_PAPERS an edition
 * with updates for those who had a revised paper before, and for readers who rated papers under
 * its topics an edition of their own. Each is frozen once and queued for its audience.
 */
export async function planGroupEditions(deps: GroupEditionsDeps, group: PlanGroup, at: Date): Promise<GroupOutcome> {
  const { freezer, store, showRevised } = deps;
  const outcome: GroupOutcome = { digestsCreated: 0, empty: false };
  const slugs = group.topicSet.split(',');
  const edition = { slugs, period: group.period, at };
  const main = await freezer.freeze({ slugs, kind: group.period.kind, at, period: group.period });
  // An empty group is planned again next time, unless revised papers can go out now.
  if (main.status === 'empty' && (!showRevised || (await freezer.updatesFor(edition)).picked.length === 0)) {
    return { ...outcome, empty: true };
  }
  if (main.status === 'created') outcome.digestsCreated++;
  // Never the same paper twice, never one missed: a subscriber who already got one of this
  // edition's papers (they changed topics, so another topic set's edition had it), or whose
  // last digest ends before this edition's window (they missed an edition others got, e.g.
  // during an outage), gets a variant holding exactly what is new since their last digest.
  // Subscribers with the same history share it.
  const history = await store.receivedAnyOf({
    subscriberIds: group.subscriberIds,
    paperIds: main.status === 'empty' ? [] : main.digest.paperIds,
    after: main.status === 'empty' ? await freezer.windowStart(edition) : main.digest.windowStart,
    period: group.period,
    topicSet: group.topicSet,
  });
  // Readers with ratings under these topics get their own edition (not when nothing is new: they
  // wait with everyone); the rest share.
  const readers =
    main.status === 'empty' ? new Map<string, ReaderRatings>() : await deps.readers(group.subscriberIds, slugs);
  const shared = (id: string) => !history.has(id) && !readers.has(id);
  const plain = history.size === 0 && readers.size === 0 ? group.subscriberIds : group.subscriberIds.filter(shared);
  if (main.status === 'empty') {
    // Nothing new: only revised papers go out, to those with nothing missed, but never one a
    // reader rejected. Everyone else is planned again next time, as in an empty group.
    const rejected = showRevised ? rejectedBy(await deps.readers(plain, slugs)) : undefined;
    const audience = { ...edition, base: main, subscriberIds: plain, ...(rejected && { rejected }) };
    if (!(await deliverEdition(deps, outcome, audience))) outcome.empty = true;
    return outcome;
  }
  const variants = new Map<string, string[]>();
  for (const [id, lastCutoff] of history)
    if (!readers.has(id)) variants.set(lastCutoff, [...(variants.get(lastCutoff) ?? []), id]);
  await deliverEdition(deps, outcome, { ...edition, base: main, subscriberIds: plain });
  if (readers.size > 0)
    outcome.digestsCreated += await planReaderEditions(deps, {
      slugs,
      topicSet: group.topicSet,
      period: group.period,
      at,
      main: main.digest,
      readers,
      history,
    });
  for (const [since, subscriberIds] of variants) {
    const variant = await freezer.freeze({
      slugs,
      kind: group.period.kind,
      at,
      period: group.period,
      variantSince: since,
    });
    if (variant.status === 'created') outcome.digestsCreated++;
    await deliverEdition(deps, outcome, { ...edition, base: variant, subscriberIds, variantSince: since });
  }
  return outcome;
}

interface EditionAudience {
  slugs: string[];
  period: Period;
  at: Date;
  /** The edition frozen for them (the main one, or the variant since `variantSince`). */
  base: FreezeResult;
  subscriberIds: readonly string[];
  variantSince?: string;
  /** By subscriber, the papers they marked "Not for me": never shown to them as updated. */
  rejected?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Of readers' ratings, the papers each rejected, under any of the topics. */
function rejectedBy(readers: ReadonlyMap<string, ReaderRatings>): Map<string, Set<string>> {
  const rejected = new Map<string, Set<string>>();
  for (const [id, byTopic] of readers) {
    const ids = [...byTopic.values()].flat().flatMap((r) => (r.value < 0 ? [r.paper.id] : []));
    if (ids.length > 0) rejected.set(id, new Set(ids));
  }
  return rejected;
}

/**
 * Delivers an edition (the main one, or the variant since `variantSince`) to its audience; with
 * SHOW_REVISED_PAPERS, those who had a revised paper of its window before get an edition that
 * also shows it as updated. Returns whether anyone got anything.
 */
async function deliverEdition(
  deps: GroupEditionsDeps,
  outcome: GroupOutcome,
  audience: EditionAudience,
): Promise<boolean> {
  const { freezer, showRevised, audiences, deliver } = deps;
  const { slugs, period, at, base, subscriberIds, variantSince, rejected } = audience;
  let rest: readonly string[] = subscriberIds;
  let any = false;
  const revised = showRevised
    ? await freezer.updatesFor({ slugs, period, at, variantSince })
    : { picked: [], window: [] };
  if (revised.picked.length > 0) {
    // Asked for the whole window at once: the topic sets sharing it need no query of their own.
    const split = splitByUpdates(subscriberIds, revised.picked, await audiences(revised.window), rejected);
    rest = split.rest;
    for (const { updatedIds, subscriberIds: ids } of split.withUpdates) {
      const edition = await freezer.freeze({ slugs, kind: period.kind, at, period, variantSince, updatedIds });
      if (edition.status === 'empty') continue;
      if (edition.status === 'created') outcome.digestsCreated++;
      await deliver(ids, edition.digest.id);
      any = true;
    }
  }
  if (base.status === 'empty') return any;
  await deliver(rest, base.digest.id);
  return true;
}
