import type { DeliveryStatus } from '../../domain/delivery.js';
import type { DeliveryStore, Suppression } from '../ports.js';
import type { Pg } from './db.js';
import { pgPlanningStore } from './planning.js';
import { pgRevisionStore } from './revisions.js';
import { type DeliveryRow, toDelivery } from '../rows.js';

const byDue = (a: DeliveryRow, b: DeliveryRow) =>
  a.next_attempt_at < b.next_attempt_at ? -1 : a.next_attempt_at > b.next_attempt_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

const INTERRUPTED = 'interrupted while sending: the SMTP server may have accepted it, so it is not resent on its own';
const CHUNK = 1000;

export function pgDeliveryStore(db: Pg): DeliveryStore {
  const claim = async (workerId: string, now: string, limit: number) => {
    // SKIP LOCKED: workers claiming at the same moment take different rows instead of queueing on
    // the first one; the status test in the UPDATE makes a row go to one worker only.
    const { rows } = await db.query<DeliveryRow>(
      // MATERIALIZED: the locking subquery runs once; as a join's inner side it could run per row.
      `WITH due AS MATERIALIZED (
         SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1::text
         ORDER BY next_attempt_at, id LIMIT $3::int FOR UPDATE SKIP LOCKED)
       UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1, claimed_at = $1, claimed_by = $2, updated_at = $1
       FROM due WHERE d.id = due.id AND d.status = 'pending'
       RETURNING d.*`,
      [now, workerId, limit],
    );
    return rows.sort(byDue).map(toDelivery);
  };

  return {
    async claimConfirmations(subscriberIds, workerId, now, limit) {
      const { rows } = await db.query<DeliveryRow>(
        `WITH due AS MATERIALIZED (
           SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1::text AND kind = 'confirmation'
             AND subscriber_id = ANY($4::text[])
           ORDER BY next_attempt_at, id LIMIT $3::int FOR UPDATE SKIP LOCKED)
         UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1, claimed_at = $1, claimed_by = $2, updated_at = $1
         FROM due WHERE d.id = due.id AND d.status = 'pending'
         RETURNING d.*`,
        [now, workerId, limit, [...subscriberIds]],
      );
      return rows.sort(byDue).map(toDelivery);
    },
    async createDeliveries(rows, at) {
      if (rows.length === 0) return 0;
      return db.tx(async (c) => {
        let created = 0;
        for (let i = 0; i < rows.length; i += CHUNK) {
          const chunk = rows.slice(i, i + CHUNK);
          const result = await c.query(
            `INSERT INTO deliveries (id, digest_id, subscriber_id, email, status, next_attempt_at, message_id, created_at, updated_at)
             SELECT id, digest, sub, email, 'pending', $6, mid, $6, $6
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(id, digest, sub, email, mid)
             ON CONFLICT (digest_id, subscriber_id) DO NOTHING`,
            [chunk.map((r) => r.id), chunk.map((r) => r.digestId), chunk.map((r) => r.subscriberId), chunk.map((r) => r.email), chunk.map((r) => r.messageId), at],
          );
          created += result.rowCount ?? 0;
        }
        return created;
      });
    },
    async claimNextDelivery(workerId, now) {
      return (await claim(workerId, now, 1))[0];
    },
    claimDeliveries: claim,
    async releaseDeliveries(ids, workerId, now) {
      const result = await db.query(
        `UPDATE deliveries SET status = 'pending', attempts = attempts - 1, claimed_at = NULL, claimed_by = NULL, updated_at = $3
         WHERE id = ANY($1) AND status = 'sending' AND claimed_by = $2`,
        [[...ids], workerId, now],
      );
      return result.rowCount ?? 0;
    },
    async finishDelivery(id, workerId, u, now) {
      // The claim above is committed durably before anything is sent; the outcome is not waited
      // for on disk (one fsync less per message). If the PostgreSQL server itself crashed before
      // writing it, the row would be back in `sending` and held as interrupted, never resent: the
      // same outcome as a worker crash. SQLite's synchronous=NORMAL makes the same trade.
      const result = await db.relaxed.query(
        `UPDATE deliveries SET status = $3, next_attempt_at = coalesce($4, next_attempt_at), last_error = $5, error_kind = $6,
           smtp_response = coalesce($7, smtp_response), sent_at = coalesce($8, sent_at), updated_at = $9
         WHERE id = $1 AND status = 'sending' AND claimed_by = $2`,
        [id, workerId, u.status, u.nextAttemptAt ?? null, u.lastError ?? null, u.errorKind ?? null, u.smtpResponse ?? null, u.sentAt ?? null, now],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async holdInterrupted(staleBefore, isDead, now) {
      return db.tx(async (c) => {
        // Rows a live worker is finishing right now are locked by it: skip them, they are not stuck.
        const { rows } = await c.query<DeliveryRow>(`SELECT * FROM deliveries WHERE status = 'sending' FOR UPDATE SKIP LOCKED`);
        const held = rows.filter((r) => (r.claimed_at ?? '') < staleBefore || (r.claimed_by !== null && isDead(r.claimed_by)));
        if (held.length === 0) return [];
        await c.query(
          `UPDATE deliveries SET status = 'failed', error_kind = 'interrupted', updated_at = $2, last_error = $3
           WHERE id = ANY($1) AND status = 'sending'`,
          [held.map((r) => r.id), now, INTERRUPTED],
        );
        return held.map((r) => toDelivery({ ...r, status: 'failed', error_kind: 'interrupted' }));
      });
    },
    async nextPendingAt() {
      const { rows } = await db.query<{ at: string | null }>(`SELECT min(next_attempt_at) AS at FROM deliveries WHERE status = 'pending'`);
      return rows[0]?.at ?? undefined;
    },
    async pendingOutlook(now) {
      const outlook: Awaited<ReturnType<DeliveryStore['pendingOutlook']>> = {
        retry: { count: 0, firstAt: null },
        due: { count: 0, firstAt: null },
        later: { count: 0, firstAt: null },
      };
      const { rows } = await db.query<{ kind: keyof typeof outlook; n: number; first: string }>(
        `SELECT CASE WHEN attempts > 0 THEN 'retry' WHEN next_attempt_at <= $1::text THEN 'due' ELSE 'later' END AS kind,
           count(*) AS n, min(next_attempt_at) AS first
         FROM deliveries WHERE status = 'pending' GROUP BY 1`,
        [now],
      );
      for (const r of rows) outlook[r.kind] = { count: r.n, firstAt: r.first };
      return outlook;
    },
    async countDeliveries() {
      const counts: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
      const { rows } = await db.query<{ status: DeliveryStatus; n: number }>('SELECT status, count(*) AS n FROM deliveries GROUP BY status');
      for (const r of rows) counts[r.status] = r.n;
      return counts;
    },
    async deliveriesPerDay(sinceDay) {
      // A sent row's day is its sent_at; a failed or skipped row's, the last change of its status.
      // Counts are bigint, read as numbers (see db.ts).
      const { rows } = await db.query<{ day: string; sent: number; failed: number; skipped: number }>(
        `SELECT substr(at, 1, 10) AS day, count(*) FILTER (WHERE status = 'sent') AS sent,
           count(*) FILTER (WHERE status = 'failed') AS failed, count(*) FILTER (WHERE status = 'skipped') AS skipped
         FROM (SELECT status, CASE status WHEN 'sent' THEN sent_at ELSE updated_at END AS at
               FROM deliveries WHERE status IN ('sent', 'failed', 'skipped')) d
         WHERE at >= $1 GROUP BY day ORDER BY day`,
        [sinceDay],
      );
      return rows;
    },
    async listDeliveries({ status, limit }) {
      const { rows } = status
        ? await db.query<DeliveryRow>('SELECT * FROM deliveries WHERE status = $1 ORDER BY updated_at DESC, id LIMIT $2', [status, limit])
        : await db.query<DeliveryRow>('SELECT * FROM deliveries ORDER BY updated_at DESC, id LIMIT $1', [limit]);
      return rows.map(toDelivery);
    },
    async getDelivery(id) {
      const row = (await db.query<DeliveryRow>('SELECT * FROM deliveries WHERE id = $1', [id])).rows[0];
      return row && toDelivery(row);
    },
    async retryDeliveries({ ids, errorKind }, now) {
      const result = await db.query(
        `UPDATE deliveries SET status = 'pending', next_attempt_at = $1, updated_at = $1
         WHERE status = 'failed' AND ($2::text[] IS NULL OR id = ANY($2)) AND ($3::text IS NULL OR error_kind = $3)`,
        [now, ids ? [...ids] : null, errorKind ?? null],
      );
      return result.rowCount ?? 0;
    },
    async plannedPeriods(subscriberIds) {
      const { rows } = await db.query<{ subscriber_id: string; period_kind: string; period_key: string }>(
        `SELECT d.subscriber_id, g.period_kind, g.period_key FROM deliveries d JOIN digests g ON g.id = d.digest_id
         WHERE d.subscriber_id = ANY($1)`,
        [[...subscriberIds]],
      );
      return new Set(rows.map((r) => `${r.subscriber_id}|${r.period_kind}|${r.period_key}`));
    },
    async receivedHistory(subscriberIds) {
      const { rows } = await db.query<{ subscriber_id: string; paper_ids: string; cutoff_at: string }>(
        `SELECT d.subscriber_id, g.paper_ids, g.cutoff_at FROM deliveries d JOIN digests g ON g.id = d.digest_id
         WHERE d.subscriber_id = ANY($1) AND (d.status IN ('pending', 'sending', 'sent') OR d.error_kind = 'interrupted')`,
        [[...subscriberIds]],
      );
      const found = new Map<string, { paperIds: Set<string>; lastCutoff: string }>();
      for (const r of rows) {
        const h = found.get(r.subscriber_id) ?? { paperIds: new Set<string>(), lastCutoff: '' };
        for (const p of JSON.parse(r.paper_ids) as string[]) h.paperIds.add(p);
        if (r.cutoff_at > h.lastCutoff) h.lastCutoff = r.cutoff_at;
        found.set(r.subscriber_id, h);
      }
      // In the order asked, as the SQLite store answers.
      return new Map(subscriberIds.flatMap((id) => (found.has(id) ? [[id, found.get(id)!] as const] : [])));
    },
    ...pgPlanningStore(db),
    ...pgRevisionStore(db),
    async countSuppressions() {
      return (await db.query<{ n: number }>('SELECT count(*) AS n FROM suppressions')).rows[0]!.n;
    },
    async isSuppressed(email) {
      return (await db.query('SELECT 1 FROM suppressions WHERE email = $1', [email])).rows.length > 0;
    },
    async suppress(email, reason, detail, at) {
      await db.tx(async (c) => {
        await c.query('INSERT INTO suppressions (email, reason, detail, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING', [
          email,
          reason,
          detail,
          at,
        ]);
        await c.query(`UPDATE subscribers SET status = 'suppressed', updated_at = $1 WHERE email = $2`, [at, email]);
      });
    },
    async unsuppress(email) {
      return ((await db.query('DELETE FROM suppressions WHERE email = $1', [email])).rowCount ?? 0) > 0;
    },
    async listSuppressions() {
      const { rows } = await db.query<{ email: string; reason: Suppression['reason']; detail: string | null; created_at: string }>(
        'SELECT email, reason, detail, created_at FROM suppressions ORDER BY created_at, email',
      );
      return rows.map((r) => ({ email: r.email, reason: r.reason, detail: r.detail, createdAt: r.created_at }));
    },
    async recordBounce(b) {
      await db.query('INSERT INTO bounces (email, kind, delivery_id, response, at) VALUES ($1, $2, $3, $4, $5)', [
        b.email,
        b.kind,
        b.deliveryId,
        b.response,
        b.at,
      ]);
    },
    async softBounceStreak(email) {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*) AS n FROM bounces WHERE email = $1 AND kind = 'soft'
           AND at > coalesce((SELECT max(sent_at) FROM deliveries WHERE email = $1 AND status = 'sent'), '')`,
        [email],
      );
      return rows[0]!.n;
    },
  };
}
