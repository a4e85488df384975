import { describe, expect, it } from 'vitest';
import { canonicalId, normalisePaperInput } from '../../src/domain/paper.js';
import { closeLater } from '../helpers/delivery.js';
import { fixedClock, testApp } from '../helpers/env.js';
import { paperInput, topic } from '../helpers/factories.js';
import { freshSchema } from '../helpers/postgres.js';
import { emailsOn } from '../helpers/digests.js';
import { startSmtpSink, type Sink } from '../helpers/smtp-sink.js';
import { postgresAvailable } from '../helpers/system.js';

const ENGINES = [
  { engine: 'SQLite', env: (): Record<string, string> => ({}), absent: false },
  { engine: 'PostgreSQL', env: (): Record<string, string> => freshSchema().env, absent: !postgresAvailable() },
];

const DAY = (n: number, time: string) => `2026-11-2${n}T${time}Z`;
const paper = (arxiv: string, title: string, abstract: string) =>
  paperInput({ arxivId: arxiv, version: 1, title, abstract });
const idOf = (p: ReturnType<typeof paperInput>) => canonicalId(normalisePaperInput(p));

// Day 1: what the rater marks. Day 2: a paper like the one liked (it names NAS only in passing),
// one like the one rejected, one rejected in advance (from the topic's page), and plain NAS papers.
const LIKED = paper(
  '2411.00001',
  'ProxylessNAS: direct neural architecture search on target task and hardware',
  'We search architectures directly on mobile phones with latency-aware supernets, path binarisation and measured latency on the device.',
);
const REJECTED = paper(
  '2411.00002',
  'A survey of neural architecture search benchmarks',
  'We review tabular benchmarks, search spaces and the reproducibility of neural architecture search results.',
);
const ALIKE = paper(
  '2411.00011',
  'Latency-aware supernets for mobile phones',
  'Supernets trained with path binarisation pick architectures under a measured latency budget on the device, a form of NAS.',
);
const LIKE_REJECTED = paper(
  '2411.00012',
  'Benchmarks for neural architecture search: a review of reproducibility',
  'We review tabular benchmarks and search spaces, and the reproducibility of neural architecture search.',
);
const REJECTED_AHEAD = paper(
  '2411.00013',
  'Neural architecture search for kettles <and> teapots',
  'Neural architecture search for household appliances & their controllers.',
);
const PLAIN = [
  paper(
    '2411.00021',
    'Evolutionary neural architecture search for image classifiers',
    'Neural architecture search by evolution over cell-based spaces for image classification.',
  ),
  paper(
    '2411.00022',
    'Neural architecture search for speech recognisers with reinforcement learning',
    'A controller trained by reinforcement learning proposes acoustic models; neural architecture search for speech.',
  ),
];

function emailOf(sink: Sink, to: string, dayN: number) {
  const got = emailsOn(sink.messages, to, DAY(dayN, '12:00:00'));
  expect(got, `${to} on day ${dayN}`).toHaveLength(1);
  return { html: String(got[0]!.mail.html), text: String(got[0]!.mail.text) };
}

