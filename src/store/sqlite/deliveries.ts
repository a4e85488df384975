import type Database from 'better-sqlite3';
import type { DeliveryStatus } from '../../domain/delivery.js';
import type { DeliveryStore, Suppression } from '../ports.js';
import type { Frequency } from '../../domain/subscriber.js';
import { type DeliveryRow, toDelivery, toPlanCandidate } from '../rows.js';
import { writeTransaction } from './write-transaction.js';

/** Pending rows by kind (see DeliveryStore.pendingOutlook); `?` is now. */
const PENDING_OUTLOOK = `
  SELECT CASE WHEN attempts > 0 THEN 'retry' WHEN next_attempt_at <= ? THEN 'due' ELSE 'later' END AS kind,
    count(*) AS n, min(next_attempt_at) AS first
  FROM deliveries WHERE status = 'pending' GROUP BY 1`;

/** All of the delivery store but the revision queries (see revisions.ts). */
export function sqliteDeliveryStore(db: Database.Database): Omit<DeliveryStore, 'updatableAudience'> {
  const insert = db.prepare(`
    INSERT INTO deliveries (id, digest_id, subscriber_id, email, status, next_attempt_at, message_id, created_at, updated_at)
    VALUES (@id, @digestId, @subscriberId, @email, 'pending', @at, @messageId, @at, @at)
    ON CONFLICT (digest_id, subscriber_id) DO NOTHING`);
  const pickDue = db.prepare<[string], { id: string }>(
    `SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1`,
  );
  const claim = db.prepare(`
    UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claimed_at = @now, claimed_by = @worker, updated_at = @now
    WHERE id = @id AND status = 'pending'`);
  const byId = db.prepare<[string], DeliveryRow>('SELECT * FROM deliveries WHERE id = ?');
  const finish = db.prepare(
    `UPDATE deliveries SET status = @status, next_attempt_at = coalesce(@nextAttemptAt, next_attempt_at),
       last_error = @lastError, error_kind = @errorKind, smtp_response = coalesce(@smtpResponse, smtp_response),
       sent_at = coalesce(@sentAt, sent_at), updated_at = @now
     WHERE id = @id AND status = 'sending' AND claimed_by = @workerId`,
  );
  const suppressed = db.prepare<[string]>('SELECT 1 FROM suppressions WHERE email = ?');

  // Planning, set-based. The period's planned subscribers are collected once per statement (from
  // the period's digests through the (digest_id, subscriber_id) index), not probed per subscriber.
  const unplanned = db.prepare<
    { slots: string; kind: string; key: string },
    { id: string; topics: string | null; frequency: Frequency; timezone: string; send_hour: number; confirmed_at: string | null }
  >(`
    SELECT s.id, s.frequency, s.timezone, s.send_hour, s.confirmed_at,
      (SELECT group_concat(slug, ',') FROM (SELECT t.topic_slug AS slug FROM subscriber_topics t
         JOIN topics k ON k.slug = t.topic_slug WHERE t.subscriber_id = s.id ORDER BY t.topic_slug)) AS topics
    FROM subscribers s
    WHERE s.status = 'confirmed'
      AND (s.frequency, s.timezone, s.send_hour) IN (
        SELECT json_extract(value, '$.frequency'), json_extract(value, '$.timezone'), json_extract(value, '$.sendHour')
        FROM json_each(@slots))
      AND s.id NOT IN (
        SELECT d.subscriber_id FROM digests g JOIN deliveries d ON d.digest_id = g.id
        WHERE g.period_kind = @kind AND g.period_key = @key)`);
  // CROSS JOIN keeps SQLite from scanning every subscriber for each row of the chunk.
  const insertFor = db.prepare(`
    INSERT INTO deliveries (id, digest_id, subscriber_id, email, status, next_attempt_at, message_id, created_at, updated_at)
    SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[2]'), s.id, s.email, 'pending', @at, json_extract(j.value, '$[0]') || '@' || @domain, @at, @at
    FROM json_each(@rows) j CROSS JOIN subscribers s ON s.id = json_extract(j.value, '$[1]')
    WHERE s.status = 'confirmed'
    ON CONFLICT (digest_id, subscriber_id) DO NOTHING`);
  const RECEIVED = `(d.status IN ('pending', 'sending', 'sent') OR d.error_kind = 'interrupted')`;
  // The few digests that could hold the papers come first (MATERIALIZED, CROSS JOIN): probing
  // each subscriber's whole history instead would grow with every period sent.
  const receivedPapers = db.prepare<{ ids: string; papers: string; after: string; kind: string; key: string }, { id: string }>(`
    WITH hit AS MATERIALIZED (
      SELECT g.id FROM digests g
      WHERE g.cutoff_at > @after AND NOT (g.period_kind = @kind AND g.period_key = @key)
        AND EXISTS (SELECT 1 FROM json_each(g.paper_ids) p WHERE p.value IN (SELECT value FROM json_each(@papers))))
    SELECT DISTINCT d.subscriber_id AS id FROM hit CROSS JOIN deliveries d ON d.digest_id = hit.id
    WHERE ${RECEIVED} AND d.subscriber_id IN (SELECT value FROM json_each(@ids))`);
  // Subscribers who may have missed an edition: not in the audience of the topic set's edition
  // that ended at @after (found through digests_latest), yet with a history (one index probe a
  // subscriber). The caller keeps those whose latest cutoff is really before @after.
  const missedEdition = db.prepare<{ ids: string; after: string; topicSet: string; kind: string }, { id: string }>(`
    SELECT i.value AS id FROM json_each(@ids) i
    WHERE i.value NOT IN (
        SELECT d.subscriber_id FROM digests g CROSS JOIN deliveries d ON d.digest_id = g.id
        WHERE g.topic_set = @topicSet AND g.period_kind = @kind AND g.cutoff_at = @after AND ${RECEIVED})
      AND EXISTS (SELECT 1 FROM deliveries d WHERE d.subscriber_id = i.value AND d.kind = 'digest' AND ${RECEIVED})`);
  const lastCutoff = db.prepare<[string], { at: string | null }>(`
    SELECT max(g.cutoff_at) AS at FROM deliveries d JOIN digests g ON g.id = d.digest_id
    WHERE d.subscriber_id = ? AND ${RECEIVED}`);

  // better-sqlite3 runs a transaction as one writer: the pick and the claim cannot interleave with
  // another process's, so one row goes to one worker.
  const claimNext = db.transaction((worker: string, now: string): DeliveryRow | undefined => {
    const due = pickDue.get(now);
    if (!due) return undefined;
    claim.run({ id: due.id, worker, now });
    return byId.get(due.id);
  });

  const pickConfirmation = db.prepare<{ ids: string; now: string }, { id: string }>(`
    SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= @now AND kind = 'confirmation'
      AND subscriber_id IN (SELECT value FROM json_each(@ids))
    ORDER BY next_attempt_at, id LIMIT 1`);

  const suppressTx = writeTransaction(db, (email: string, reason: string, detail: string | null, at: string) => {
    db.prepare('INSERT INTO suppressions (email, reason, detail, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (email) DO NOTHING').run(
      email,
      reason,
      detail,
      at,
    );
    db.prepare(`UPDATE subscribers SET status = 'suppressed', updated_at = ? WHERE email = ?`).run(at, email);
  });

  return {
    async createDeliveries(rows, at) {
      return writeTransaction(db, () => rows.reduce((n, r) => n + insert.run({ ...r, at }).changes, 0))();
    },
    async claimNextDelivery(workerId, now) {
      const row = claimNext.immediate(workerId, now);
      return row && toDelivery(row);
    },
    async claimDeliveries(workerId, now, limit) {
      return db
        .transaction(() => {
          const rows: DeliveryRow[] = [];
          while (rows.length < limit) {
            const row = claimNext(workerId, now);
            if (!row) break;
            rows.push(row);
          }
          return rows.map(toDelivery);
        })
        .immediate();
    },
    async claimConfirmations(subscriberIds, workerId, now, limit) {
      const ids = JSON.stringify(subscriberIds);
      return db
        .transaction(() => {
          const rows: DeliveryRow[] = [];
          while (rows.length < limit) {
            const due = pickConfirmation.get({ ids, now });
            if (!due) break;
            claim.run({ id: due.id, worker: workerId, now });
            rows.push(byId.get(due.id)!);
          }
          return rows.map(toDelivery);
        })
        .immediate();
    },
    async releaseDeliveries(ids, workerId, now) {
      const release = db.prepare(`
        UPDATE deliveries SET status = 'pending', attempts = attempts - 1, claimed_at = NULL, claimed_by = NULL, updated_at = ?
        WHERE id = ? AND status = 'sending' AND claimed_by = ?`);
      return writeTransaction(db, () => ids.reduce((n, id) => n + release.run(now, id, workerId).changes, 0))();
    },
    async finishDelivery(id, workerId, u, now) {
      const result = finish.run({
          id,
          workerId,
          now,
          status: u.status,
          nextAttemptAt: u.nextAttemptAt ?? null,
          lastError: u.lastError ?? null,
          errorKind: u.errorKind ?? null,
          smtpResponse: u.smtpResponse ?? null,
          sentAt: u.sentAt ?? null,
        });
      return result.changes > 0;
    },
    async holdInterrupted(staleBefore, isDead, now) {
      return db.transaction(() => {
        const rows = db.prepare<[], DeliveryRow>(`SELECT * FROM deliveries WHERE status = 'sending'`).all();
        const held = rows.filter((r) => (r.claimed_at ?? '') < staleBefore || (r.claimed_by !== null && isDead(r.claimed_by)));
        const hold = db.prepare(`
          UPDATE deliveries SET status = 'failed', error_kind = 'interrupted', updated_at = ?,
            last_error = 'interrupted while sending: the SMTP server may have accepted it, so it is not resent on its own'
          WHERE id = ? AND status = 'sending'`);
        for (const r of held) hold.run(now, r.id);
        return held.map((r) => toDelivery({ ...r, status: 'failed', error_kind: 'interrupted' }));
      }).immediate();
    },
    async nextPendingAt() {
      const row = db.prepare(`SELECT min(next_attempt_at) AS at FROM deliveries WHERE status = 'pending'`).get() as { at: string | null };
      return row.at ?? undefined;
    },
    async pendingOutlook(now) {
      const outlook: Awaited<ReturnType<DeliveryStore['pendingOutlook']>> = {
        retry: { count: 0, firstAt: null },
        due: { count: 0, firstAt: null },
        later: { count: 0, firstAt: null },
      };
      for (const r of db.prepare(PENDING_OUTLOOK).all(now) as { kind: keyof typeof outlook; n: number; first: string }[]) {
        outlook[r.kind] = { count: r.n, firstAt: r.first };
      }
      return outlook;
    },
    async countDeliveries() {
      const counts: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
      for (const r of db.prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status').all() as { status: DeliveryStatus; n: number }[]) {
        counts[r.status] = r.n;
      }
      return counts;
    },
    async deliveriesPerDay(sinceDay) {
      // A sent row's day is its sent_at; a failed or skipped row's, the last change of its status.
      return db
        .prepare(
          `SELECT substr(at, 1, 10) AS day, sum(status = 'sent') AS sent, sum(status = 'failed') AS failed, sum(status = 'skipped') AS skipped
           FROM (SELECT status, CASE status WHEN 'sent' THEN sent_at ELSE updated_at END AS at
                 FROM deliveries WHERE status IN ('sent', 'failed', 'skipped'))
           WHERE at >= ? GROUP BY day ORDER BY day`,
        )
        .all(sinceDay) as { day: string; sent: number; failed: number; skipped: number }[];
    },
    async listDeliveries({ status, limit }) {
      const rows = status
        ? db.prepare<[string, number], DeliveryRow>('SELECT * FROM deliveries WHERE status = ? ORDER BY updated_at DESC, id LIMIT ?').all(status, limit)
        : db.prepare<[number], DeliveryRow>('SELECT * FROM deliveries ORDER BY updated_at DESC, id LIMIT ?').all(limit);
      return rows.map(toDelivery);
    },
    async getDelivery(id) {
      const row = byId.get(id);
      return row && toDelivery(row);
    },
    async retryDeliveries({ ids, errorKind }, now) {
      const retry = db.prepare(`
        UPDATE deliveries SET status = 'pending', next_attempt_at = @now, updated_at = @now
        WHERE status = 'failed' AND (@id IS NULL OR id = @id) AND (@kind IS NULL OR error_kind = @kind)`);
      return writeTransaction(db, () => {
        if (ids) return ids.reduce((n, id) => n + retry.run({ now, id, kind: errorKind ?? null }).changes, 0);
        return retry.run({ now, id: null, kind: errorKind ?? null }).changes;
      })();
    },
    async plannedPeriods(subscriberIds) {
      const found = new Set<string>();
      const q = db.prepare<[string], { subscriber_id: string; period_kind: string; period_key: string }>(`
        SELECT d.subscriber_id, g.period_kind, g.period_key FROM deliveries d JOIN digests g ON g.id = d.digest_id
        WHERE d.subscriber_id = ?`);
      for (const id of subscriberIds) for (const r of q.all(id)) found.add(`${r.subscriber_id}|${r.period_kind}|${r.period_key}`);
      return found;
    },
    async receivedHistory(subscriberIds) {
      const q = db.prepare<[string], { paper_ids: string; cutoff_at: string }>(`
        SELECT g.paper_ids, g.cutoff_at FROM deliveries d JOIN digests g ON g.id = d.digest_id
        WHERE d.subscriber_id = ? AND (d.status IN ('pending', 'sending', 'sent') OR d.error_kind = 'interrupted')`);
      const history = new Map<string, { paperIds: Set<string>; lastCutoff: string }>();
      for (const id of subscriberIds) {
        const rows = q.all(id);
        if (rows.length === 0) continue;
        const paperIds = new Set<string>();
        let lastCutoff = '';
        for (const r of rows) {
          for (const p of JSON.parse(r.paper_ids) as string[]) paperIds.add(p);
          if (r.cutoff_at > lastCutoff) lastCutoff = r.cutoff_at;
        }
        history.set(id, { paperIds, lastCutoff });
      }
      return history;
    },
    async eachUnplannedSubscriber({ slots, period }, visit) {
      let n = 0;
      for (const row of unplanned.iterate({ slots: JSON.stringify(slots), kind: period.kind, key: period.key })) {
        if (!row.topics) continue;
        visit(toPlanCandidate({ ...row, topics: row.topics }));
        n++;
      }
      return n;
    },
    async createDeliveriesFor(rows, messageDomain, at) {
      return writeTransaction(db, () => {
        let n = 0;
        // Chunks keep each JSON argument small; one transaction keeps the set all-or-nothing.
        for (let i = 0; i < rows.length; i += 5000) {
          const chunk = JSON.stringify(rows.slice(i, i + 5000).map((r) => [r.id, r.subscriberId, r.digestId]));
          n += insertFor.run({ rows: chunk, domain: messageDomain, at }).changes;
        }
        return n;
      })();
    },
    async receivedAnyOf({ subscriberIds, paperIds, after, period, topicSet }) {
      const found = new Map<string, string>();
      if (subscriberIds.length === 0) return found;
      const ids = JSON.stringify(subscriberIds);
      const hits = paperIds.length === 0 ? [] : receivedPapers.all({ ids, papers: JSON.stringify(paperIds), after, kind: period.kind, key: period.key });
      for (const { id } of hits) found.set(id, lastCutoff.get(id)?.at ?? '');
      for (const { id } of missedEdition.all({ ids, after, topicSet, kind: period.kind })) {
        const last = lastCutoff.get(id)?.at ?? '';
        if (!found.has(id) && last < after) found.set(id, last);
      }
      return found;
    },
    async countSuppressions() {
      return (db.prepare('SELECT count(*) AS n FROM suppressions').get() as { n: number }).n;
    },
    async isSuppressed(email) {
      return suppressed.get(email) !== undefined;
    },
    async suppress(email, reason, detail, at) {
      suppressTx(email, reason, detail, at);
    },
    async unsuppress(email) {
      return db.prepare('DELETE FROM suppressions WHERE email = ?').run(email).changes > 0;
    },
    async listSuppressions() {
      return (db.prepare('SELECT email, reason, detail, created_at FROM suppressions ORDER BY created_at, email').all() as {
        email: string;
        reason: Suppression['reason'];
        detail: string | null;
        created_at: string;
      }[]).map((r) => ({ email: r.email, reason: r.reason, detail: r.detail, createdAt: r.created_at }));
    },
    async recordBounce(b) {
      db.prepare('INSERT INTO bounces (email, kind, delivery_id, response, at) VALUES (@email, @kind, @deliveryId, @response, @at)').run(b);
    },
    async softBounceStreak(email) {
      const row = db
        .prepare(
          `SELECT count(*) AS n FROM bounces WHERE email = @email AND kind = 'soft'
             AND at > coalesce((SELECT max(sent_at) FROM deliveries WHERE email = @email AND status = 'sent'), '')`,
        )
        .get({ email }) as { n: number };
      return row.n;
    },
  };
}
