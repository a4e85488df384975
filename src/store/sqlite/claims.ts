// Claiming due deliveries on SQLite: the pick and the claim in one IMMEDIATE transaction, so that
// the file's one writer hands each row to one worker. (PostgreSQL: postgres/claims.ts.)
import type Database from 'better-sqlite3';
import { type DeliveryRow, toDelivery } from '../rows.js';
import type { Claims } from '../sql/deliveries.js';
import type { SqliteDb } from './sql-db.js';
import { writeTransaction } from './write-transaction.js';

export function sqliteClaims(sdb: SqliteDb, db: Database.Database): Claims {
  const pickDue = db.prepare<[string], { id: string }>(
    `SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1`,
  );
  const pickConfirmation = db.prepare<{ ids: string; now: string }, { id: string }>(`
    SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= @now AND kind = 'confirmation'
      AND subscriber_id IN (SELECT value FROM json_each(@ids))
    ORDER BY next_attempt_at, id LIMIT 1`);
  const claim = db.prepare<{ id: string; worker: string; now: string }, DeliveryRow>(`
    UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claimed_at = @now, claimed_by = @worker, updated_at = @now
    WHERE id = @id AND status = 'pending'
    RETURNING *`);

  // One write transaction: the picks and the claims cannot interleave with another process's.
  const claimUpTo = writeTransaction(
    db,
    (limit: number, worker: string, now: string, pick: () => { id: string } | undefined) => {
      const rows: DeliveryRow[] = [];
      while (rows.length < limit) {
        const due = pick();
        if (!due) break;
        rows.push(claim.get({ id: due.id, worker, now })!);
      }
      return rows.map(toDelivery);
    },
  );

  return {
    async claimDeliveries(workerId, now, limit) {
      return sdb.raw(() => claimUpTo(limit, workerId, now, () => pickDue.get(now)));
    },
    async claimConfirmations(subscriberIds, workerId, now, limit) {
      const ids = JSON.stringify(subscriberIds);
      return sdb.raw(() => claimUpTo(limit, workerId, now, () => pickConfirmation.get({ ids, now })));
    },
  };
}
