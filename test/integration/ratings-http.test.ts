// Rating a paper from a real sent digest, through real HTTP: the links are in both parts of the
// email, opening one records nothing, the button records, Undo takes it back.
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { verifyToken } from '../../src/domain/tokens.js';
import { createServer } from '../../src/web/server.js';
import { closeLater, confirmed, deliveryApp } from '../helpers/delivery.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { postForm } from '../helpers/web.js';

const PUBLIC = 'https://papers.example.org';
const RATE_LINK = /https:\/\/papers\.example\.org\/rate\/([\w.-]+)\/([\w-]+)\/([^/"\s]+)\/(more|less)/g;

/** A sent digest to ada (and bob), a server on the same app, and ada's id. */
async function sentDigest() {
  const sink = await closeLater(await startSmtpSink());
  const app = await deliveryApp(sink.url);
  const [ada, bob] = await confirmed(app, ['ada@example.org', 'bob@example.org']);
  await app.planner.plan(app.clock());
  expect(await app.deliverer.run({ maxWaitMs: 0 })).toMatchObject({ sent: 2 });
  const server = createServer(app);
  const base = await server.listen({ port: 0, host: '127.0.0.1' });
  await closeLater({ close: () => server.close() });
  const mail = sink.messages.find((m) => m.envelopeTo[0] === 'ada@example.org')!.mail;
  return { app, base, ada: ada!, bob: bob!, html: String(mail.html), text: mail.text ?? '' };
}

const linksIn = (part: string) => [...part.matchAll(RATE_LINK)];
const local = (base: string, url: string) => url.replace(PUBLIC, base);
const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];

async function ratingsOf(app: App, id: string) {
  return (await app.store.listRatings(id)).map((r) => [r.topicSlug, r.paperId, r.value]);
}

describe('rating papers from the digest email', () => {
  it('puts "More like this" and "Not for me" under every paper of both parts, with one token for the reader', async () => {
    const { app, ada, html, text } = await sentDigest();
    const [digest] = await app.store.listDigests({ limit: 1 });
    const papers = digest!.paperIds.length;
    expect(papers).toBeGreaterThan(1);
    for (const part of [html, text]) {
      const links = linksIn(part);
      expect(links).toHaveLength(papers * 2);
      // Every paper once each way, under its topic, all with the same signed token of this reader.
      expect(new Set(links.map((l) => decodeURIComponent(l[3]!)))).toEqual(new Set(digest!.paperIds));
      expect(links.filter((l) => l[4] === 'more')).toHaveLength(papers);
      expect(new Set(links.map((l) => l[2]))).toEqual(new Set(['nas']));
      expect(new Set(links.map((l) => l[1]))).toHaveLength(1);
      expect(verifyToken(app.secret, 'rate', links[0]![1]!)).toBe(ada);
      // The token opens ratings, not preferences or unsubscribing.
      expect(verifyToken(app.secret, 'preferences', links[0]![1]!)).toBeUndefined();
    }
    expect(html).toContain('>More like this</a>');
    expect(html).toContain('>Not for me</a>');
    expect(text).toMatch(/More like this: https:\/\/papers\.example\.org\/rate\//);
  });

  it('GET shows the paper and records nothing; the button records it; Undo takes it back', async () => {
    const { app, base, ada, text } = await sentDigest();
    const [link] = linksIn(text).filter((l) => l[4] === 'less');
    const paperId = decodeURIComponent(link![3]!);
    const [paper] = await app.store.getPapers([paperId]);

    const page = await fetch(local(base, link![0]!));
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const shown = await page.text();
    expect(shown).toContain(paper!.title.replaceAll('&', '&amp;').slice(0, 30));
    expect(shown).toContain('Neural architecture search');
    // The link said "not for me": that button comes first.
    expect(shown.indexOf('value="less"')).toBeLessThan(shown.indexOf('value="more"'));
    expect(await ratingsOf(app, ada)).toEqual([]);

    const form = { csrf: field(shown, 'csrf')!, topic: 'nas', paper: paperId };
    const action = `${base}/rate/${link![1]}`;
    // A forged or missing CSRF token writes nothing.
    expect((await postForm(action, { ...form, csrf: 'forged', value: 'less' })).status).toBe(403);
    expect(await ratingsOf(app, ada)).toEqual([]);

    const saved = await postForm(action, { ...form, value: 'less' });
    expect(saved.status).toBe(200);
    const thanks = await saved.text();
    expect(thanks).toContain('Saved: not for you');
    expect(thanks).toMatch(/href="https:\/\/papers\.example\.org\/preferences\/[\w.-]+"/);
    expect(await ratingsOf(app, ada)).toEqual([['nas', paperId, -1]]);

    // Changing one's mind replaces the rating; Undo puts the earlier one back.
    const changed = await (await postForm(action, { ...form, csrf: field(thanks, 'csrf')!, value: 'more' })).text();
    expect(await ratingsOf(app, ada)).toEqual([['nas', paperId, 1]]);
    expect(/name="value" value="(\w+)"[^>]*>Undo/.exec(changed)?.[1]).toBe('less');
    await postForm(action, { ...form, csrf: field(changed, 'csrf')!, value: 'less' });
    expect(await ratingsOf(app, ada)).toEqual([['nas', paperId, -1]]);
    const removed = await (await postForm(action, { ...form, value: 'none' })).text();
    expect(removed).toContain('Your rating of this paper is removed.');
    expect(await ratingsOf(app, ada)).toEqual([]);
  });

  it('answers a link of an unsubscribed or deleted reader, or of an unknown paper, with a page that says so, and writes nothing', async () => {
    const { app, base, ada, bob, text } = await sentDigest();
    const [link] = linksIn(text);
    const paperId = decodeURIComponent(link![3]!);
    const url = local(base, link![0]!);
    const token = link![1]!;

    const unknown = await fetch(url.replace(/\/[^/]+\/(more|less)$/, '/arxiv%3A0000.00000/$1'));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Nothing was recorded.');
    const tampered = await fetch(url.replace(`/rate/${token}`, `/rate/${token.slice(0, -2)}xx`));
    expect(tampered.status).toBe(404);
    expect(await tampered.text()).toContain('This link is not valid');

    const csrf = field(await (await fetch(url)).text(), 'csrf')!;
    const s = (await app.store.getSubscriber(ada))!;
    await app.subscriptions.unsubscribe(s, { kind: 'all' }, { source: 'test' });
    const unsubscribed = await fetch(url);
    expect(unsubscribed.status).toBe(200);
    expect(await unsubscribed.text()).toContain('You are unsubscribed');
    const post = await postForm(`${base}/rate/${token}`, { csrf, topic: 'nas', paper: paperId, value: 'more' });
    expect(await post.text()).toContain('Nothing was recorded.');
    expect(await ratingsOf(app, ada)).toEqual([]);

    await app.store.eraseSubscriber(ada, app.clock().toISOString());
    const gone = await fetch(url);
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain('the data of the address it was sent to has been deleted');
    expect(await ratingsOf(app, bob)).toEqual([]);
  });

  it("leads the web copy's links to a page that shows the paper and says to rate from one's own email", async () => {
    const { app, base } = await sentDigest();
    const [digest] = await app.store.listDigests({ limit: 1 });
    const copy = await (await fetch(`${base}/digests/${digest!.id}`)).text();
    const links = [
      ...copy.matchAll(/href="(https:\/\/papers\.example\.org\/rate\/web\/nas\/[^"/]+\/(?:more|less))"/g),
    ].map((m) => m[1]!);
    expect(links).toHaveLength(digest!.paperIds.length * 2);
    expect(copy).not.toContain('\u001F');
    const page = await fetch(local(base, links[0]!));
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('Use the “More like this” and “Not for me” links in your own digest email');
    expect(body).not.toContain('<form method="post"');
    const [paper] = await app.store.getPapers([decodeURIComponent(links[0]!.split('/').at(-2)!)]);
    expect(body).toContain(paper!.title.replaceAll('&', '&amp;').slice(0, 30));
  });
});
