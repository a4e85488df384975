// Addresses that must not be mailed, and the bounces that put them there.
import type { Suppression, SuppressionStore } from '../ports.js';
import type { SqlDb } from './db.js';
import { inList, sql } from './statement.js';

const COUNT = sql`SELECT count(*) AS n FROM suppressions`;
const IS_SUPPRESSED = sql`SELECT 1 AS found FROM suppressions WHERE email = :email`;
const SUPPRESSED_AMONG = sql`SELECT email FROM suppressions WHERE ${inList('email', 'emails')}`;
const INSERT = sql`
  INSERT INTO suppressions (email, reason, detail, created_at) VALUES (:email, :reason, :detail, :at) ON CONFLICT (email) DO NOTHING`;
const MARK_SUBSCRIBER = sql`UPDATE subscribers SET status = 'suppressed', updated_at = :at WHERE email = :email`;
const DELETE = sql`DELETE FROM suppressions WHERE email = :email`;
const LIST = sql`SELECT email, reason, detail, created_at FROM suppressions ORDER BY created_at, email`;
const BOUNCE = sql`INSERT INTO bounces (email, kind, delivery_id, response, at) VALUES (:email, :kind, :deliveryId, :response, :at)`;
const SOFT_STREAK = sql`
  SELECT count(*) AS n FROM bounces WHERE email = :email AND kind = 'soft'
    AND at > coalesce((SELECT max(sent_at) FROM deliveries WHERE email = :email AND status = 'sent'), '')`;

export function suppressionStore(db: SqlDb): SuppressionStore {
  return {
    async countSuppressions() {
      return (await db.get<{ n: number }>(COUNT))!.n;
    },
    async isSuppressed(email) {
      return (await db.get(IS_SUPPRESSED, { email })) !== undefined;
    },
    async suppressedAmong(emails) {
      if (emails.length === 0) return [];
      return (await db.all<{ email: string }>(SUPPRESSED_AMONG, { emails: [...new Set(emails)] })).map((r) => r.email);
    },
    async suppress(email, reason, detail, at) {
      await db.transaction(async (tx) => {
        await tx.run(INSERT, { email, reason, detail, at });
        await tx.run(MARK_SUBSCRIBER, { email, at });
      });
    },
    async unsuppress(email) {
      return (await db.run(DELETE, { email })) > 0;
    },
    async listSuppressions() {
      const rows = await db.all<{
        email: string;
        reason: Suppression['reason'];
        detail: string | null;
        created_at: string;
      }>(LIST);
      return rows.map((r) => ({ email: r.email, reason: r.reason, detail: r.detail, createdAt: r.created_at }));
    },
    async recordBounce(b) {
      await db.run(BOUNCE, b);
    },
    async softBounceStreak(email) {
      return (await db.get<{ n: number }>(SOFT_STREAK, { email }))!.n;
    },
  };
}