describe.each(ENGINES)("a reader's ratings and their digest on $engine", ({ env, absent }) => {
  it.skipIf(absent)(
    'the rater gets an edition of their own (a liked-alike paper rises and says why, a rejected one is absent); the other reader still shares the edition',
    async () => {
      const sink = await closeLater(await startSmtpSink());
      const clock = fixedClock(DAY(1, '06:00:00'));
      const app = await testApp({ clock, env: { ...env(), SMTP_URL: sink.url } });
      await app.store.saveTopic(topic(), clock().toISOString());
      const subscribe = async (email: string) => {
        const { subscriber } = await app.subscriptions.addByOperator(
          { email, topics: ['nas'], timezone: 'UTC', hour: 8 },
          { confirmed: true },
          { source: 'test' },
        );
        await app.store.saveSubscribers([
          { subscriber: { ...subscriber!, confirmedAt: DAY(0, '06:00:00') }, events: [] },
        ]);
        return subscriber!.id;
      };
      const rater = await subscribe('rater@example.org');
      await subscribe('other@example.org');
      const day = async (n: number, papers: ReturnType<typeof paperInput>[], before?: () => Promise<void>) => {
        clock.set(DAY(n, '07:00:00'));
        await app.store.upsertPapers(papers, clock().toISOString());
        await before?.();
        clock.set(DAY(n, '08:00:30'));
        const report = await app.planner.plan(clock());
        await app.deliverer.run({ maxWaitMs: 0 });
        return report;
      };

      // Day 1: one edition, shared.
      expect(await day(1, [LIKED, REJECTED])).toMatchObject({ digestsCreated: 1, deliveriesCreated: 2 });
      expect(emailOf(sink, 'rater@example.org', 1).text).toContain('ProxylessNAS');

      const rate = (p: ReturnType<typeof paperInput>, value: 1 | -1) =>
        app.store.rate({
          subscriberId: rater,
          topicSlug: 'nas',
          paperId: idOf(p),
          value,
          ratedAt: clock().toISOString(),
        });
      await rate(LIKED, 1);
      await rate(REJECTED, -1);

      const day2 = [ALIKE, LIKE_REJECTED, REJECTED_AHEAD, ...PLAIN];
      // The kettle paper is rejected from the topic's page before the edition is planned.
      expect(await day(2, day2, async () => void (await rate(REJECTED_AHEAD, -1)))).toMatchObject({
        digestsCreated: 2,
        deliveriesCreated: 2,
      });
      // Exactly once: planning again creates nothing.
      expect(await app.planner.plan(new Date(DAY(2, '09:00:00')))).toMatchObject({ deliveriesCreated: 0 });

      const other = emailOf(sink, 'other@example.org', 2);
      const mine = emailOf(sink, 'rater@example.org', 2);
      const position = (text: string, title: string) => {
        const at = text.indexOf(title);
        expect(at, title).toBeGreaterThanOrEqual(0);
        return at;
      };
      const reason = "like 'ProxylessNAS: direct neural architecture…', which you marked";
      // The other reader: the shared edition, with everything and no one's ratings.
      expect(other.text).toContain('Neural architecture search for kettles <and> teapots');
      expect(other.text).not.toContain('which you marked');
      // The rater: the kettle paper they rejected is absent; the paper like the one they liked says
      // why, in the text and the HTML.
      expect(mine.text).not.toMatch(/kettles/);
      expect(mine.html).not.toMatch(/kettles/);
      expect(mine.text).toContain(reason);
      expect(mine.html).toContain('like &#x27;ProxylessNAS: direct neural architecture…&#x27;, which you marked');
      const alike = 'Latency-aware supernets for mobile phones';
      const review = 'Benchmarks for neural architecture search: a review';
      // The paper like the one liked rises above the one like the one rejected, which sinks.
      expect(position(mine.text, alike)).toBeLessThan(position(mine.text, review));
      expect(position(other.text, alike)).toBeGreaterThan(position(other.text, review));
      // Never twice: neither day-1 paper comes back.
      expect(mine.text).not.toContain('A survey of neural architecture search benchmarks');

      // Three editions: day 1's shared one, day 2's shared one, and the rater's own of day 2.
      const deliveries = await app.store.listDeliveries({ limit: 10 });
      const digestsOf = (email: string) => deliveries.filter((d) => d.email === email).map((d) => d.digestId);
      expect(digestsOf('rater@example.org')).toHaveLength(2);
      expect(digestsOf('other@example.org')).toHaveLength(2);
      expect(new Set([...digestsOf('rater@example.org'), ...digestsOf('other@example.org')]).size).toBe(3);
    },
  );

  it.skipIf(absent)(
    "a planning run that fails as it writes leaves no reader's own edition behind; the next run sends each reader one email",
    async () => {
      const sink = await closeLater(await startSmtpSink());
      const clock = fixedClock(DAY(1, '06:00:00'));
      const app = await testApp({ clock, env: { ...env(), SMTP_URL: sink.url } });
      await app.store.saveTopic(topic(), clock().toISOString());
      const ids: string[] = [];
      for (const email of ['rater@example.org', 'other@example.org']) {
        const { subscriber } = await app.subscriptions.addByOperator(
          { email, topics: ['nas'], timezone: 'UTC', hour: 8 },
          { confirmed: true },
          { source: 'test' },
        );
        ids.push(subscriber!.id);
      }
      await app.store.upsertPapers([LIKED, REJECTED, ALIKE, LIKE_REJECTED, ...PLAIN], clock().toISOString());
      await app.store.rate({
        subscriberId: ids[0]!,
        topicSlug: 'nas',
        paperId: idOf(LIKED),
        value: 1,
        ratedAt: clock().toISOString(),
      });
      clock.set(DAY(1, '08:00:30'));
      // The store fails when the run writes its deliveries (a lost connection, a full disk).
      const write = app.store.createDeliveriesFor;
      app.store.createDeliveriesFor = async () => {
        throw new Error('connection lost');
      };
      await expect(app.planner.plan(clock())).rejects.toThrow('connection lost');
      app.store.createDeliveriesFor = write;
      // The shared edition is stored as it is frozen; the rater's own was held, and is not.
      const stored = await app.store.listDigests({ limit: 10 });
      expect(stored.map((d) => d.editionKey)).toEqual(['nas']);
      expect(await app.store.listDeliveries({ limit: 10 })).toEqual([]);

      expect(await app.planner.plan(clock())).toMatchObject({ digestsCreated: 1, deliveriesCreated: 2 });
      expect(await app.planner.plan(new Date(DAY(1, '09:00:00')))).toMatchObject({ deliveriesCreated: 0 });
      await app.deliverer.run({ maxWaitMs: 0 });
      const mine = emailOf(sink, 'rater@example.org', 1);
      expect(mine.text).toContain('which you marked');
      expect(emailOf(sink, 'other@example.org', 1).text).not.toContain('which you marked');
      expect(sink.messages).toHaveLength(2);
    },
  );
});
