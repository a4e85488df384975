// The delivery queue after a claim, and what the operator reads of it: the same SQL on both
// engines. Claiming is each engine's own (sqlite/claims.ts, postgres/claims.ts).
import type { DeliveryStatus } from '../../domain/delivery.js';
import type { DeliveryLog, DeliveryQueue } from '../ports.js';
import { type DeliveryRow, toDelivery } from '../rows.js';
import type { SqlDb } from './db.js';
import { dialect, FOR_UPDATE_SKIP_LOCKED, inList, jsonRows, sql } from './statement.js';

const INTERRUPTED =
  "interrupted while sending: the SMTP server (or a channel's webhook) may have accepted it, so it is not resent on its own";

const RELEASE = sql`
  UPDATE deliveries SET status = 'pending', attempts = attempts - 1, claimed_at = NULL, claimed_by = NULL, updated_at = :now
  WHERE ${inList('id', 'ids')} AND status = 'sending' AND claimed_by = :worker`;
const FINISH = sql`
  UPDATE deliveries SET status = :status, next_attempt_at = coalesce(:nextAttemptAt, next_attempt_at), last_error = :lastError,
    error_kind = :errorKind, smtp_response = coalesce(:smtpResponse, smtp_response), sent_at = coalesce(:sentAt, sent_at),
    updated_at = :now
  WHERE id = :id AND status = 'sending' AND claimed_by = :worker`;
// Not a way in on SQLite (the unary +): its planner would otherwise walk every row in `sending`,
// each against all of the sends, instead of looking each send's row up by its id.
const SENDING_ROW = dialect("+deliveries.status = 'sending'", "deliveries.status = 'sending'");
// Many accepted sends in one statement, one commit: each row only if this worker still holds it.
export const SENT = sql`
  UPDATE deliveries SET status = 'sent', smtp_response = r.response, sent_at = r.sent_at, last_error = NULL,
    error_kind = NULL, updated_at = :now
  FROM ${jsonRows('rows', ['id', 'response', 'sent_at'])} AS r
  WHERE deliveries.id = r.id AND ${SENDING_ROW} AND deliveries.claimed_by = :worker`;
// Rows a live worker is finishing right now are locked by it (PostgreSQL): skipped, they are not stuck.
const SENDING = sql`SELECT * FROM deliveries WHERE status = 'sending' ${FOR_UPDATE_SKIP_LOCKED}`;
const HOLD = sql`
  UPDATE deliveries SET status = 'failed', error_kind = 'interrupted', updated_at = :now, last_error = :error
  WHERE ${inList('id', 'ids')} AND status = 'sending'`;
const NEXT_PENDING = sql`SELECT min(next_attempt_at) AS at FROM deliveries WHERE status = 'pending'`;
/** Pending rows by kind (see DeliveryQueue.pendingOutlook). */
const PENDING_OUTLOOK = sql`
  SELECT CASE WHEN attempts > 0 THEN 'retry' WHEN next_attempt_at <= :now THEN 'due' ELSE 'later' END AS kind,
    count(*) AS n, min(next_attempt_at) AS first
  FROM deliveries WHERE status = 'pending' GROUP BY 1`;
const COUNT = sql`SELECT status, count(*) AS n FROM deliveries GROUP BY status`;
// A sent row's day is its sent_at; a failed or skipped row's, the last change of its status.
const PER_DAY = sql`
  SELECT substr(at, 1, 10) AS day, count(*) FILTER (WHERE status = 'sent') AS sent,
    count(*) FILTER (WHERE status = 'failed') AS failed, count(*) FILTER (WHERE status = 'skipped') AS skipped
  FROM (SELECT status, CASE status WHEN 'sent' THEN sent_at ELSE updated_at END AS at
        FROM deliveries WHERE status IN ('sent', 'failed', 'skipped')) d
  WHERE at >= :since GROUP BY day ORDER BY day`;
const LIST = sql`SELECT * FROM deliveries ORDER BY updated_at DESC, id LIMIT :limit`;
const LIST_BY_STATUS = sql`SELECT * FROM deliveries WHERE status = :status ORDER BY updated_at DESC, id LIMIT :limit`;
const BY_ID = sql`SELECT * FROM deliveries WHERE id = :id`;
const RETRY = sql`
  UPDATE deliveries SET status = 'pending', next_attempt_at = :now, updated_at = :now
  WHERE status = 'failed' AND (CAST(:kind AS text) IS NULL OR error_kind = :kind)`;
