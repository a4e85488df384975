import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { PaperInput } from '../../src/domain/paper.js';
import { createServer } from '../../src/web/server.js';
import { SAMPLE_PAGE, fixedClock, tempDir, testApp } from '../helpers/env.js';
import { frozenDay, receivedDigest } from '../helpers/digests.js';
import { TOPICS } from '../helpers/web.js';

// What a reader sees in a digest beyond the ranking: near-duplicates, the "more" link, abstracts.

const SECRET = 'test-secret-that-is-long-enough-0123456789';

/**
 * An app with topics and these papers, first seen on the morning of 25 November (after the sample
 * papers, seen the day before: the background a real ranking has), and a running server.
 */
async function appWith(
  papers: Partial<PaperInput>[],
  topics: { slug: string; name: string; query: string }[],
  env: Record<string, string> = {},
) {
  const clock = fixedClock('2026-11-24T06:00:00Z');
  const app = await testApp({ clock, env: { PAPERBOY_SECRET: SECRET, ...env } });
  for (const t of topics) await app.store.saveTopic(t, clock().toISOString());
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  clock.set('2026-11-25T06:00:00Z');
  const file = join(tempDir(), 'papers.json');
  writeFileSync(file, JSON.stringify({ papers: papers.map((p) => ({ authors: ['Ada Lovelace'], ...p })) }));
  await app.ingester.ingestFiles([file]);
  const server = createServer(app);
  const base = await server.listen({ port: 0, host: '127.0.0.1' });
  onTestFinished(() => server.close());
  return { app, base };
}

const VARIANT_ABSTRACT =
  'We evolve spiking neural network controllers that make a simulated zebrafish larva swim towards prey, using a neuromechanical body model and a genetic algorithm over synaptic weights.';
const ZEBRAFISH = [
  {
    title: 'Evolving Spiking Controllers for Zebrafish Swimming',
    abstract: VARIANT_ABSTRACT,
    arxivId: '2611.00001',
    url: 'https://arxiv.org/abs/2611.00001',
  },
  {
    title: 'Evolving Spiking Controllers for Zebrafish Swimming (Extended Version)',
    abstract: VARIANT_ABSTRACT,
    arxivId: '2611.00002',
    url: 'https://arxiv.org/abs/2611.00002',
  },
  {
    title: 'Evolving Spiking Controllers for Zebrafish Swimming: workshop report',
    abstract: VARIANT_ABSTRACT,
    arxivId: '2611.00003',
    url: 'https://arxiv.org/abs/2611.00003',
  },
  {
    title: 'Evolving Spiking Controllers for Zebrafish Swimming <b>& friends</b>',
    abstract: VARIANT_ABSTRACT,
    arxivId: '2611.00004',
    url: 'https://arxiv.org/abs/2611.00004',
  },
  {
    title: 'Spiking neurons on a low-power chip for robot arms',
    abstract: 'A spiking network on neuromorphic hardware controls a robot arm at a fraction of the energy.',
    arxivId: '2611.00005',
  },
  {
    title: 'Prey capture circuits in zebrafish larvae',
    abstract: 'Calcium imaging of the zebrafish tectum during hunting reveals a sequence of assemblies.',
    arxivId: '2611.00006',
  },
  {
    title: 'Surrogate gradients for deep spiking networks',
    abstract: 'Training deep spiking networks end to end with surrogate gradients for event cameras.',
    arxivId: '2611.00007',
  },
];
const ZEBRAFISH_TOPIC = { slug: 'zebrafish', name: 'Zebrafish', query: 'zebrafish OR spiking' };

