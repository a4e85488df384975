// A planning run freezes thousands of editions of one reader (ranked with their ratings, or of
// their personal topic). Stored one transaction each, they cost more than their ranking; the run's
// freeze session holds them instead, and the planner stores them with their deliveries, many in
// one transaction (plan.ts). Until then the session reads them as if stored.
import type { Digest } from '../../domain/digest.js';
import type { PeriodKind } from '../../domain/period.js';
import type { DigestStore, NewDigest } from '../../store/ports.js';

type DigestReads = Pick<DigestStore, 'findDigest' | 'digestWindow' | 'latestDigest'>;

/** The digest a held edition will read back as once stored. */
const asStored = (d: NewDigest): Digest => ({ ...d, updatedIds: d.updatedIds ?? [] });

export interface HeldEditions {
  /** The store's reads, with the held editions among them. */
  reads: DigestReads;
  /** Holds a new edition (its id is what storing it will keep): returns it as stored. */
  hold(digest: NewDigest): Digest;
  /** The editions held since the last take, to be stored; the reads no longer see them. */
  take(): NewDigest[];
  readonly size: number;
}

export function heldEditions(store: DigestReads): HeldEditions {
  const byKey = new Map<string, NewDigest>();
  // The newest held edition of each (edition key, kind): what latestDigest would find.
  const latest = new Map<string, NewDigest>();
  const keyOf = (editionKey: string, kind: PeriodKind, periodKey: string) => `${editionKey}\n${kind}\n${periodKey}`;
  return {
    reads: {
      async findDigest(editionKey, kind, periodKey) {
        const held = byKey.get(keyOf(editionKey, kind, periodKey));
        return held ? asStored(held) : store.findDigest(editionKey, kind, periodKey);
      },
      async digestWindow(editionKey, kind, periodKey) {
        const held = byKey.get(keyOf(editionKey, kind, periodKey));
        return held
          ? { windowStart: held.windowStart, cutoffAt: held.cutoffAt }
          : store.digestWindow(editionKey, kind, periodKey);
      },
      async latestDigest(topicSet, kind) {
        const held = latest.get(`${topicSet}\n${kind}`);
        const stored = await store.latestDigest(topicSet, kind);
        return held && (!stored || held.cutoffAt > stored.cutoffAt) ? asStored(held) : stored;
      },
    },
    hold(digest) {
      byKey.set(keyOf(digest.editionKey, digest.period.kind, digest.period.key), digest);
      const set = `${digest.editionKey}\n${digest.period.kind}`;
      const newest = latest.get(set);
      if (!newest || digest.cutoffAt > newest.cutoffAt) latest.set(set, digest);
      return asStored(digest);
    },
    take() {
      const all = [...byKey.values()];
      byKey.clear();
      latest.clear();
      return all;
    },
    get size() {
      return byKey.size;
    },
  };
}
