import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { nextSends, soonestSends } from '../../src/jobs/operate/next-sends.js';
import { silentLogger } from '../../src/log.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, SAMPLE_PAGE, fixedClock, tempDir, testApp } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { postgresAvailable } from '../helpers/system.js';
import { TOPICS } from '../helpers/web.js';

async function planningApp(env: Record<string, string> = {}) {
  const clock = fixedClock('2026-11-24T22:00:00Z');
  const app = await testApp({ clock, env });
  for (const t of TOPICS) await app.store.saveTopic(t, clock().toISOString());
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  const add = async (email: string, timezone: string, hour: number, frequency = 'daily') =>
    (
      await app.subscriptions.addByOperator(
        { email, topics: ['nas'], timezone, hour, frequency },
        { confirmed: true },
        { source: 'test' },
      )
    ).subscriber!;
  return { app, clock, add };
}

const at = (iso: string) => new Date(iso);

describe("planning at each subscriber's local hour", () => {
  it('plans Tokyo and Berlin at their own 08:00, once each, sharing one digest of the day', async () => {
    const { app, clock, add } = await planningApp();
    await add('tokyo@example.org', 'Asia/Tokyo', 8);
    await add('berlin@example.org', 'Europe/Berlin', 8);
    // Both confirmed at 22:00 UTC on 24 November, after Berlin's 08:00 of that day: their first
    // digest is the first one due after confirming, not an edition from before they signed up.
    expect(await app.planner.plan(at('2026-11-24T22:30:00Z'))).toMatchObject({ due: 0, deliveriesCreated: 0 });
    clock.set('2026-11-24T22:45:00Z');
    await app.ingester.ingestFiles([join(FIXTURES, 'papers-tricky.json')]);
    expect(await app.planner.plan(at('2026-11-24T22:59:00Z'))).toMatchObject({ due: 0 });
    // 08:00 in Tokyo on 25 November.
    expect(await app.planner.plan(at('2026-11-24T23:00:00Z'))).toMatchObject({
      due: 1,
      digestsCreated: 1,
      deliveriesCreated: 1,
    });
    expect(await app.planner.plan(at('2026-11-25T06:59:00Z'))).toMatchObject({ due: 0 });
    // 08:00 in Berlin: the same edition of 25 November.
    expect(await app.planner.plan(at('2026-11-25T07:00:00Z'))).toMatchObject({
      due: 1,
      digestsCreated: 0,
      deliveriesCreated: 1,
    });
    expect(await app.planner.plan(at('2026-11-25T12:00:00Z'))).toMatchObject({ due: 0, deliveriesCreated: 0 });
    const rows = await app.store.listDeliveries({ limit: 10 });
    expect(rows).toHaveLength(2);
    const [nov25] = await app.store.listDigests({ limit: 1 });
    expect(nov25?.period.key).toBe('2026-11-25');
    expect(
      rows
        .filter((d) => d.digestId === nov25?.id)
        .map((d) => d.email)
        .sort(),
    ).toEqual(['berlin@example.org', 'tokyo@example.org']);
  });

  it('catches up after downtime: a send hour that passed while down is planned when it comes back', async () => {
    const { app, add } = await planningApp();
    await add('berlin@example.org', 'Europe/Berlin', 8);
    // Down from before 07:00 UTC until 19:00 UTC.
    expect(await app.planner.plan(at('2026-11-25T19:00:00Z'))).toMatchObject({
      due: 1,
      deliveriesCreated: 1,
      tooLate: 0,
    });
  });

  it('skips a period that is later than MAX_LATE_HOURS; its papers go into the next edition', async () => {
    const { app, clock, add } = await planningApp({ MAX_LATE_HOURS: '6' });
    await add('berlin@example.org', 'Europe/Berlin', 8);
    expect(await app.planner.plan(at('2026-11-25T07:05:00Z'))).toMatchObject({ deliveriesCreated: 1 });
    clock.set('2026-11-25T10:00:00Z');
    await app.ingester.ingestFiles([join(FIXTURES, 'papers-tricky.json')]);
    // Down from before 07:00 UTC on the 26th until 19:00: twelve hours late.
    expect(await app.planner.plan(at('2026-11-26T19:00:00Z'))).toMatchObject({
      due: 0,
      tooLate: 1,
      deliveriesCreated: 0,
    });
    expect(await app.planner.plan(at('2026-11-27T07:05:00Z'))).toMatchObject({ due: 1, deliveriesCreated: 1 });
    const [latest] = await app.store.listDigests({ limit: 1 });
    expect(latest?.period.key).toBe('2026-11-27');
    expect(latest?.paperIds).toContain('arxiv:1908.09791');
  });

  it('sends weekly digests on the configured weekday', async () => {
    const { app, add } = await planningApp({ WEEKLY_SEND_DAY: '3' });
    await add('weekly@example.org', 'UTC', 9, 'weekly');
    expect(await app.planner.plan(at('2026-11-23T10:00:00Z'))).toMatchObject({ due: 0 }); // Monday
    expect(await app.planner.plan(at('2026-11-25T09:00:00Z'))).toMatchObject({ due: 1, deliveriesCreated: 1 }); // Wednesday
    expect(await app.planner.plan(at('2026-11-27T09:00:00Z'))).toMatchObject({ due: 0 });
    const [d] = await app.store.listDigests({ limit: 1 });
    expect(d?.period).toMatchObject({ kind: 'week', key: '2026-W48' });
  });

  it('lets one planner at a time work on a store; a second process waits its turn', async () => {
    const { app, add } = await planningApp();
    await add('berlin@example.org', 'Europe/Berlin', 8);
    const other = await createApp(app.config, { clock: app.clock, logger: silentLogger });
    try {
      const now = app.clock().toISOString();
      expect(await other.store.acquireLease('planner', 'someone-else', now, '2026-11-24T22:05:00.000Z')).toBe(true);
      expect(await app.planner.plan(at('2026-11-25T07:30:00Z'))).toMatchObject({
        busy: 'another process is planning',
        deliveriesCreated: 0,
      });
      await other.store.releaseLease('planner', 'someone-else');
      // Planned from both at once: the lease and the unique keys leave one delivery.
      const both = await Promise.all([
        app.planner.plan(at('2026-11-25T07:30:00Z')),
        other.planner.plan(at('2026-11-25T07:30:00Z')),
      ]);
      expect(both.reduce((n, r) => n + r.deliveriesCreated, 0)).toBe(1);
      expect(await app.store.listDeliveries({ limit: 10 })).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('takes over a lease its holder left behind', async () => {
    const { app, add } = await planningApp();
    await add('berlin@example.org', 'Europe/Berlin', 8);
    await app.store.acquireLease('planner', 'a-dead-process', '2026-11-24T21:00:00.000Z', '2026-11-24T21:05:00.000Z');
    expect(await app.planner.plan(at('2026-11-25T07:30:00Z'))).toMatchObject({ deliveriesCreated: 1 });
  });

  it('tells the next send of each subscriber in UTC order', async () => {
    const { app, add } = await planningApp();
    await add('berlin@example.org', 'Europe/Berlin', 8);
    await add('kolkata@example.org', 'Asia/Kolkata', 9);
    await add('later@example.org', 'America/New_York', 7);
    await app.planner.plan(at('2026-11-25T07:30:00Z'));
    const sends = await nextSends(app.store, loadConfig({}), at('2026-11-25T07:30:00Z'));
    expect(sends.map((s) => [s.subscriber.email, s.due.sendAt.toISOString(), s.due.period.key])).toEqual([
      ['later@example.org', '2026-11-25T12:00:00.000Z', '2026-11-25'],
      ['kolkata@example.org', '2026-11-26T03:30:00.000Z', '2026-11-26'],
      ['berlin@example.org', '2026-11-26T07:00:00.000Z', '2026-11-26'],
    ]);
  });

  const engines: [string, () => Record<string, string>][] = [['SQLite', () => ({})]];
  if (postgresAvailable()) engines.push(['PostgreSQL', () => freshSchema().env]);
  for (const [engine, env] of engines) {
    it(`tells the soonest sends from the schedule slots, the same as the full list would (${engine})`, async () => {
      const { app, add } = await planningApp(env());
      await add('berlin@example.org', 'Europe/Berlin', 8);
      await add('berlin-too@example.org', 'Europe/Berlin', 8);
      await add('kolkata@example.org', 'Asia/Kolkata', 9);
      await add('later@example.org', 'America/New_York', 7);
      // Confirmed after this week's Monday send time: that edition is not theirs, the next one is.
      await add('weekly@example.org', 'UTC', 6, 'weekly');
      await app.planner.plan(at('2026-11-25T07:30:00Z'));
      // Confirmed before today's 07:00 UTC but not planned yet: overdue, sent at the next planning run.
      await add('overdue@example.org', 'Europe/Berlin', 8);
      await add('utc-overdue@example.org', 'UTC', 7);
      const now = at('2026-11-25T07:45:00Z');
      const all = await nextSends(app.store, loadConfig({}), now);
      const view = (sends: { subscriber: { email: string }; due: { sendAt: Date } }[]) =>
        sends.map((s) => [s.subscriber.email, s.due.sendAt.toISOString()]);
      expect(view(all)).toEqual([
        ['overdue@example.org', '2026-11-25T07:00:00.000Z'],
        ['utc-overdue@example.org', '2026-11-25T07:00:00.000Z'],
        ['later@example.org', '2026-11-25T12:00:00.000Z'],
        ['kolkata@example.org', '2026-11-26T03:30:00.000Z'],
        ['berlin-too@example.org', '2026-11-26T07:00:00.000Z'],
        ['berlin@example.org', '2026-11-26T07:00:00.000Z'],
        ['weekly@example.org', '2026-11-30T06:00:00.000Z'],
      ]);
      for (let limit = 1; limit <= all.length + 1; limit++) {
        const { sends, confirmed } = await soonestSends(app.store, loadConfig({}), now, limit);
        expect(view(sends)).toEqual(view(all.slice(0, limit)));
        expect(confirmed).toBe(7);
      }
    });
  }
});

describe('never the same paper twice', () => {
  it('gives a subscriber who changed topics an edition without the papers they already had', async () => {
    const { app, clock, add } = await planningApp();
    const berlin = await add('berlin@example.org', 'Europe/Berlin', 8);
    const utc = await add('utc@example.org', 'UTC', 8);
    await app.subscriptions.savePreferences(
      berlin,
      { topics: ['nas', 'llm-serving'], timezone: 'Europe/Berlin', hour: 8 },
      { source: 'test' },
    );
    const dir = tempDir();
    const newPaper = (name: string, title: string) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify([{ title, abstract: 'A neural architecture search method.' }]));
      return file;
    };

    await app.planner.plan(at('2026-11-25T07:00:00Z')); // Berlin: {llm-serving,nas}, papers up to 07:00
    clock.set('2026-11-25T07:30:00Z');
    await app.ingester.ingestFiles([newPaper('a.json', 'NAS paper seen at 07:30')]);
    await app.planner.plan(at('2026-11-25T08:00:00Z')); // UTC: {nas}, which includes the 07:30 paper

    // The UTC subscriber moves to Berlin's topics.
    await app.subscriptions.savePreferences(
      (await app.store.getSubscriber(utc.id))!,
      { topics: ['llm-serving', 'nas'], timezone: 'UTC', hour: 8 },
      { source: 'test' },
    );
    clock.set('2026-11-25T12:00:00Z');
    await app.ingester.ingestFiles([newPaper('b.json', 'NAS paper seen at noon')]);
    await app.planner.plan(at('2026-11-26T07:00:00Z')); // Berlin's next edition: the 07:30 and noon papers
    const report = await app.planner.plan(at('2026-11-26T08:00:00Z'));
    expect(report).toMatchObject({ due: 1, deliveriesCreated: 1, digestsCreated: 1 });

    const papersOf = async (subscriberId: string) => {
      const ids: string[] = [];
      for (const d of await app.store.listDeliveries({ limit: 100 })) {
        if (d.subscriberId !== subscriberId) continue;
        ids.push(...(await app.store.getDigest(d.digestId!))!.paperIds);
      }
      return ids;
    };
    const utcPapers = await papersOf(utc.id);
    expect(new Set(utcPapers).size).toBe(utcPapers.length);
    const titles = (await app.store.getPapers(utcPapers)).map((p) => p.title);
    expect(titles.filter((t) => t === 'NAS paper seen at 07:30')).toHaveLength(1);
    expect(titles).toContain('NAS paper seen at noon');
    const berlinTitles = (await app.store.getPapers(await papersOf(berlin.id))).map((p) => p.title);
    expect(berlinTitles).toEqual(expect.arrayContaining(['NAS paper seen at 07:30', 'NAS paper seen at noon']));
  });
});
