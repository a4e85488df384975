// A reader's own data through the preferences page: "Your ratings" (remove one, reset a topic),
// the export that holds them, and "Delete my data", after which only the suppression is left.
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { signToken } from '../../src/domain/tokens.js';
import { TRANSFER_TABLES } from '../../src/store/ports.js';
import { createServer } from '../../src/web/server.js';
import { closeLater, confirmed, deliveryApp } from '../helpers/delivery.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { postForm } from '../helpers/web.js';

const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];

/** Ada and Bob got a digest; Ada rated two of its papers, Bob one. */
async function readersWithRatings() {
  const sink = await closeLater(await startSmtpSink());
  const app = await deliveryApp(sink.url);
  const [ada, bob] = (await confirmed(app, ['ada@example.org', 'bob@example.org'])) as [string, string];
  await app.planner.plan(app.clock());
  await app.deliverer.run({ maxWaitMs: 0 });
  const [digest] = await app.store.listDigests({ limit: 1 });
  const [liked, disliked] = digest!.paperIds as [string, string];
  const at = app.clock().toISOString();
  await app.store.rate({ subscriberId: ada, topicSlug: 'nas', paperId: liked, value: 1, ratedAt: at });
  await app.store.rate({ subscriberId: ada, topicSlug: 'nas', paperId: disliked, value: -1, ratedAt: at });
  await app.store.rate({ subscriberId: bob, topicSlug: 'nas', paperId: liked, value: -1, ratedAt: at });
  const server = createServer(app);
  const base = await server.listen({ port: 0, host: '127.0.0.1' });
  await closeLater({ close: () => server.close() });
  const preferences = `${base}/preferences/${signToken(app.secret, 'preferences', ada)}`;
  return { app, sink, base, ada, bob, liked, disliked, preferences };
}

const titleOf = async (app: App, id: string) => (await app.store.getPapers([id]))[0]!.title;
const escaped = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll("'", '&#x27;');

describe("the reader's ratings on the preferences page", () => {
  it('lists each rating with its paper, topic and choice; Remove and Reset take them away (POST only)', async () => {
    const { app, ada, bob, liked, disliked, preferences } = await readersWithRatings();
    const page = await (await fetch(preferences)).text();
    expect(page).toContain('<h2>Your ratings</h2>');
    expect(page).toContain('Neural architecture search <span class="muted">· 2 ratings</span>');
    for (const id of [liked, disliked]) expect(page).toContain(escaped((await titleOf(app, id)).slice(0, 25)));
    expect(page).toContain('<span class="rating">More like this</span>');
    expect(page).toContain('<span class="rating">Not for me</span>');
    const csrf = field(page, 'csrf')!;

    // A form not from the page changes nothing.
    const forged = await postForm(`${preferences}/ratings/remove`, { csrf: 'x', topic: 'nas', paper: liked });
    expect(forged.status).toBe(403);
    expect(await app.store.listRatings(ada)).toHaveLength(2);

    const removed = await postForm(`${preferences}/ratings/remove`, { csrf, topic: 'nas', paper: liked });
    expect(removed.status).toBe(303);
    expect(removed.headers.get('location')).toMatch(/^\/preferences\/[\w.-]+#ratings$/);
    expect((await app.store.listRatings(ada)).map((r) => r.paperId)).toEqual([disliked]);
    const after = await (await fetch(preferences)).text();
    expect(after).toContain('· 1 rating</span>');

    await postForm(`${preferences}/ratings/reset`, { csrf, topic: 'nas' });
    expect(await app.store.listRatings(ada)).toEqual([]);
    expect(await (await fetch(preferences)).text()).toContain('No ratings yet.');
    // Bob's are his own.
    expect(await app.store.listRatings(bob)).toHaveLength(1);
  });
});

describe('privacy', () => {
  it('exports each reader with their ratings', async () => {
    const { app, liked, disliked } = await readersWithRatings();
    const json = JSON.parse(await app.subscriberCsv.export('json')) as {
      email: string;
      ratings: { topic: string; paper: string; title: string; rating: string; rated_at: string }[];
    }[];
    const ada = json.find((r) => r.email === 'ada@example.org')!;
    expect(ada.ratings.map((r) => [r.topic, r.paper, r.rating]).sort()).toEqual(
      [
        ['nas', liked, 'more like this'],
        ['nas', disliked, 'not for me'],
      ].sort(),
    );
    expect(ada.ratings[0]!.title).toBe(await titleOf(app, ada.ratings[0]!.paper));
    const csv = (await app.subscriberCsv.export('csv')).split('\n');
    expect(csv[0]).toMatch(/,ratings$/);
    expect(csv.find((l) => l.startsWith('ada@example.org'))).toMatch(/,2$/);
  });

  it('"Delete my data" asks first, then leaves nothing of the reader but the suppression of the address', async () => {
    const { app, sink, base, ada, bob, preferences } = await readersWithRatings();
    const csrf = field(await (await fetch(preferences)).text(), 'csrf')!;
    const asked = await postForm(`${preferences}/delete`, { csrf });
    expect(asked.status).toBe(200);
    const confirmation = await asked.text();
    expect(confirmation).toContain('Delete all your data?');
    expect(confirmation).toContain('your 2 ratings');
    expect(await app.store.getSubscriber(ada)).toBeDefined();

    const done = await postForm(`${preferences}/delete`, { csrf: field(confirmation, 'csrf')!, confirm: 'yes' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your data is deleted');
    for (const table of TRANSFER_TABLES) {
      const rows = JSON.stringify(await app.store.exportRows(table, 0, 10_000));
      expect(rows.includes('ada@example.org'), table).toBe(table === 'suppressions');
      expect(rows, table).not.toContain(ada);
    }
    expect(await app.store.listSuppressions()).toEqual([
      expect.objectContaining({ email: 'ada@example.org', reason: 'erased' }),
    ]);
    // The old links lead nowhere; Bob is untouched.
    expect((await fetch(preferences)).status).toBe(404);
    expect(await app.store.listRatings(bob)).toHaveLength(1);
    expect(await app.store.listConsentEvents(bob)).not.toEqual([]);

    // Signed up again, the address gets no email: the suppression honours the deletion.
    const before = sink.messages.length;
    await postForm(`${base}/subscribe`, { email: 'ada@example.org', topics: 'nas' });
    await app.idle();
    expect(sink.messages.length).toBe(before);
    expect(await app.store.findSubscriberByEmail('ada@example.org')).toBeUndefined();
  });
});
