import { describe, expect, it } from 'vitest';
import { webApp } from '../helpers/web.js';

const TOKEN = 'admin-token-for-tests-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

// What a JSON client can put where a form sends text.
const NOT_ONE_TEXT = [{ a: 1 }, [1], ['a@example.org', 'b@example.org'], [], 1, 0, null, true];
const NOT_TEXTS = [{ a: 1 }, [1], [{ a: 1 }], [null], 1, null, false];
const NOT_AN_HOUR = [{ a: 1 }, ['8'], 8.5, null, true];
const NOT_A_BODY = [[], [{ email: 'a@example.org' }], null, 1, true];

type Kind = 'one' | 'many' | 'hour' | 'boolean';
const WRONG: Record<Kind, unknown[]> = {
  one: NOT_ONE_TEXT,
  many: NOT_TEXTS,
  hour: NOT_AN_HOUR,
  boolean: ['yes', 1, null, {}, []],
};

/** Every field of a route with every wrong type, one request each, the other fields valid. */
async function fuzz(
  url: string,
  valid: Record<string, unknown>,
  kinds: Record<string, Kind>,
  headers: Record<string, string> = {},
) {
  const answers: { body: string; status: number; text: string }[] = [];
  const send = async (body: unknown) => {
    const res = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
    answers.push({ body: JSON.stringify(body), status: res.status, text: await res.text() });
  };
  for (const [name, kind] of Object.entries(kinds))
    for (const value of WRONG[kind]) await send({ ...valid, [name]: value });
  for (const body of NOT_A_BODY) await send(body);
  return answers;
}

function expectAll400(answers: { body: string; status: number; text: string }[]) {
  const wrong = answers.filter((a) => a.status !== 400).map((a) => `${a.status} for ${a.body}`);
  expect(wrong).toEqual([]);
}

describe('bodies of the wrong type get a 400 that names the field, never a 500', () => {
  it('POST /subscribe', async () => {
    const { base, sink } = await webApp({ SUBSCRIBE_LIMIT_PER_IP: '1000' });
    const answers = await fuzz(
      `${base}/subscribe`,
      { email: 'ada@example.org', topics: ['nas'], frequency: 'daily', timezone: 'UTC', hour: 8 },
      { email: 'one', topics: 'many', frequency: 'one', timezone: 'one', hour: 'hour' },
    );
    expectAll400(answers);
    expect(answers[0]!.text).toContain('field &quot;email&quot; must be one text value');
    expect(answers.find((a) => a.body.startsWith('{"email":"ada@example.org","topics":[1]'))?.text).toContain(
      'field &quot;topics&quot; must be text or a list of texts',
    );
    expect(sink.messages).toHaveLength(0);
    // The same fields, well typed, as JSON: accepted.
    const ok = await fetch(`${base}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.org', topics: 'nas', hour: 7 }),
    });
    expect(ok.status).toBe(200);
  });

  it('POST /preferences/:token and /unsubscribe/:token', async () => {
    const { app, base } = await webApp();
    const { subscriber } = await app.subscriptions.addByOperator(
      { email: 'ada@example.org', topics: ['nas'] },
      { confirmed: true },
      { source: 'test' },
    );
    const { preferencesUrl, unsubscribeUrl } = app.subscriptions.links(subscriber!.id);
    const local = (url: string) => url.replace(app.config.publicUrl, base);
    const page = await (await fetch(local(preferencesUrl))).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    expect(csrf).toBeDefined();
    expectAll400(
      await fuzz(
        local(preferencesUrl),
        { csrf, topics: ['nas'], frequency: 'weekly', timezone: 'UTC', hour: '9', layout: 'compact' },
        {
          csrf: 'one',
          layout: 'one',
          topics: 'many',
          frequency: 'one',
          timezone: 'one',
          hour: 'hour',
        },
      ),
    );
    expect(await app.store.findSubscriberByEmail('ada@example.org')).toMatchObject({
      frequency: 'daily',
      status: 'confirmed',
    });
    expectAll400(
      await fuzz(local(unsubscribeUrl), { scope: 'topic:nas' }, { scope: 'one', 'List-Unsubscribe': 'one' }),
    );
    expect(await app.store.findSubscriberByEmail('ada@example.org')).toMatchObject({
      topics: ['nas'],
      status: 'confirmed',
    });
  });

  it('POST /admin/login and the admin API', async () => {
    const { base } = await webApp({ ADMIN_TOKEN: TOKEN });
    // The login form takes five tries a minute per client whatever they hold: then 429, still no 500.
    const login = await fuzz(`${base}/admin/login`, { token: 'not-it' }, { token: 'one' });
    expectAll400(login.slice(0, 5));
    expect(login.filter((a) => a.status !== 400 && a.status !== 429)).toEqual([]);
    expectAll400(
      await fuzz(
        `${base}/admin/api/subscribers`,
        { email: 'ada@example.org', topics: ['nas'], frequency: 'daily', timezone: 'UTC', hour: 8, confirmed: true },
        { email: 'one', topics: 'many', frequency: 'one', timezone: 'one', hour: 'hour', confirmed: 'boolean' },
        auth,
      ),
    );
    expectAll400(
      await fuzz(
        `${base}/admin/api/topics`,
        { slug: 'vit', query: 'vision transformer', name: 'ViT' },
        { slug: 'one', query: 'one', name: 'one' },
        auth,
      ),
    );
  });

  it('odd query strings and bodies on routes that read neither', async () => {
    const { app, base } = await webApp({ ADMIN_TOKEN: TOKEN });
    const { subscriber } = await app.subscriptions.addByOperator(
      { email: 'ada@example.org', topics: ['nas'] },
      { confirmed: true },
      { source: 'test' },
    );
    const { preferencesUrl } = app.subscriptions.links(subscriber!.id);
    const statuses: Record<string, number> = {};
    for (const path of [
      '/',
      '/topics/nas',
      '/feed.xml',
      '/feed.json',
      '/topics/nas/feed.atom',
      '/healthz',
      preferencesUrl.replace(app.config.publicUrl, ''),
    ]) {
      for (const query of ['?email[a]=1', '?email=a&email=b', '?topics[]=x&hour=%00', '?__proto__[x]=1']) {
        statuses[`GET ${path}${query}`] = (await fetch(`${base}${path}${query}`)).status;
      }
    }
    for (const body of ['{"token":{"a":1}}', '[1]', 'null']) {
      statuses[`POST /confirm ${body}`] = (
        await fetch(`${base}/confirm/${'x'.repeat(43)}`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        })
      ).status;
    }
    expect(Object.entries(statuses).filter(([, status]) => status >= 500)).toEqual([]);
  });
});
