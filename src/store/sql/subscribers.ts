// Subscribers, their topics and the consent log, on both engines.
import {
  SUBSCRIBER_STATUSES,
  type ConsentEvent,
  type Subscriber,
  type SubscriberStatus,
} from '../../domain/subscriber.js';
import type { NewConfirmation, ScheduleStore, SubscriberStore } from '../ports.js';
import { type ConsentRow, type SubscriberRow, toEvent, toSubscriber } from '../rows.js';
import type { SqlDb, SqlRunner } from './db.js';
import { JOIN_IN_ORDER, inList, jsonRows, least, sql } from './statement.js';

const SELECT = `
  SELECT s.*, (SELECT string_agg(t.topic_slug, ',' ORDER BY t.topic_slug) FROM subscriber_topics t WHERE t.subscriber_id = s.id) AS topics
  FROM subscribers s`;
const BY_EMAIL = sql`${SELECT} WHERE s.email = :value`;
const BY_ID = sql`${SELECT} WHERE s.id = :value`;
const STATES = sql`SELECT id, status, layout FROM subscribers WHERE ${inList('id', 'ids')}`;
const BY_TOKEN = sql`${SELECT} WHERE s.confirm_token_hash = :value`;
const LIST = sql`${SELECT} ORDER BY s.email`;
const LIST_BY_STATUS = sql`${SELECT} WHERE s.status = :status ORDER BY s.email`;
const SLOT = sql`
  ${SELECT} WHERE s.status = 'confirmed' AND s.frequency = :frequency AND s.timezone = :timezone AND s.send_hour = :sendHour
  ORDER BY s.email LIMIT :limit`;
// From the (status, frequency, timezone, send_hour) index alone; ordered, so that the planner
// sees the same list in the same order while nothing changes.
const SLOTS = sql`
  SELECT frequency, timezone, send_hour AS "sendHour", count(*) AS subscribers FROM subscribers
  WHERE status = 'confirmed' GROUP BY frequency, timezone, send_hour ORDER BY frequency, timezone, send_hour`;
const COUNT = sql`SELECT status, count(*) AS n FROM subscribers GROUP BY status`;

const SUBSCRIBER_COLUMNS = [
  'id',
  'email',
  'status',
  'frequency',
  'timezone',
  'send_hour',
  'created_at',
  'updated_at',
  'confirmed_at',
  'unsubscribed_at',
  'confirm_token_hash',
  'confirm_expires_at',
  'confirm_sent_at',
];
const UPSERT = sql`
  INSERT INTO subscribers (${SUBSCRIBER_COLUMNS.join(', ')})
  SELECT ${SUBSCRIBER_COLUMNS.join(', ')} FROM ${jsonRows('rows', SUBSCRIBER_COLUMNS, { send_hour: 'integer' })} AS x WHERE true
  ON CONFLICT (id) DO UPDATE SET email = excluded.email, status = excluded.status, frequency = excluded.frequency,
    timezone = excluded.timezone, send_hour = excluded.send_hour, updated_at = excluded.updated_at,
    confirmed_at = excluded.confirmed_at, unsubscribed_at = excluded.unsubscribed_at,
    confirm_token_hash = excluded.confirm_token_hash, confirm_expires_at = excluded.confirm_expires_at,
    confirm_sent_at = excluded.confirm_sent_at`;
// A subscriber written without a layout keeps the one stored (a new one has the column's 'full').
const SET_LAYOUTS = sql`
  UPDATE subscribers SET layout = x.layout FROM ${jsonRows('rows', ['id', 'layout'])} AS x WHERE subscribers.id = x.id`;
const CLEAR_TOPICS = sql`DELETE FROM subscriber_topics WHERE ${inList('subscriber_id', 'ids')}`;
const ADD_TOPICS = sql`
  INSERT INTO subscriber_topics (subscriber_id, topic_slug)
  SELECT subscriber_id, topic_slug FROM ${jsonRows('rows', ['subscriber_id', 'topic_slug'])} AS x`;
const EVENT_COLUMNS = ['subscriber_id', 'email', 'event', 'at', 'topics', 'source', 'ip', 'user_agent', 'detail'];
// In the order the events were given: the log's sequence is their order.
const LOG_EVENTS = sql`
  INSERT INTO consent_log (${EVENT_COLUMNS.join(', ')})
  SELECT ${EVENT_COLUMNS.join(', ')} FROM ${jsonRows('rows', EVENT_COLUMNS)} AS x ORDER BY n`;
// The address is copied from the subscriber row just written, in the same transaction. A
// confirmation already on its way (the partial unique index) is made due now if it waits.
const QUEUE_CONFIRMATIONS = sql`
  INSERT INTO deliveries AS d (id, kind, digest_id, subscriber_id, email, status, next_attempt_at, message_id, created_at, updated_at)
  SELECT x.id, 'confirmation', NULL, s.id, s.email, 'pending', x.at, x.message_id, x.at, x.at
  FROM ${jsonRows('rows', ['id', 'subscriber_id', 'message_id', 'at'])} AS x ${JOIN_IN_ORDER} subscribers s ON s.id = x.subscriber_id
  WHERE true
  ON CONFLICT (subscriber_id) WHERE kind = 'confirmation' AND status IN ('pending', 'sending')
  DO UPDATE SET next_attempt_at = ${least('d.next_attempt_at', 'excluded.next_attempt_at')}, updated_at = excluded.updated_at
    WHERE d.status = 'pending'`;
