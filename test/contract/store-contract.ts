// The store contract: what every engine behind store/ports.ts must do, written once and run
// unchanged against SQLite (sqlite.test.ts) and PostgreSQL (postgres.test.ts).
import { describe, expect, it } from 'vitest';
import type { Digest } from '../../src/domain/digest.js';
import type { ConsentEvent, Subscriber } from '../../src/domain/subscriber.js';
import type { NewDelivery, Store } from '../../src/store/ports.js';
import { paperInput } from '../helpers/factories.js';

export interface Engine {
  /** A new, empty store for one test; the engine closes and removes it afterwards. */
  open(): Promise<Store>;
  /** Runs a statement on the store's database behind the ports' back. */
  exec(store: Store, sql: string): Promise<void>;
  /** Opens the same database again, as a second process or a restart would. */
  reopen(store: Store): Promise<Store>;
}

const T0 = '2026-11-25T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

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
    subject: 'Neural architecture search: 2 new papers', paperIds: ['arxiv:1', 'arxiv:2'], html: '<p>{{unsubscribe}}</p>', text: 'text',
    ...overrides,
  };
}

/** A digest and `count` subscribers with a pending delivery each, due at T0. */
async function planned(store: Store, count: number, d = digest()): Promise<NewDelivery[]> {
  await store.insertDigest(d);
  const subs = Array.from({ length: count }, () => subscriber());
  await store.saveSubscribers(subs.map((s) => ({ subscriber: s, events: [] })));
  const rows = subs.map((s, i) => ({ id: `dlv_${d.id}_${String(i).padStart(4, '0')}`, digestId: d.id, subscriberId: s.id, email: s.email, messageId: `m${i}@x` }));
  await store.createDeliveries(rows, T0);
  return rows;
}

