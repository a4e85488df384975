// The planning part of the store contract (see store-contract.ts): schedule slots, unplanned
// subscribers, deliveries created from subscriber rows, what a new edition must leave out, the
// counts the operator sees, and the change counters the planner and the feeds rely on.
import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/domain/subscriber.js';
import { TRANSFER_TABLES, type PlanCandidate, type RunRecord, type Store } from '../../src/store/ports.js';
import { paperInput } from '../helpers/factories.js';
import { T0, addDeliveries, at, digest, pagesOf, subscriber } from './fixtures.js';
import type { Engine } from './store-contract.js';

const save = (store: Store, subs: Subscriber[]) =>
  store.saveSubscribers(subs.map((s) => ({ subscriber: s, events: [] })));

const DAILY_8 = { frequency: 'daily', timezone: 'UTC', sendHour: 8 } as const;
const DAY = { kind: 'day', key: '2026-11-26' } as const;

async function unplanned(
  store: Store,
  slots: readonly (typeof DAILY_8 | Subscriber)[],
  period: { kind: 'day' | 'week'; key: string } = DAY,
) {
  const seen: PlanCandidate[] = [];
  const n = await store.eachUnplannedSubscriber(
    { slots: slots.map((s) => ({ frequency: s.frequency, timezone: s.timezone, sendHour: s.sendHour })), period },
    (c) => seen.push(c),
  );
  expect(n).toBe(seen.length);
  return seen.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** A delivery of `digestId` to each subscriber, with the given status (pending if none). */
async function gave(engine: Engine, store: Store, digestId: string, subs: Subscriber[], status?: string) {
  const rows = subs.map((s) => ({
    id: `dlv_${digestId}_${s.id}`,
    digestId,
    subscriberId: s.id,
    email: s.email,
    messageId: `${s.id}@x`,
  }));
  await addDeliveries(engine, store, rows);
  if (status)
    await engine.exec(
      store,
      `UPDATE deliveries SET ${status} WHERE id IN (${rows.map((r) => `'${r.id}'`).join(', ')})`,
    );
}

export function planningContract(engine: Engine): void {
  describe('planning', () => {
    it('groups confirmed subscribers by schedule slot and counts subscribers by status and suppressions', async () => {
      const store = await engine.open();
      const weekly = subscriber({ frequency: 'weekly', timezone: 'Europe/Paris', sendHour: 7 });
      const daily = [subscriber(), subscriber(), subscriber()];
      await save(store, [
        ...daily,
        weekly,
        subscriber({ status: 'pending' }),
        subscriber({ status: 'unsubscribed' }),
        subscriber({ sendHour: 9, status: 'pending' }),
      ]);
      expect(await store.confirmedSlots()).toEqual([
        { ...DAILY_8, subscribers: 3 },
        { frequency: 'weekly', timezone: 'Europe/Paris', sendHour: 7, subscribers: 1 },
      ]);
      expect(await store.countSubscribers()).toEqual({ pending: 2, confirmed: 4, unsubscribed: 1, suppressed: 0 });
      expect(await store.countSuppressions()).toBe(0);
      await store.suppress(daily[0]!.email, 'hard-bounce', '550', at(1));
      await store.suppress('stranger@example.org', 'manual', null, at(1));
      expect(await store.countSubscribers()).toEqual({ pending: 2, confirmed: 3, unsubscribed: 1, suppressed: 1 });
      expect(await store.countSuppressions()).toBe(2);
      expect((await store.confirmedSlots()).find((s) => s.frequency === 'daily')?.subscribers).toBe(2);

      // A slot's confirmed subscribers by address, at most `limit`, with their topics.
      const confirmedDaily = daily
        .slice(1)
        .map((s) => s.email)
        .sort();
      expect((await store.listSlotSubscribers(DAILY_8, 10)).map((s) => s.email)).toEqual(confirmedDaily);
      expect((await store.listSlotSubscribers(DAILY_8, 1)).map((s) => s.email)).toEqual(confirmedDaily.slice(0, 1));
      expect(
        await store.listSlotSubscribers({ frequency: 'weekly', timezone: 'Europe/Paris', sendHour: 7 }, 10),
      ).toEqual([await store.getSubscriber(weekly.id)]);
      expect(await store.listSlotSubscribers({ ...DAILY_8, sendHour: 9 }, 10)).toEqual([]);
    });

    it('lists schedule slots by frequency, time zone and hour, whatever order their subscribers came in', async () => {
      // The planner walks the slots in this order (jobs/edition/plan.ts): the same list, the same run.
      const store = await engine.open();
      const slots = [
        { frequency: 'weekly', timezone: 'UTC', sendHour: 6 },
        { frequency: 'daily', timezone: 'UTC', sendHour: 9 },
        { frequency: 'daily', timezone: 'Europe/Paris', sendHour: 7 },
        { frequency: 'daily', timezone: 'UTC', sendHour: 10 },
        { frequency: 'daily', timezone: 'Asia/Tokyo', sendHour: 23 },
        { frequency: 'weekly', timezone: 'America/New_York', sendHour: 8 },
      ] as const;
      for (const slot of slots) await save(store, [subscriber(slot)]);
      expect((await store.confirmedSlots()).map((s) => `${s.frequency} ${s.timezone} ${s.sendHour}`)).toEqual([
        'daily Asia/Tokyo 23',
        'daily Europe/Paris 7',
        'daily UTC 9',
        'daily UTC 10',
        'weekly America/New_York 8',
        'weekly UTC 6',
      ]);
    });

    it('streams the unplanned confirmed subscribers of the slots, with their existing topics and when they confirmed', async () => {
      const store = await engine.open();
      await store.saveTopic({ slug: 'nas', name: 'NAS', query: 'nas' }, T0);
      await store.saveTopic({ slug: 'llm', name: 'LLM', query: 'llm' }, T0);
      const ada = subscriber({ topics: ['nas', 'gone', 'llm'], confirmedAt: at(-90) });
      const imported = subscriber({ confirmedAt: null });
      const onlyGone = subscriber({ topics: ['gone'] });
      const noTopics = subscriber({ topics: [] });
      const otherHour = subscriber({ sendHour: 9 });
      const pending = subscriber({ status: 'pending' });
      const planned = subscriber();
      const weekly = subscriber({ frequency: 'weekly', topics: ['llm'] });
      await save(store, [ada, imported, onlyGone, noTopics, otherHour, pending, planned, weekly]);
      // `planned` has this period's digest already; the other period's digest does not count.
      await store.insertDigest(digest({ key: '2026-11-26' }));
      await store.insertDigest(digest({ key: '2026-11-25' }));
      await gave(engine, store, digest({ key: '2026-11-26' }).id, [planned]);
      await gave(engine, store, digest({ key: '2026-11-25' }).id, [ada]);

      expect(await unplanned(store, [DAILY_8])).toEqual(
        [
          { id: ada.id, topics: ['llm', 'nas'], ...DAILY_8, confirmedAt: at(-90) },
          { id: imported.id, topics: ['nas'], ...DAILY_8, confirmedAt: null },
        ].sort((a, b) => (a.id < b.id ? -1 : 1)),
      );
      expect((await unplanned(store, [DAILY_8, otherHour, DAILY_8])).map((c) => c.id)).toEqual(
        [ada.id, imported.id, otherHour.id].sort(),
      );
      expect((await unplanned(store, [DAILY_8], { kind: 'day', key: '2026-11-25' })).map((c) => c.id)).toEqual(
        [imported.id, planned.id].sort(),
      );
      expect(await unplanned(store, [weekly], { kind: 'week', key: '2026-W48' })).toEqual([
        { id: weekly.id, topics: ['llm'], frequency: 'weekly', timezone: 'UTC', sendHour: 8, confirmedAt: T0 },
      ]);
      expect(await unplanned(store, [])).toEqual([]);
    });

    it('creates deliveries from subscriber rows: the address copied, confirmed only, once per digest and subscriber', async () => {
      const store = await engine.open();
      await store.saveTopic({ slug: 'nas', name: 'NAS', query: 'nas' }, T0);
      const [ada, bob, gone] = [subscriber(), subscriber(), subscriber()];
      await save(store, [ada!, bob!, gone!, subscriber({ status: 'pending' })]);
      await save(store, [{ ...gone!, status: 'unsubscribed' }]);
      const d = digest({ key: '2026-11-26' });
      await store.insertDigest(d);
      const rows = [ada!, bob!, gone!].map((s, i) => ({ id: `dlv_${i}`, digestId: d.id, subscriberId: s.id }));
      expect(
        await store.createDeliveriesFor(
          [...rows, { id: 'dlv_x', digestId: d.id, subscriberId: 'sub_unknown' }],
          'papers.example.org',
          at(5),
        ),
      ).toBe(2);
      expect(await store.getDelivery('dlv_0')).toMatchObject({
        digestId: d.id,
        subscriberId: ada!.id,
        email: ada!.email,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: at(5),
        messageId: 'dlv_0@papers.example.org',
        createdAt: at(5),
        claimedBy: null,
      });
      expect(await store.getDelivery('dlv_2')).toBeUndefined();
      expect(
        await store.createDeliveriesFor(
          rows.map((r) => ({ ...r, id: `${r.id}_again` })),
          'papers.example.org',
          at(6),
        ),
      ).toBe(0);
      expect(await store.createDeliveriesFor([], 'papers.example.org', at(6))).toBe(0);
      expect(await unplanned(store, [DAILY_8])).toEqual([]);

      // All or nothing: a row naming a digest that does not exist fails the whole set.
      const later = digest({ key: '2026-11-27' });
      await store.insertDigest(later);
      const broken = [
        { id: 'dlv_ok', digestId: later.id, subscriberId: ada!.id },
        { id: 'dlv_bad', digestId: 'dg_none', subscriberId: bob!.id },
      ];
      await expect(store.createDeliveriesFor(broken, 'papers.example.org', at(7))).rejects.toThrow();
      expect(await store.getDelivery('dlv_ok')).toBeUndefined();
      expect(await store.countDeliveries()).toMatchObject({ pending: 2 });

      // A large set goes in whole.
      const many = Array.from({ length: 5100 }, () => subscriber());
      await save(store, many);
      const manyRows = many.map((s, i) => ({ id: `dlv_m${i}`, digestId: later.id, subscriberId: s.id }));
      expect(await store.createDeliveriesFor(manyRows, 'papers.example.org', at(8))).toBe(5100);
    });

    it('writes the digests planned with their deliveries in the same transaction: both, or neither', async () => {
      const store = await engine.open();
      const [ada, bob] = [subscriber(), subscriber()];
      await save(store, [ada!, bob!]);
      const own = (s: Subscriber, i: number) =>
        digest({
          key: '2026-11-26',
          editionKey: `nas@+reader:${s.id}`,
          paperIds: [`arxiv:${i}`, 'arxiv:9'],
          html: '',
          text: '',
          view: `packed-${i}`,
        });
      const [forAda, forBob] = [own(ada!, 1), own(bob!, 2)];
      const rows = [
        { id: 'dlv_a', digestId: forAda.id, subscriberId: ada!.id },
        { id: 'dlv_b', digestId: forBob.id, subscriberId: bob!.id },
      ];
      // A failed set leaves no digest behind.
      const broken = [...rows, { id: 'dlv_bad', digestId: 'dg_none', subscriberId: bob!.id }];
      await expect(store.createDeliveriesFor(broken, 'papers.example.org', at(5), [forAda, forBob])).rejects.toThrow();
      expect(await store.getDigest(forAda.id)).toBeUndefined();
      expect(await store.digestWindow(forAda.editionKey, 'day', '2026-11-26')).toBeUndefined();
      const versionBefore = await store.contentVersion();

      expect(await store.createDeliveriesFor(rows, 'papers.example.org', at(5), [forAda, forBob])).toBe(2);
      expect(await store.getDigest(forBob.id)).toMatchObject({
        editionKey: forBob.editionKey,
        period: forBob.period,
        paperIds: forBob.paperIds,
        updatedIds: [],
        subject: forBob.subject,
        html: '',
        view: 'packed-2',
      });
      expect(await store.findDigest(forAda.editionKey, 'day', '2026-11-26')).toMatchObject({ view: 'packed-1' });
      expect(await store.getDelivery('dlv_a')).toMatchObject({ digestId: forAda.id, status: 'pending' });
      // Its window alone, for the window of the editions after it.
      expect(await store.digestWindow(forAda.editionKey, 'day', '2026-11-26')).toEqual({
        windowStart: forAda.windowStart,
        cutoffAt: forAda.cutoffAt,
      });
      expect(await store.contentVersion()).not.toBe(versionBefore);
      // Indexed as any digest is: who had its papers is found.
      expect(
        await store.receivedAnyOf({
          subscriberIds: [ada!.id, bob!.id],
          paperIds: ['arxiv:1'],
          after: '2026-11-25T00:00:00.000Z',
          period: { kind: 'day', key: '2026-11-27' },
          topicSet: 'nas',
        }),
      ).toEqual(new Map([[ada!.id, forAda.cutoffAt]]));
      // A digest already stored is kept, as insertDigest keeps it; digests alone may be written.
      expect(await store.createDeliveriesFor([], 'papers.example.org', at(6), [{ ...forAda, subject: 'again' }])).toBe(
        0,
      );
      expect((await store.getDigest(forAda.id))?.subject).toBe(forAda.subject);
    });

    it('names who a new edition does not fit: had one of its papers, or missed an edition, with their last cutoff', async () => {
      const store = await engine.open();
      const after = '2026-11-25T08:00:00.000Z';
      const period = { kind: 'day', key: '2026-11-26' } as const;
      const subs = Array.from({ length: 10 }, () => subscriber());
      const [hadPaper, samePeriod, missed, upToDate, fresh, bounced, interrupted, skipped, oldPaper, hadBoth] =
        subs as [Subscriber, ...Subscriber[]];
      await save(store, subs);
      const old = digest({ key: '2026-11-24', paperIds: ['arxiv:1', 'arxiv:5'], cutoffAt: '2026-11-24T08:00:00.000Z' });
      const last = digest({ key: '2026-11-25', paperIds: ['arxiv:2'], cutoffAt: after });
      // Another topic set's edition, cut off later in the day: it already holds arxiv:5.
      const evening = digest({
        key: '2026-11-25',
        editionKey: 'llm',
        paperIds: ['arxiv:5', 'arxiv:9'],
        cutoffAt: '2026-11-25T20:00:00.000Z',
      });
      // An edition of the period being planned: what it holds is not searched.
      const current = digest({
        key: '2026-11-26',
        editionKey: 'llm',
        paperIds: ['arxiv:6'],
        cutoffAt: '2026-11-26T08:00:00.000Z',
      });
      for (const d of [old, last, evening, current]) await store.insertDigest(d);
      await gave(engine, store, old.id, [missed!, bounced!, interrupted!, oldPaper!, hadBoth!]);
      await gave(engine, store, last.id, [hadPaper!, samePeriod!, upToDate!, oldPaper!, skipped!]);
      await gave(engine, store, evening.id, [hadPaper!, hadBoth!]);
      await gave(engine, store, current.id, [samePeriod!]);
      await gave(engine, store, evening.id, [skipped!], `status = 'skipped', error_kind = 'unsubscribed'`);
      await engine.exec(
        store,
        `UPDATE deliveries SET status = 'failed', error_kind = 'hard-bounce' WHERE subscriber_id = '${bounced!.id}'`,
      );
      await engine.exec(
        store,
        `UPDATE deliveries SET status = 'failed', error_kind = 'interrupted' WHERE subscriber_id = '${interrupted!.id}'`,
      );
      await engine.exec(store, `UPDATE deliveries SET status = 'sent' WHERE subscriber_id = '${hadPaper!.id}'`);

      const ask = (paperIds: string[]) =>
        store.receivedAnyOf({
          subscriberIds: [...subs.map((s) => s.id), 'sub_unknown'],
          paperIds,
          after,
          period,
          topicSet: last.editionKey,
        });
      const sorted = (m: Map<string, string>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
      expect(sorted(await ask(['arxiv:5', 'arxiv:6']))).toEqual(
        [
          [hadPaper!.id, '2026-11-25T20:00:00.000Z'],
          [missed!.id, '2026-11-24T08:00:00.000Z'],
          [interrupted!.id, '2026-11-24T08:00:00.000Z'],
          [hadBoth!.id, '2026-11-25T20:00:00.000Z'],
        ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
      );
      // No papers in common: only those who missed an edition.
      expect(sorted(await ask([]))).toEqual(
        [
          [missed!.id, '2026-11-24T08:00:00.000Z'],
          [interrupted!.id, '2026-11-24T08:00:00.000Z'],
        ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
      );
      expect(sorted(await ask(['arxiv:1']))).toEqual(sorted(await ask([]))); // in an older digest only: not searched
      expect(
        await store.receivedAnyOf({
          subscriberIds: [],
          paperIds: ['arxiv:5'],
          after,
          period,
          topicSet: last.editionKey,
        }),
      ).toEqual(new Map());
      // In the order asked: the planner forms an edition's variants in this order.
      const asked = [...subs].reverse().map((s) => s.id);
      const answered = await store.receivedAnyOf({
        subscriberIds: asked,
        paperIds: ['arxiv:5', 'arxiv:6'],
        after,
        period,
        topicSet: last.editionKey,
      });
      expect([...answered.keys()]).toEqual([hadBoth!.id, interrupted!.id, missed!.id, hadPaper!.id]);
      // Spelled out: a new reader, the up-to-date ones, and those whose only other rows never went out.
      const fits = await ask(['arxiv:5', 'arxiv:6']);
      for (const s of [fresh, upToDate, samePeriod, skipped, bounced, oldPaper]) expect(fits.has(s!.id)).toBe(false);
    });

    it('finds a paper in an edition of any other period, earlier or later, daily or weekly, however many of the period planned hold it', async () => {
      const store = await engine.open();
      const after = '2026-11-25T08:00:00.000Z';
      const period = { kind: 'day', key: '2026-11-26' } as const;
      const subs = Array.from({ length: 5 }, () => subscriber());
      const [earlierDay, laterDay, weekly, planned, none] = subs as [Subscriber, ...Subscriber[]];
      await save(store, subs);
      const dayDigest = (key: string, cutoffAt: string) =>
        digest({ key, editionKey: 'llm', paperIds: ['arxiv:7'], cutoffAt });
      const earlier = dayDigest('2026-11-25', '2026-11-25T20:00:00.000Z');
      const later = dayDigest('2026-11-27', '2026-11-27T08:00:00.000Z');
      const week = digest({
        id: 'dg_week',
        editionKey: 'llm',
        period: {
          kind: 'week',
          key: '2026-W48',
          start: new Date('2026-11-23T00:00:00.000Z'),
          end: new Date('2026-11-30T00:00:00.000Z'),
        },
        paperIds: ['arxiv:8', 'arxiv:7'],
        cutoffAt: '2026-11-25T09:00:00.000Z',
      });
      // Many editions of the period planned hold the paper too, as a planning run makes them.
      const ofPeriod = Array.from({ length: 30 }, (_, i) =>
        digest({
          key: '2026-11-26',
          editionKey: `set${i}`,
          paperIds: ['arxiv:7'],
          cutoffAt: '2026-11-26T08:00:00.000Z',
        }),
      );
      for (const d of [earlier, later, week, ...ofPeriod]) await store.insertDigest(d);
      await gave(engine, store, earlier.id, [earlierDay!]);
      await gave(engine, store, later.id, [laterDay!]);
      await gave(engine, store, week.id, [weekly!]);
      await gave(engine, store, ofPeriod[7]!.id, [planned!]);
      const found = await store.receivedAnyOf({
        subscriberIds: subs.map((s) => s.id),
        paperIds: ['arxiv:7'],
        after,
        period,
        topicSet: 'nas',
      });
      expect([...found.keys()]).toEqual([earlierDay!.id, laterDay!.id, weekly!.id]);
      expect(found.get(weekly!.id)).toBe('2026-11-25T09:00:00.000Z');
      expect(found.has(planned!.id) || found.has(none!.id)).toBe(false);
    });
  });

  describe('run history', () => {
    const run = (o: Partial<RunRecord>): RunRecord => ({
      job: 'deliver',
      startedAt: T0,
      durationMs: 10,
      outcome: 'ok',
      planned: 0,
      sent: 0,
      failed: 0,
      skipped: 0,
      source: null,
      detail: null,
      ...o,
    });
    const DAY1 = '2026-11-24T09:00:00.000Z';
    const DAY2 = '2026-11-25T09:00:00.000Z';
    const history = [
      run({ job: 'plan', startedAt: DAY1, planned: 5, detail: { due: 5, groups: 1 } }),
      run({ startedAt: DAY1, sent: 3, failed: 1, skipped: 1, durationMs: 12.6 }),
      run({ job: 'ingest', startedAt: DAY1, source: 'https://export.arxiv.org/rss/cs.LG', detail: { added: 4 } }),
      run({ job: 'ingest', startedAt: DAY1, source: 'data/hf.json', outcome: 'failed', detail: { error: 'HTTP 503' } }),
      run({ startedAt: DAY2, sent: 2 }),
      run({ startedAt: DAY2, outcome: 'failed', detail: { error: 'SMTP down' } }),
      run({
        job: 'ingest',
        startedAt: DAY2,
        source: 'https://export.arxiv.org/rss/cs.LG',
        outcome: 'failed',
        detail: { error: 'timeout' },
      }),
      run({ job: 'ingest', startedAt: DAY2, source: 'data/papers.json' }),
    ];

    it('lists runs newest first, totals by job and outcome, and tells each source how it fares', async () => {
      const store = await engine.open();
      for (const r of history) await store.recordRun(r);
      expect(await store.listRuns({ limit: 3 })).toEqual(history.slice(-3).reverse());
      expect((await store.listRuns({ limit: 100 }))[6]).toEqual({ ...history[1], durationMs: 13 });
      // Runs report what they did; the deliveries per day come from the delivery rows, not from these sums.
      expect(await store.deliveriesPerDay('2026-11-24')).toEqual([]);
      expect(await store.runTotals()).toEqual([
        { job: 'deliver', outcome: 'failed', runs: 1, planned: 0, sent: 0, failed: 0, skipped: 0 },
        { job: 'deliver', outcome: 'ok', runs: 2, planned: 0, sent: 5, failed: 1, skipped: 1 },
        { job: 'ingest', outcome: 'failed', runs: 2, planned: 0, sent: 0, failed: 0, skipped: 0 },
        { job: 'ingest', outcome: 'ok', runs: 2, planned: 0, sent: 0, failed: 0, skipped: 0 },
        { job: 'plan', outcome: 'ok', runs: 1, planned: 5, sent: 0, failed: 0, skipped: 0 },
      ]);
      expect(await store.sourceHealth()).toEqual([
        { source: 'data/hf.json', last: history[3], lastOkAt: null },
        { source: 'data/papers.json', last: history[7], lastOkAt: DAY2 },
        { source: 'https://export.arxiv.org/rss/cs.LG', last: history[6], lastOkAt: DAY1 },
      ]);
    });

    it('moves with an export, and runs recorded after an import come after the copied ones', async () => {
      const store = await engine.open();
      for (const r of history) await store.recordRun(r);
      const copy = await engine.open();
      const pages = [];
      for (const table of TRANSFER_TABLES) pages.push({ table, rows: await store.exportRows(table, 0, 1000) });
      expect(pages.find((p) => p.table === 'meta')?.rows.map((r) => r.key)).not.toContain('content_version');
      expect((await copy.importRows(pagesOf(pages))).runs).toBe(history.length);
      expect(await copy.listRuns({ limit: 100 })).toEqual(await store.listRuns({ limit: 100 }));
      const next = run({ startedAt: '2026-11-26T09:00:00.000Z', sent: 7 });
      await copy.recordRun(next);
      expect(await copy.listRuns({ limit: 1 })).toEqual([next]);
      expect(await copy.runTotals()).toContainEqual({
        job: 'deliver',
        outcome: 'ok',
        runs: 3,
        planned: 0,
        sent: 12,
        failed: 1,
        skipped: 1,
      });
    });
  });

  describe('change counters', () => {
    it('moves the content version with papers, topics and digests, and the plan version with what can give the planner work', async () => {
      const store = await engine.open();
      const versions = async () => ({ content: await store.contentVersion(), plan: await store.planVersion() });
      let last = await versions();
      const expectChange = async (content: boolean, plan: boolean, what: string) => {
        const now = await versions();
        expect({ what, content: now.content !== last.content, plan: now.plan !== last.plan }).toEqual({
          what,
          content,
          plan,
        });
        last = now;
      };
      const paper = paperInput({ arxivId: '2411.00001', version: 1 });
      await store.upsertPapers([paper], at(0));
      await expectChange(true, true, 'new paper');
      await store.upsertPapers([paper], at(1));
      await expectChange(false, false, 'unchanged paper');
      await store.upsertPapers([{ ...paper, title: 'New title' }], at(2));
      await expectChange(true, false, 'updated paper, same version');
      await store.upsertPapers([{ ...paper, version: 2, title: 'Newer title' }], at(2));
      await expectChange(true, true, 'revised paper (a group with nothing new may now show it)');
      await store.saveTopic({ slug: 'nas', name: 'NAS', query: 'nas' }, at(3));
      await expectChange(true, true, 'new topic');
      await store.saveTopic({ slug: 'nas', name: 'Neural search', query: 'nas' }, at(4));
      await expectChange(true, true, 'changed topic');
      await store.insertDigest(digest());
      await expectChange(true, false, 'new digest');
      await store.insertDigest(digest({ id: 'dg_again' }));
      await expectChange(false, false, 'same edition again');
      const ada = subscriber();
      await save(store, [ada]);
      await expectChange(false, true, 'new subscriber');
      await save(store, [{ ...ada, topics: ['nas', 'llm'] }]);
      await expectChange(false, true, 'topics of a subscriber');
      await store.createDeliveriesFor([{ id: 'dlv_1', digestId: digest().id, subscriberId: ada.id }], 'x.org', at(5));
      const [claimed] = await store.claimDeliveries('w', at(5), 1);
      await store.finishDelivery(claimed!.id, 'w', { status: 'sent', sentAt: at(6) }, at(6));
      await store.setMeta('note', 'x');
      await store.recordRun({
        job: 'plan',
        startedAt: at(6),
        durationMs: 1,
        outcome: 'ok',
        planned: 1,
        sent: 0,
        failed: 0,
        skipped: 0,
        source: null,
        detail: null,
      });
      await expectChange(false, false, "the planner's and sender's own writes");
      await store.suppress('stranger@example.org', 'manual', null, at(7));
      await expectChange(false, false, 'suppressing an address no subscriber has');
      await store.suppress(ada.email, 'manual', null, at(7));
      await expectChange(false, true, 'suppressing a subscriber');
      await engine.exec(store, 'DELETE FROM deliveries');
      await expectChange(false, true, 'removed deliveries');
      await store.deleteSubscriber(ada.id, {
        subscriberId: ada.id,
        email: ada.email,
        type: 'admin',
        at: at(8),
        topics: [],
        source: 'test',
      });
      await expectChange(false, true, 'removed subscriber');
      await store.removeTopic('nas');
      await expectChange(true, true, 'removed topic');
      // Another process (or a restart) reads the same counters.
      const again = await engine.reopen(store);
      expect({ content: await again.contentVersion(), plan: await again.planVersion() }).toEqual(last);
      await again.upsertPapers([paperInput()], at(9));
      await expectChange(true, true, 'a paper written by another process');
    });
  });
}
