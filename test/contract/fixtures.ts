// Rows for the store contract, built fresh for each test.
import type { Digest } from '../../src/domain/digest.js';
import type { ConsentEvent, Subscriber } from '../../src/domain/subscriber.js';
import type { NewDelivery, Store } from '../../src/store/ports.js';

export const T0 = '2026-11-25T08:00:00.000Z';
export const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

let n = 0;
export function subscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  n++;
  return {
    id: `sub_${n}`, email: `reader${n}@example.org`, status: 'confirmed', topics: ['nas'], frequency: 'daily', timezone: 'UTC',
    sendHour: 8, createdAt: T0, updatedAt: T0, confirmedAt: T0, unsubscribedAt: null, confirmTokenHash: null,
    confirmExpiresAt: null, confirmSentAt: null, ...overrides,
  };
}

export function event(s: Subscriber, type: ConsentEvent['type'], when = T0, extra: Partial<ConsentEvent> = {}): ConsentEvent {
  return { subscriberId: s.id, email: s.email, type, at: when, topics: s.topics, source: 'test', ...extra };
}

export function digest(overrides: Partial<Digest> & { key?: string } = {}): Digest {
  const key = overrides.key ?? '2026-11-25';
  return {
    id: `dg_${key}_${overrides.topicSet ?? 'nas'}`, topicSet: 'nas',
    period: { kind: 'day', key, start: new Date(`${key}T00:00:00.000Z`), end: new Date(Date.parse(`${key}T00:00:00.000Z`) + 86_400_000) },
    windowStart: `${key}T00:00:00.000Z`, cutoffAt: `${key}T08:00:00.000Z`, createdAt: `${key}T08:00:00.000Z`,
    subject: 'Neural architecture search: 2 new papers', paperIds: ['arxiv:1', 'arxiv:2'], updatedIds: [], html: '<p>{{unsubscribe}}</p>', text: 'text',
    ...overrides,
  };
}

/** A digest and `count` subscribers with a pending delivery each, due at T0. */
export async function planned(store: Store, count: number, d = digest()): Promise<NewDelivery[]> {
  await store.insertDigest(d);
  const subs = Array.from({ length: count }, () => subscriber());
  await store.saveSubscribers(subs.map((s) => ({ subscriber: s, events: [] })));
  const rows = subs.map((s, i) => ({ id: `dlv_${d.id}_${String(i).padStart(4, '0')}`, digestId: d.id, subscriberId: s.id, email: s.email, messageId: `m${i}@x` }));
  await store.createDeliveries(rows, T0);
  return rows;
}

export async function* pagesOf(pages: { table: string; rows: Record<string, unknown>[] }[]) {
  for (const p of pages) yield p as never;
}
