import { describe, expect, it } from 'vitest';
import { localParts } from '../../src/domain/zoned-time.js';
import type { App } from '../../src/app.js';
import { fixedClock, testApp } from '../helpers/env.js';
import { paperInput, topic } from '../helpers/factories.js';

// A week simulated hour by hour on an injected clock: the planner runs at every full hour, a new
// paper arrives every four hours, and what each subscriber got is read back from the store.
// The week holds Europe's switch from summer time (Sunday 25 October 2026, 03:00 → 02:00).
const START = Date.parse('2026-10-19T00:00:00Z'); // Monday
const HOUR = 3_600_000;

const SUBSCRIBERS = [
  { name: 'tokyo', timezone: 'Asia/Tokyo', hour: 8 },
  { name: 'berlin', timezone: 'Europe/Berlin', hour: 8 },
  { name: 'new-york', timezone: 'America/New_York', hour: 7 },
  { name: 'kathmandu', timezone: 'Asia/Kathmandu', hour: 9 }, // UTC+05:45
];

const METHODS = [
  'Evolutionary',
  'Differentiable',
  'Predictor-based',
  'One-shot',
  'Zero-cost',
  'Bayesian',
  'Hardware-aware',
];
const FIELDS = [
  'speech recognition',
  'graph learning',
  'tabular data',
  'point clouds',
  'machine translation',
  'video understanding',
];

async function weekApp() {
  const clock = fixedClock(new Date(START).toISOString());
  const app = await testApp({ clock, env: { DIGEST_MAX_PAPERS: '200' } });
  await app.store.saveTopic(topic(), clock().toISOString());
  const ids = new Map<string, string>();
  for (const s of SUBSCRIBERS) {
    for (const frequency of ['daily', 'weekly']) {
      const email = `${s.name}-${frequency}@example.org`;
      const added = await app.subscriptions.addByOperator(
        { email, topics: ['nas'], timezone: s.timezone, hour: s.hour, frequency },
        { confirmed: true },
        { source: 'test' },
      );
      ids.set(added.subscriber!.id, email);
    }
  }
  return { app, ids };
}

let paperNo = 0;
async function arrivePaper(app: App, at: number) {
  const n = paperNo++;
  const method = METHODS[n % METHODS.length]!;
  const field = FIELDS[Math.floor(n / METHODS.length) % FIELDS.length]!;
  await app.store.upsertPapers(
    [
      paperInput({
        title: `${method} neural architecture search for ${field} (${n})`,
        abstract: `We search architectures for ${field} with a ${method.toLowerCase()} strategy; study ${n}.`,
      }),
    ],
    new Date(at).toISOString(),
  );
}

/** Runs the planner at every full hour of [from, to], skipping the hours in `down`. */
async function simulate(app: App, from: number, to: number, down: (t: number) => boolean = () => false) {
  for (let t = from; t <= to; t += HOUR) {
    if ((t - START) % (4 * HOUR) === 0) await arrivePaper(app, t - HOUR / 2);
    if (!down(t)) await app.planner.plan(new Date(t));
  }
}

/** Each subscriber's deliveries as "period key @ local time the planner made it". */
async function table(app: App, ids: Map<string, string>) {
  const rows: Record<string, string[]> = {};
  const deliveries = await app.store.listDeliveries({ limit: 1000 });
  for (const d of deliveries.sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    const email = ids.get(d.subscriberId)!;
    const zone = SUBSCRIBERS.find((s) => email.startsWith(`${s.name}-`))!.timezone;
    const l = localParts(new Date(d.createdAt), zone);
    const local = `${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')} ${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`;
    const digest = (await app.store.getDigest(d.digestId!))!;
    (rows[email] ??= []).push(`${digest.period.key} @ ${local}`);
  }
  return rows;
}

/** What each subscriber's digests were labelled (the subject after the paper count), in order. */
async function labels(app: App, ids: Map<string, string>) {
  const rows: Record<string, string[]> = {};
  const deliveries = await app.store.listDeliveries({ limit: 1000 });
  for (const d of deliveries.sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    const { subject } = (await app.store.getDigest(d.digestId!))!;
    (rows[ids.get(d.subscriberId)!] ??= []).push(subject.split(' · ').slice(1).join(' · '));
  }
  return rows;
}

/** Every paper of a daily subscriber's window reached them exactly once. */
async function expectEveryPaperOnce(app: App, subscriberId: string) {
  const digests = [];
  for (const d of await app.store.listDeliveries({ limit: 1000 })) {
    if (d.subscriberId === subscriberId) digests.push((await app.store.getDigest(d.digestId!))!);
  }
  digests.sort((a, b) => a.cutoffAt.localeCompare(b.cutoffAt));
  const received = digests.flatMap((g) => g.paperIds);
  expect(new Set(received).size).toBe(received.length);
  const from = digests[0]!.windowStart;
  const to = digests.at(-1)!.cutoffAt;
  const expected = (await app.store.listPapers({ since: from })).filter(
    (p) => p.firstSeenAt > from && p.firstSeenAt <= to,
  );
  expect(received.sort()).toEqual(expected.map((p) => p.id).sort());
}