const RETRY_IDS = sql`
  UPDATE deliveries SET status = 'pending', next_attempt_at = :now, updated_at = :now
  WHERE status = 'failed' AND ${inList('id', 'ids')} AND (CAST(:kind AS text) IS NULL OR error_kind = :kind)`;

/** The parameters of SENT. */
export const sentParams = (rows: Parameters<DeliveryQueue['recordSent']>[0], workerId: string, now: string) => ({
  rows: rows.map((r) => [r.id, r.smtpResponse, r.sentAt]),
  worker: workerId,
  now,
});

/** Claiming due rows: each engine's own (sqlite/claims.ts, postgres/claims.ts). */
export type Claims = Pick<DeliveryQueue, 'claimDeliveries' | 'claimConfirmations' | 'recordSentAndClaim'>;

/** The queue but its claims. */
export function deliveryQueue(db: SqlDb): Omit<DeliveryQueue, keyof Claims> {
  return {
    async releaseDeliveries(ids, workerId, now) {
      return db.run(RELEASE, { ids, worker: workerId, now });
    },
    async finishDelivery(id, workerId, u, now) {
      // The claim was committed durably before anything was sent; the outcome is not waited for
      // on disk (one fsync less per message). If the database server itself crashed before
      // writing it, the row would be back in `sending` and held as interrupted, never resent:
      // the same outcome as a worker crash.
      const changed = await db.relaxed.run(FINISH, {
        id,
        worker: workerId,
        now,
        status: u.status,
        nextAttemptAt: u.nextAttemptAt ?? null,
        lastError: u.lastError ?? null,
        errorKind: u.errorKind ?? null,
        smtpResponse: u.smtpResponse ?? null,
        sentAt: u.sentAt ?? null,
      });
      return changed > 0;
    },
    async recordSent(rows, workerId, now) {
      if (rows.length === 0) return 0;
      // Not waited for on disk either, as finishDelivery.
      return db.relaxed.run(SENT, sentParams(rows, workerId, now));
    },
    async holdInterrupted(staleBefore, isDead, now) {
      return db.transaction(async (tx) => {
        const rows = await tx.all<DeliveryRow>(SENDING);
        const held = rows.filter(
          (r) => (r.claimed_at ?? '') < staleBefore || (r.claimed_by !== null && isDead(r.claimed_by)),
        );
        if (held.length === 0) return [];
        await tx.run(HOLD, { ids: held.map((r) => r.id), now, error: INTERRUPTED });
        return held.map((r) => toDelivery({ ...r, status: 'failed', error_kind: 'interrupted' }));
      });
    },
    async nextPendingAt() {
      return (await db.get<{ at: string | null }>(NEXT_PENDING))?.at ?? undefined;
    },
    async pendingOutlook(now) {
      const outlook: Awaited<ReturnType<DeliveryQueue['pendingOutlook']>> = {
        retry: { count: 0, firstAt: null },
        due: { count: 0, firstAt: null },
        later: { count: 0, firstAt: null },
      };
      for (const r of await db.all<{ kind: keyof typeof outlook; n: number; first: string }>(PENDING_OUTLOOK, {
        now,
      })) {
        outlook[r.kind] = { count: r.n, firstAt: r.first };
      }
      return outlook;
    },
  };
}

export function deliveryLog(db: SqlDb): DeliveryLog {
  return {
    async countDeliveries() {
      const counts: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
      for (const r of await db.all<{ status: DeliveryStatus; n: number }>(COUNT)) counts[r.status] = r.n;
      return counts;
    },
    async deliveriesPerDay(sinceDay) {
      return db.all(PER_DAY, { since: sinceDay });
    },
    async listDeliveries({ status, limit }) {
      const rows = status
        ? await db.all<DeliveryRow>(LIST_BY_STATUS, { status, limit })
        : await db.all<DeliveryRow>(LIST, { limit });
      return rows.map(toDelivery);
    },
    async getDelivery(id) {
      const row = await db.get<DeliveryRow>(BY_ID, { id });
      return row && toDelivery(row);
    },
    async retryDeliveries({ ids, errorKind }, now) {
      const kind = errorKind ?? null;
      return ids ? db.run(RETRY_IDS, { now, ids, kind }) : db.run(RETRY, { now, kind });
    },
  };
}
