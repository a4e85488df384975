import type Database from 'better-sqlite3';
import type { DeliveryStore } from '../ports.js';

const RECEIVED = `(d.status IN ('pending', 'sending', 'sent') OR d.error_kind = 'interrupted')`;

// One statement for all the papers. The digests cut off between the earliest first sighting and
// the latest revision (a range of digests_cutoff) are read once, their id lists expanded once and
// joined to the papers, each paper keeping the digests cut off between its own first sighting
// and revision; then their audience through the (digest_id, subscriber_id) key. Less those who
// were shown the paper as updated: the few digests with updates (the partial index digests_updates).
// The cost grows with the span from the oldest first sighting to the newest revision.
const UPDATABLE = `
  WITH r AS MATERIALIZED (
    SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS first_seen, json_extract(value, '$[2]') AS revised
    FROM json_each(@papers)),
  span AS (SELECT min(first_seen) AS lo, max(revised) AS hi FROM r),
  held AS MATERIALIZED (
    SELECT DISTINCT g.id AS digest_id, r.id AS paper_id
    FROM span CROSS JOIN digests g CROSS JOIN json_each(g.paper_ids) p JOIN r ON r.id = p.value
    WHERE g.cutoff_at >= span.lo AND g.cutoff_at <= span.hi AND g.cutoff_at >= r.first_seen AND g.cutoff_at <= r.revised),
  shown AS MATERIALIZED (
    SELECT DISTINCT g.id AS digest_id, r.id AS paper_id
    FROM span CROSS JOIN digests g CROSS JOIN json_each(g.updated_ids) p JOIN r ON r.id = p.value
    WHERE g.updated_ids <> '[]' AND g.cutoff_at >= span.lo AND g.cutoff_at >= r.first_seen)
  SELECT h.paper_id, d.subscriber_id FROM held h CROSS JOIN deliveries d ON d.digest_id = h.digest_id WHERE ${RECEIVED}
  EXCEPT
  SELECT s.paper_id, d.subscriber_id FROM shown s CROSS JOIN deliveries d ON d.digest_id = s.digest_id WHERE ${RECEIVED}`;

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