describe('near-duplicates in a digest', () => {
  it('take no slot: each is named and linked under the paper it duplicates, in the email and its web copy', async () => {
    const { app, base } = await appWith(ZEBRAFISH, [ZEBRAFISH_TOPIC]);
    const digest = await frozenDay(app, ['zebrafish']);
    // Four slots for four different works, two other versions named under the first (at most two
    // are), the third counted as one more paper on the web. The six shown were received.
    expect(digest.paperIds).toHaveLength(6);
    expect(digest.subject).toMatch(/^Zebrafish: 7 new papers/);
    const { html, text } = await receivedDigest(app, 'Zebrafish', digest);
    const web = await (await fetch(`${base}/digests/${digest.id}`)).text();
    const variants = ZEBRAFISH.slice(1, 4).map((p) => p.url as string);

    for (const page of [html, web]) {
      expect(page.match(/<h3 class="title"/g)).toHaveLength(4);
      expect(page).toMatch(/>1 more paper on the web</);
      const also = /<p class="also"[^>]*>(.*?)<\/p>/s.exec(page)?.[1] ?? '';
      expect(also).toMatch(/^Also: /);
      expect(variants.filter((url) => also.includes(`href="${url}"`))).toHaveLength(2);
      expect(also).not.toContain('<b>');
      expect(page.match(/<p class="also"/g)).toHaveLength(1);
    }
    // The third version is on the "more" page, listed once.
    const more = await (await fetch(`${base}/digests/${digest.id}/more`)).text();
    const hidden = variants.filter((url) => !html.includes(`href="${url}"`));
    expect(hidden).toHaveLength(1);
    expect(more).toContain(`href="${hidden[0]}"`);
    // The text part: four numbered papers; two other versions under the first, each with its link.
    expect(text.match(/^\d+\. /gm)).toHaveLength(4);
    expect(text).toMatch(
      /^ {3}Also: Evolving Spiking Controllers for Zebrafish Swimming.*\n {9}https:\/\/arxiv\.org\/abs\/2611\.0000[234]$/m,
    );
    expect(text.match(/^ {3}Also: /gm)).toHaveLength(2);
    expect(text).toContain('1 more paper on the web');
  });

  it('are not shown twice in a digest of several topics', async () => {
    const { app } = await appWith(ZEBRAFISH, [
      ZEBRAFISH_TOPIC,
      { slug: 'swimming', name: 'Swimming', query: 'swimming OR swim' },
    ]);
    const digest = await frozenDay(app, ['zebrafish', 'swimming']);
    const { html, text } = await receivedDigest(app, 'Zebrafish', digest);
    expect(new Set(digest.paperIds).size).toBe(digest.paperIds.length);
    // Each version is shown once at most (two under the first, the third left to the web).
    for (const { url } of ZEBRAFISH.slice(0, 4) as { url: string }[]) {
      expect(html.split(`href="${url}"`).length - 1).toBeLessThanOrEqual(1);
      expect(text.split(url).length - 1).toBeLessThanOrEqual(1);
    }
    expect(ZEBRAFISH.slice(0, 4).filter((p) => html.includes(`href="${p.url}"`))).toHaveLength(3);
  });
});

