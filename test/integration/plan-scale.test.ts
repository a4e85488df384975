import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Subscriber } from '../../src/domain/subscriber.js';
import { silentLogger } from '../../src/log.js';
import { SAMPLE_PAGE, fixedClock, testApp } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { postgresAvailable } from '../helpers/system.js';

const TOPIC_LIST = [
  { slug: 'nas', name: 'Neural architecture search', query: '"neural architecture search" OR NAS' },
  { slug: 'llm', name: 'Language models', query: '"language model" OR LLM' },
  { slug: 'vision', name: 'Vision', query: 'image OR vision OR visual' },
  { slug: 'rl', name: 'Reinforcement learning', query: '"reinforcement learning" OR agent' },
];
const SETS = [['nas'], ['llm'], ['llm', 'nas'], ['vision'], ['rl', 'vision'], ['gone']];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];

// The same run on both engines: each plans set-based with its own SQL.
const ENGINES = [
  { name: 'SQLite', env: () => ({}), absent: false },
  { name: 'PostgreSQL', env: () => freshSchema().env, absent: !postgresAvailable() },
];

describe.each(ENGINES)('planning many subscribers set-based on $name', ({ env, absent }) => {
  it.skipIf(absent)(
    'gives each due subscriber one delivery of the digest of their topic set, with their address, and each topic set one digest',
    async () => {
      const clock = fixedClock('2026-11-23T12:00:00Z');
      const app = await testApp({ clock, env: env() });
      for (const t of TOPIC_LIST) await app.store.saveTopic(t, clock().toISOString());
      await app.ingester.ingestFiles([SAMPLE_PAGE]);
      const now = clock().toISOString();
      // Confirmed the week before, so this week's edition is theirs.
      const confirmedAt = '2026-11-16T12:00:00.000Z';
      const batch: { subscriber: Subscriber; events: [] }[] = [];
      for (let i = 0; i < 600; i++) {
        batch.push({
          subscriber: {
            id: `sub_${i}`,
            email: `reader${i}@example.org`,
            status: i % 50 === 7 ? 'unsubscribed' : 'confirmed',
            // 'gone' is not a topic: those subscribers keep what exists, or are not planned at all.
            topics: SETS[i % SETS.length]!,
            frequency: 'weekly',
            timezone: ZONES[i % ZONES.length]!,
            sendHour: 6 + (i % 3),
            createdAt: now,
            updatedAt: now,
            confirmedAt,
            unsubscribedAt: null,
            confirmTokenHash: null,
            confirmExpiresAt: null,
            confirmSentAt: null,
          },
          events: [],
        });
      }
      await app.store.saveSubscribers(batch);
      // Tuesday 00:00 UTC: every zone's Monday send hour has passed.
      const at = new Date('2026-11-24T00:00:00Z');
      const report = await app.planner.plan(at);
      const expected = batch.filter(
        (b) => b.subscriber.status === 'confirmed' && !b.subscriber.topics.includes('gone'),
      );
      expect(report).toMatchObject({ due: expected.length, groups: 5, deliveriesCreated: expected.length, tooLate: 0 });

      const deliveries = await app.store.listDeliveries({ limit: 1000 });
      expect(deliveries).toHaveLength(expected.length);
      const digests = new Map((await app.store.listDigests({ limit: 100 })).map((d) => [d.id, d]));
      expect([...digests.values()].map((d) => d.editionKey).sort()).toEqual([
        'llm',
        'llm,nas',
        'nas',
        'rl,vision',
        'vision',
      ]);
      for (const b of expected) {
        const mine = deliveries.filter((d) => d.subscriberId === b.subscriber.id);
        expect(mine).toHaveLength(1);
        const d = mine[0]!;
        expect(d).toMatchObject({
          email: b.subscriber.email,
          status: 'pending',
          messageId: `${d.id}@papers.example.org`,
        });
        expect(digests.get(d.digestId!)?.editionKey).toBe([...b.subscriber.topics].sort().join(','));
      }
      // A minute later nothing is left to plan; a second process or a double fire adds nothing.
      expect(await app.planner.plan(new Date(at.getTime() + 60_000))).toMatchObject({ due: 0, deliveriesCreated: 0 });
      expect(await app.planner.plan(new Date(at))).toMatchObject({ deliveriesCreated: 0 });

      // Idle minutes skip the work, but a subscriber confirmed since (here by another process, at
      // noon UTC, before their Monday 06:00 in Los Angeles) is planned the next minute.
      const other = await createApp(app.config, { clock, logger: silentLogger });
      await other.subscriptions.addByOperator(
        { email: 'late@example.org', topics: ['nas'], timezone: 'America/Los_Angeles', hour: 6, frequency: 'weekly' },
        { confirmed: true },
        { source: 'test' },
      );
      await other.close();
      expect(await app.planner.plan(new Date(at.getTime() + 120_000))).toMatchObject({
        due: 1,
        deliveriesCreated: 1,
        digestsCreated: 0,
      });
    },
  );
});
