// The delivery, send-pace and transfer part of the store contract (see store-contract.ts).
import { describe, expect, it } from 'vitest';
import { T0, addDeliveries, at, digest, pagesOf, planned, subscriber } from './fixtures.js';
import type { Engine } from './store-contract.js';

export function deliveryContract(engine: Engine): void {
  describe('deliveries', () => {
    it('counts and reads pending rows as created', async () => {
      const store = await engine.open();
      const rows = await planned(engine, store, 3);
      expect(await store.countDeliveries()).toEqual({ pending: 3, sending: 0, sent: 0, failed: 0, skipped: 0 });
      expect(await store.getDelivery(rows[0]!.id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: T0,
        claimedBy: null,
        messageId: 'm0@x',
      });
    });

    it('claims due rows oldest first, counts the attempt, and never hands a row to two workers', async () => {
      const store = await engine.open();
      const rows = await planned(engine, store, 12);
      const [first, ...none] = await store.claimDeliveries('w1', at(0), 1);
      expect(first).toMatchObject({
        id: rows[0]!.id,
        status: 'sending',
        attempts: 1,
        claimedBy: 'w1',
        claimedAt: at(0),
      });
      expect(none).toEqual([]);
      expect(await store.claimDeliveries('w1', at(-1), 5)).toEqual([]); // nothing due yet at that time
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
      const rows = await planned(engine, store, 3);
      const [a, b, c] = await store.claimDeliveries('w1', at(0), 3);
      expect(await store.finishDelivery(a!.id, 'w2', { status: 'sent', sentAt: at(1) }, at(1))).toBe(false);
      expect(
        await store.finishDelivery(
          a!.id,
          'w1',
          { status: 'sent', sentAt: at(1), smtpResponse: '250 ok', lastError: null, errorKind: null },
          at(1),
        ),
      ).toBe(true);
      expect(await store.finishDelivery(a!.id, 'w1', { status: 'failed' }, at(2))).toBe(false);
      expect(await store.getDelivery(a!.id)).toMatchObject({
        status: 'sent',
        sentAt: at(1),
        smtpResponse: '250 ok',
        updatedAt: at(1),
      });
      await store.finishDelivery(
        b!.id,
        'w1',
        { status: 'pending', nextAttemptAt: at(30), lastError: '451 later', errorKind: 'transient' },
        at(1),
      );
      expect(await store.getDelivery(b!.id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt: at(30),
        lastError: '451 later',
      });
      expect(await store.nextPendingAt()).toBe(at(30));
      expect(await store.releaseDeliveries([c!.id, a!.id], 'w2', at(2))).toBe(0);
      expect(await store.releaseDeliveries([c!.id, a!.id], 'w1', at(2))).toBe(1);
      expect(await store.getDelivery(c!.id)).toMatchObject({ status: 'pending', attempts: 0, claimedBy: null });
      expect(await store.nextPendingAt()).toBe(T0);
      expect(rows).toHaveLength(3);
    });

    it('records many accepted sends in one write, each only over the claim of the worker that sent it', async () => {
      const store = await engine.open();
      await planned(engine, store, 4);
      const [a, b, c] = await store.claimDeliveries('w1', at(0), 3);
      const [d] = await store.claimDeliveries('w2', at(0), 1);
      const sent = (id: string, n: number) => ({ id, smtpResponse: `250 2.0.0 queued as Q${n}`, sentAt: at(n) });
      expect(await store.recordSent([sent(a!.id, 1), sent(b!.id, 2), sent(d!.id, 3)], 'w1', at(4))).toBe(2);
      expect(await store.getDelivery(a!.id)).toMatchObject({
        status: 'sent',
        sentAt: at(1),
        smtpResponse: '250 2.0.0 queued as Q1',
        lastError: null,
        errorKind: null,
        updatedAt: at(4),
      });
      expect(await store.getDelivery(b!.id)).toMatchObject({ status: 'sent', sentAt: at(2) });
      // Another worker's claim and a row not in the write are left as they are.
      expect(await store.getDelivery(d!.id)).toMatchObject({ status: 'sending', claimedBy: 'w2' });
      expect(await store.getDelivery(c!.id)).toMatchObject({ status: 'sending', claimedBy: 'w1' });
      // Written twice (a retry after a lost reply): the second write changes nothing.
      expect(await store.recordSent([sent(a!.id, 5)], 'w1', at(5))).toBe(0);
      expect(await store.getDelivery(a!.id)).toMatchObject({ sentAt: at(1) });
      expect(await store.recordSent([], 'w1', at(5))).toBe(0);
    });

    it('records accepted sends and claims the next rows in one write where the engine can, or neither', async () => {
      const store = await engine.open();
      // PostgreSQL has none: its worker records, then claims.
      if (!store.recordSentAndClaim) return;
      const rows = await planned(engine, store, 5);
      const [a, b] = await store.claimDeliveries('w1', at(0), 2);
      const sent = (id: string, n: number) => ({ id, smtpResponse: `250 queued as Q${n}`, sentAt: at(n) });
      const { recorded, claimed } = await store.recordSentAndClaim([sent(a!.id, 1), sent(b!.id, 2)], 'w1', at(3), 2);
      expect(recorded).toBe(2);
      expect(claimed.map((d) => [d.id, d.status, d.claimedBy])).toEqual([
        [rows[2]!.id, 'sending', 'w1'],
        [rows[3]!.id, 'sending', 'w1'],
      ]);
      expect(await store.getDelivery(a!.id)).toMatchObject({
        status: 'sent',
        sentAt: at(1),
        smtpResponse: '250 queued as Q1',
      });
      // A write that fails records nothing and claims nothing.
      await engine.exec(
        store,
        `CREATE TRIGGER no_claims BEFORE UPDATE OF status ON deliveries WHEN NEW.status = 'sending'
           BEGIN SELECT RAISE(ABORT, 'no claims now'); END`,
      );
      const [c] = claimed;
      await expect(store.recordSentAndClaim([sent(c!.id, 4)], 'w1', at(4), 1)).rejects.toThrow('no claims now');
      expect(await store.getDelivery(c!.id)).toMatchObject({ status: 'sending', sentAt: null });
      expect(await store.getDelivery(rows[4]!.id)).toMatchObject({ status: 'pending' });
    });

    it('tells pending rows that wait for a retry from rows due now and rows not due yet, each with its first time', async () => {
      const store = await engine.open();
      await planned(engine, store, 4);
      const [a, b, c] = await store.claimDeliveries('w1', at(0), 3);
      await store.finishDelivery(
        a!.id,
        'w1',
        { status: 'pending', nextAttemptAt: at(30), lastError: '451 later', errorKind: 'transient' },
        at(0),
      );
      await store.finishDelivery(
        b!.id,
        'w1',
        { status: 'pending', nextAttemptAt: at(20), lastError: '451 later', errorKind: 'transient' },
        at(0),
      );
      await store.finishDelivery(c!.id, 'w1', { status: 'sent', sentAt: at(0) }, at(0));
      // Two more rows, of another digest; never tried, like the fourth: not due before T0, due after.
      const more = await planned(engine, store, 2, digest({ key: '2026-11-26' }));
      expect(await store.pendingOutlook(at(-1))).toEqual({
        retry: { count: 2, firstAt: at(20) },
        due: { count: 0, firstAt: null },
        later: { count: 3, firstAt: T0 },
      });
      expect(await store.pendingOutlook(at(1))).toEqual({
        retry: { count: 2, firstAt: at(20) },
        due: { count: 3, firstAt: T0 },
        later: { count: 0, firstAt: null },
      });
      expect(more).toHaveLength(2);
    });

    it('counts deliveries per UTC day: sent ones by when they were sent, failed and skipped ones by when they ended so', async () => {
      const store = await engine.open();
      const rows = await planned(engine, store, 6);
      const claimed = await store.claimDeliveries('w1', at(0), 6);
      const day = (d: number, h = 9) => new Date(Date.parse(`2026-11-${d}T0${h}:00:00.000Z`)).toISOString();
      // Claimed on the 25th, sent late on the 26th: counted on the 26th.
      await store.finishDelivery(claimed[0]!.id, 'w1', { status: 'sent', sentAt: day(26, 1) }, day(26, 1));
      await store.finishDelivery(claimed[1]!.id, 'w1', { status: 'sent', sentAt: day(27) }, day(27));
      await store.finishDelivery(claimed[2]!.id, 'w1', { status: 'sent', sentAt: day(27) }, day(27));
      await store.finishDelivery(
        claimed[3]!.id,
        'w1',
        { status: 'failed', lastError: '550 no such user', errorKind: 'hard-bounce' },
        day(27),
      );
      await store.finishDelivery(claimed[4]!.id, 'w1', { status: 'skipped', errorKind: 'suppressed' }, day(28));
      // Pending and sending rows are not counted on any day.
      await store.finishDelivery(claimed[5]!.id, 'w1', { status: 'pending', nextAttemptAt: day(28) }, day(28));
      expect(await store.deliveriesPerDay('2026-11-01')).toEqual([
        { day: '2026-11-26', sent: 1, failed: 0, skipped: 0 },
        { day: '2026-11-27', sent: 2, failed: 1, skipped: 0 },
        { day: '2026-11-28', sent: 0, failed: 0, skipped: 1 },
      ]);
      expect(await store.deliveriesPerDay('2026-11-27')).toEqual([
        { day: '2026-11-27', sent: 2, failed: 1, skipped: 0 },
        { day: '2026-11-28', sent: 0, failed: 0, skipped: 1 },
      ]);
      expect(rows).toHaveLength(6);
    });

    it('holds rows of dead or stale workers as interrupted, leaves live ones, and requeues them on request', async () => {
      const store = await engine.open();
      const rows = await planned(engine, store, 4);
      await store.claimDeliveries('dead', at(10), 1);
      await store.claimDeliveries('stale', at(0), 1);
      await store.claimDeliveries('live', at(10), 1);
      const held = await store.holdInterrupted(at(5), (w) => w === 'dead', at(11));
      expect(held.map((d) => [d.id, d.status, d.errorKind]).sort()).toEqual([
        [rows[0]!.id, 'failed', 'interrupted'],
        [rows[1]!.id, 'failed', 'interrupted'],
      ]);
      expect(await store.getDelivery(rows[1]!.id)).toMatchObject({
        status: 'failed',
        errorKind: 'interrupted',
        lastError: expect.stringContaining('not resent'),
      });
      expect(await store.getDelivery(rows[2]!.id)).toMatchObject({ status: 'sending', claimedBy: 'live' });
      expect(await store.finishDelivery(rows[0]!.id, 'dead', { status: 'sent' }, at(12))).toBe(false);
      const [d3] = await store.claimDeliveries('w', at(12), 1);
      await store.finishDelivery(d3!.id, 'w', { status: 'failed', errorKind: 'hard-bounce', lastError: '550' }, at(12));
      expect(await store.retryDeliveries({ errorKind: 'interrupted' }, at(20))).toBe(2);
      expect(await store.getDelivery(rows[0]!.id)).toMatchObject({
        status: 'pending',
        nextAttemptAt: at(20),
        messageId: 'm0@x',
      });
      expect(await store.retryDeliveries({ ids: [d3!.id, rows[2]!.id] }, at(21))).toBe(1);
      expect(await store.retryDeliveries({}, at(22))).toBe(0);
      expect(await store.countDeliveries()).toEqual({ pending: 3, sending: 1, sent: 0, failed: 0, skipped: 0 });
    });

    it('lists newest first, by status, and knows what each subscriber was planned and sent', async () => {
      const store = await engine.open();
      const rows = await planned(engine, store, 3);
      const [a] = await store.claimDeliveries('w', at(0), 1);
      await store.finishDelivery(a!.id, 'w', { status: 'sent', sentAt: at(5) }, at(5));
      const [b] = await store.claimDeliveries('w', at(0), 1);
      await store.finishDelivery(b!.id, 'w', { status: 'skipped', errorKind: 'unsubscribed' }, at(6));
      expect((await store.listDeliveries({ limit: 10 })).map((d) => d.id)).toEqual([b!.id, a!.id, rows[2]!.id]);
      expect((await store.listDeliveries({ status: 'sent', limit: 10 })).map((d) => d.id)).toEqual([a!.id]);
      expect(await store.listDeliveries({ limit: 1 })).toHaveLength(1);

      const later = digest({ key: '2026-11-26', paperIds: ['arxiv:3'], cutoffAt: '2026-11-26T08:00:00.000Z' });
      await store.insertDigest(later);
      await addDeliveries(
        engine,
        store,
        [
          {
            id: 'dlv_later',
            digestId: later.id,
            subscriberId: rows[0]!.subscriberId,
            email: rows[0]!.email,
            messageId: 'l@x',
          },
        ],
        at(60),
      );
      const subs = rows.map((r) => r.subscriberId);
      expect(await store.plannedPeriods(subs)).toEqual(
        new Set([...subs.map((s) => `${s}|day|2026-11-25`), `${subs[0]}|day|2026-11-26`]),
      );
    });

    it('suppresses addresses, marks their subscriber, and counts soft bounces since the last send', async () => {
      const store = await engine.open();
      const rows = await planned(engine, store, 1);
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
      expect(await store.suppressedAmong([email, 'nobody@example.org', 'zed@example.org', email])).toEqual(
        expect.arrayContaining([email, 'zed@example.org']),
      );
      expect(await store.suppressedAmong(['nobody@example.org'])).toEqual([]);
      expect(await store.suppressedAmong([])).toEqual([]);
      expect(await store.unsuppress(email)).toBe(true);
      expect(await store.unsuppress(email)).toBe(false);
    });

    it('reads the status and layout of the subscribers of a batch of deliveries in one call, the missing ones left out', async () => {
      const store = await engine.open();
      const rows = await planned(engine, store, 3);
      const ids = rows.map((r) => r.subscriberId);
      const first = (await store.getSubscriber(ids[0]!))!;
      await store.saveSubscribers([
        { subscriber: { ...first, status: 'unsubscribed', layout: 'compact' }, events: [] },
      ]);
      const found = await store.subscriberStates([...ids, 'sub_gone', ids[0]!]);
      expect(found.map((s) => s.id).sort()).toEqual([...new Set(ids)].sort());
      for (const s of found) {
        const { id, status, layout } = (await store.getSubscriber(s.id))!;
        expect(s).toEqual({ id, status, ...(layout ? { layout } : {}) });
      }
      expect(found.find((s) => s.id === first.id)).toEqual({ id: first.id, status: 'unsubscribed', layout: 'compact' });
      expect(await store.subscriberStates([])).toEqual([]);
    });
  });

  describe('confirmation emails', () => {
    it('queues one per subscriber at a time with the subscriber, claims them by subscriber, and issues tokens only to the pending', async () => {
      const store = await engine.open();
      const [ann, bo, cy] = [
        subscriber({ status: 'pending', confirmedAt: null }),
        subscriber({ status: 'pending', confirmedAt: null }),
        subscriber(),
      ];
      const queue = (s: typeof ann, id: string, when: string) => ({
        subscriber: s,
        events: [],
        confirmation: { id, messageId: `${id}@x`, at: when },
      });
      await store.saveSubscribers([
        queue(ann, 'c_ann', at(5)),
        queue(bo, 'c_bo', at(0)),
        { subscriber: cy, events: [] },
      ]);
      expect(await store.getDelivery('c_ann')).toMatchObject({
        kind: 'confirmation',
        digestId: null,
        subscriberId: ann.id,
        email: ann.email,
        status: 'pending',
        nextAttemptAt: at(5),
        messageId: 'c_ann@x',
      });
      // Asked again while one waits: no second row, the waiting one is due sooner (never later).
      await store.saveSubscribers([queue(ann, 'c_ann2', at(1)), queue(bo, 'c_bo2', at(9))]);
      expect(await store.getDelivery('c_ann2')).toBeUndefined();
      expect((await store.getDelivery('c_ann'))?.nextAttemptAt).toBe(at(1));
      expect((await store.getDelivery('c_bo'))?.nextAttemptAt).toBe(at(0));
      expect(await store.countDeliveries()).toMatchObject({ pending: 2 });

      expect(await store.claimConfirmations([ann.id], 'w', at(0), 5)).toEqual([]); // not due yet
      expect(
        (await store.claimConfirmations([ann.id, cy.id], 'w', at(1), 5)).map((d) => [d.id, d.status, d.attempts]),
      ).toEqual([['c_ann', 'sending', 1]]);
      // While it is being sent, another request adds nothing and leaves it alone.
      await store.saveSubscribers([queue(ann, 'c_ann3', at(2))]);
      expect(await store.getDelivery('c_ann3')).toBeUndefined();
      expect(await store.getDelivery('c_ann')).toMatchObject({ status: 'sending', nextAttemptAt: at(1) });
      await store.finishDelivery('c_ann', 'w', { status: 'sent', sentAt: at(2) }, at(2));
      // Once it went out, a new one may be queued; digest claims take confirmation rows too.
      await store.saveSubscribers([queue(ann, 'c_ann4', at(3))]);
      expect((await store.claimDeliveries('w2', at(3), 5)).map((d) => d.id)).toEqual(['c_bo', 'c_ann4']);

      const token = { hash: 'h'.repeat(64), expiresAt: at(2880), sentAt: at(3) };
      expect(await store.issueConfirmToken(ann.id, token)).toBe(true);
      expect(await store.getSubscriber(ann.id)).toMatchObject({
        status: 'pending',
        confirmTokenHash: token.hash,
        confirmExpiresAt: at(2880),
        confirmSentAt: at(3),
      });
      expect(await store.issueConfirmToken(cy.id, { ...token, hash: 'c'.repeat(64) })).toBe(false);
      expect((await store.getSubscriber(cy.id))?.confirmTokenHash).toBeNull();
      await store.probeWrite(at(4));
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
      expect(slots.map((s) => s.atMs).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 10 }, (_, i) => 5_000 + i * 10),
      );
    });
  });

  describe('export and import', () => {
    it('refuses to import into a store that already has data, and writes nothing of a failed import', async () => {
      const store = await engine.open();
      await planned(engine, store, 1);
      await expect(store.importRows(pagesOf([]))).rejects.toThrow(/empty store/);
      const empty = await engine.open();
      const broken = pagesOf([
        { table: 'topics', rows: [{ slug: 'nas', name: 'NAS', query: 'nas', created_at: T0, updated_at: T0 }] },
        { table: 'papers', rows: [{ id: 'arxiv:1', title: null, first_seen_at: T0, updated_at: T0 }] },
      ]);
      await expect(empty.importRows(broken)).rejects.toThrow();
      expect(await empty.listTopics()).toEqual([]);
      await expect(
        empty.importRows(pagesOf([{ table: 'papers', rows: [{ 'id) VALUES (1); --': 'x' }] }])),
      ).rejects.toThrow(/unknown column/);
    });
  });
}
