import type { DeliveryStore } from '../ports.js';
import type { Pg } from './db.js';

const RECEIVED = `(d.status IN ('pending', 'sending', 'sent') OR d.error_kind = 'interrupted')`;

// As in SQLite (sqlite/revisions.ts): the digests that showed each paper are read by its id
// (digest_papers), those cut off since its first sighting; who had it before the revision, less
// those already shown it as updated.
const UPDATABLE = `
  WITH r AS MATERIALIZED (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS r(id, first_seen, revised)),
  held AS MATERIALIZED (
    SELECT r.id AS paper_id, dp.digest_id, dp.updated, g.cutoff_at <= r.revised AS before_revision
    FROM r JOIN digest_papers dp ON dp.paper_id = r.id JOIN digests g ON g.id = dp.digest_id
    WHERE g.cutoff_at >= r.first_seen)
  SELECT h.paper_id, d.subscriber_id FROM held h JOIN deliveries d ON d.digest_id = h.digest_id WHERE h.before_revision AND ${RECEIVED}
  EXCEPT
  SELECT h.paper_id, d.subscriber_id FROM held h JOIN deliveries d ON d.digest_id = h.digest_id WHERE h.updated AND ${RECEIVED}`;

export function pgRevisionStore(db: Pg): Pick<DeliveryStore, 'updatableAudience'> {
  return {
    async updatableAudience(papers) {
      const revised = papers.filter((p) => p.revisedAt);
      const audience = new Map(revised.map((p) => [p.id, new Set<string>()]));
      if (revised.length === 0) return audience;
      const { rows } = await db.query<{ paper_id: string; subscriber_id: string }>(UPDATABLE, [
        revised.map((p) => p.id),
        revised.map((p) => p.firstSeenAt),
        revised.map((p) => p.revisedAt!),
      ]);
      for (const r of rows) audience.get(r.paper_id)!.add(r.subscriber_id);
      return audience;
    },
  };
}
