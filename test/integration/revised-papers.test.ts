import { describe, expect, it, onTestFinished } from 'vitest';
import { createServer } from '../../src/web/server.js';
import { closeLater } from '../helpers/delivery.js';
import { fixedClock, testApp } from '../helpers/env.js';
import { paperInput, topic } from '../helpers/factories.js';
import { freshSchema } from '../helpers/postgres.js';
import { emailsOn } from '../helpers/digests.js';
import { startSmtpSink, type Sink } from '../helpers/smtp-sink.js';
import { postgresAvailable } from '../helpers/system.js';

// The same days on both engines: each finds who had a revised paper with its own SQL, and the
// emails must not tell them apart.
const ENGINES = [
  { engine: 'SQLite', env: (): Record<string, string> => ({}), absent: false },
  { engine: 'PostgreSQL', env: (): Record<string, string> => freshSchema().env, absent: !postgresAvailable() },
];

// Days of a daily digest at 08:00 UTC, read back as the emails a real SMTP server received. Paper P
// is first seen on day 1 and revised on days 2 and 3; a new paper arrives every day.
const DAY = (n: number, time: string) => `2026-11-2${n}T${time}Z`;
const P = (version: number, title = 'Evolutionary neural architecture search for kettles') =>
  paperInput({
    arxivId: '2411.00042',
    version,
    title,
    abstract: `Version ${version} of our NAS study <with> tags & more.`,
  });
const fresh = (n: number) =>
  paperInput({
    arxivId: `2411.0010${n}`,
    version: 1,
    title: `Differentiable neural architecture search, day ${n}`,
    abstract: `NAS study ${n}.`,
  });

async function world(showRevised: boolean, engineEnv: Record<string, string>) {
  const sink = await closeLater(await startSmtpSink());
  const clock = fixedClock(DAY(2, '06:00:00'));
  const app = await testApp({
    clock,
    env: {
      ...engineEnv,
      SMTP_URL: sink.url,
      SHOW_REVISED_PAPERS: String(showRevised),
      PAPERBOY_SECRET: 'revised-test-secret-0123456789abcdef',
    },
  });
  expect(app.store.engine).toBe(engineEnv.DATABASE_URL ? 'postgres' : 'sqlite');
  await app.store.saveTopic(topic(), clock().toISOString());
  const subscribe = async (email: string, confirmedAt: string, hour = 8) => {
    const { subscriber } = await app.subscriptions.addByOperator(
      { email, topics: ['nas'], timezone: 'UTC', hour },
      { confirmed: true },
      { source: 'test' },
    );
    await app.store.saveSubscribers([{ subscriber: { ...subscriber!, confirmedAt }, events: [] }]);
  };
  /** Papers arrive at 07:00, the planner runs at 08:00:30 (and 09:00:30), the emails go out. */
  const day = async (n: number, papers: ReturnType<typeof paperInput>[], planHours = ['08']) => {
    clock.set(DAY(n, '07:00:00'));
    if (papers.length > 0) await app.store.upsertPapers(papers, clock().toISOString());
    for (const h of planHours) {
      clock.set(DAY(n, `${h}:00:30`));
      await app.planner.plan(clock());
      await app.deliverer.run({ maxWaitMs: 0 });
    }
  };
  return { app, sink, clock, subscribe, day };
}

/** The one email an address got on a day (its subject names the day), as HTML and text. */
function email(sink: Sink, to: string, dayN: number) {
  const got = emailsOn(sink.messages, to, DAY(dayN, '12:00:00'));
  expect(got, `${to} on day ${dayN}`).toHaveLength(1);
  return { html: String(got[0]!.mail.html), text: String(got[0]!.mail.text), subject: String(got[0]!.mail.subject) };
}

const none = (sink: Sink, to: string, dayN: number) => emailsOn(sink.messages, to, DAY(dayN, '12:00:00')).length === 0;

