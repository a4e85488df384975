// Claiming due deliveries on SQLite: the pick and the claim in one statement inside an IMMEDIATE
// transaction, so that the file's one writer hands each row to one worker. (PostgreSQL:
// postgres/claims.ts.) One statement a claim, not a pick and an update a row: the claim was a
// tenth of a sending process's CPU a message (BENCHMARKS.md, delivery).
import type Database from 'better-sqlite3';
import { byDue, type DeliveryRow, toDelivery } from '../rows.js';
import type { Claims } from '../sql/deliveries.js';
import type { SqliteDb } from './sql-db.js';
import { writeTransaction } from './write-transaction.js';

const claimWhere = (where: string) => `
  UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claimed_at = @now, claimed_by = @worker, updated_at = @now
  WHERE id IN (
    SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= @now ${where}
    ORDER BY next_attempt_at, id LIMIT @limit)
  RETURNING *`;

export function sqliteClaims(sdb: SqliteDb, db: Database.Database): Claims {
  const claimDue = db.prepare<{ worker: string; now: string; limit: number }, DeliveryRow>(claimWhere(''));
  const claimConfirmation = db.prepare<{ worker: string; now: string; limit: number; ids: string }, DeliveryRow>(
    claimWhere(`AND kind = 'confirmation' AND subscriber_id IN (SELECT value FROM json_each(@ids))`),
  );

  // A write transaction from its start: the pick cannot see rows another process is claiming.
  const claimWith = writeTransaction(db, (claim: () => DeliveryRow[]) => claim().sort(byDue).map(toDelivery));

  return {
    async claimDeliveries(workerId, now, limit) {
      return sdb.raw(() => claimWith(() => claimDue.all({ worker: workerId, now, limit })));
    },
    async claimConfirmations(subscriberIds, workerId, now, limit) {
      const ids = JSON.stringify(subscriberIds);
      return sdb.raw(() => claimWith(() => claimConfirmation.all({ worker: workerId, now, limit, ids })));
    },
  };
}
