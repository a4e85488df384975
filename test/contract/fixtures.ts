// Rows for the store contract, built fresh for each test.
import type { Digest } from '../../src/domain/digest.js';
import type { ConsentEvent, Subscriber } from '../../src/domain/subscriber.js';
import type { Store } from '../../src/store/ports.js';
import type { Engine } from './store-contract.js';

export const T0 = '2026-11-25T08:00:00.000Z';
export const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

let n = 0;
export function subscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  n++;
  return {
    id: `sub_${n}`,
    email: `reader${n}@example.org`,
    status: 'confirmed',
    topics: ['nas'],
    frequency: 'daily',
    timezone: 'UTC',
    sendHour: 8,
    createdAt: T0,
    updatedAt: T0,
    confirmedAt: T0,
    unsubscribedAt: null,
    confirmTokenHash: null,
    confirmExpiresAt: null,
    confirmSentAt: null,
    ...overrides,
  };
}

export function event(
  s: Subscriber,
  type: ConsentEvent['type'],
  when = T0,
  extra: Partial<ConsentEvent> = {},
): ConsentEvent {
  return { subscriberId: s.id, email: s.email, type, at: when, topics: s.topics, source: 'test', ...extra };
}

export function digest(overrides: Partial<Digest> & { key?: string } = {}): Digest {
  const key = overrides.key ?? '2026-11-25';
  return {
    id: `dg_${key}_${overrides.editionKey ?? 'nas'}`,
    editionKey: 'nas',
    period: {
      kind: 'day',
      key,
      start: new Date(`${key}T00:00:00.000Z`),
      end: new Date(Date.parse(`${key}T00:00:00.000Z`) + 86_400_000),
    },
    windowStart: `${key}T00:00:00.000Z`,
    cutoffAt: `${key}T08:00:00.000Z`,
    createdAt: `${key}T08:00:00.000Z`,
    subject: 'Neural architecture search: 2 new papers',
    paperIds: ['arxiv:1', 'arxiv:2'],
    updatedIds: [],
    html: '<p>{{unsubscribe}}</p>',
    text: 'text',
    ...overrides,
  };
}

export interface NewDelivery {
  id: string;
  digestId: string;
  subscriberId: string;
  email: string;
  messageId: string;
}

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * Pending delivery rows, due at `due`, written behind the ports' back: the planner creates its
 * rows from subscriber rows (createDeliveriesFor), a test may want any address and Message-ID.
 */
export async function addDeliveries(
  engine: Engine,
  store: Store,
  rows: readonly NewDelivery[],
  due = T0,
): Promise<void> {
  const values = rows.map(
    (r) =>
      `(${[r.id, r.digestId, r.subscriberId, r.email, r.messageId, 'pending', due, due, due].map(quote).join(', ')})`,
  );
  await engine.exec(
    store,
    `INSERT INTO deliveries (id, digest_id, subscriber_id, email, message_id, status, next_attempt_at, created_at, updated_at) VALUES ${values.join(', ')}`,
  );
}

/** A digest and `count` subscribers with a pending delivery each, due at T0. */
export async function planned(engine: Engine, store: Store, count: number, d = digest()): Promise<NewDelivery[]> {
  await store.insertDigest(d);
  const subs = Array.from({ length: count }, () => subscriber());
  await store.saveSubscribers(subs.map((s) => ({ subscriber: s, events: [] })));
  const rows = subs.map((s, i) => ({
    id: `dlv_${d.id}_${String(i).padStart(4, '0')}`,
    digestId: d.id,
    subscriberId: s.id,
    email: s.email,
    messageId: `m${i}@x`,
  }));
  await addDeliveries(engine, store, rows);
  return rows;
}

export async function* pagesOf(pages: { table: string; rows: Record<string, unknown>[] }[]) {
  for (const p of pages) yield p as never;
}
