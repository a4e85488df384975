import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { confirmedYesterday } from '../helpers/delivery.js';
import { FIXTURES, SAMPLE_PAGE } from '../helpers/env.js';
import { startFixtureServer } from '../helpers/http-fixtures.js';
import { postForm, webApp } from '../helpers/web.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const library = (name: string) => readFileSync(`${FIXTURES}library/${name}`, 'utf8');
const EMPTY_ANSWER = readFileSync(`${FIXTURES}sources/arxiv-api-empty.xml`, 'utf8');

/** A server whose arXiv API is a local fixture server, the sample papers stored, and Ada subscribed to `nas`. */
async function withReader(env: Record<string, string> = {}) {
  const arxiv = await startFixtureServer();
  arxiv.route('/api/query', (req) =>
    req.query.get('id_list') === '2401.01234,hep-th/9901001'
      ? { body: library('arxiv-id-list.xml'), type: 'application/atom+xml; charset=utf-8' }
      : { body: EMPTY_ANSWER, type: 'application/atom+xml; charset=utf-8' },
  );
  const { app, base, sink, clock } = await webApp({ ARXIV_API_URL: arxiv.url('/api/query'), ...env });
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  const ada = await confirmedYesterday(app, { email: 'ada@example.org', topics: ['nas'], timezone: 'UTC', hour: 8 });
  const preferences = new URL(app.subscriptions.links(ada.id).preferencesUrl).pathname;
  return { app, base, sink, clock, arxiv, ada, preferences };
}

async function csrfOf(base: string, preferences: string): Promise<string> {
  const html = await (await fetch(`${base}${preferences}`)).text();
  return /name="csrf" value="([^"]+)"/.exec(html)![1]!;
}

