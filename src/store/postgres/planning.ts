// The planner's two reads whose plans are tuned to PostgreSQL (SQLite's: sqlite/planning.ts); the
// rest of planning is shared (sql/planning.ts).
import type { Frequency } from '../../domain/subscriber.js';
import type { Pg } from './db.js';
import { toPlanCandidate } from '../rows.js';
import { type PlanningReads, RECEIVED } from '../sql/planning.js';

// The period's planned subscribers are collected once (from its digests through the
// (digest_id, subscriber_id) key) and anti-joined, not probed per subscriber. The inner joins on
// topics keep subscribers who have at least one existing topic.
const UNPLANNED = `
  WITH slot AS (SELECT DISTINCT * FROM unnest($1::text[], $2::text[], $3::int[]) AS x(frequency, timezone, send_hour)),
  planned AS MATERIALIZED (
    SELECT d.subscriber_id FROM digests g JOIN deliveries d ON d.digest_id = g.id
    WHERE g.period_kind = $4 AND g.period_key = $5)
  SELECT s.id, s.frequency, s.timezone, s.send_hour, s.confirmed_at,
    string_agg(t.topic_slug, ',' ORDER BY t.topic_slug) AS topics
  FROM subscribers s
    JOIN slot ON slot.frequency = s.frequency AND slot.timezone = s.timezone AND slot.send_hour = s.send_hour
    JOIN subscriber_topics t ON t.subscriber_id = s.id
    JOIN topics k ON k.slug = t.topic_slug
  WHERE s.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM planned p WHERE p.subscriber_id = s.id)
  GROUP BY s.id`;

// Of the asked subscribers, with the latest cutoff of everything they have had: those whose latest
// cutoff is before $3 (they have a history, but missed an edition), and those who had any of the
// papers in a digest of another period cut off after $3 (those digests come first, read by paper
// from digest_papers in the two ranges of its key around the period planned, so the digests this
// run has made so far, all of that period, are not read). Written as a probe per asked subscriber (their history through
// the subscriber index, the few hit digests through the (digest, subscriber) key): planning asks
// group by group right after writing many deliveries, when the table's statistics are stale and a
// join would be planned as a scan of every delivery (about 50 ms a group at 100,000 subscribers).
// The cost: each asked subscriber's whole history is read (one row per edition they were sent).
const RECEIVED_ANY_OF = `
  WITH ids AS (SELECT DISTINCT unnest($1::text[]) AS id),
  shown AS MATERIALIZED (
    SELECT dp.digest_id FROM digest_papers dp
    WHERE dp.paper_id = ANY ($2::text[]) AND (dp.period_kind, dp.period_key) < ($4, $5)
    UNION
    SELECT dp.digest_id FROM digest_papers dp
    WHERE dp.paper_id = ANY ($2::text[]) AND (dp.period_kind, dp.period_key) > ($4, $5)),
  hit AS MATERIALIZED (SELECT g.id FROM shown JOIN digests g ON g.id = shown.digest_id WHERE g.cutoff_at > $3),
  history AS MATERIALIZED (
    SELECT ids.id, (SELECT max(g.cutoff_at) FROM deliveries d JOIN digests g ON g.id = d.digest_id
                    WHERE d.subscriber_id = ids.id AND ${RECEIVED}) AS last_cutoff
    FROM ids)
  SELECT h.id, h.last_cutoff FROM history h
  WHERE h.last_cutoff < $3
    OR (h.last_cutoff IS NOT NULL AND EXISTS (SELECT 1 FROM hit WHERE EXISTS (
          SELECT 1 FROM deliveries d WHERE d.digest_id = hit.id AND d.subscriber_id = h.id AND ${RECEIVED})))`;

export function pgPlanningReads(db: Pg): PlanningReads {
  return {
    async eachUnplannedSubscriber({ slots, period }, visit) {
      if (slots.length === 0) return 0;
      // One read of the whole answer: ids, slots and topic slugs only (no addresses), a few MB
      // for 100,000 subscribers.
      const { rows } = await db.query<{
        id: string;
        frequency: Frequency;
        timezone: string;
        send_hour: number;
        confirmed_at: string | null;
        topics: string;
      }>(UNPLANNED, [
        slots.map((s) => s.frequency),
        slots.map((s) => s.timezone),
        slots.map((s) => s.sendHour),
        period.kind,
        period.key,
      ]);
      for (const row of rows) {
        visit(toPlanCandidate(row));
      }
      return rows.length;
    },
    async receivedAnyOf({ subscriberIds, paperIds, after, period }) {
      if (subscriberIds.length === 0) return new Map();
      // Without JIT: the per-subscriber probes look costly to the planner (JIT then took 40 ms a
      // group), though each is an index lookup or two.
      const { rows } = await db.tx(async (c) => {
        await c.query('SET LOCAL jit = off');
        return c.query<{ id: string; last_cutoff: string }>(RECEIVED_ANY_OF, [
          [...subscriberIds],
          [...paperIds],
          after,
          period.kind,
          period.key,
        ]);
      });
      const found = new Map(rows.map((r) => [r.id, r.last_cutoff]));
      // In the order asked.
      return new Map(subscriberIds.flatMap((id) => (found.has(id) ? [[id, found.get(id)!] as const] : [])));
    },
  };
}
