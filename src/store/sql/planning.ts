// The planner's writes and the history it reads, set-based on both engines: planning 100,000
// subscribers is a few statements, never a round trip per subscriber. The two reads whose plans
// had to be tuned to each engine are in sqlite/planning.ts and postgres/planning.ts.
import type { PlanningStore } from '../ports.js';
import type { SqlDb } from './db.js';
import { insertDigests } from './digests.js';
import { JOIN_IN_ORDER, inList, jsonRows, sql } from './statement.js';

/** Rows that count as received: sent, about to be sent, or maybe sent by an interrupted attempt. */
export const RECEIVED = `(d.status IN ('pending', 'sending', 'sent') OR d.error_kind = 'interrupted')`;

const PLANNED_PERIODS = sql`
  SELECT d.subscriber_id, g.period_kind, g.period_key FROM deliveries d JOIN digests g ON g.id = d.digest_id
  WHERE ${inList('d.subscriber_id', 'ids')}`;
// The address is copied from the subscriber row, which must still be confirmed. The rows drive the
// join (SQLite would otherwise scan every subscriber for each row of the chunk).
const INSERT_FOR = sql`
  INSERT INTO deliveries (id, digest_id, subscriber_id, email, status, next_attempt_at, message_id, created_at, updated_at)
  SELECT x.id, x.digest_id, s.id, s.email, 'pending', :at, x.id || '@' || :domain, :at, :at
  FROM ${jsonRows('rows', ['id', 'subscriber_id', 'digest_id'])} AS x ${JOIN_IN_ORDER} subscribers s ON s.id = x.subscriber_id
  WHERE s.status = 'confirmed'
  ON CONFLICT (digest_id, subscriber_id) DO NOTHING`;
// One statement for all the papers, read by paper id: the digests that showed each paper
// (digest_papers, filled when a digest is frozen) cut off since its first sighting, then their
// audience through the (digest_id, subscriber_id) key. Those whose digest held it before the
// revision may be shown it as updated, less those already shown it as updated. The cost grows
// with the digests that held the revised papers, not with the time since they were first seen.
const UPDATABLE = sql`
  WITH r AS MATERIALIZED (SELECT id, first_seen, revised FROM ${jsonRows('papers', ['id', 'first_seen', 'revised'])} AS p),
  held AS MATERIALIZED (
    SELECT r.id AS paper_id, dp.digest_id, dp.updated, g.cutoff_at <= r.revised AS before_revision
    FROM r ${JOIN_IN_ORDER} digest_papers dp ON dp.paper_id = r.id ${JOIN_IN_ORDER} digests g ON g.id = dp.digest_id
    WHERE g.cutoff_at >= r.first_seen)
  SELECT h.paper_id, d.subscriber_id FROM held h ${JOIN_IN_ORDER} deliveries d ON d.digest_id = h.digest_id
  WHERE h.before_revision AND ${RECEIVED}
  EXCEPT
  SELECT h.paper_id, d.subscriber_id FROM held h ${JOIN_IN_ORDER} deliveries d ON d.digest_id = h.digest_id
  WHERE h.updated AND ${RECEIVED}`;

/** Delivery rows per INSERT while planning: a few hundred kB of JSON. */
const CHUNK = 5_000;

/** The planner's reads whose plans are tuned to each engine (sqlite/planning.ts, postgres/planning.ts). */
export type PlanningReads = Pick<PlanningStore, 'eachUnplannedSubscriber' | 'receivedAnyOf'>;

export function planningStore(db: SqlDb): Omit<PlanningStore, keyof PlanningReads> {
  return {
    async plannedPeriods(subscriberIds) {
      const rows = await db.all<{ subscriber_id: string; period_kind: string; period_key: string }>(PLANNED_PERIODS, {
        ids: subscriberIds,
      });
      return new Set(rows.map((r) => `${r.subscriber_id}|${r.period_kind}|${r.period_key}`));
    },
    async createDeliveriesFor(rows, messageDomain, at, digests = []) {
      if (rows.length === 0 && digests.length === 0) return 0;
      // Chunks keep each statement's JSON small; one transaction keeps the set all-or-nothing, the
      // digests written before the rows that reference them.
      return db.transaction(async (tx) => {
        await insertDigests(tx, db.engine, digests);
        let created = 0;
        for (let i = 0; i < rows.length; i += CHUNK) {
          const chunk = rows.slice(i, i + CHUNK).map((r) => [r.id, r.subscriberId, r.digestId]);
          created += await tx.run(INSERT_FOR, { rows: chunk, domain: messageDomain, at });
        }
        return created;
      });
    },
    async updatableAudience(papers) {
      const revised = papers.filter((p) => p.revisedAt);
      const audience = new Map(revised.map((p) => [p.id, new Set<string>()]));
      if (revised.length === 0) return audience;
      await db.each<{ paper_id: string; subscriber_id: string }>(
        UPDATABLE,
        { papers: revised.map((p) => [p.id, p.firstSeenAt, p.revisedAt]) },
        (r) => audience.get(r.paper_id)!.add(r.subscriber_id),
      );
      return audience;
    },
  };
}
