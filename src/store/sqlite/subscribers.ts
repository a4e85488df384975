import type Database from 'better-sqlite3';
import { SUBSCRIBER_STATUSES, type Subscriber, type SubscriberStatus } from '../../domain/subscriber.js';
import type { SubscriberStore, SubscriberWrite } from '../ports.js';
import { type SubscriberRow, type ConsentRow, toSubscriber, toEvent } from '../rows.js';
import { writeTransaction } from './write-transaction.js';

const SELECT = `
  SELECT s.*, (SELECT group_concat(topic_slug, ',') FROM
                 (SELECT topic_slug FROM subscriber_topics t WHERE t.subscriber_id = s.id ORDER BY topic_slug)) AS topics
  FROM subscribers s`;

export function sqliteSubscriberStore(db: Database.Database): SubscriberStore {
  const upsert = db.prepare(`
    INSERT INTO subscribers (id, email, status, frequency, timezone, send_hour, created_at, updated_at, confirmed_at,
      unsubscribed_at, confirm_token_hash, confirm_expires_at, confirm_sent_at, layout)
    VALUES (@id, @email, @status, @frequency, @timezone, @sendHour, @createdAt, @updatedAt, @confirmedAt,
      @unsubscribedAt, @confirmTokenHash, @confirmExpiresAt, @confirmSentAt, coalesce(@layout, 'full'))
    ON CONFLICT (id) DO UPDATE SET email = excluded.email, status = excluded.status, frequency = excluded.frequency,
      timezone = excluded.timezone, send_hour = excluded.send_hour, updated_at = excluded.updated_at,
      confirmed_at = excluded.confirmed_at, unsubscribed_at = excluded.unsubscribed_at,
      confirm_token_hash = excluded.confirm_token_hash, confirm_expires_at = excluded.confirm_expires_at,
      confirm_sent_at = excluded.confirm_sent_at,
      -- A subscriber written without a layout keeps the one stored.
      layout = coalesce(@layout, layout)`);
  const clearTopics = db.prepare('DELETE FROM subscriber_topics WHERE subscriber_id = ?');
  const addTopic = db.prepare('INSERT INTO subscriber_topics (subscriber_id, topic_slug) VALUES (?, ?)');
  const logEvent = db.prepare(`
    INSERT INTO consent_log (subscriber_id, email, event, at, topics, source, ip, user_agent, detail)
    VALUES (@subscriberId, @email, @type, @at, @topics, @source, @ip, @userAgent, @detail)`);

  // The address is copied from the subscriber row written just before, in the same transaction.
  // A confirmation already on its way (the partial unique index) is made due now if it waits.
  const queueConfirmation = db.prepare(`
    INSERT INTO deliveries (id, kind, digest_id, subscriber_id, email, status, next_attempt_at, message_id, created_at, updated_at)
    SELECT @id, 'confirmation', NULL, s.id, s.email, 'pending', @at, @messageId, @at, @at FROM subscribers s WHERE s.id = @subscriberId
    ON CONFLICT (subscriber_id) WHERE kind = 'confirmation' AND status IN ('pending', 'sending')
    DO UPDATE SET next_attempt_at = min(next_attempt_at, excluded.next_attempt_at), updated_at = excluded.updated_at
      WHERE status = 'pending'`);
  const issueToken = db.prepare(`
    UPDATE subscribers SET confirm_token_hash = @hash, confirm_expires_at = @expiresAt, confirm_sent_at = @sentAt
    WHERE id = @id AND status = 'pending'`);

  const saveAll = writeTransaction(db, (batch: readonly SubscriberWrite[]) => {
    for (const { subscriber, events, confirmation } of batch) {
      const { topics, ...fields } = subscriber;
      upsert.run({ ...fields, layout: fields.layout ?? null });
      clearTopics.run(subscriber.id);
      for (const slug of new Set(topics)) addTopic.run(subscriber.id, slug);
      for (const e of events) {
        logEvent.run({
          ...e,
          topics: JSON.stringify(e.topics),
          ip: e.ip ?? null,
          userAgent: e.userAgent ?? null,
          detail: e.detail ?? null,
        });
      }
      if (confirmation) queueConfirmation.run({ ...confirmation, subscriberId: subscriber.id });
    }
  });

  const lookups = {
    email: db.prepare<[string], SubscriberRow>(`${SELECT} WHERE s.email = ?`),
    id: db.prepare<[string], SubscriberRow>(`${SELECT} WHERE s.id = ?`),
    token: db.prepare<[string], SubscriberRow>(`${SELECT} WHERE s.confirm_token_hash = ?`),
  };
  const one = (by: keyof typeof lookups, value: string) => lookups[by].get(value);

  return {
    async findSubscriberByEmail(email) {
      const row = one('email', email);
      return row && toSubscriber(row);
    },
    async getSubscriber(id) {
      const row = one('id', id);
      return row && toSubscriber(row);
    },
    async findSubscriberByConfirmToken(hash) {
      const row = one('token', hash);
      return row && toSubscriber(row);
    },
    async saveSubscribers(batch) {
      saveAll(batch);
    },
    async issueConfirmToken(id, token) {
      return issueToken.run({ id, ...token }).changes > 0;
    },
    async listSubscribers({ status } = {}) {
      const rows = status
        ? db.prepare<[string], SubscriberRow>(`${SELECT} WHERE s.status = ? ORDER BY s.email`).all(status)
        : db.prepare<[], SubscriberRow>(`${SELECT} ORDER BY s.email`).all();
      return rows.map(toSubscriber);
    },
    async deleteSubscriber(id, event) {
      return writeTransaction(db, () => {
        const deleted = db.prepare('DELETE FROM subscribers WHERE id = ?').run(id).changes > 0;
        if (deleted) logEvent.run({ ...event, topics: JSON.stringify(event.topics), ip: null, userAgent: null, detail: event.detail ?? null });
        return deleted;
      })();
    },
    async listConsentEvents(subscriberId) {
      const rows = subscriberId
        ? db.prepare<[string], ConsentRow>('SELECT * FROM consent_log WHERE subscriber_id = ? ORDER BY seq').all(subscriberId)
        : db.prepare<[], ConsentRow>('SELECT * FROM consent_log ORDER BY seq').all();
      return rows.map(toEvent);
    },
    async listSlotSubscribers(slot, limit) {
      return db
        .prepare<[string, string, number, number], SubscriberRow>(
          `${SELECT} WHERE s.status = 'confirmed' AND s.frequency = ? AND s.timezone = ? AND s.send_hour = ? ORDER BY s.email LIMIT ?`,
        )
        .all(slot.frequency, slot.timezone, slot.sendHour, limit)
        .map(toSubscriber);
    },
    async confirmedSlots() {
      // Read from the (status, frequency, timezone, send_hour) index alone: no row is visited.
      return (db
        .prepare(
          `SELECT frequency, timezone, send_hour AS sendHour, count(*) AS subscribers FROM subscribers
           WHERE status = 'confirmed' GROUP BY frequency, timezone, send_hour`,
        )
        .all() as { frequency: Subscriber['frequency']; timezone: string; sendHour: number; subscribers: number }[]);
    },
    async countSubscribers() {
      const counts = Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as Record<SubscriberStatus, number>;
      for (const r of db.prepare('SELECT status, count(*) AS n FROM subscribers GROUP BY status').all() as { status: SubscriberStatus; n: number }[]) {
        counts[r.status] = r.n;
      }
      return counts;
    },
  };
}