export function storeContract(engine: Engine): void {
  describe('schema', () => {
    it('is at the same version on every engine, and reopening applies nothing', async () => {
      const store = await engine.open();
      expect(store.schema).toEqual({ version: 5, applied: 5 });
      await store.saveTopic({ slug: 'nas', name: 'NAS', query: 'nas' }, T0);
      const again = await engine.reopen(store);
      expect(again.schema).toEqual({ version: 5, applied: 0 });
      expect(await again.listTopics()).toHaveLength(1);
    });
  });

  describe('papers', () => {
    it('upserts by canonical id: added, updated by a newer version, unchanged by an older one', async () => {
      const store = await engine.open();
      const v2 = paperInput({ arxivId: '2401.00001', version: 2, title: 'Sparse attention v2' });
      expect(await store.upsertPapers([v2, paperInput()], at(0))).toEqual({ added: 2, updated: 0, unchanged: 0 });
      expect(await store.upsertPapers([{ ...v2, version: 1, title: 'Old' }], at(1))).toEqual({ added: 0, updated: 0, unchanged: 1 });
      expect(await store.upsertPapers([{ ...v2, version: 3, title: 'Sparse attention v3' }], at(2))).toEqual({ added: 0, updated: 1, unchanged: 0 });
      const [p] = await store.getPapers(['arxiv:2401.00001']);
      expect(p).toMatchObject({ title: 'Sparse attention v3', version: 3, firstSeenAt: at(0), updatedAt: at(2), authors: v2.authors });
      expect(await store.countPapers()).toBe(2);
    });

    it('stores a batch whole or not at all', async () => {
      const store = await engine.open();
      const bad = { ...paperInput({ arxivId: '2401.00009' }), title: null as unknown as string };
      await expect(store.upsertPapers([paperInput(), bad], at(0))).rejects.toThrow();
      expect(await store.countPapers()).toBe(0);
    });

    it('orders by first sighting, ties in the order they were stored, and keeps the order ids are asked in', async () => {
      const store = await engine.open();
      const [a, b, c, d] = [paperInput({ title: 'Zeta' }), paperInput({ title: 'Alpha' }), paperInput({ title: 'Mu' }), paperInput({ title: 'Beta' })];
      await store.upsertPapers([a!, b!], at(0));
      await store.upsertPapers([c!, d!], at(10));
      const between = await store.papersFirstSeenBetween(at(-1), at(10));
      expect(between.map((p) => p.title)).toEqual(['Zeta', 'Alpha', 'Mu', 'Beta']);
      expect((await store.papersFirstSeenBetween(at(0), at(10))).map((p) => p.title)).toEqual(['Mu', 'Beta']);
      expect((await store.listPapers({})).map((p) => p.title)).toEqual(['Mu', 'Beta', 'Zeta', 'Alpha']);
      expect((await store.listPapers({ since: at(5), limit: 1 })).map((p) => p.title)).toEqual(['Mu']);
      const ids = between.map((p) => p.id);
      expect((await store.getPapers([ids[3]!, 'arxiv:none', ids[0]!])).map((p) => p.title)).toEqual(['Beta', 'Zeta']);
    });
  });

  describe('topics and meta', () => {
    it('adds, replaces, lists by name ignoring case, and removes topics', async () => {
      const store = await engine.open();
      expect(await store.saveTopic({ slug: 'nas', name: 'neural search', query: 'NAS' }, at(0))).toBe(true);
      expect(await store.saveTopic({ slug: 'llm', name: 'LLM serving', query: 'serving' }, at(0))).toBe(true);
      expect(await store.saveTopic({ slug: 'b-mt', name: 'MT', query: 'translation' }, at(0))).toBe(true);
      expect(await store.saveTopic({ slug: 'a-mt', name: 'mt', query: 'translation' }, at(0))).toBe(true);
      expect(await store.saveTopic({ slug: 'nas', name: 'Neural architecture search', query: 'NAS OR nas' }, at(1))).toBe(false);
      expect((await store.listTopics()).map((t) => t.slug)).toEqual(['llm', 'a-mt', 'b-mt', 'nas']);
      expect(await store.getTopic('nas')).toEqual({ slug: 'nas', name: 'Neural architecture search', query: 'NAS OR nas' });
      expect(await store.removeTopic('nas')).toBe(true);
      expect(await store.removeTopic('nas')).toBe(false);
      expect(await store.getTopic('nas')).toBeUndefined();
    });

    it('keeps meta values and hands a lease to one holder at a time until it expires or is released', async () => {
      const store = await engine.open();
      expect(await store.getMeta('k')).toBeUndefined();
      await store.setMeta('k', 'one');
      await store.setMeta('k', 'two');
      expect(await store.getMeta('k')).toBe('two');

      expect(await store.acquireLease('planner', 'a', at(0), at(5))).toBe(true);
      expect(await store.acquireLease('planner', 'b', at(1), at(6))).toBe(false);
      expect(await store.acquireLease('planner', 'a', at(2), at(7))).toBe(true); // renewal
      expect(await store.acquireLease('planner', 'b', at(6), at(11))).toBe(false);
      expect(await store.acquireLease('planner', 'b', at(7), at(12))).toBe(true); // expired
      await store.releaseLease('planner', 'a'); // not the holder: no effect
      expect(await store.acquireLease('planner', 'a', at(8), at(13))).toBe(false);
      await store.releaseLease('planner', 'b');
      expect(await store.acquireLease('planner', 'a', at(8), at(13))).toBe(true);
    });

    it('gives a contested lease to exactly one of many callers', async () => {
      const store = await engine.open();
      const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => store.acquireLease('planner', `h${i}`, at(0), at(5))));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('digests', () => {
    it('keeps the first edition of a (topic set, period) and finds editions by key, time and topic set', async () => {
      const store = await engine.open();
      const first = await store.insertDigest(digest());
      expect(first.created).toBe(true);
      expect(first.digest).toEqual(digest());
      const again = await store.insertDigest(digest({ id: 'dg_other', subject: 'second freeze' }));
      expect(again).toEqual({ digest: digest(), created: false });
      await store.insertDigest(digest({ key: '2026-11-26' }));
      await store.insertDigest(digest({ key: '2026-11-24', topicSet: 'llm' }));
      expect((await store.findDigest('nas', 'day', '2026-11-25'))?.id).toBe(digest().id);
      expect(await store.findDigest('nas', 'week', '2026-11-25')).toBeUndefined();
      expect((await store.latestDigest('nas', 'day'))?.period.key).toBe('2026-11-26');
      expect((await store.getDigest(digest().id))?.paperIds).toEqual(['arxiv:1', 'arxiv:2']);
      expect((await store.listDigests({ limit: 10 })).map((d) => d.period.key)).toEqual(['2026-11-26', '2026-11-25', '2026-11-24']);
      expect((await store.listDigests({ topicSet: 'nas', limit: 1 })).map((d) => d.period.key)).toEqual(['2026-11-26']);
    });

    it('lets one of several concurrent freezes of an edition create it', async () => {
      const store = await engine.open();
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => store.insertDigest(digest({ id: `dg_race_${i}` }))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.digest.id)).size).toBe(1);
    });
  });

  describe('subscribers and the consent log', () => {
    it('saves subscribers with their topics and finds them by address, id and token', async () => {
      const store = await engine.open();
      const ada = subscriber({ email: 'ada@example.org', topics: ['nas', 'llm', 'nas'], confirmTokenHash: 'h1', status: 'pending' });
      const bob = subscriber({ email: 'bob@example.org', topics: [] });
      await store.saveSubscribers([{ subscriber: ada, events: [event(ada, 'subscribe')] }, { subscriber: bob, events: [] }]);
      expect(await store.findSubscriberByEmail('ada@example.org')).toEqual({ ...ada, topics: ['llm', 'nas'] });
      expect(await store.getSubscriber(bob.id)).toEqual(bob);
      expect((await store.findSubscriberByConfirmToken('h1'))?.id).toBe(ada.id);
      expect(await store.findSubscriberByConfirmToken('nope')).toBeUndefined();
      await store.saveSubscribers([{ subscriber: { ...ada, status: 'confirmed', topics: ['llm'], confirmTokenHash: null }, events: [] }]);
      expect(await store.getSubscriber(ada.id)).toMatchObject({ status: 'confirmed', topics: ['llm'], confirmTokenHash: null });
      expect((await store.listSubscribers()).map((s) => s.email)).toEqual(['ada@example.org', 'bob@example.org']);
      expect((await store.listSubscribers({ status: 'pending' })).map((s) => s.email)).toEqual([]);
    });

    it('refuses a second subscriber with the same address and writes nothing of that batch', async () => {
      const store = await engine.open();
      const ada = subscriber({ email: 'ada@example.org' });
      await store.saveSubscribers([{ subscriber: ada, events: [] }]);
      const bob = subscriber();
      const clash = subscriber({ email: 'ada@example.org' });
      await expect(store.saveSubscribers([{ subscriber: bob, events: [event(bob, 'subscribe')] }, { subscriber: clash, events: [] }])).rejects.toThrow();
      expect(await store.getSubscriber(bob.id)).toBeUndefined();
      expect(await store.listConsentEvents()).toEqual([]);
    });

    it('keeps the consent log in order, through deletion, and never lets it be edited', async () => {
      const store = await engine.open();
      const ada = subscriber();
      const bob = subscriber();
      await store.saveSubscribers([
        { subscriber: ada, events: [event(ada, 'subscribe', at(0), { ip: '192.0.2.1', userAgent: 'UA' }), event(ada, 'confirm', at(1))] },
        { subscriber: bob, events: [event(bob, 'import', at(0), { detail: 'csv line 2' })] },
      ]);
      expect(await store.deleteSubscriber(ada.id, event(ada, 'admin', at(2), { detail: 'removed' }))).toBe(true);
      expect(await store.deleteSubscriber(ada.id, event(ada, 'admin', at(3)))).toBe(false);
      expect(await store.getSubscriber(ada.id)).toBeUndefined();
      expect(await store.listConsentEvents(ada.id)).toEqual([
        event(ada, 'subscribe', at(0), { ip: '192.0.2.1', userAgent: 'UA' }),
        event(ada, 'confirm', at(1)),
        event(ada, 'admin', at(2), { detail: 'removed' }),
      ]);
      expect((await store.listConsentEvents()).map((e) => e.type)).toEqual(['subscribe', 'confirm', 'import', 'admin']);
      await expect(engine.exec(store, `UPDATE consent_log SET email = 'x@example.org'`)).rejects.toThrow(/append-only/);
      await expect(engine.exec(store, 'DELETE FROM consent_log')).rejects.toThrow(/append-only/);
      expect(await store.listConsentEvents()).toHaveLength(4);
    });
  });

  describe('deliveries', () => {
    it('creates one row per digest and subscriber, however often it is planned', async () => {
      const store = await engine.open();
      const rows = await planned(store, 3);
      expect(await store.createDeliveries(rows.map((r) => ({ ...r, id: `${r.id}_again` })), at(1))).toBe(0);
      expect(await store.countDeliveries()).toEqual({ pending: 3, sending: 0, sent: 0, failed: 0, skipped: 0 });
      expect(await store.getDelivery(rows[0]!.id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T0, claimedBy: null, messageId: 'm0@x' });
    });

    it('claims due rows oldest first, counts the attempt, and never hands a row to two workers', async () => {
      const store = await engine.open();
      const rows = await planned(store, 12);
      await store.createDeliveries([], T0);
      const first = await store.claimNextDelivery('w1', at(0));
      expect(first).toMatchObject({ id: rows[0]!.id, status: 'sending', attempts: 1, claimedBy: 'w1', claimedAt: at(0) });
      expect(await store.claimNextDelivery('w1', at(-1))).toBeUndefined(); // nothing due yet at that time
      const batch = await store.claimDeliveries('w2', at(0), 3);
      expect(batch.map((d) => d.id)).toEqual(rows.slice(1, 4).map((r) => r.id));
      const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => store.claimDeliveries(`r${i}`, at(0), 2)));
      const ids = racing.flat().map((d) => d.id);
      expect(ids).toHaveLength(8);
      expect(new Set(ids).size).toBe(8);
      expect(await store.claimDeliveries('w3', at(0), 5)).toEqual([]);
      expect((await store.countDeliveries()).sending).toBe(12);
    });

    it('records an outcome only from the worker holding the claim, and gives back unattempted rows', async () => {
      const store = await engine.open();
      const rows = await planned(store, 3);
      const [a, b, c] = await store.claimDeliveries('w1', at(0), 3);
      expect(await store.finishDelivery(a!.id, 'w2', { status: 'sent', sentAt: at(1) }, at(1))).toBe(false);
      expect(await store.finishDelivery(a!.id, 'w1', { status: 'sent', sentAt: at(1), smtpResponse: '250 ok', lastError: null, errorKind: null }, at(1))).toBe(true);
      expect(await store.finishDelivery(a!.id, 'w1', { status: 'failed' }, at(2))).toBe(false);
      expect(await store.getDelivery(a!.id)).toMatchObject({ status: 'sent', sentAt: at(1), smtpResponse: '250 ok', updatedAt: at(1) });
      await store.finishDelivery(b!.id, 'w1', { status: 'pending', nextAttemptAt: at(30), lastError: '451 later', errorKind: 'transient' }, at(1));
      expect(await store.getDelivery(b!.id)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: at(30), lastError: '451 later' });
      expect(await store.nextPendingAt()).toBe(at(30));
      expect(await store.releaseDeliveries([c!.id, a!.id], 'w2', at(2))).toBe(0);
      expect(await store.releaseDeliveries([c!.id, a!.id], 'w1', at(2))).toBe(1);
      expect(await store.getDelivery(c!.id)).toMatchObject({ status: 'pending', attempts: 0, claimedBy: null });
      expect(await store.nextPendingAt()).toBe(T0);
      expect(rows).toHaveLength(3);
    });

    it('holds rows of dead or stale workers as interrupted, leaves live ones, and requeues them on request', async () => {
      const store = await engine.open();
      const rows = await planned(store, 4);
      await store.claimDeliveries('dead', at(10), 1);
      await store.claimDeliveries('stale', at(0), 1);
      await store.claimDeliveries('live', at(10), 1);
      const held = await store.holdInterrupted(at(5), (w) => w === 'dead', at(11));
      expect(held.map((d) => [d.id, d.status, d.errorKind]).sort()).toEqual([
        [rows[0]!.id, 'failed', 'interrupted'],
        [rows[1]!.id, 'failed', 'interrupted'],
      ]);
      expect(await store.getDelivery(rows[1]!.id)).toMatchObject({ status: 'failed', errorKind: 'interrupted', lastError: expect.stringContaining('not resent') });
      expect(await store.getDelivery(rows[2]!.id)).toMatchObject({ status: 'sending', claimedBy: 'live' });
      expect(await store.finishDelivery(rows[0]!.id, 'dead', { status: 'sent' }, at(12))).toBe(false);
      const [d3] = await store.claimDeliveries('w', at(12), 1);
      await store.finishDelivery(d3!.id, 'w', { status: 'failed', errorKind: 'hard-bounce', lastError: '550' }, at(12));
      expect(await store.retryDeliveries({ errorKind: 'interrupted' }, at(20))).toBe(2);
      expect(await store.getDelivery(rows[0]!.id)).toMatchObject({ status: 'pending', nextAttemptAt: at(20), messageId: 'm0@x' });
      expect(await store.retryDeliveries({ ids: [d3!.id, rows[2]!.id] }, at(21))).toBe(1);
      expect(await store.retryDeliveries({}, at(22))).toBe(0);
      expect(await store.countDeliveries()).toEqual({ pending: 3, sending: 1, sent: 0, failed: 0, skipped: 0 });
    });

    it('lists newest first, by status, and knows what each subscriber was planned and sent', async () => {
      const store = await engine.open();
      const rows = await planned(store, 3);
      const [a] = await store.claimDeliveries('w', at(0), 1);
      await store.finishDelivery(a!.id, 'w', { status: 'sent', sentAt: at(5) }, at(5));
      const [b] = await store.claimDeliveries('w', at(0), 1);
      await store.finishDelivery(b!.id, 'w', { status: 'skipped', errorKind: 'unsubscribed' }, at(6));
      expect((await store.listDeliveries({ limit: 10 })).map((d) => d.id)).toEqual([b!.id, a!.id, rows[2]!.id]);
      expect((await store.listDeliveries({ status: 'sent', limit: 10 })).map((d) => d.id)).toEqual([a!.id]);
      expect(await store.listDeliveries({ limit: 1 })).toHaveLength(1);

      const later = digest({ key: '2026-11-26', paperIds: ['arxiv:3'], cutoffAt: '2026-11-26T08:00:00.000Z' });
      await store.insertDigest(later);
      await store.createDeliveries([{ id: 'dlv_later', digestId: later.id, subscriberId: rows[0]!.subscriberId, email: rows[0]!.email, messageId: 'l@x' }], at(60));
      const subs = rows.map((r) => r.subscriberId);
      expect(await store.plannedPeriods(subs)).toEqual(
        new Set([...subs.map((s) => `${s}|day|2026-11-25`), `${subs[0]}|day|2026-11-26`]),
      );
      const history = await store.receivedHistory([...subs, 'sub_unknown']);
      expect(history.get(subs[0]!)).toEqual({ paperIds: new Set(['arxiv:1', 'arxiv:2', 'arxiv:3']), lastCutoff: '2026-11-26T08:00:00.000Z' });
      expect(history.has(subs[1]!)).toBe(false); // skipped: nothing went out
      expect(history.get(subs[2]!)?.lastCutoff).toBe('2026-11-25T08:00:00.000Z');
      expect(history.has('sub_unknown')).toBe(false);
    });

    it('suppresses addresses, marks their subscriber, and counts soft bounces since the last send', async () => {
      const store = await engine.open();
      const rows = await planned(store, 1);
      const email = rows[0]!.email;
      await store.recordBounce({ email, kind: 'soft', deliveryId: rows[0]!.id, response: '452 full', at: at(1) });
      await store.recordBounce({ email, kind: 'soft', deliveryId: rows[0]!.id, response: '452 full', at: at(2) });
      await store.recordBounce({ email, kind: 'hard', deliveryId: rows[0]!.id, response: '550', at: at(2) });
      expect(await store.softBounceStreak(email)).toBe(2);
      const [d] = await store.claimDeliveries('w', at(0), 1);
      await store.finishDelivery(d!.id, 'w', { status: 'sent', sentAt: at(3) }, at(3));
      expect(await store.softBounceStreak(email)).toBe(0);
      await store.recordBounce({ email, kind: 'soft', deliveryId: d!.id, response: '452 full', at: at(4) });
      expect(await store.softBounceStreak(email)).toBe(1);

      expect(await store.isSuppressed(email)).toBe(false);
      await store.suppress(email, 'hard-bounce', '550 no such user', at(5));
      await store.suppress(email, 'manual', null, at(6)); // already there: the first reason stays
      await store.suppress('zed@example.org', 'manual', null, at(5));
      expect(await store.isSuppressed(email)).toBe(true);
      expect((await store.findSubscriberByEmail(email))?.status).toBe('suppressed');
      expect(await store.listSuppressions()).toEqual([
        { email, reason: 'hard-bounce', detail: '550 no such user', createdAt: at(5) },
        { email: 'zed@example.org', reason: 'manual', detail: null, createdAt: at(5) },
      ]);
      expect(await store.unsuppress(email)).toBe(true);
      expect(await store.unsuppress(email)).toBe(false);
    });
  });

  describe('shared send pace', () => {
    it('hands out slots an interval apart, never in the past, slower while a slow-down lasts', async () => {
      const store = await engine.open();
      const t = 1_000_000;
      expect(await store.reserveSendSlot('smtp', t, 100)).toEqual({ atMs: t, intervalMs: 100 });
      expect(await store.reserveSendSlot('smtp', t, 100)).toEqual({ atMs: t + 100, intervalMs: 100 });
      expect(await store.reserveSendSlot('smtp', t + 50, 100)).toEqual({ atMs: t + 200, intervalMs: 100 });
      expect(await store.reserveSendSlot('smtp', t + 10_000, 100)).toEqual({ atMs: t + 10_000, intervalMs: 100 }); // idle time is not banked
      await store.slowSends('smtp', 400, t + 20_000);
      expect(await store.reserveSendSlot('smtp', t + 10_050, 100)).toEqual({ atMs: t + 10_100, intervalMs: 400 });
      expect(await store.reserveSendSlot('smtp', t + 10_050, 100)).toEqual({ atMs: t + 10_500, intervalMs: 400 });
      expect(await store.reserveSendSlot('smtp', t + 30_000, 100)).toEqual({ atMs: t + 30_000, intervalMs: 100 });
      expect(await store.reserveSendSlot('other', t, 100)).toEqual({ atMs: t, intervalMs: 100 });
    });

    it('gives concurrent reservations distinct slots', async () => {
      const store = await engine.open();
      const slots = await Promise.all(Array.from({ length: 10 }, () => store.reserveSendSlot('smtp', 5_000, 10)));
      expect(slots.map((s) => s.atMs).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 5_000 + i * 10));
    });
  });

  describe('export and import', () => {
    it('refuses to import into a store that already has data, and writes nothing of a failed import', async () => {
      const store = await engine.open();
      await planned(store, 1);
      await expect(store.importRows(pagesOf([]))).rejects.toThrow(/empty store/);
      const empty = await engine.open();
      const broken = pagesOf([
        { table: 'topics', rows: [{ slug: 'nas', name: 'NAS', query: 'nas', created_at: T0, updated_at: T0 }] },
        { table: 'papers', rows: [{ id: 'arxiv:1', title: null, first_seen_at: T0, updated_at: T0 }] },
      ]);
      await expect(empty.importRows(broken)).rejects.toThrow();
      expect(await empty.listTopics()).toEqual([]);
      await expect(empty.importRows(pagesOf([{ table: 'papers', rows: [{ 'id) VALUES (1); --': 'x' }] }]))).rejects.toThrow(/unknown column/);
    });
  });
}

async function* pagesOf(pages: { table: string; rows: Record<string, unknown>[] }[]) {
  for (const p of pages) yield p as never;
}
