import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Digest } from '../../src/domain/digest.js';
import { digestMessage } from '../../src/jobs/deliver/digest-message.js';
import { readDigest } from '../helpers/digest-html.js';
import { frozenDay } from '../helpers/digests.js';
import { SAMPLE_PAGE } from '../helpers/env.js';
import { lastConfirmLink, postForm, webApp } from '../helpers/web.js';

// The site around the digests: the web copy of an edition as a page of the site, a topic page
// that offers to subscribe to its topic, the favicon, and the words for one and none.

function emailOf(app: App, digest: Digest): string {
  return digestMessage({
    digest,
    to: 'ada@example.org',
    tokenSubject: 'subscriber-1',
    deliveryId: 'delivery-1',
    topicNames: 'Topics',
    config: app.config,
    secret: app.secret,
    date: new Date('2026-11-25T08:00:00Z'),
  }).html as string;
}

describe('the web copy of a digest', () => {
  it("is a page of the site, with the email's lead, sections and counts, and no link to itself", async () => {
    const { app, base } = await webApp({ DIGEST_MAX_PAPERS: '6' });
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    const digest = await frozenDay(app, ['nas', 'llm-serving']);
    const res = await fetch(`${base}/digests/${digest.id}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    // The site's layout: its header, its stylesheet with a dark scheme, its favicon; no email markup.
    expect(page).toContain('<header class="site"><a class="brand" href="/">Paperboy</a>');
    expect(page).toContain('color-scheme: light dark');
    expect(page).toContain('<link rel="icon" href="/favicon.ico"');
    expect(page).not.toContain('<table');
    expect(page).not.toContain(' style="');
    expect(page).not.toContain('View in browser');
    expect(page).not.toContain(`/digests/${digest.id}"`);
    expect(page).toContain(`<title>${digest.subject}</title>`);
    // What the email says, the page says.
    const web = readDigest(page);
    const email = readDigest(emailOf(app, digest));
    expect(web).toEqual(email);
    expect(web.lead).toHaveLength(3);
    expect(web.sections.map((s) => s.slug)).toEqual(['llm-serving', 'nas']);
    // A form to subscribe to its topics, both ticked, posting to the sign-up.
    expect(page).toContain('<form method="post" action="/subscribe">');
    expect(page).toContain('<input type="checkbox" name="topics" value="nas" checked>');
    expect(page).toContain('<input type="checkbox" name="topics" value="llm-serving" checked>');
  });
});

describe('a topic page', () => {
  it('offers to subscribe to its topic: the form comes ticked for it, and signs up like the home page', async () => {
    const { app, base, sink } = await webApp();
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    const page = await (await fetch(`${base}/topics/llm-serving`)).text();
    expect(page).toContain('<h2>Get LLM serving by email</h2>');
    expect(page).toContain('<a href="#subscribe">Subscribe by email</a>');
    expect(page).toContain('<input type="checkbox" name="topics" value="llm-serving" checked>');
    expect(page).toContain('<input type="checkbox" name="topics" value="nas">');
    // The form as the browser sends it: the ticked topic, the default frequency and hour.
    const res = await postForm(`${base}/subscribe`, {
      email: 'ada@example.org',
      topics: 'llm-serving',
      frequency: 'daily',
      timezone: 'UTC',
      hour: '8',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    await expect.poll(() => sink.messages.length).toBe(1);
    expect(lastConfirmLink(sink)).toMatch(/\/confirm\//);
    expect((await app.store.findSubscriberByEmail('ada@example.org'))?.topics).toEqual(['llm-serving']);
  });
});

describe('the site', () => {
  it('serves a favicon, as ICO and SVG, and links it from every page', async () => {
    const { base } = await webApp();
    const ico = await fetch(`${base}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(ico.headers.get('content-type')).toBe('image/x-icon');
    const bytes = Buffer.from(await ico.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]); // an icon file with its images
    expect(bytes.length).toBeLessThan(2048);
    const svg = await fetch(`${base}/favicon.svg`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(await svg.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const path of ['/', '/topics/nas', '/nowhere']) {
      expect(await (await fetch(`${base}${path}`)).text()).toContain(
        '<link rel="icon" href="/favicon.svg" type="image/svg+xml">',
      );
    }
  });

  it('says "1 paper", "1 topic" and "nothing more", never "1 papers" or "0 more papers"', async () => {
    const { app, base, clock } = await webApp({ DIGEST_MAX_PAPERS: '5' });
    await app.store.removeTopic('llm-serving');
    const file = `${process.cwd()}/test/fixtures/papers-tricky.json`;
    await app.ingester.ingestFiles([file]);
    const home = await (await fetch(`${base}/`)).text();
    expect(home).toContain('4 papers · 1 topic.');
    clock.set('2026-11-25T06:00:00Z');
    const digest = await frozenDay(app, ['nas']);
    const more = await (await fetch(`${base}/digests/${digest.id}/more`)).text();
    expect(more).toContain('<h1>Neural architecture search: nothing more</h1>');
    expect(more).not.toMatch(/\b0 more/);
  });
});
