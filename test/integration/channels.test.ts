// Channels against a real webhook receiver on a loopback port: what each format posts, and the
// same delivery guarantees as email (one row per edition and channel, retries, Retry-After,
// permanent 4xx), with the URL never shown in full.
import { describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { SIGNATURE_HEADER, verifySignature } from '../../src/domain/channel.js';
import type { Logger } from '../../src/log.js';
import { SAMPLE_PAGE, testConfig } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { postgresAvailable } from '../helpers/system.js';
import { TOPICS } from '../helpers/web.js';
import { type Answer, type ReceivedPost, startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { onTestFinished } from 'vitest';

/** A clock that runs at real speed from a time the test sets (and sets again). */
function movableClock(iso: string) {
  let offset = Date.parse(iso) - Date.now();
  const clock = () => new Date(Date.now() + offset);
  clock.set = (next: string) => {
    offset = Date.parse(next) - Date.now();
  };
  return clock;
}

const SECRET_PATH = '/services/T0001/B0002/kXq9SecretWebhookToken';

/**
 * An app whose channel `lab` (added the day before, daily at 08:00 UTC) posts to a receiver that
 * answers as `script` says; its clock stands just after 08:00 with the sample papers first seen
 * an hour before. Every log line is kept.
 */
async function channelApp(
  format: string,
  script?: (n: number, post: ReceivedPost) => Answer,
  topics = ['nas'],
  env: Record<string, string> = {},
) {
  const receiver = await startWebhookReceiver(script);
  const clock = movableClock('2026-11-24T12:00:00Z');
  const logs: string[] = [];
  const keep = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
  const app: App = await createApp(
    testConfig({ DELIVERY_BACKOFF_MS: '20', DELIVERY_MAX_ATTEMPTS: '4', CHANNEL_TIMEOUT_MS: '300', ...env }),
    { clock, logger },
  );
  onTestFinished(() => app.close());
  for (const t of TOPICS) await app.store.saveTopic(t, clock().toISOString());
  const url = receiver.url(SECRET_PATH);
  const added = await app.channels.add({ name: 'lab', topics, url, format, hour: 8, timezone: 'UTC' });
  clock.set('2026-11-25T07:00:00Z');
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  clock.set('2026-11-25T08:00:30Z');
  return { app, receiver, url, logs, signingSecret: added.signingSecret };
}

async function planAndDeliver(app: App) {
  const plan = await app.planner.plan(app.clock());
  const run = await app.deliverer.run({ maxWaitMs: 5_000 });
  return { plan, run };
}

async function channelRows(app: App) {
  return (await app.store.listDeliveries({ limit: 100 })).filter((d) => d.kind === 'channel');
}

describe('channels', () => {
  it('retries a 500, then the 200 is recorded: one delivery for the edition, one Idempotency-Key', async () => {
    const { app, receiver } = await channelApp('slack', (n) => (n === 0 ? { status: 500, body: 'oops' } : {}));
    // Added yesterday after 08:00: today's edition is its first, due now.
    expect((await app.channels.list())[0]!.nextAt).toBe('2026-11-25T08:00:00.000Z');
    // A dry run says the channel is due, and writes nothing.
    expect(await app.planner.plan(app.clock(), { dryRun: true })).toMatchObject({
      channelsDue: 1,
      channelDeliveries: 0,
    });
    expect(await channelRows(app)).toEqual([]);
    const { plan, run } = await planAndDeliver(app);
    expect(plan.channelDeliveries).toBe(1);
    expect(run.sent).toBe(1);
    expect(run.retried).toBe(1);
    expect(receiver.posts).toHaveLength(2);
    expect(receiver.posts[1]!.headers['idempotency-key']).toBe(receiver.posts[0]!.headers['idempotency-key']);
    const [row, ...others] = await channelRows(app);
    expect(others).toEqual([]);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, email: 'channel:lab', errorKind: null });
    // Planning again (a double fire, a restart) adds nothing for this edition.
    const again = await planAndDeliver(app);
    expect(again.plan).toMatchObject({ channelsDue: 0, channelDeliveries: 0 });
    expect(receiver.posts).toHaveLength(2);

    // What Slack gets: Block Kit within its limits, a heading, papers with links and why, the web copy.
    const body = JSON.parse(receiver.posts[1]!.body) as {
      text: string;
      blocks: { type: string; text?: { text: string } }[];
    };
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    expect(body.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: expect.stringContaining('Neural architecture search') },
    });
    const sections = body.blocks.filter((b) => b.type === 'section').map((b) => b.text!.text);
    for (const s of sections) expect(s.length).toBeLessThanOrEqual(3000);
    expect(sections[0]).toMatch(/^\*1\. <https:\/\/arxiv\.org\/[^|]+\|.+>\*/);
    expect(sections[0]).toMatch(/\n_matches /);
    expect(sections.at(-1)).toContain('|Read it on the web>');
    expect(sections.at(-1)).toContain('https://papers.example.org/digests/');
    expect(receiver.posts[1]!.body.length).toBeLessThanOrEqual(40_000);
  });

  it('a webhook slower than CHANNEL_TIMEOUT_MS is retried, and the late answer does not count', async () => {
    const { app, receiver } = await channelApp('mattermost', (n) => (n === 0 ? { delayMs: 1_500 } : {}));
    const { run } = await planAndDeliver(app);
    expect(run.sent).toBe(1);
    expect(receiver.posts).toHaveLength(2);
    const [row] = await channelRows(app);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    const text = (JSON.parse(receiver.posts[1]!.body) as { text: string }).text;
    expect(text).toMatch(/^#### Neural architecture search · /);
    expect(text).toMatch(/\n1\. \*\*\[.+\]\(https:\/\/arxiv\.org\/.+\)\*\* · \d\.\d\d\n {3}\*matches /);
    expect(text).toContain('[Read it on the web](https://papers.example.org/digests/');
  });

  it('honours Retry-After on a 429, in seconds', async () => {
    const { app, receiver } = await channelApp('discord', (n) =>
      n === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' } : {},
    );
    const { run } = await planAndDeliver(app);
    expect(run.sent).toBe(1);
    expect(receiver.posts).toHaveLength(2);
    // The retry waited what the receiver asked, not the 20 ms backoff.
    expect(receiver.posts[1]!.at - receiver.posts[0]!.at).toBeGreaterThanOrEqual(950);
    const body = JSON.parse(receiver.posts[1]!.body) as {
      embeds: { title: string; url: string; description: string }[];
      allowed_mentions: unknown;
    };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds).toHaveLength(1);
    expect(body.embeds[0]!.title).toContain('Neural architecture search');
    expect(body.embeds[0]!.url).toMatch(/^https:\/\/papers\.example\.org\/digests\//);
    expect(body.embeds[0]!.description).toMatch(/^\*\*1\. \[.+\]\(https:\/\/arxiv\.org\/.+\)\*\*/);
  });

  it('honours Retry-After on a 429, as an HTTP-date', async () => {
    let app: App | undefined;
    const { app: a, receiver } = await channelApp('slack', (n) =>
      n === 0
        ? { status: 429, headers: { 'retry-after': new Date(app!.clock().getTime() + 2_000).toUTCString() } }
        : {},
    );
    app = a;
    const { run } = await planAndDeliver(app);
    expect(run.sent).toBe(1);
    // An HTTP-date has whole seconds: at least one second later, however the first post fell.
    expect(receiver.posts[1]!.at - receiver.posts[0]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('a 400 fails for good after one attempt, shown with the URL masked, in errors and logs alike', async () => {
    const { app, receiver, url, logs } = await channelApp('slack', () => ({
      status: 400,
      // A receiver that echoes the URL back must not get it into the record either.
      body: `invalid_payload for ${SECRET_PATH}`,
    }));
    const { run } = await planAndDeliver(app);
    expect(run.failed).toBe(1);
    expect(receiver.posts).toHaveLength(1);
    const [row] = await channelRows(app);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, errorKind: 'rejected' });
    expect(row!.lastError).toMatch(/^HTTP 400: invalid_payload for \*\*\* from http:\/\/127\.0\.0\.1:\d+\/\*\*\*$/);
    const [shown] = await app.channels.list();
    // Today's edition is had (it failed): the next is tomorrow's.
    expect(shown).toMatchObject({
      url: `http://127.0.0.1:${receiver.port}/***`,
      nextAt: '2026-11-26T08:00:00.000Z',
      lastDelivery: { status: 'failed' },
    });
    const everything = JSON.stringify([row, shown, logs]);
    expect(logs.some((l) => l.includes('channel delivery attempt failed'))).toBe(true);
    expect(everything).not.toContain(url);
    expect(everything).not.toContain('kXq9SecretWebhookToken');
  });

  it('gives up after DELIVERY_MAX_ATTEMPTS answers of 5xx', async () => {
    const { app, receiver } = await channelApp('slack', () => ({ status: 503 }));
    const { run } = await planAndDeliver(app);
    expect(run.failed).toBe(1);
    expect(receiver.posts).toHaveLength(4);
    const [row] = await channelRows(app);
    expect(row).toMatchObject({ status: 'failed', errorKind: 'gave-up', attempts: 4 });
  });

  it('signs the json body so that the receiver can verify it with the secret shown at add', async () => {
    const { app, receiver, signingSecret } = await channelApp('json', undefined, ['nas', 'llm-serving']);
    expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const { run } = await planAndDeliver(app);
    expect(run.sent).toBe(1);
    const [post] = receiver.posts;
    const signature = post!.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    const nowS = Math.floor(app.clock().getTime() / 1000);
    expect(verifySignature(signingSecret!, signature, post!.body, nowS)).toBe(true);
    expect(verifySignature(signingSecret!, signature, post!.body.replace('"version":1', '"version":2'), nowS)).toBe(
      false,
    );
    expect(verifySignature('whsec_another', signature, post!.body, nowS)).toBe(false);
    const body = JSON.parse(post!.body);
    expect(body).toMatchObject({
      type: 'paperboy.edition',
      version: 1,
      delivery_id: post!.headers['idempotency-key'],
      edition: {
        key: 'llm-serving,nas',
        period: { kind: 'day', key: '2026-11-25' },
        topics: ['llm-serving', 'nas'],
        web_url: expect.stringMatching(/^https:\/\/papers\.example\.org\/digests\//),
      },
    });
    expect(body.papers.length).toBeGreaterThan(0);
    for (const p of body.papers) {
      expect(p).toEqual({
        id: expect.any(String),
        title: expect.any(String),
        url: expect.stringMatching(/^https:\/\//),
        score: expect.any(Number),
        why: expect.any(String),
        topic: expect.any(String),
      });
    }
  });

  it('skips a delivery whose channel was removed before it was posted', async () => {
    const { app, receiver } = await channelApp('slack');
    await app.planner.plan(app.clock());
    await app.channels.remove('lab');
    const run = await app.deliverer.run({ maxWaitMs: 0 });
    expect(run.skipped).toBe(1);
    expect(receiver.posts).toHaveLength(0);
    const [row] = await channelRows(app);
    expect(row).toMatchObject({ status: 'skipped', errorKind: 'channel-gone' });
  });
});

describe.skipIf(!postgresAvailable())('channels on PostgreSQL', () => {
  it('plan one delivery per edition, retry a 500 and a 429, and record the 200, as on SQLite', async () => {
    const { app, receiver } = await channelApp(
      'json',
      (n) => (n === 0 ? { status: 500 } : n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : {}),
      ['nas'],
      freshSchema().env,
    );
    expect(app.store.engine).toBe('postgres');
    const { plan, run } = await planAndDeliver(app);
    expect(plan.channelDeliveries).toBe(1);
    expect(run).toMatchObject({ sent: 1, retried: 2 });
    expect(receiver.posts).toHaveLength(3);
    const [row, ...others] = await channelRows(app);
    expect(others).toEqual([]);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, kind: 'channel' });
    expect((await planAndDeliver(app)).plan.channelDeliveries).toBe(0);
  });
});
