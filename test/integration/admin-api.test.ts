import { describe, expect, it } from 'vitest';
import { SAMPLE_PAGE } from '../helpers/env.js';
import { postForm, TOPICS, webApp } from '../helpers/web.js';

const TOKEN = 'admin-token-for-tests-0123456789';

function api(base: string, path: string, init: RequestInit & { token?: string | null } = {}) {
  const { token = TOKEN, ...rest } = init;
  const headers: Record<string, string> = rest.body ? { 'content-type': 'application/json' } : {};
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(`${base}/admin/api${path}`, {
    ...rest,
    headers: { ...headers, ...(rest.headers as Record<string, string>) },
  });
}

describe('admin API', () => {
  it('refuses requests without the right bearer token', async () => {
    const { base } = await webApp({ ADMIN_TOKEN: TOKEN });
    for (const token of [null, 'wrong', `${TOKEN}x`]) {
      const res = await api(base, '/subscribers', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toEqual({ error: 'a valid bearer token is required' });
    }
  });

  it('does not exist when no ADMIN_TOKEN is configured', async () => {
    const { base } = await webApp();
    expect((await api(base, '/subscribers')).status).toBe(404);
  });

  it('lists, adds and removes subscribers and topics', async () => {
    const { base, sink } = await webApp({ ADMIN_TOKEN: TOKEN });
    const added = await api(base, '/subscribers', {
      method: 'POST',
      body: JSON.stringify({
        email: 'Ada@Example.org',
        topics: ['nas'],
        timezone: 'Europe/Berlin',
        hour: 7,
        confirmed: true,
      }),
    });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({
      outcome: 'confirmed',
      subscriber: { email: 'ada@example.org', status: 'confirmed' },
    });
    const optIn = await api(base, '/subscribers', {
      method: 'POST',
      body: JSON.stringify({ email: 'bob@example.org', topics: ['nas'] }),
    });
    expect(await optIn.json()).toMatchObject({ outcome: 'sent', subscriber: { status: 'pending' } });
    expect(sink.messages.map((m) => m.envelopeTo[0])).toEqual(['bob@example.org']);

    const list = (await (await api(base, '/subscribers')).json()) as Record<string, unknown>[];
    expect(list.map((s) => [s.email, s.status])).toEqual([
      ['ada@example.org', 'confirmed'],
      ['bob@example.org', 'pending'],
    ]);
    expect(JSON.stringify(list)).not.toContain('confirmTokenHash');

    const bad = await api(base, '/subscribers', {
      method: 'POST',
      body: JSON.stringify({ email: 'x@example.org', topics: [] }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.stringMatching(/^topics: /) });

    expect((await api(base, '/subscribers/bob@example.org', { method: 'DELETE' })).status).toBe(204);
    expect((await api(base, '/subscribers/bob@example.org', { method: 'DELETE' })).status).toBe(404);

    const topic = await api(base, '/topics', {
      method: 'POST',
      body: JSON.stringify({ slug: 'vit', query: '"vision transformer" OR ViT' }),
    });
    expect(topic.status).toBe(201);
    // No paper stored yet: nothing to try the query on, so no warning.
    expect(await topic.json()).toEqual({
      slug: 'vit',
      name: 'Vision transformer',
      query: '"vision transformer" OR ViT',
      syntax: 'natural',
      preview: expect.objectContaining({ window: expect.objectContaining({ papers: 0 }), matches: 0, first: [] }),
    });
    // A topic of an existing slug is replaced (200, not 201); sent without a name, it is named from its new query.
    const replaced = await api(base, '/topics', {
      method: 'POST',
      body: JSON.stringify({ slug: 'vit', query: 'ViT pruning' }),
    });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ slug: 'vit', name: 'ViT pruning', query: 'ViT pruning' });
    const listed = (await (await api(base, '/topics')).json()) as { slug: string; name: string }[];
    expect(listed.find((t) => t.slug === 'vit')?.name).toBe('ViT pruning');
    // Without a name, a long query still makes a topic: its name is cut to fit, at a word.
    const long =
      'sparse mixture of experts routing for efficient large language model inference on commodity GPUs with speculative decoding';
    const longTopic = await api(base, '/topics', {
      method: 'POST',
      body: JSON.stringify({ slug: 'moe', query: long }),
    });
    expect(longTopic.status).toBe(201);
    expect(await longTopic.json()).toMatchObject({
      slug: 'moe',
      name: 'Sparse mixture of experts routing for efficient large language model inference on commodity GPUs with speculative…',
      query: long,
      syntax: 'natural',
    });
    const longName = await api(base, '/topics', {
      method: 'POST',
      body: JSON.stringify({ slug: 'moe2', query: 'moe', name: 'x'.repeat(121) }),
    });
    expect(longName.status).toBe(400);
    expect(await longName.json()).toEqual({
      error:
        'a topic name is at most 120 characters (this one has 121): give a shorter name, or none to take one from the query',
    });
    const badTopic = await api(base, '/topics', {
      method: 'POST',
      body: JSON.stringify({ slug: 'Bad Slug', query: 'x' }),
    });
    expect(badTopic.status).toBe(400);
    // A seed that is not a stored paper would make a topic that matches nothing.
    const unknownSeed = await api(base, '/topics', {
      method: 'POST',
      body: JSON.stringify({ slug: 'like-x', query: 'like:9999.99999' }),
    });
    expect(unknownSeed.status).toBe(400);
    expect(await unknownSeed.json()).toEqual({
      error: expect.stringContaining('like:arxiv:9999.99999 is not a stored paper (ingest it first)'),
    });
    expect(((await (await api(base, '/topics')).json()) as { slug: string }[]).map((t) => t.slug)).toContain('vit');
    expect((await api(base, '/topics/vit', { method: 'DELETE' })).status).toBe(204);
    expect((await api(base, '/topics/vit', { method: 'DELETE' })).status).toBe(404);
  });

  it('answers 429 to a client after too many wrong tokens, across the API, /metrics and the login form, even with the right one', async () => {
    // Behind one proxy hop, so two clients can be told apart by their forwarded address.
    const { base, clock } = await webApp({ ADMIN_TOKEN: TOKEN, TRUST_PROXY: '1' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await api(base, '/subscribers', { token: `guess-${i}-${'x'.repeat(i * 9)}`, headers: from('203.0.113.5') }))
          .status,
      );
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer m${i}`, ...from('203.0.113.5') } })).status,
      );
    for (let i = 0; i < 2; i++)
      statuses.push((await postForm(`${base}/admin/login`, { token: `l${i}` }, from('203.0.113.5'))).status);
    expect(statuses).toEqual([...Array(8).fill(401), 401, 401]);

    const locked = await api(base, '/subscribers', { token: 'one-more-guess', headers: from('203.0.113.5') });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.json()).toEqual({
      error: expect.stringMatching(/^Too many failed attempts with the admin token/),
    });
    // Locked out, the right token gets the same answer: the answer to a guess tells nothing.
    expect((await api(base, '/subscribers', { headers: from('203.0.113.5') })).status).toBe(429);
    expect(
      (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}`, ...from('203.0.113.5') } }))
        .status,
    ).toBe(429);
    // Another client is not locked out.
    expect((await api(base, '/subscribers', { headers: from('198.51.100.9') })).status).toBe(200);

    clock.set('2026-11-25T06:16:00Z'); // the window has passed
    expect((await api(base, '/subscribers', { headers: from('203.0.113.5') })).status).toBe(200);
  });

  it("shows what a topic matches among the last 30 days' papers, and saves one that matches nothing with a warning naming its words", async () => {
    const { app, base, clock } = await webApp({ ADMIN_TOKEN: TOKEN });
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    const post = (path: string, body: unknown) => api(base, path, { method: 'POST', body: JSON.stringify(body) });
    type Preview = {
      window: { from: string; to: string; days: number; papers: number };
      matches: number;
      first: { id: string; title: string; score: number; matched: string[]; why: string }[];
      wordsWithoutHits: string[];
      corrections: unknown[];
    };

    const tried = await post('/topics/preview', { query: '"neural architecture search" OR NAS' });
    expect(tried.status).toBe(200);
    const preview = (await tried.json()) as Preview;
    expect(preview.window).toEqual({
      from: '2026-10-26T06:00:00.000Z',
      to: '2026-11-25T06:00:00.000Z',
      days: 30,
      papers: 103,
    });
    expect(preview.matches).toBeGreaterThan(5);
    expect(preview.matches).toBeLessThan(103);
    expect(preview.first).toHaveLength(5);
    for (const p of preview.first) {
      expect(`${p.title} ${p.matched.join(' ')}`).toMatch(/neural architecture search|NAS/i);
      expect(p.why).toMatch(/^matches /);
    }
    const scores = preview.first.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(preview.wordsWithoutHits).toEqual([]);
    expect(preview.corrections).toEqual([]);
    // Trying saves nothing.
    expect(((await (await api(base, '/topics')).json()) as { slug: string }[]).map((t) => t.slug)).toEqual(
      TOPICS.map((t) => t.slug).sort(),
    );

    const nothing = (await (
      await post('/topics/preview', { query: 'photosynthesis OR "chlorophyll"' })
    ).json()) as Preview;
    expect(nothing).toMatchObject({ matches: 0, first: [], wordsWithoutHits: ['photosynthesis', 'chlorophyll'] });

    // The API saves a topic that matches nothing (a script cannot be asked), with a warning.
    const plants = await post('/topics', { slug: 'plants', query: 'photosynthesis chlorophyll' });
    expect(plants.status).toBe(201);
    expect(await plants.json()).toMatchObject({
      slug: 'plants',
      preview: { matches: 0, wordsWithoutHits: ['photosynthesis', 'chlorophyll'] },
      warning: 'matches none of the 103 papers from the last 30 days: no paper has photosynthesis or chlorophyll',
    });
    expect(await app.store.getTopic('plants')).toMatchObject({ query: 'photosynthesis chlorophyll' });
    const nas = await post('/topics', { slug: 'nas-again', query: 'neural architecture search' });
    expect(nas.status).toBe(201);
    const saved = (await nas.json()) as { preview: Preview; warning?: string };
    expect(saved.preview.matches).toBeGreaterThan(0);
    expect(saved.preview.first[0]?.why).toMatch(/^matches /);
    expect(saved).not.toHaveProperty('warning');

    // A month on, those papers are out of the window: nothing to try the query on, and no warning.
    clock.set('2026-12-26T06:00:00Z');
    const later = (await (await post('/topics/preview', { query: 'photosynthesis' })).json()) as Preview;
    expect(later).toMatchObject({ window: { papers: 0 }, matches: 0, wordsWithoutHits: [] });

    const bad = await post('/topics/preview', { query: 'nas min:2' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: 'topic query "nas min:2": min:2 must be a number from 0 to 1 (e.g. min:0.3)',
    });
    expect((await post('/topics/preview', {})).status).toBe(400);
    expect((await api(base, '/topics/preview', { method: 'POST', body: '{"query":"nas"}', token: null })).status).toBe(
      401,
    );
  });
});