/** POSTs a form as multipart/form-data, the way the preferences page's upload form does. */
async function postMultipart(url: string, fields: Record<string, string>, file?: { name: string; text: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('library', new Blob([file.text], { type: 'application/octet-stream' }), file.name);
  return fetch(url, { method: 'POST', body: form });
}

const personalSlugs = async (app: App, id: string) => (await app.store.listPersonalTopics(id)).map((t) => t.slug);

describe('personal topics through the preferences page', () => {
  it('creates a topic from pasted ids, fetching the papers not stored from arXiv, and keeps it private', async () => {
    const { app, base, arxiv, ada, preferences } = await withReader({ ADMIN_TOKEN });
    const page = await (await fetch(`${base}${preferences}`)).text();
    expect(page).toContain('Your topics');
    expect(page).toContain('Your feed');

    const res = await postMultipart(`${base}${preferences}/topics`, {
      csrf: await csrfOf(base, preferences),
      name: 'My <NAS> reading',
      words: 'neural architecture search',
      ids: '2401.01234v2\nhttps://arxiv.org/abs/hep-th/9901001v1, 2401.01234\nnot-an-id',
    });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain(
      // Three entries: the two ids (the one pasted twice counts once) and the line that is no id, so the counts add up.
      'Saved “My &lt;NAS&gt; reading”. Read 3 entries: 0 found among the stored papers, 2 fetched from arXiv, 1 not found.',
    );
    expect(html).toContain('pasted line 3: &quot;not-an-id&quot; is not an arXiv id or link');
    // One request for both ids, naming Paperboy.
    const asked = arxiv.requestsTo('/api/query');
    expect(asked).toHaveLength(1);
    expect(asked[0]!.query.get('id_list')).toBe('2401.01234,hep-th/9901001');
    expect(asked[0]!.headers['user-agent']).toMatch(/^Paperboy\//);

    const [topic] = await app.store.listPersonalTopics(ada.id);
    expect(topic).toMatchObject({
      name: 'My <NAS> reading',
      query: 'neural architecture search like:arxiv:2401.01234 like:arxiv:hep-th/9901001',
      owner: ada.id,
    });
    expect((await app.store.getSubscriber(ada.id))?.topics).toEqual(['nas', topic!.slug]);
    // Fetched papers keep the day arXiv first published them: an old paper is not new to anyone.
    expect((await app.store.getPapers(['arxiv:hep-th/9901001']))[0]?.firstSeenAt).toBe('1999-01-04T20:15:31.000Z');

    const home = await (await fetch(`${base}/`)).text();
    expect(home).not.toContain('My &lt;NAS&gt; reading');
    expect(home).not.toContain(topic!.slug);
    for (const path of [
      `/topics/${topic!.slug}`,
      `/topics/${topic!.slug}/feed.xml`,
      `/topics/${topic!.slug}/feed.json`,
    ]) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
    expect(await (await fetch(`${base}/feed.xml`)).text()).not.toContain('Branes and Learning');
    // Saving the other preferences keeps it in the digest: the form lists public topics only.
    const saved = await postForm(`${base}${preferences}`, {
      csrf: await csrfOf(base, preferences),
      topics: ['nas', 'llm-serving'],
      frequency: 'daily',
      timezone: 'UTC',
      hour: '8',
    });
    expect(saved.status).toBe(200);
    expect((await app.store.getSubscriber(ada.id))?.topics).toEqual(['llm-serving', 'nas', topic!.slug]);
    // The operator sees a count, never the topic.
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const listed = (await (await fetch(`${base}/admin/api/topics`, { headers: admin })).json()) as { slug: string }[];
    expect(listed.map((t) => t.slug)).toEqual(['llm-serving', 'nas']);
    const login = await postForm(`${base}/admin/login`, { token: ADMIN_TOKEN });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const adminPage = await (await fetch(`${base}/admin`, { headers: { cookie } })).text();
    expect(adminPage).toContain('And 1 personal topic of 1 reader: private to their readers, not listed here.');
    expect(adminPage).not.toContain('My &lt;NAS&gt; reading');
    // Leaving and signing up again with the form keeps it (the form lists public topics only).
    await app.subscriptions.unsubscribe((await app.store.getSubscriber(ada.id))!, { kind: 'all' }, { source: 'test' });
    await app.subscriptions.subscribe({ email: 'ada@example.org', topics: ['nas'] }, { source: 'test' });
    expect((await app.store.getSubscriber(ada.id))?.topics).toEqual(['nas', topic!.slug]);
    // Another reader cannot subscribe to it.
    const bob = await postForm(`${base}/subscribe`, { email: 'bob@example.org', topics: [topic!.slug] });
    expect(bob.status).toBe(400);
    expect(await bob.text()).toContain(`unknown topic &quot;${topic!.slug}&quot;`);
  });

  it('creates one from an uploaded .bib: matched by id or title, the rest listed with why; the next digest has it', async () => {
    const { app, base, sink, clock, ada, preferences } = await withReader();
    // First the pasted ids, so that the .bib finds them stored.
    await postMultipart(`${base}${preferences}/topics`, {
      csrf: await csrfOf(base, preferences),
      ids: '2401.01234 hep-th/9901001',
    });
    const [first] = await personalSlugs(app, ada.id);
    const res = await postMultipart(
      `${base}${preferences}/topics`,
      { csrf: await csrfOf(base, preferences), name: 'From my library', words: '' },
      { name: 'My Library.bib', text: library('my-library.bib') },
    );
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('Read 7 entries: 4 found among the stored papers, 0 fetched from arXiv, 3 not found.');
    expect(html).toContain('onlydoi (line 37): only a DOI (10.1145/3292500.3330701): no arXiv id or title to look up');
    expect(html).toContain('notstored2022 (line 43): no arXiv id, and no stored paper has this title');
    expect(html).toContain('linked2024 (line 49): arXiv has no paper 2402.05555');
    const topics = await app.store.listPersonalTopics(ada.id);
    const fromBib = topics.find((t) => t.name === 'From my library')!;
    expect(fromBib.query.match(/like:/g)).toHaveLength(4);

    await app.personalTopics.remove(ada, first!);
    clock.set('2026-11-25T08:00:00Z');
    await app.planner.plan(clock());
    expect(await app.deliverer.run({ maxWaitMs: 0 })).toMatchObject({ sent: 1 });
    const mail = sink.messages.find((m) => m.envelopeTo.includes('ada@example.org'))!.mail;
    expect(mail.subject).toContain('From my library');
    // Its own section, with papers like the library's.
    expect(mail.text).toMatch(/From my library · [1-9]\d* (of \d+ )?papers?/);
    // The library's own papers are not news: the digest holds papers of the window it covers.
    expect(mail.text).not.toContain('Branes and Learning');
  });

  it('refuses a broken library, naming the line, and writes nothing; states the size limit', async () => {
    const { app, base, ada, preferences } = await withReader({ PERSONAL_TOPIC_MAX_BYTES: '2048' });
    const broken = await postMultipart(
      `${base}${preferences}/topics`,
      { csrf: await csrfOf(base, preferences), words: 'graphs' },
      { name: 'broken.bib', text: library('broken.bib') },
    );
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain(
      'broken.bib:6: this entry is not closed: a } is missing (unbalanced braces?)',
    );
    expect(await personalSlugs(app, ada.id)).toEqual([]);

    const large = await postMultipart(
      `${base}${preferences}/topics`,
      { csrf: await csrfOf(base, preferences), words: 'graphs' },
      { name: 'big.bib', text: `${library('my-library.bib')}\n% ${'x'.repeat(3000)}\n` },
    );
    expect(large.status).toBe(400);
    expect(await large.text()).toContain('big.bib is 4.5 KB: a library file may be at most 2 KB');
    const huge = await postMultipart(
      `${base}${preferences}/topics`,
      { csrf: await csrfOf(base, preferences) },
      { name: 'huge.bib', text: 'x'.repeat(300 * 1024) },
    );
    expect(huge.status).toBe(413);
    expect(await huge.text()).toContain(
      'What was sent is larger than 2 KB, the most a library file or a list of pasted ids may be.',
    );
    expect(await personalSlugs(app, ada.id)).toEqual([]);

    // A Zotero CSV export within the limit is read like any other.
    const csv = await postMultipart(
      `${base}${preferences}/topics`,
      { csrf: await csrfOf(base, preferences), words: 'graphs' },
      { name: 'Exported Items.csv', text: library('my-library.csv') },
    );
    expect(csv.status).toBe(200);
    const csvPage = await csv.text();
    // ProxylessNAS by title; the fixture arXiv has no 2401.01234 when asked for it alone.
    expect(csvPage).toContain('Read 3 entries: 1 found among the stored papers, 0 fetched from arXiv, 2 not found.');
    expect(csvPage).toContain(
      'IJKL9012 (line 5): no arXiv id (DOI 10.1038/s41586-020-2649-2, which arXiv cannot be asked by), and no stored paper has this title',
    );
    expect(await personalSlugs(app, ada.id)).toHaveLength(1);

    const forged = await postMultipart(`${base}${preferences}/topics`, { csrf: 'forged', words: 'graphs' });
    expect(forged.status).toBe(400);
    expect(await personalSlugs(app, ada.id)).toHaveLength(1);
  });

  it('saves nothing when arXiv does not answer, and says so; holds a reader to the hourly limit it states', async () => {
    const { app, base, arxiv, ada, preferences } = await withReader({
      FETCH_RETRIES: '0',
      PERSONAL_TOPIC_SAVES_PER_HOUR: '2',
    });
    arxiv.route('/api/query', { status: 503 });
    const down = await postMultipart(`${base}${preferences}/topics`, {
      csrf: await csrfOf(base, preferences),
      ids: '2401.01234',
    });
    expect(down.status).toBe(503);
    const text = await down.text();
    expect(text).toContain('arXiv did not answer: nothing was saved, try again in a few minutes');
    expect(text).not.toContain(arxiv.base);
    expect(await personalSlugs(app, ada.id)).toEqual([]);

    // An id arXiv answers with an error entry is not found, with arXiv's reason; the rest is saved.
    arxiv.route('/api/query', { body: readFileSync(`${FIXTURES}sources/arxiv-api-error.xml`, 'utf8') });
    const words = { words: 'graph neural networks' };
    const refused = await postMultipart(`${base}${preferences}/topics`, {
      csrf: await csrfOf(base, preferences),
      ids: '2403.12345',
      ...words,
    });
    expect(refused.status).toBe(200);
    expect(await refused.text()).toContain(
      '2403.12345 (line 1): arXiv could not look it up (the arXiv API answered with an error:',
    );
    const over = await postMultipart(`${base}${preferences}/topics`, {
      csrf: await csrfOf(base, preferences),
      ...words,
    });
    expect(over.status).toBe(429);
    expect(await over.text()).toContain(
      'You have saved 2 topics in the last hour, the most there may be: try again in an hour.',
    );
    expect(await personalSlugs(app, ada.id)).toHaveLength(1);
  });

  it('edits and deletes a topic', async () => {
    const { app, base, ada, preferences } = await withReader();
    await postMultipart(`${base}${preferences}/topics`, {
      csrf: await csrfOf(base, preferences),
      words: 'graph neural networks',
      ids: '2401.01234 hep-th/9901001',
    });
    const [slug] = await personalSlugs(app, ada.id);
    const page = await (await fetch(`${base}${preferences}`)).text();
    expect(page).toContain('Mixture-of-Depths Routing for Efficient Neural Architecture Search');
    const edited = await postMultipart(
      `${base}${preferences}/topics/${slug}`,
      { csrf: await csrfOf(base, preferences), name: 'Routing', words: 'token routing', keep: 'arxiv:2401.01234' },
      { name: 'export.ris', text: library('my-library.ris') },
    );
    expect(edited.status).toBe(200);
    expect(await edited.text()).toContain(
      'Read 4 entries: 3 found among the stored papers, 0 fetched from arXiv, 1 not found.',
    );
    const [after] = await app.store.listPersonalTopics(ada.id);
    expect(after).toMatchObject({ slug, name: 'Routing' });
    // The kept paper, then the file's, each once: ProxylessNAS matched by title, the old-style id by id.
    expect(after!.query).toMatch(
      /^token routing like:arxiv:2401\.01234 like:title:[0-9a-f]{16} like:arxiv:hep-th\/9901001$/,
    );
    const deleted = await postForm(`${base}${preferences}/topics/${slug}/delete`, {
      csrf: await csrfOf(base, preferences),
    });
    expect(deleted.status).toBe(200);
    expect(await personalSlugs(app, ada.id)).toEqual([]);
    expect((await app.store.getSubscriber(ada.id))?.topics).toEqual(['nas']);
    expect(
      (await postForm(`${base}${preferences}/topics/${slug}/delete`, { csrf: await csrfOf(base, preferences) })).status,
    ).toBe(404);
  });
});

describe('the personal feed', () => {
  it('holds exactly the papers of the digests sent to the reader, and stops working once replaced', async () => {
    const { app, base, sink, clock, ada, preferences } = await withReader();
    await confirmedYesterday(app, { email: 'bob@example.org', topics: ['llm-serving'], timezone: 'UTC', hour: 8 });
    clock.set('2026-11-25T08:00:00Z');
    await app.planner.plan(clock());
    await app.deliverer.run({ maxWaitMs: 0 });
    expect(sink.messages.length).toBeGreaterThanOrEqual(1);
    const sent = await app.store.sentDigestsOf(ada.id, 10);
    expect(sent).toHaveLength(1);

    const made = await postForm(`${base}${preferences}/feed`, { csrf: await csrfOf(base, preferences) });
    const page = await made.text();
    const [, feedBase] = /value="(https:\/\/papers\.example\.org\/me\/[\w-]+\/feed)\.xml"/.exec(page)!;
    const path = new URL(feedBase!).pathname;
    const json = await fetch(`${base}${path}.json`);
    expect(json.status).toBe(200);
    expect(json.headers.get('x-robots-tag')).toContain('noindex');
    const feed = (await json.json()) as { items: { id: string }[] };
    expect(feed.items.map((i) => i.id)).toEqual(sent[0]!.digest.paperIds);
    for (const ext of ['xml', 'atom']) expect((await fetch(`${base}${path}.${ext}`)).status).toBe(200);
    // Only a hash of the secret is stored.
    const secret = path.split('/')[2]!;
    expect(JSON.stringify(await app.store.exportRows('personal_feeds', 0, 10))).not.toContain(secret);

    const replaced = await postForm(`${base}${preferences}/feed`, { csrf: await csrfOf(base, preferences) });
    expect(await replaced.text()).toContain('the old one no longer works');
    expect((await fetch(`${base}${path}.json`)).status).toBe(404);
    const now = /value="(https:\/\/papers\.example\.org\/me\/[\w-]+\/feed)\.xml"/.exec(
      await (await fetch(`${base}${preferences}`)).text(),
    )!;
    expect(now[1]).not.toBe(feedBase);
    expect((await fetch(`${base}${new URL(now[1]!).pathname}.json`)).status).toBe(200);
    expect((await fetch(`${base}/me/not-a-secret/feed.xml`)).status).toBe(404);
  });

  it('"Delete my data" names the reader\'s own topics as they named them, never by their slug', async () => {
    const { app, base, ada, preferences } = await withReader();
    await postMultipart(`${base}${preferences}/topics`, {
      csrf: await csrfOf(base, preferences),
      name: 'Routing <&> «search»',
      words: 'neural architecture search',
    });
    const [own] = await app.store.listPersonalTopics(ada.id);
    const asked = await postForm(`${base}${preferences}/delete`, { csrf: await csrfOf(base, preferences) });
    const page = await asked.text();
    expect(page).toContain('Delete all your data?');
    expect(page).toContain('your subscription (Neural architecture search) and settings');
    expect(page).toContain('your own topic (Routing &lt;&amp;&gt; «search»), its words and papers');
    expect(page).not.toContain(own!.slug);
  });
});