describe.each(ENGINES)('revised papers (SHOW_REVISED_PAPERS) on $engine', ({ env, absent }) => {
  it.skipIf(absent)('off: a paper re-ingested with a new version never reaches a subscriber twice', async () => {
    const { sink, subscribe, day } = await world(false, env());
    await subscribe('ada@example.org', DAY(2, '06:00:00'));
    await day(3, [P(1), fresh(3)]);
    expect(email(sink, 'ada@example.org', 3).text).toContain('Evolutionary neural architecture search for kettles');
    await day(4, [P(2, 'Evolutionary NAS for kettles, revised'), fresh(4)]);
    const next = email(sink, 'ada@example.org', 4);
    expect(next.text).toContain('Differentiable neural architecture search, day 4');
    expect(next.text).not.toMatch(/kettles/);
    expect(next.html).not.toMatch(/kettles|Updated/);
  });

  it.skipIf(absent)(
    'on: shows a revised paper once, marked updated, only to those who had it; a later version is not shown again',
    async () => {
      const { app, sink, subscribe, day } = await world(true, env());
      await subscribe('ada@example.org', DAY(1, '06:00:00'));
      // Dan reads at 09:00; he will miss day 3's edition (no planner runs at 09:00 that day).
      await subscribe('dan@example.org', DAY(1, '06:00:00'), 9);
      await day(2, [fresh(2)], ['08', '09']);
      await day(3, [P(1), fresh(3)]);
      expect(email(sink, 'ada@example.org', 3).text).toContain('Evolutionary neural architecture search for kettles');
      // Cy confirms after day 3's send time: her first digest is day 4's.
      await subscribe('cy@example.org', DAY(3, '09:00:00'));

      await day(4, [P(2, 'Evolutionary NAS for <kettles> & teapots'), fresh(4)], ['08', '09']);
      const ada = email(sink, 'ada@example.org', 4);
      expect(ada.subject).toMatch(/1 new paper, 1 updated/);
      expect(ada.text).toContain('Differentiable neural architecture search, day 4');
      expect(ada.text).toContain('[Updated (v2)] Evolutionary NAS for <kettles> & teapots');
      expect(ada.html).toContain('Updated (v2) · shown again');
      expect(ada.html).toContain('Evolutionary NAS for &lt;kettles&gt; &amp; teapots');
      expect(ada.html).not.toContain('<kettles>');
      // Cy never had P and it was first seen before her window: nothing of it.
      const cy = email(sink, 'cy@example.org', 4);
      expect(cy.text).toContain('Differentiable neural architecture search, day 4');
      expect(cy.text).not.toMatch(/kettles/);
      // Dan missed day 3: P was first seen in his window, so it is new to him, not "updated".
      const dan = email(sink, 'dan@example.org', 4);
      expect(dan.text).toContain('Evolutionary NAS for <kettles> & teapots');
      expect(dan.text).toContain('Differentiable neural architecture search, day 3');
      expect(dan.text).not.toContain('Updated');

      // The web copy of Ada's edition marks it too.
      const server = createServer(app);
      const base = await server.listen({ port: 0, host: '127.0.0.1' });
      onTestFinished(() => server.close());
      const webUrl = /View in browser: (\S+)/.exec(ada.text)![1]!.replace('https://papers.example.org', base);
      const page = await (await fetch(webUrl)).text();
      expect(page).toContain('Updated (v2) · shown again');
      expect(page).toContain('Evolutionary NAS for &lt;kettles&gt; &amp; teapots');

      // v3 the next day: Ada was shown P as updated already, Cy never had it: no P for them. Dan had
      // v2 (as new) and was never shown it as updated: v3 is his one update.
      await day(5, [P(3, 'Evolutionary NAS for kettles, third take'), fresh(5)], ['08', '09']);
      for (const to of ['ada@example.org', 'cy@example.org', 'dan@example.org']) {
        expect(email(sink, to, 5).text).toContain('Differentiable neural architecture search, day 5');
      }
      expect(email(sink, 'ada@example.org', 5).text).not.toMatch(/kettles/);
      expect(email(sink, 'cy@example.org', 5).text).not.toMatch(/kettles/);
      expect(email(sink, 'dan@example.org', 5).text).toContain(
        '[Updated (v3)] Evolutionary NAS for kettles, third take',
      );
      // v4: everyone who had P has been shown it as updated once; it reaches no one again.
      await day(6, [P(4, 'Evolutionary NAS for kettles, fourth take'), fresh(6)], ['08', '09']);
      for (const to of ['ada@example.org', 'cy@example.org', 'dan@example.org']) {
        const mail = email(sink, to, 6);
        expect(mail.text).toContain('Differentiable neural architecture search, day 6');
        expect(mail.text).not.toMatch(/kettles/);
      }
    },
  );

  it.skipIf(absent)(
    'on: a subscriber who missed an edition gets what is new since their last digest and the update together',
    async () => {
      const { sink, subscribe, day } = await world(true, env());
      await subscribe('ada@example.org', DAY(1, '06:00:00'));
      await subscribe('eve@example.org', DAY(1, '06:00:00'), 9);
      await day(2, [P(1), fresh(2)], ['08', '09']);
      expect(email(sink, 'eve@example.org', 2).text).toContain('Evolutionary neural architecture search for kettles');
      // Day 3: P is revised; the planner does not run at 09:00, so Eve misses the edition.
      await day(3, [P(2, 'Evolutionary NAS for kettles, revised'), fresh(3)]);
      expect(email(sink, 'ada@example.org', 3).text).toContain('[Updated (v2)] Evolutionary NAS for kettles, revised');
      await day(4, [fresh(4)], ['08', '09']);
      expect(email(sink, 'ada@example.org', 4).text).not.toMatch(/kettles/);
      const eve = email(sink, 'eve@example.org', 4);
      expect(eve.subject).toMatch(/2 new papers, 1 updated/);
      expect(eve.text).toContain('Differentiable neural architecture search, day 3');
      expect(eve.text).toContain('Differentiable neural architecture search, day 4');
      expect(eve.text).toContain('[Updated (v2)] Evolutionary NAS for kettles, revised');
      expect(eve.html).toContain('Updated (v2) · shown again');
    },
  );

  it.skipIf(absent)(
    'on, with nothing new: those who had the paper get an edition of updates alone; the others wait for new papers',
    async () => {
      const { sink, subscribe, day } = await world(true, env());
      await subscribe('ada@example.org', DAY(2, '06:00:00'));
      await day(3, [P(1)]);
      await subscribe('cy@example.org', DAY(3, '09:00:00'));
      await day(4, [P(2)]);
      const ada = email(sink, 'ada@example.org', 4);
      expect(ada.subject).toMatch(/1 updated paper/);
      expect(ada.text).toContain('[Updated (v2)] Evolutionary neural architecture search for kettles');
      expect(none(sink, 'cy@example.org', 4)).toBe(true);
      // The next new paper reaches both, once; P does not come back.
      await day(5, [fresh(5)]);
      for (const to of ['ada@example.org', 'cy@example.org']) {
        const mail = email(sink, to, 5);
        expect(mail.text).toContain('Differentiable neural architecture search, day 5');
        expect(mail.text).not.toMatch(/kettles/);
      }
    },
  );

  it.skipIf(absent)('on: a paper a reader marked "Not for me" never comes back to them as updated', async () => {
    const { app, sink, clock, subscribe, day } = await world(true, env());
    await subscribe('ada@example.org', DAY(2, '06:00:00'));
    await subscribe('bob@example.org', DAY(2, '06:00:00'));
    await day(3, [P(1)]);
    expect(email(sink, 'ada@example.org', 3).text).toContain('Evolutionary neural architecture search for kettles');
    const ada = (await app.store.findSubscriberByEmail('ada@example.org'))!;
    await app.store.rate({
      subscriberId: ada.id,
      topicSlug: 'nas',
      paperId: 'arxiv:2411.00042',
      value: -1,
      ratedAt: clock().toISOString(),
    });
    // Nothing new on day 4, only P revised: Bob, who had it, gets it as updated; Ada rejected it.
    await day(4, [P(2)]);
    expect(email(sink, 'bob@example.org', 4).text).toContain('[Updated (v2)]');
    expect(none(sink, 'ada@example.org', 4)).toBe(true);
    // With new papers beside it (day 5, v3), she gets the new one and still not P.
    await day(5, [P(3, 'Evolutionary NAS for kettles, third take'), fresh(5)]);
    const next = email(sink, 'ada@example.org', 5);
    expect(next.text).toContain('Differentiable neural architecture search, day 5');
    expect(next.text).not.toMatch(/kettles/);
  });
});
