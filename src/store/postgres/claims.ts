// Claiming due deliveries on PostgreSQL: SKIP LOCKED, so that workers claiming at the same moment
// take different rows instead of queueing on the first one. (SQLite: sqlite/claims.ts.)
import type { Pg } from './db.js';
import type { Claims } from '../sql/deliveries.js';
import { byDue, type DeliveryRow, toDelivery } from '../rows.js';

// MATERIALIZED: the locking subquery runs once; as a join's inner side it could run per row. The
// status test in the UPDATE makes a row go to one worker only.
const claimWhere = (where: string) => `
  WITH due AS MATERIALIZED (
    SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1::text ${where}
    ORDER BY next_attempt_at, id LIMIT $3::int FOR UPDATE SKIP LOCKED)
  UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1, claimed_at = $1, claimed_by = $2, updated_at = $1
  FROM due WHERE d.id = due.id AND d.status = 'pending'
  RETURNING d.*`;
const CLAIM = claimWhere('');
const CLAIM_CONFIRMATIONS = claimWhere(`AND kind = 'confirmation' AND subscriber_id = ANY($4::text[])`);

export function pgClaims(db: Pg): Claims {
  const claim = async (workerId: string, now: string, limit: number) => {
    const { rows } = await db.query<DeliveryRow>(CLAIM, [now, workerId, limit]);
    return rows.sort(byDue).map(toDelivery);
  };
  return {
    claimDeliveries: claim,
    async claimConfirmations(subscriberIds, workerId, now, limit) {
      const { rows } = await db.query<DeliveryRow>(CLAIM_CONFIRMATIONS, [now, workerId, limit, [...subscriberIds]]);
      return rows.sort(byDue).map(toDelivery);
    },
  };
}
