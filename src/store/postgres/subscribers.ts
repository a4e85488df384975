import { SUBSCRIBER_STATUSES, type ConsentEvent, type Subscriber, type SubscriberStatus } from '../../domain/subscriber.js';
import type { NewConfirmation, SubscriberStore } from '../ports.js';
import type { Pg, PgClient } from './db.js';
import { type SubscriberRow, type ConsentRow, toSubscriber, toEvent } from '../rows.js';

const SELECT = `
  SELECT s.*, (SELECT string_agg(t.topic_slug, ',' ORDER BY t.topic_slug) FROM subscriber_topics t WHERE t.subscriber_id = s.id) AS topics
  FROM subscribers s`;

/** Column arrays for `unnest`: one statement writes a whole chunk instead of a round trip per row. */
function columns<T>(items: readonly T[], pick: (item: T) => unknown[]): unknown[][] {
  const out: unknown[][] = [];
  for (const item of items) pick(item).forEach((v, i) => (out[i] ??= []).push(v));
  return out;
}

const CHUNK = 1000;

async function appendEvents(c: PgClient, events: readonly ConsentEvent[]) {
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    // WITH ORDINALITY keeps the log in the order the events were given.
    await c.query(
      `INSERT INTO consent_log (subscriber_id, email, event, at, topics, source, ip, user_agent, detail)
       SELECT s, e, ev, a, t, src, ip, ua, d
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         WITH ORDINALITY AS x(s, e, ev, a, t, src, ip, ua, d, n)
       ORDER BY n`,
      columns(chunk, (e) => [e.subscriberId, e.email, e.type, e.at, JSON.stringify(e.topics), e.source, e.ip ?? null, e.userAgent ?? null, e.detail ?? null]),
    );
  }
}

/**
 * Queues confirmation emails, the address copied from the subscriber rows just written. One
 * already on its way to a subscriber (the partial unique index) is made due now if it waits.
 */
async function queueConfirmations(c: PgClient, rows: readonly (NewConfirmation & { subscriberId: string })[]) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await c.query(
      `INSERT INTO deliveries AS d (id, kind, digest_id, subscriber_id, email, status, next_attempt_at, message_id, created_at, updated_at)
       SELECT x.id, 'confirmation', NULL, s.id, s.email, 'pending', x.at, x.mid, x.at, x.at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(id, sub, mid, at) JOIN subscribers s ON s.id = x.sub
       ON CONFLICT (subscriber_id) WHERE kind = 'confirmation' AND status IN ('pending', 'sending')
       DO UPDATE SET next_attempt_at = least(d.next_attempt_at, excluded.next_attempt_at), updated_at = excluded.updated_at
         WHERE d.status = 'pending'`,
      columns(chunk, (r) => [r.id, r.subscriberId, r.messageId, r.at]),
    );
  }
}

