import type { DeliveryStore } from '../ports.js';
import type { Pg } from './db.js';

const RECEIVED = `(d.status IN ('pending', 'sending', 'sent') OR d.error_kind = 'interrupted')`;

// As in SQLite (sqlite/revisions.ts): who had each paper in a digest cut off between its first
// sighting and its revision, less who was already shown it as updated (the few digests the
// partial index digests_updates holds). One statement for all the papers.
const UPDATABLE = `
  WITH r AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS r(id, first_seen, revised))
  SELECT r.id AS paper_id, d.subscriber_id FROM r
    JOIN digests g ON g.cutoff_at >= r.first_seen AND g.cutoff_at <= r.revised AND g.paper_ids::jsonb ? r.id
    JOIN deliveries d ON d.digest_id = g.id
  WHERE ${RECEIVED}
  EXCEPT
  SELECT r.id, d.subscriber_id FROM r
    JOIN digests g ON g.updated_ids <> '[]' AND g.cutoff_at >= r.first_seen AND g.updated_ids::jsonb ? r.id
    JOIN deliveries d ON d.digest_id = g.id
  WHERE ${RECEIVED}`;

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
