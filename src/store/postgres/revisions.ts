import type { DeliveryStore } from '../ports.js';
import type { Pg } from './db.js';

const RECEIVED = `(d.status IN ('pending', 'sending', 'sent') OR d.error_kind = 'interrupted')`;

// As in SQLite (sqlite/revisions.ts): the digests cut off within the papers' span are read once
// and their id lists expanded once, each paper keeping the digests cut off between its first
// sighting and its revision; less those already shown the paper as updated.
const UPDATABLE = `
  WITH r AS MATERIALIZED (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS r(id, first_seen, revised)),
  span AS (SELECT min(first_seen) AS lo, max(revised) AS hi FROM r),
  held AS MATERIALIZED (
    SELECT DISTINCT g.id AS digest_id, r.id AS paper_id
    FROM span JOIN digests g ON g.cutoff_at >= span.lo AND g.cutoff_at <= span.hi
      CROSS JOIN LATERAL jsonb_array_elements_text(g.paper_ids::jsonb) AS p(id)
      JOIN r ON r.id = p.id AND g.cutoff_at >= r.first_seen AND g.cutoff_at <= r.revised),
  shown AS MATERIALIZED (
    SELECT DISTINCT g.id AS digest_id, r.id AS paper_id
    FROM span JOIN digests g ON g.updated_ids <> '[]' AND g.cutoff_at >= span.lo
      CROSS JOIN LATERAL jsonb_array_elements_text(g.updated_ids::jsonb) AS p(id)
      JOIN r ON r.id = p.id AND g.cutoff_at >= r.first_seen)
  SELECT h.paper_id, d.subscriber_id FROM held h JOIN deliveries d ON d.digest_id = h.digest_id WHERE ${RECEIVED}
  EXCEPT
  SELECT s.paper_id, d.subscriber_id FROM shown s JOIN deliveries d ON d.digest_id = s.digest_id WHERE ${RECEIVED}`;

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
