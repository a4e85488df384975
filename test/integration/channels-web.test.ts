// Channels through the admin API and on the admin page, the OPML on the site: the webhook URL is
// never answered in full, not even in an error or /healthz.
import { describe, expect, it } from 'vitest';
import { attr, child, list, parseXml, text } from '../../src/ingest/xml.js';
import { postForm, webApp } from '../helpers/web.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const TOKEN = 'admin-token-for-tests-0123456789';
const api = (base: string, path: string, init: RequestInit = {}) =>
  fetch(`${base}/admin/api${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });

describe('channels on the web', () => {
  it('are added, listed masked, tested and removed through the admin API, and shown on the admin page', async () => {
    const receiver = await startWebhookReceiver(() => ({ status: 410, body: 'gone' }));
    const { base, app } = await webApp({ ADMIN_TOKEN: TOKEN });
    const url = receiver.url('/api/webhooks/123/VerySecretDiscordToken');
    const added = await api(base, '/channels', {
      method: 'POST',
      body: JSON.stringify({
        name: 'lab',
        topics: ['nas'],
        url,
        format: 'json',
        frequency: 'weekly',
        hour: 9,
        timezone: 'Europe/Berlin',
      }),
    });
    expect(added.status).toBe(201);
    const body = (await added.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      name: 'lab',
      format: 'json',
      topics: ['nas'],
      url: `http://127.0.0.1:${receiver.port}/***`,
    });
    expect(body.signingSecret).toMatch(/^whsec_/);

    const bad = await api(base, '/channels', {
      method: 'POST',
      body: JSON.stringify({
        name: 'x',
        topics: ['nas'],
        url: 'ftp://example.org/VerySecretDiscordToken',
        format: 'slack',
      }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).not.toContain('VerySecretDiscordToken');

    const listed = await (await api(base, '/channels')).text();
    expect(listed).toContain('"url":"http://127.0.0.1:');
    expect(listed).not.toContain('VerySecret');
    expect(listed).not.toContain('whsec_');

    const tested = await api(base, '/channels/lab/test', { method: 'POST' });
    expect(await tested.json()).toEqual({
      ok: false,
      message: 'HTTP 410: gone',
      target: `http://127.0.0.1:${receiver.port}/***`,
    });
    expect(receiver.posts).toHaveLength(1);

    // A delivery that failed shows on the admin page, masked, with why.
    await app.store.insertDigest({
      id: 'dg_1',
      editionKey: 'nas',
      period: { kind: 'week', key: '2026-W48', start: new Date('2026-11-23'), end: new Date('2026-11-30') },
      windowStart: '2026-11-16T00:00:00.000Z',
      cutoffAt: '2026-11-23T08:00:00.000Z',
      createdAt: '2026-11-23T08:00:00.000Z',
      subject: 's',
      paperIds: [],
      html: '',
      text: '',
    });
    const channel = await app.store.getChannel('lab');
    await app.store.createChannelDelivery({
      id: 'dlv_w',
      digestId: 'dg_1',
      channelId: channel!.id,
      channelName: 'lab',
      messageDomain: 'x.org',
      at: app.clock().toISOString(),
    });
    const run = await app.deliverer.run({ maxWaitMs: 0 });
    expect(run.failed).toBe(1);
    const login = await postForm(`${base}/admin/login`, { token: TOKEN });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const page = await (await fetch(`${base}/admin`, { headers: { cookie } })).text();
    const row = /<table id="channel-list">[\s\S]*?<\/table>/.exec(page)?.[0] ?? '';
    expect(row).toContain('<td>lab</td><td>json</td><td><code>nas</code></td><td>weekly at 09:00 Europe/Berlin</td>');
    expect(row).toContain(`<code>http://127.0.0.1:${receiver.port}/***</code></td><td>2026-11-30 08:00 UTC</td>`);
    expect(row).toMatch(
      /<span class="error">failed, rejected<\/span> \(HTTP 410: gone from http:\/\/127\.0\.0\.1:\d+\/\*\*\*\)/,
    );
    const health = await (await fetch(`${base}/healthz`)).text();
    expect(page + health).not.toContain('VerySecret');

    expect((await api(base, '/channels/lab', { method: 'DELETE' })).status).toBe(204);
    expect((await api(base, '/channels/lab', { method: 'DELETE' })).status).toBe(404);
  });

  it('serves every public feed as OPML 2.0, linked from the home page, titles escaped', async () => {
    const { base, app } = await webApp();
    await app.store.saveTopic({ slug: 'odd', name: 'Q&A <"bots"> & “LLMs”', query: 'bots' }, app.clock().toISOString());
    const res = await fetch(`${base}/feeds.opml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
    const xml = await res.text();
    expect(xml).toContain('text="Paperboy: Q&amp;A &lt;&quot;bots&quot;&gt; &amp; “LLMs”"');
    // Read back with the strict parser sources are read with: well-formed, and the titles come back as written.
    const opml = child(parseXml(xml, 'feeds.opml'), 'opml');
    expect(attr(opml, 'version')).toBe('2.0');
    expect(text(child(child(opml, 'head'), 'title'))).toBe('Paperboy: every feed');
    expect(Number.isNaN(Date.parse(text(child(child(opml, 'head'), 'dateCreated'))))).toBe(false);
    const outlines = list(child(opml, 'body')?.outline);
    expect(outlines.map((o) => [attr(o, 'type'), attr(o, 'xmlUrl')])).toEqual([
      ['rss', 'https://papers.example.org/feed.xml'],
      ['rss', 'https://papers.example.org/topics/llm-serving/feed.xml'],
      ['rss', 'https://papers.example.org/topics/nas/feed.xml'],
      ['rss', 'https://papers.example.org/topics/odd/feed.xml'],
    ]);
    expect(attr(outlines[3], 'title')).toBe('Paperboy: Q&A <"bots"> & “LLMs”');
    const home = await (await fetch(`${base}/`)).text();
    expect(home).toContain(
      '<link rel="alternate" type="text/x-opml" title="Paperboy: every feed (OPML)" href="https://papers.example.org/feeds.opml">',
    );
    expect(home).toContain('<a href="/feeds.opml">feeds.opml</a>');
  });
});
