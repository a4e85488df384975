import type Database from 'better-sqlite3';
import type { DeliveryStore } from '../ports.js';

const RECEIVED = `(d.status IN ('pending', 'sending', 'sent') OR d.error_kind = 'interrupted')`;

// One statement for all the papers, read by paper id: the digests that showed each paper
// (digest_papers, filled when a digest is frozen) cut off since its first sighting, then their
// audience through the (digest_id, subscriber_id) key. Those whose digest held it before the
// revision may be shown it as updated, less those already shown it as updated. The cost grows
// with the digests that held the revised papers, not with the time since they were first seen.
const UPDATABLE = `
  WITH r AS MATERIALIZED (
    SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS first_seen, json_extract(value, '$[2]') AS revised
    FROM json_each(@papers)),
  held AS MATERIALIZED (
    SELECT r.id AS paper_id, dp.digest_id, dp.updated, g.cutoff_at <= r.revised AS before_revision
    FROM r CROSS JOIN digest_papers dp ON dp.paper_id = r.id CROSS JOIN digests g ON g.id = dp.digest_id
    WHERE g.cutoff_at >= r.first_seen)
  SELECT h.paper_id, d.subscriber_id FROM held h CROSS JOIN deliveries d ON d.digest_id = h.digest_id WHERE h.before_revision AND ${RECEIVED}
  EXCEPT
  SELECT h.paper_id, d.subscriber_id FROM held h CROSS JOIN deliveries d ON d.digest_id = h.digest_id WHERE h.updated AND ${RECEIVED}`;

export function sqliteRevisionStore(db: Database.Database): Pick<DeliveryStore, 'updatableAudience'> {
  const updatable = db.prepare<{ papers: string }, { paper_id: string; subscriber_id: string }>(UPDATABLE);
  return {
    async updatableAudience(papers) {
      const revised = papers.filter((p) => p.revisedAt);
      const audience = new Map(revised.map((p) => [p.id, new Set<string>()]));
      if (revised.length === 0) return audience;
      for (const r of updatable.iterate({ papers: JSON.stringify(revised.map((p) => [p.id, p.firstSeenAt, p.revisedAt])) })) {
        audience.get(r.paper_id)!.add(r.subscriber_id);
      }
      return audience;
    },
  };
}
