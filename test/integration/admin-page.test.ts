import { describe, expect, it } from 'vitest';
import { SAMPLE_PAGE } from '../helpers/env.js';
import { postForm, webApp } from '../helpers/web.js';
import { confirmedYesterday } from '../helpers/delivery.js';
import { freshSchema } from '../helpers/postgres.js';
import { postgresAvailable } from '../helpers/system.js';

const TOKEN = 'admin-token-for-tests-0123456789';

/** The counters and the run history come from the store: the same page on either engine. */
const ENGINES = [
  { engine: 'SQLite', env: (): Record<string, string> => ({}), absent: false },
  { engine: 'PostgreSQL', env: (): Record<string, string> => freshSchema().env, absent: !postgresAvailable() },
];

/**
 * A server with three confirmed subscribers, one plan and one delivery run (two digests sent, one
 * refused by the relay for good), and one suppressed address.
 */
async function withActivity(env: Record<string, string> = {}) {
  const { app, base, sink, clock } = await webApp(
    { ADMIN_TOKEN: TOKEN, ...env },
    { rcpt: (address) => (address === 'gone@example.org' ? 550 : undefined) },
  );
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  for (const email of ['ada@example.org', 'bob@example.org', 'gone@example.org']) {
    await confirmedYesterday(app, { email, topics: ['nas'], timezone: 'UTC', hour: 5 });
  }
  await app.store.suppress('spam@example.org', 'manual', null, clock().toISOString());
  await expect(app.ingester.ingestFiles(['/nonexistent/papers.txt'])).rejects.toThrow('no such file');
  const plan = await app.planner.plan(clock());
  const sent = await app.deliverer.run({ maxWaitMs: 0 });
  return { app, base, sink, clock, plan, sent };
}

async function signIn(base: string): Promise<string> {
  const res = await postForm(`${base}/admin/login`, { token: TOKEN });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/admin');
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(
    /^paperboy_admin=\d+\.[\w-]+; Path=\/admin; Max-Age=43200; HttpOnly; SameSite=Strict; Secure$/,
  );
  return cookie.split(';')[0]!;
}

