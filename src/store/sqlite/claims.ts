// Claiming due deliveries on SQLite: the pick and the claim in one statement inside an IMMEDIATE
// transaction, so that the file's one writer hands each row to one worker. (PostgreSQL:
// postgres/claims.ts.) One statement a claim, not a pick and an update a row: the claim was a
// tenth of a sending process's CPU a message (BENCHMARKS.md, delivery). Rows due together are
// claimed in the order they were written (rowid, migration 19), so that a claim's rows share pages.
import type Database from 'better-sqlite3';
import { byDue, type DeliveryRow, toDelivery } from '../rows.js';
import { type Claims, SENT, sentParams } from '../sql/deliveries.js';
import { sqliteParams } from '../sql/db.js';
import type { SqliteDb } from './sql-db.js';
import { writeTransaction } from './write-transaction.js';

const claimWhere = (where: string) => `
  UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claimed_at = @now, claimed_by = @worker, updated_at = @now
  WHERE id IN (
    SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= @now ${where}
    ORDER BY next_attempt_at, rowid LIMIT @limit)
  RETURNING *`;

export function sqliteClaims(sdb: SqliteDb, db: Database.Database): Claims {
  const claimDue = db.prepare<{ worker: string; now: string; limit: number }, DeliveryRow>(claimWhere(''));
  const claimConfirmation = db.prepare<{ worker: string; now: string; limit: number; ids: string }, DeliveryRow>(
    claimWhere(`AND kind = 'confirmation' AND subscriber_id IN (SELECT value FROM json_each(@ids))`),
  );

  const recordSent = db.prepare(SENT.text.sqlite);

  // A write transaction from its start: the pick cannot see rows another process is claiming.
  const claimWith = writeTransaction(db, (claim: () => DeliveryRow[]) => claim().sort(byDue).map(toDelivery));
  // The sends accepted since the last claim and the next claim, one commit (the claim's, durable).
  const recordAndClaim = writeTransaction(db, (sent: Record<string, unknown>, claim: () => DeliveryRow[]) => ({
    recorded: recordSent.run(sent).changes,
    claimed: claim().sort(byDue).map(toDelivery),
  }));

  return {
    async claimDeliveries(workerId, now, limit) {
      return sdb.raw(() => claimWith(() => claimDue.all({ worker: workerId, now, limit })));
    },
    async recordSentAndClaim(rows, workerId, now, limit) {
      const sent = sqliteParams(SENT, sentParams(rows, workerId, now));
      return sdb.raw(() => recordAndClaim(sent, () => claimDue.all({ worker: workerId, now, limit })));
    },
    async claimConfirmations(subscriberIds, workerId, now, limit) {
      const ids = JSON.stringify(subscriberIds);
      return sdb.raw(() => claimWith(() => claimConfirmation.all({ worker: workerId, now, limit, ids })));
    },
  };
}
