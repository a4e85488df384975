import type Database from 'better-sqlite3';
import type { DeliveryStore } from '../ports.js';

const RECEIVED = `(d.status IN ('pending', 'sending', 'sent') OR d.error_kind = 'interrupted')`;

// Who had the paper before its revision: the digests that can hold it are cut off between its
// first sighting and its revision (a range of digests_cutoff), then their audience through the
// (digest_id, subscriber_id) key. Who was already shown it as updated: the few digests with
// updates (the partial index digests_updates), then their audience.
const HAD_BEFORE = `
  SELECT d.subscriber_id AS id FROM digests g CROSS JOIN deliveries d ON d.digest_id = g.id
  WHERE g.cutoff_at >= @firstSeen AND g.cutoff_at <= @revised
    AND EXISTS (SELECT 1 FROM json_each(g.paper_ids) p WHERE p.value = @paper) AND ${RECEIVED}
  EXCEPT
  SELECT d.subscriber_id FROM digests g CROSS JOIN deliveries d ON d.digest_id = g.id
  WHERE g.updated_ids <> '[]' AND g.cutoff_at >= @firstSeen
    AND EXISTS (SELECT 1 FROM json_each(g.updated_ids) p WHERE p.value = @paper) AND ${RECEIVED}`;

export function sqliteRevisionStore(db: Database.Database): Pick<DeliveryStore, 'updatableAudience'> {
  const hadBefore = db.prepare<{ paper: string; firstSeen: string; revised: string }, { id: string }>(HAD_BEFORE);
  return {
    async updatableAudience(papers) {
      const audience = new Map<string, Set<string>>();
      // One read transaction: every paper's answer comes from the same state of the store.
      db.transaction(() => {
        for (const p of papers) {
          if (!p.revisedAt) continue;
          const rows = hadBefore.all({ paper: p.id, firstSeen: p.firstSeenAt, revised: p.revisedAt });
          audience.set(p.id, new Set(rows.map((r) => r.id)));
        }
      })();
      return audience;
    },
  };
}