export function pgSubscriberStore(db: Pg): SubscriberStore {
  const one = async (where: string, value: string) => {
    const row = (await db.query<SubscriberRow>(`${SELECT} WHERE ${where} = $1`, [value])).rows[0];
    return row && toSubscriber(row);
  };
  return {
    findSubscriberByEmail: (email) => one('s.email', email),
    getSubscriber: (id) => one('s.id', id),
    findSubscriberByConfirmToken: (hash) => one('s.confirm_token_hash', hash),
    async saveSubscribers(batch) {
      // The last write of a subscriber in the batch wins, as when the rows are written one by one.
      const latest = new Map<string, Subscriber>();
      for (const { subscriber } of batch) latest.set(subscriber.id, subscriber);
      const subscribers = [...latest.values()];
      await db.tx(async (c) => {
        for (let i = 0; i < subscribers.length; i += CHUNK) {
          const chunk = subscribers.slice(i, i + CHUNK);
          await c.query(
            `INSERT INTO subscribers (id, email, status, frequency, timezone, send_hour, created_at, updated_at, confirmed_at,
               unsubscribed_at, confirm_token_hash, confirm_expires_at, confirm_sent_at)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[],
               $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
             ON CONFLICT (id) DO UPDATE SET email = excluded.email, status = excluded.status, frequency = excluded.frequency,
               timezone = excluded.timezone, send_hour = excluded.send_hour, updated_at = excluded.updated_at,
               confirmed_at = excluded.confirmed_at, unsubscribed_at = excluded.unsubscribed_at,
               confirm_token_hash = excluded.confirm_token_hash, confirm_expires_at = excluded.confirm_expires_at,
               confirm_sent_at = excluded.confirm_sent_at`,
            columns(chunk, (s) => [
              s.id, s.email, s.status, s.frequency, s.timezone, s.sendHour, s.createdAt, s.updatedAt, s.confirmedAt,
              s.unsubscribedAt, s.confirmTokenHash, s.confirmExpiresAt, s.confirmSentAt,
            ]),
          );
          // A subscriber written without a layout keeps the one stored (a new one has 'full').
          const layouts = chunk.filter((s) => s.layout !== undefined);
          if (layouts.length > 0) {
            await c.query('UPDATE subscribers SET layout = x.layout FROM unnest($1::text[], $2::text[]) AS x(id, layout) WHERE subscribers.id = x.id', [
              layouts.map((s) => s.id),
              layouts.map((s) => s.layout),
            ]);
          }
          await c.query('DELETE FROM subscriber_topics WHERE subscriber_id = ANY($1)', [chunk.map((s) => s.id)]);
          const pairs = chunk.flatMap((s) => [...new Set(s.topics)].map((slug) => [s.id, slug] as const));
          if (pairs.length > 0) {
            await c.query('INSERT INTO subscriber_topics (subscriber_id, topic_slug) SELECT * FROM unnest($1::text[], $2::text[])', [
              pairs.map((p) => p[0]),
              pairs.map((p) => p[1]),
            ]);
          }
        }
        await appendEvents(c, batch.flatMap((b) => b.events));
        // One a subscriber, the first, as SQLite keeps: a statement may not update the same row twice.
        const confirmations = new Map<string, NewConfirmation & { subscriberId: string }>();
        for (const b of batch) {
          if (b.confirmation && !confirmations.has(b.subscriber.id)) confirmations.set(b.subscriber.id, { ...b.confirmation, subscriberId: b.subscriber.id });
        }
        await queueConfirmations(c, [...confirmations.values()]);
      });
    },
    async issueConfirmToken(id, token) {
      const result = await db.query(
        `UPDATE subscribers SET confirm_token_hash = $2, confirm_expires_at = $3, confirm_sent_at = $4 WHERE id = $1 AND status = 'pending'`,
        [id, token.hash, token.expiresAt, token.sentAt],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async listSubscribers({ status } = {}) {
      const { rows } = status
        ? await db.query<SubscriberRow>(`${SELECT} WHERE s.status = $1 ORDER BY s.email`, [status])
        : await db.query<SubscriberRow>(`${SELECT} ORDER BY s.email`);
      return rows.map(toSubscriber);
    },
    async deleteSubscriber(id, event) {
      return db.tx(async (c) => {
        const deleted = ((await c.query('DELETE FROM subscribers WHERE id = $1', [id])).rowCount ?? 0) > 0;
        if (deleted) await appendEvents(c, [{ ...event, ip: undefined, userAgent: undefined }]);
        return deleted;
      });
    },
    async listConsentEvents(subscriberId) {
      const { rows } = subscriberId
        ? await db.query<ConsentRow>('SELECT * FROM consent_log WHERE subscriber_id = $1 ORDER BY seq', [subscriberId])
        : await db.query<ConsentRow>('SELECT * FROM consent_log ORDER BY seq');
      return rows.map(toEvent);
    },
    async listSlotSubscribers(slot, limit) {
      const { rows } = await db.query<SubscriberRow>(
        `${SELECT} WHERE s.status = 'confirmed' AND s.frequency = $1 AND s.timezone = $2 AND s.send_hour = $3 ORDER BY s.email LIMIT $4`,
        [slot.frequency, slot.timezone, slot.sendHour, limit],
      );
      return rows.map(toSubscriber);
    },
    async confirmedSlots() {
      // From the (status, frequency, timezone, send_hour) index; ordered, so that the planner sees
      // the same list while nothing changes.
      const { rows } = await db.query<{ frequency: Subscriber['frequency']; timezone: string; sendHour: number; subscribers: number }>(
        `SELECT frequency, timezone, send_hour AS "sendHour", count(*) AS subscribers FROM subscribers
         WHERE status = 'confirmed' GROUP BY frequency, timezone, send_hour ORDER BY frequency, timezone, send_hour`,
      );
      return rows;
    },
    async countSubscribers() {
      const counts = Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as Record<SubscriberStatus, number>;
      const { rows } = await db.query<{ status: SubscriberStatus; n: number }>('SELECT status, count(*) AS n FROM subscribers GROUP BY status');
      for (const r of rows) counts[r.status] = r.n;
      return counts;
    },
  };
}