const ISSUE_TOKEN = sql`
  UPDATE subscribers SET confirm_token_hash = :hash, confirm_expires_at = :expiresAt, confirm_sent_at = :sentAt
  WHERE id = :id AND status = 'pending'`;
const DELETE = sql`DELETE FROM subscribers WHERE id = :id`;
const CONSENT = sql`SELECT * FROM consent_log ORDER BY seq`;
const CONSENT_OF = sql`SELECT * FROM consent_log WHERE subscriber_id = :id ORDER BY seq`;

/** Rows per statement when writing many: a few hundred kB of JSON. */
const CHUNK = 1_000;

async function inChunks<T>(items: readonly T[], write: (chunk: readonly T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) await write(items.slice(i, i + CHUNK));
}

const appendEvents = (tx: SqlRunner, events: readonly ConsentEvent[]) =>
  inChunks(events, (chunk) =>
    tx.run(LOG_EVENTS, {
      rows: chunk.map((e) => [
        e.subscriberId,
        e.email,
        e.type,
        e.at,
        JSON.stringify(e.topics),
        e.source,
        e.ip ?? null,
        e.userAgent ?? null,
        e.detail ?? null,
      ]),
    }),
  );

export function subscriberStore(db: SqlDb): SubscriberStore & ScheduleStore {
  const one = async (by: typeof BY_ID, value: string) => {
    const row = await db.get<SubscriberRow>(by, { value });
    return row && toSubscriber(row);
  };
  return {
    findSubscriberByEmail: (email) => one(BY_EMAIL, email),
    getSubscriber: (id) => one(BY_ID, id),
    async subscriberStates(ids) {
      if (ids.length === 0) return [];
      // Without the topics (an aggregate a subscriber): the read was most of a batch's re-check.
      const rows = await db.all<Pick<SubscriberRow, 'id' | 'status' | 'layout'>>(STATES, { ids: [...new Set(ids)] });
      return rows.map((r) => ({ id: r.id, status: r.status, ...(r.layout === 'compact' ? { layout: r.layout } : {}) }));
    },
    findSubscriberByConfirmToken: (hash) => one(BY_TOKEN, hash),
    async saveSubscribers(batch) {
      // The last write of a subscriber in the batch wins, as when the rows are written one by one;
      // of its confirmations the first is queued (a statement may not update the same row twice).
      const latest = new Map<string, Subscriber>();
      const confirmations = new Map<string, NewConfirmation & { subscriberId: string }>();
      for (const { subscriber, confirmation } of batch) {
        latest.set(subscriber.id, subscriber);
        if (confirmation && !confirmations.has(subscriber.id))
          confirmations.set(subscriber.id, { ...confirmation, subscriberId: subscriber.id });
      }
      const subscribers = [...latest.values()];
      await db.transaction(async (tx) => {
        await inChunks(subscribers, async (chunk) => {
          await tx.run(UPSERT, {
            rows: chunk.map((s) => [
              s.id,
              s.email,
              s.status,
              s.frequency,
              s.timezone,
              s.sendHour,
              s.createdAt,
              s.updatedAt,
              s.confirmedAt,
              s.unsubscribedAt,
              s.confirmTokenHash,
              s.confirmExpiresAt,
              s.confirmSentAt,
            ]),
          });
          const layouts = chunk.flatMap((s) => (s.layout === undefined ? [] : [[s.id, s.layout]]));
          if (layouts.length > 0) await tx.run(SET_LAYOUTS, { rows: layouts });
          await tx.run(CLEAR_TOPICS, { ids: chunk.map((s) => s.id) });
          const pairs = chunk.flatMap((s) => [...new Set(s.topics)].map((slug) => [s.id, slug]));
          if (pairs.length > 0) await tx.run(ADD_TOPICS, { rows: pairs });
        });
        await appendEvents(
          tx,
          batch.flatMap((b) => b.events),
        );
        await inChunks([...confirmations.values()], (chunk) =>
          tx.run(QUEUE_CONFIRMATIONS, { rows: chunk.map((c) => [c.id, c.subscriberId, c.messageId, c.at]) }),
        );
      });
    },
    async issueConfirmToken(id, token) {
      return (await db.run(ISSUE_TOKEN, { id, ...token })) > 0;
    },
    async listSubscribers({ status } = {}) {
      const rows = status ? await db.all<SubscriberRow>(LIST_BY_STATUS, { status }) : await db.all<SubscriberRow>(LIST);
      return rows.map(toSubscriber);
    },
    async deleteSubscriber(id, event) {
      return db.transaction(async (tx) => {
        const deleted = (await tx.run(DELETE, { id })) > 0;
        if (deleted) await appendEvents(tx, [{ ...event, ip: undefined, userAgent: undefined }]);
        return deleted;
      });
    },
    async listConsentEvents(subscriberId) {
      const rows = subscriberId
        ? await db.all<ConsentRow>(CONSENT_OF, { id: subscriberId })
        : await db.all<ConsentRow>(CONSENT);
      return rows.map(toEvent);
    },
    async listSlotSubscribers(slot, limit) {
      return (await db.all<SubscriberRow>(SLOT, { ...slot, limit })).map(toSubscriber);
    },
    async confirmedSlots() {
      return db.all(SLOTS);
    },
    async countSubscribers() {
      const counts = Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as Record<SubscriberStatus, number>;
      for (const r of await db.all<{ status: SubscriberStatus; n: number }>(COUNT)) counts[r.status] = r.n;
      return counts;
    },
  };
}