describe('the "more papers on the web" line', () => {
  /** The sample papers of a day (107, many on each topic), and digests with five slots. */
  async function sampleDay() {
    const clock = fixedClock('2026-11-25T06:00:00Z');
    const app = await testApp({ clock, env: { PAPERBOY_SECRET: SECRET, DIGEST_MAX_PAPERS: '5' } });
    for (const t of TOPICS) await app.store.saveTopic(t, clock().toISOString());
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    const server = createServer(app);
    const base = await server.listen({ port: 0, host: '127.0.0.1' });
    onTestFinished(() => server.close());
    return { app, base };
  }

  /** Follows the email's "more" link (to this test's server) and reads the titles listed there. */
  async function followMore(base: string, html: string) {
    const [, href, count] =
      /<a href="https:\/\/papers\.example\.org([^"]+)"[^>]*>(\d+) more papers? on the web<\/a>/.exec(html) ?? [];
    if (!href) throw new Error('no "more" link in the email');
    const res = await fetch(`${base}${href}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    // A paper with no known page has its title unlinked.
    const titles = [...page.matchAll(/<h3>(?:<a href="[^"]*">)?([^<]*)(?:<\/a>)?<\/h3>/g)].map((m) => m[1]);
    return { href, count: Number(count), page, titles };
  }

  const emailTitles = (html: string) =>
    [...html.matchAll(/<h3 class="title"[^>]*>(?:<a [^>]*>)?([^<]*)(?:<\/a>)?<\/h3>/g)].map((m) => m[1]);

  it('of a one-topic digest leads to a page listing exactly the papers that did not fit', async () => {
    const { app, base } = await sampleDay();
    const digest = await frozenDay(app, ['nas']);
    const { html, text } = await receivedDigest(app, 'Zebrafish', digest);
    const more = await followMore(base, html);
    expect(more.href).toBe(`/digests/${digest.id}/more`);
    expect(text).toContain(`more papers on the web: https://papers.example.org/digests/${digest.id}/more`);
    expect(more.count).toBeGreaterThan(0);
    expect(more.titles).toHaveLength(more.count);
    const shown = emailTitles(html);
    expect(shown).toHaveLength(5);
    for (const title of more.titles) expect(html).not.toContain(`>${title}<`);
    expect(more.page).toContain(`href="/digests/${digest.id}"`);
  });

  it('of a digest of several topics lists the rest under each topic, and the web copy links there too', async () => {
    const { app, base } = await sampleDay();
    const digest = await frozenDay(app, ['nas', 'llm-serving']);
    const { html } = await receivedDigest(app, 'Zebrafish', digest);
    const more = await followMore(base, html);
    expect(more.titles).toHaveLength(more.count);
    expect(more.page).toMatch(
      /<h2 id="nas"><a href="\/topics\/nas">Neural architecture search<\/a> <span class="muted count">· \d+ more<\/span><\/h2>/,
    );
    expect(more.page).toMatch(
      /<h2 id="llm-serving"><a href="\/topics\/llm-serving">LLM serving<\/a> <span class="muted count">· \d+ more<\/span><\/h2>/,
    );
    for (const title of more.titles) expect(html).not.toContain(`>${title}<`);

    const web = await (await fetch(`${base}/digests/${digest.id}`)).text();
    expect(web).toContain(`href="https://papers.example.org/digests/${digest.id}/more"`);
    expect(web).not.toMatch(/href="https:\/\/papers\.example\.org\/"[^>]*>\d+ more/);
  });

  it('unknown editions have no such page', async () => {
    const { base } = await sampleDay();
    const res = await fetch(`${base}/digests/2026-11-25-nope/more`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('There is no such digest.');
  });

  it('are limited per client, as each edition not yet cached is ranked again', async () => {
    const { base } = await sampleDay();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await fetch(`${base}/digests/2026-11-25-nope-${i}/more`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});

describe('the public web copy of a digest', () => {
  it('has no preferences or unsubscribe link (no one to unsubscribe), and offers to subscribe', async () => {
    const { app, base } = await appWith(ZEBRAFISH, [ZEBRAFISH_TOPIC]);
    const digest = await frozenDay(app, ['zebrafish']);
    const web = await (await fetch(`${base}/digests/${digest.id}`)).text();
    expect(web).not.toContain('>Preferences</a>');
    expect(web).not.toContain('>Unsubscribe</a>');
    // In their place, a form to subscribe to its topics, ticked.
    expect(web).toContain('<form method="post" action="/subscribe">');
    expect(web).toContain('<input type="checkbox" name="topics" value="zebrafish" checked>');
    expect(web).toContain('<a href="/topics/zebrafish/feed.xml">RSS feed</a>');
    // The email itself keeps the recipient's own links.
    const { html } = await receivedDigest(app, 'Zebrafish', digest);
    expect(html).toMatch(/<a href="https:\/\/papers\.example\.org\/preferences\/[^"]+"[^>]*>Preferences<\/a>/);
    expect(html).toMatch(/<a href="https:\/\/papers\.example\.org\/unsubscribe\/[^"]+"[^>]*>Unsubscribe<\/a>/);
  });
});

describe('abstracts', () => {
  it('are shown as the text their LaTeX prints, still escaped: topic page, email, web copy and feed', async () => {
    const abstract =
      'We sort spiking events in $\\mathcal{O}(n)$ time with <b>bold</b> neurons \\& {BERT}, at $\\alpha \\leq 0.5$.';
    const { app, base } = await appWith(
      [{ title: 'Linear-time sorting on spiking hardware', abstract, arxivId: '2611.00010' }],
      [ZEBRAFISH_TOPIC],
    );
    const shown = 'We sort spiking events in O(n) time with <b>bold</b> neurons & BERT, at α ≤ 0.5.';
    const escaped = 'We sort spiking events in O(n) time with &lt;b&gt;bold&lt;/b&gt; neurons &amp; BERT, at α ≤ 0.5.';

    const digest = await frozenDay(app, ['zebrafish']);
    const { html, text } = await receivedDigest(app, 'Zebrafish', digest);
    const web = await (await fetch(`${base}/digests/${digest.id}`)).text();
    const topicPage = await (await fetch(`${base}/topics/zebrafish`)).text();
    for (const page of [html, web, topicPage]) {
      expect(page).toContain(escaped);
      expect(page).not.toContain('mathcal');
      expect(page).not.toContain('<b>bold');
    }
    expect(text).toContain(`   ${shown}`);

    const feed = (await (await fetch(`${base}/topics/zebrafish/feed.json`)).json()) as {
      items: { content_text?: string; summary?: string; content_html?: string }[];
    };
    expect(JSON.stringify(feed.items[0])).toContain('O(n) time');
    expect(JSON.stringify(feed.items[0])).not.toContain('mathcal');
  });
});