describe('a simulated week, hour by hour', () => {
  it('sends each subscriber one digest a period at their local hour, across the DST change', async () => {
    const { app, ids } = await weekApp();
    await simulate(app, START, START + 7 * 24 * HOUR);
    // Local times; Kathmandu's 09:00 is 03:15 UTC, planned at the next full hour (09:45 local).
    // Berlin's 08:00 moves from 06:00 to 07:00 UTC on Sunday. Everyone signed up on Monday at 00:00
    // UTC: Tokyo's and New York's Monday send times had passed, so their first digests are the next ones.
    expect(await table(app, ids)).toEqual({
      'tokyo-daily@example.org': ['20', '21', '22', '23', '24', '25', '26'].map((d) => `2026-10-${d} @ 10-${d} 08:00`),
      'berlin-daily@example.org': ['19', '20', '21', '22', '23', '24', '25'].map((d) => `2026-10-${d} @ 10-${d} 08:00`),
      'new-york-daily@example.org': ['19', '20', '21', '22', '23', '24', '25'].map(
        (d) => `2026-10-${d} @ 10-${d} 07:00`,
      ),
      'kathmandu-daily@example.org': ['19', '20', '21', '22', '23', '24', '25'].map(
        (d) => `2026-10-${d} @ 10-${d} 09:45`,
      ),
      'tokyo-weekly@example.org': ['2026-W44 @ 10-26 08:00'],
      'berlin-weekly@example.org': ['2026-W43 @ 10-19 08:00'],
      'new-york-weekly@example.org': ['2026-W43 @ 10-19 07:00'],
      'kathmandu-weekly@example.org': ['2026-W43 @ 10-19 09:45'],
    });
    for (const [id, email] of ids) if (email.endsWith('-daily@example.org')) await expectEveryPaperOnce(app, id);
    // Tokyo, Berlin, New York and Kathmandu share one edition per day: one digest a period, not four.
    const digests = await app.store.listDigests({ limit: 100 });
    expect(digests.filter((g) => g.period.kind === 'day')).toHaveLength(8);

    // A weekly digest is keyed by the week it is sent in (W43, W44 above) but named after the days
    // its papers come from: the week before. Kathmandu's 09:45 (04:00 UTC) froze W43 for all
    // three zones; Tokyo's W44 (Sunday 23:00 UTC) holds the papers since then.
    const named = await labels(app, ids);
    expect(named['berlin-weekly@example.org']).toEqual(['Week of 12–18 Oct 2026']);
    expect(named['new-york-weekly@example.org']).toEqual(['Week of 12–18 Oct 2026']);
    expect(named['kathmandu-weekly@example.org']).toEqual(['Week of 12–18 Oct 2026']);
    expect(named['tokyo-weekly@example.org']).toEqual(['Week of 19–25 Oct 2026']);
    // A daily digest is dated the day it goes out in its subscribers' zone.
    expect(named['berlin-daily@example.org']).toEqual(
      ['19', '20', '21', '22', '23', '24', '25'].map((d) =>
        expect.stringMatching(new RegExp(`^\\w+day, ${d} October 2026$`)),
      ),
    );
  });

  it('catches up after a 30-hour outage: one digest for the missed time, no paper lost or repeated', async () => {
    const { app, ids } = await weekApp();
    const outageStart = Date.parse('2026-10-21T05:00:00Z');
    const outageEnd = outageStart + 30 * HOUR; // back on Thursday at 11:00 UTC
    await simulate(app, START, START + 6 * 24 * HOUR, (t) => t >= outageStart && t < outageEnd);
    const rows = await table(app, ids);
    // Berlin's Wednesday and Thursday 08:00 fell in the outage: one digest when it came back.
    expect(rows['berlin-daily@example.org']).toEqual([
      '2026-10-19 @ 10-19 08:00',
      '2026-10-20 @ 10-20 08:00',
      '2026-10-22 @ 10-22 13:00',
      '2026-10-23 @ 10-23 08:00',
      '2026-10-24 @ 10-24 08:00',
    ]);
    // New York's Wednesday was missed; Thursday 07:00 came at the first hour back, on time.
    expect(rows['new-york-daily@example.org']).toContain('2026-10-22 @ 10-22 07:00');
    expect(rows['new-york-daily@example.org']).not.toContain(expect.stringMatching(/^2026-10-21/));
    expect(rows['tokyo-daily@example.org']).toContain('2026-10-22 @ 10-22 20:00');
    expect(rows['kathmandu-daily@example.org']).toContain('2026-10-22 @ 10-22 16:45');
    // The digest after the outage holds two days, and says so.
    expect((await labels(app, ids))['berlin-daily@example.org']).toEqual([
      'Monday, 19 October 2026',
      'Tuesday, 20 October 2026',
      'Thursday, 22 October 2026 · since 20 Oct',
      'Friday, 23 October 2026',
      'Saturday, 24 October 2026',
    ]);
    for (const [id, email] of ids) if (email.endsWith('-daily@example.org')) await expectEveryPaperOnce(app, id);
  });
});