describe('admin page', () => {
  it('does not exist without ADMIN_TOKEN, and neither does /metrics', async () => {
    const { base } = await webApp();
    expect((await fetch(`${base}/admin`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await postForm(`${base}/admin/login`, { token: TOKEN })).status).toBe(404);
  });

  it('shows only a sign-in form without a session, and nothing with a wrong, tampered or expired one', async () => {
    const { base, clock } = await withActivity();
    const anonymous = await fetch(`${base}/admin`);
    expect(anonymous.status).toBe(200);
    const page = await anonymous.text();
    expect(page).toContain('name="token"');
    for (const secret of ['ada@example.org', 'Last runs', 'spam@example.org', 'Subscribers'])
      expect(page).not.toContain(secret);

    const wrong = await postForm(`${base}/admin/login`, { token: 'not-the-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('That is not the admin token.');

    const cookie = await signIn(base);
    const [name, value] = cookie.split('=') as [string, string];
    const [expiry, mac] = value.split('.') as [string, string];
    const forged = [
      `${name}=${Number(expiry) + 1000}.${mac}`,
      `${name}=${expiry}.${mac.slice(0, -2)}AA`,
      `${name}=garbage`,
    ];
    for (const c of forged)
      expect(await (await fetch(`${base}/admin`, { headers: { cookie: c } })).text()).not.toContain('Last runs');

    expect(await (await fetch(`${base}/admin`, { headers: { cookie } })).text()).toContain('Last runs');
    clock.set('2026-11-25T18:01:00Z'); // 12 hours later
    expect(await (await fetch(`${base}/admin`, { headers: { cookie } })).text()).not.toContain('Last runs');
  });

  it('rate-limits the sign-in form', async () => {
    const { base } = await webApp({ ADMIN_TOKEN: TOKEN });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await postForm(`${base}/admin/login`, { token: `guess-${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await postForm(`${base}/admin/login`, { token: TOKEN })).status).toBe(429);
  });
});

describe("the admin page's topics", () => {
  it('lists the topics, previews a query without saving it, and saves a topic that matches nothing only when asked to', async () => {
    const { app, base, clock } = await webApp({ ADMIN_TOKEN: TOKEN });
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    const cookie = await signIn(base);
    const page = await (await fetch(`${base}/admin`, { headers: { cookie } })).text();
    const list = /<table id="topic-list">[\s\S]*?<\/table>/.exec(page)![0];
    expect(
      [...list.matchAll(/<tr><td><code>([^<]+)<\/code><\/td><td>([^<]+)<\/td>/g)].map((m) => [m[1], m[2]]),
    ).toEqual([
      ['llm-serving', 'LLM serving'],
      ['nas', 'Neural architecture search'],
    ]);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = { cookie }) =>
      postForm(`${base}${path}`, { csrf, ...fields }, headers);

    // Preview: the count, the first five with why, and nothing saved. What was typed is escaped.
    const tried = await post('/admin/topics/preview', {
      slug: 'nas-2',
      name: '<b>NAS</b>',
      query: 'neural architecture search',
    });
    expect(tried.status).toBe(200);
    const preview = await tried.text();
    const card = /<div class="card" id="topic-preview">[\s\S]*?<\/div>/.exec(preview)![0];
    const count = Number(/<strong>matches (\d+) of 103 papers from the last 30 days<\/strong>/.exec(card)?.[1]);
    expect(count).toBeGreaterThan(5);
    const items = [
      ...card.matchAll(
        /<li><a href="https:[^"]+">([^<]+)<\/a><br><span class="muted why">Why: matches ([^<]+) · score (\d\.\d\d)<\/span><\/li>/g,
      ),
    ];
    expect(items).toHaveLength(5);
    for (const [, , matched] of items) expect(matched).toMatch(/neural|architecture|search/);
    expect(preview).toContain('name="name" value="&lt;b&gt;NAS&lt;/b&gt;"');
    expect(preview).not.toContain('<b>NAS');
    expect(await app.store.getTopic('nas-2')).toBeUndefined();

    // Save: a query that matches nothing is shown with a warning and not saved...
    const refused = await post('/admin/topics', { slug: 'plants', name: '', query: 'photosynthesis OR chlorophyll' });
    expect(refused.status).toBe(200);
    const asked = await refused.text();
    expect(asked).toContain('<strong>matches none of the 103 papers from the last 30 days</strong>');
    expect(asked).toContain('<p id="words-without-hits">no paper has photosynthesis or chlorophyll</p>');
    expect(asked).toMatch(
      /<p class="error" role="alert" id="topic-warning">This query matches none of the papers of the last 30 days: it is saved only with “Save anyway” ticked.<\/p>/,
    );
    expect(asked).toContain('<input type="checkbox" name="force" value="yes"> Save anyway');
    expect(asked).toContain('name="slug" value="plants"');
    expect(await app.store.getTopic('plants')).toBeUndefined();
    // ...until "Save anyway" is ticked.
    const forced = await post('/admin/topics', {
      slug: 'plants',
      name: 'Plants',
      query: 'photosynthesis OR chlorophyll',
      force: 'yes',
    });
    expect(forced.status).toBe(200);
    expect(await forced.text()).toContain(
      '<p class="notice" role="status">Added topic plants (Plants): photosynthesis OR chlorophyll. It matches none of the 103 papers from the last 30 days: no paper has photosynthesis or chlorophyll.</p>',
    );
    expect(await app.store.getTopic('plants')).toEqual({
      slug: 'plants',
      name: 'Plants',
      query: 'photosynthesis OR chlorophyll',
      syntax: 'natural',
    });
    // A query that matches is saved at once, and changing a topic without a name keeps its name.
    const changed = await (
      await post('/admin/topics', { slug: 'plants', name: '', query: 'neural architecture search' })
    ).text();
    expect(changed).toContain(
      '<p class="notice" role="status">Updated topic plants (Plants): neural architecture search.</p>',
    );
    expect(changed).toMatch(/<strong>matches \d+ of 103 papers/);
    expect(changed).not.toContain('id="topic-warning"');

    // Bad input is shown beside the form, as typed.
    const bad = await post('/admin/topics', { slug: 'Bad Slug', name: '', query: 'nas' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(
      /<p class="error" role="alert">invalid topic slug &quot;Bad Slug&quot;: [^<]+<\/p>[\s\S]*name="slug" value="Bad Slug"/,
    );
    const badQuery = await post('/admin/topics/preview', { slug: '', name: '', query: 'nas min:2' });
    expect(badQuery.status).toBe(400);
    expect(await badQuery.text()).toContain('min:2 must be a number from 0 to 1');

    // Without a session, or without the session's form token, nothing happens.
    const anonymous = await post('/admin/topics', { slug: 'x1', name: '', query: 'nas', force: 'yes' }, {});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('name="token"');
    for (const token of ['', 'forged', csrf.slice(0, -1)]) {
      const forged = await postForm(
        `${base}/admin/topics`,
        { csrf: token, slug: 'x2', query: 'nas', force: 'yes' },
        { cookie },
      );
      expect(forged.status).toBe(403);
      expect(await forged.text()).toContain('This form is out of date or did not come from the admin page.');
    }
    // The token of another session (signed in a minute later) does not do either.
    clock.set('2026-11-25T06:01:00Z');
    const other = await signIn(base);
    expect(other).not.toBe(cookie);
    expect((await post('/admin/topics', { slug: 'x3', name: '', query: 'nas' }, { cookie: other })).status).toBe(403);
    expect(
      (await post('/admin/topics/preview', { slug: 'x3', name: '', query: 'nas' }, { cookie: other })).status,
    ).toBe(403);
    expect((await app.store.listTopics()).map((t) => t.slug)).toEqual(['llm-serving', 'nas', 'plants']);
  });
});

describe.each(ENGINES)('admin page on $engine', ({ env, absent }) => {
  it.skipIf(absent)('shows the last runs, deliveries per day, suppressions, sources and the schedule', async () => {
    const { app, base, plan, sent } = await withActivity(env());
    expect(plan.deliveriesCreated).toBe(3);
    expect(sent).toMatchObject({ sent: 2, failed: 1 });
    // A run record's own counts do not make the chart: it counts the delivery rows.
    await app.store.recordRun({
      job: 'deliver',
      startedAt: '2026-11-25T05:59:00.000Z',
      durationMs: 5,
      outcome: 'ok',
      planned: 0,
      sent: 40,
      failed: 9,
      skipped: 0,
      source: null,
      detail: null,
    });
    // Carol's 04:00 digest of today was never planned: it goes out at the next planning run.
    await confirmedYesterday(app, { email: 'carol@example.org', topics: ['nas'], timezone: 'UTC', hour: 4 });
    const cookie = await signIn(base);
    const res = await fetch(`${base}/admin`, { headers: { cookie } });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const row = (job: string) =>
      new RegExp(
        `<tr><td>${job}</td><td>2026-11-25 06:00 UTC</td><td>[\\d.]+ s</td><td>(\\d+)</td><td>(\\d+)</td><td>(\\d+)</td><td>(\\d+)</td>`,
      )
        .exec(html)
        ?.slice(1);
    expect(row('plan')).toEqual(['3', '0', '0', '0']);
    expect(row('deliver')).toEqual(['0', '2', '1', '0']);
    expect(html).toMatch(/<td id="suppressions">2<\/td>/);
    expect(html).toContain('<title>2026-11-25: 2 sent, 1 failed, 0 skipped</title>');
    expect(html).toMatch(
      /<td><code>[^<]*daily-papers-2024-03-21\.txt<\/code><\/td><td>2026-11-25 06:00 UTC<\/td><td>2026-11-25 06:00 UTC<\/td><td>ok<\/td>/,
    );
    expect(html).toContain(
      '<td><code>/nonexistent/papers.txt</code></td><td>2026-11-25 06:00 UTC</td><td>—</td><td><span class="error">failing</span>: /nonexistent/papers.txt: cannot read: no such file</td>',
    );
    expect(html).toMatch(/<tr><th>confirmed<\/th><td>3<\/td><\/tr>/);
    // Who gets a digest next and when, soonest first: Carol's overdue one, then Ada's and Bob's
    // tomorrow (today's went out); the refused address is suppressed and gets none.
    const sends = /<table id="next-sends">[\s\S]*?<\/table>/.exec(html)![0];
    expect(
      [...sends.matchAll(/<tr><td>([^<]+)<\/td><td>([^<]+)<\/td><td>(\w+)<\/td><\/tr>/g)].map((m) => m.slice(1)),
    ).toEqual([
      ['2026-11-25 04:00 UTC (due now)', 'carol@example.org', 'daily'],
      ['2026-11-26 05:00 UTC', 'ada@example.org', 'daily'],
      ['2026-11-26 05:00 UTC', 'bob@example.org', 'daily'],
    ]);

    const out = await fetch(`${base}/admin/logout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    expect(out.headers.get('set-cookie')).toMatch(/^paperboy_admin=; Path=\/admin; Max-Age=0;/);
  });
});

describe.each(ENGINES)('/metrics on $engine', ({ env, absent }) => {
  it.skipIf(absent)(
    'needs the admin token as a bearer header and reports the same counters in Prometheus text',
    async () => {
      const { base } = await withActivity(env());
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await res.text();
      const value = (sample: string) =>
        Number(new RegExp(`^${sample.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
      expect(value('paperboy_deliveries{status="sent"}')).toBe(2);
      expect(value('paperboy_deliveries{status="failed"}')).toBe(1);
      // Today's bar of the admin chart, from the delivery rows.
      expect(value('paperboy_deliveries_today{result="sent"}')).toBe(2);
      expect(value('paperboy_deliveries_today{result="failed"}')).toBe(1);
      expect(value('paperboy_deliveries_today{result="skipped"}')).toBe(0);
      expect(value('paperboy_next_send_timestamp_seconds')).toBe(Date.parse('2026-11-26T05:00:00Z') / 1000);
      expect(value('paperboy_deliveries{status="pending"}')).toBe(0);
      expect(value('paperboy_subscribers{status="confirmed"}')).toBe(2);
      expect(value('paperboy_suppressions')).toBe(2);
      expect(value('paperboy_runs_total{job="deliver",outcome="ok"}')).toBe(1);
      expect(value('paperboy_run_deliveries_total{job="plan",result="planned"}')).toBe(3);
      expect(value('paperboy_run_deliveries_total{job="deliver",result="sent"}')).toBe(2);
      expect(text).toMatch(/^paperboy_source_up\{source=".*daily-papers-2024-03-21\.txt"\} 1$/m);
      expect(text).toMatch(/^paperboy_source_up\{source="\/nonexistent\/papers\.txt"\} 0$/m);
      // Every line is a comment or a sample: name{labels} number.
      for (const line of text.trimEnd().split('\n'))
        expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+]+)$/);
    },
  );
});
