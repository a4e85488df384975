import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseDailyPage } from '../../src/ingest/daily-page.js';
import { MAX_HTML_BYTES } from '../../src/render/email/digest-email.js';
import { createServer } from '../../src/web/server.js';
import { readDigest, textOf } from '../helpers/digest-html.js';
import { FIXTURES, SAMPLE_PAGE, fixedClock, tempDir, testApp } from '../helpers/env.js';
import { frozenDay, receivedDigest } from '../helpers/digests.js';
import { TOPICS } from '../helpers/web.js';

// How a digest reads: its lead, a section per topic with counts that agree with the heading and
// the "more" page.

const SECRET = 'test-secret-that-is-long-enough-0123456789';

/** The sample papers of a day (107, many on each topic), the given slots per digest, and a running server. */
async function sampleDay(slots: number, files = [SAMPLE_PAGE]) {
  const clock = fixedClock('2026-11-25T06:00:00Z');
  const app = await testApp({ clock, env: { PAPERBOY_SECRET: SECRET, DIGEST_MAX_PAPERS: String(slots) } });
  for (const t of TOPICS) await app.store.saveTopic(t, clock().toISOString());
  await app.store.saveTopic(
    { slug: 'detection', name: 'Object detection', query: '"object detection" OR detector' },
    clock().toISOString(),
  );
  await app.ingester.ingestFiles(files);
  const server = createServer(app);
  const base = await server.listen({ port: 0, host: '127.0.0.1' });
  onTestFinished(() => server.close());
  return { app, base };
}

describe('a digest opens with a lead', () => {
  it('of its three best papers, one line each, each linking to its entry further down', async () => {
    const { app } = await sampleDay(8);
    const digest = await frozenDay(app, ['nas']);
    const { html, text } = await receivedDigest(app, 'Topics', digest);
    const d = readDigest(html);
    expect(d.papers).toHaveLength(8);
    // One topic: its papers in score order, so the best three are the first three entries.
    const scores = d.papers.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(d.lead.map((l) => l.href)).toEqual(['#paper-1', '#paper-2', '#paper-3']);
    for (const [i, l] of d.lead.entries()) {
      const entry = d.papers[i]!;
      expect(html).toContain(`id="paper-${entry.number}"`);
      expect(entry.title.startsWith(l.title.replace(/…$/, ''))).toBe(true);
    }
    expect(html.indexOf('class="lead"')).toBeLessThan(html.indexOf('class="paper"'));
    // The text part too: the three titles, before the first numbered paper.
    const picks = /Top picks:\n((?: - .+\n){3})\n/.exec(text)?.[1];
    expect(picks?.split('\n').filter(Boolean)).toEqual(d.lead.map((l, i) => ` - ${l.title} (${i + 1})`));
    expect(text.indexOf('Top picks:')).toBeLessThan(text.indexOf('\n1. '));
  });

  it('only when it holds more than three papers: a short digest is its own lead', async () => {
    const clock = fixedClock('2026-11-25T06:00:00Z');
    const app = await testApp({ clock, env: { PAPERBOY_SECRET: SECRET } });
    await app.store.saveTopic(TOPICS[0]!, clock().toISOString());
    await app.ingester.ingestFiles([`${FIXTURES}papers-tricky.json`]);
    const { html, text } = await receivedDigest(app, 'Topics', await frozenDay(app, ['nas']));
    expect(readDigest(html).papers).toHaveLength(3);
    expect(readDigest(html).lead).toEqual([]);
    expect(html).not.toContain('Top picks');
    expect(text).not.toContain('Top picks');
  });
});

describe('a digest of several topics', () => {
  it('has a section per topic, with its heading and count, in score order within; the counts add up to the heading', async () => {
    const { app } = await sampleDay(9);
    const digest = await frozenDay(app, ['nas', 'llm-serving', 'detection']);
    const { html, text } = await receivedDigest(app, 'Topics', digest);
    const d = readDigest(html);
    expect(d.sections.map((s) => s.name)).toEqual(['Object detection', 'LLM serving', 'Neural architecture search']);
    const shown = d.papers.length;
    expect(shown).toBe(9);
    for (const s of d.sections) {
      expect(s.papers.length).toBeGreaterThan(0);
      expect(s.shown).toBe(s.papers.length);
      const scores = s.papers.map((p) => p.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      // The topic is in the heading, not repeated on each paper.
      for (const p of s.papers) expect(p.text).not.toContain(`${s.name}:`);
    }
    // The heading: "9 of N papers", N the sum of the sections' counts, and the subject's count.
    expect(d.shown).toBe(shown);
    expect(d.total).toBe(d.sections.reduce((n, s) => n + s.total, 0));
    expect(digest.subject).toContain(`: ${d.total} papers from 21 Mar 2024 · `);
    expect(d.more?.count).toBe(d.total - d.shown);
    // The lead: the best three of the whole digest, whatever their section.
    const lead = d.lead.map((l) => d.papers.find((p) => `#paper-${p.number}` === l.href)!);
    expect(lead).toHaveLength(3);
    const rest = d.papers.filter((p) => !lead.includes(p));
    for (const p of lead) for (const r of rest) expect(p.score).toBeGreaterThanOrEqual(r.score);
    // The text part has the same sections and counts.
    for (const s of d.sections) expect(text).toContain(`== ${s.name} · ${s.shown} of ${s.total} papers ==`);
    expect(text).toContain(`${d.shown} of ${d.total} papers`);
  });

  it('counts in each section what the "more" page lists under its topic, so the email and the page agree', async () => {
    const { app, base } = await sampleDay(6);
    const digest = await frozenDay(app, ['nas', 'llm-serving', 'detection']);
    const { html } = await receivedDigest(app, 'Topics', digest);
    const d = readDigest(html);
    const page = await (await fetch(`${base}/digests/${digest.id}/more`)).text();
    // The more page: per topic, a heading with its count and the papers listed under it.
    const onPage = new Map(
      [
        ...page.matchAll(
          /<h2 id="([^"]+)">[\s\S]*?· (\d+|nothing) more<\/span><\/h2>\s*<ul class="plain">([\s\S]*?)<\/ul>/g,
        ),
      ].map((m) => [
        m[1],
        { count: m[2] === 'nothing' ? 0 : Number(m[2]), listed: (m[3]!.match(/<article>/g) ?? []).length },
      ]),
    );
    expect([...onPage.keys()].sort()).toEqual(['detection', 'llm-serving', 'nas']);
    for (const s of d.sections) {
      const there = onPage.get(s.slug)!;
      expect(there.listed).toBe(there.count);
      expect(s.total - s.shown).toBe(there.count);
      if (there.count > 0) {
        expect(s.more).toEqual({
          count: there.count,
          href: `https://papers.example.org/digests/${digest.id}/more#${s.slug}`,
        });
      } else {
        expect(s.more).toBeUndefined();
      }
    }
    const pageTotal = Number(/<h1>[^<]*: (\d+) more papers<\/h1>/.exec(page)?.[1]);
    expect(pageTotal).toBe(d.more?.count);
    expect(textOf(page)).not.toMatch(/\b0 more\b/);
  });
});

describe('each paper in a digest', () => {
  it('links to its abstract page, PDF, code and Daily Papers page where known, and says what its sources say', async () => {
    const clock = fixedClock('2026-11-25T06:00:00Z');
    const app = await testApp({ clock, env: { PAPERBOY_SECRET: SECRET } });
    await app.store.saveTopic(
      { slug: 'lm', name: 'Language models', query: '"language models" OR "neural architecture search" OR NAS' },
      clock().toISOString(),
    );
    await app.ingester.ingestFiles([
      `${FIXTURES}sources/hf-daily-2024-03-21.json`,
      `${FIXTURES}sources/arxiv-api-page1.xml`,
      `${FIXTURES}papers-tricky.json`,
    ]);
    const { html, text } = await receivedDigest(app, 'Topics', await frozenDay(app, ['lm']));
    const papers = readDigest(html).papers;
    const entry = (start: string) => papers.find((p) => p.title.startsWith(start))!;
    const links = (start: string) => Object.fromEntries(entry(start).links.map((l) => [l.text, l.href]));

    // Hugging Face's API: the arXiv id, the repository, the day it was featured, the upvotes.
    const quiet = entry('Quiet Reasoning');
    expect(quiet.href).toBe('https://arxiv.org/abs/2403.20001');
    expect(links('Quiet Reasoning')).toMatchObject({
      PDF: 'https://arxiv.org/pdf/2403.20001',
      Code: 'https://github.com/example/quiet-reasoning',
      'Daily Papers': 'https://huggingface.co/papers/2403.20001',
    });
    expect(quiet.text).toContain('published 20 Mar 2024 · on Daily Papers 21 Mar 2024 · 57 upvotes');
    // arXiv's API: the categories, the primary first; no code, not on Daily Papers.
    const budget = entry('Once-for-All Neural Architecture Search on a Budget');
    expect(budget.text).toContain('cs.CV, cs.LG · published 19 Mar 2024');
    expect(Object.keys(links('Once-for-All Neural Architecture Search on a Budget'))).toEqual([budget.title, 'PDF']);

    // No source gave a page: the title is not a link, and the search says it is a search.
    const unlinked = entry('Control characters in a NAS title');
    expect(unlinked.href).toBe('');
    expect(unlinked.links).toEqual([
      {
        text: 'search arXiv',
        href: 'https://arxiv.org/search/?query=Control+characters+in+a+NAS+title&searchtype=title',
      },
    ]);
    expect(unlinked.text).toContain('No page known: search arXiv');
    expect(html).not.toMatch(/<h3 class="title"[^>]*><a href="https:\/\/arxiv\.org\/search/);

    // The text part says the same.
    expect(text).toMatch(
      /Quiet Reasoning[^\n]*\n {3}Eric Zelikman[^\n]*\n {3}published 20 Mar 2024 · on Daily Papers 21 Mar 2024 · 57 upvotes\n {3}https:\/\/arxiv\.org\/abs\/2403\.20001\n {3}PDF: https:\/\/arxiv\.org\/pdf\/2403\.20001\n {3}Code: https:\/\/github\.com\/example\/quiet-reasoning\n {3}Daily Papers: https:\/\/huggingface\.co\/papers\/2403\.20001\n/,
    );
    expect(text).toContain(
      '   No page known; search arXiv: https://arxiv.org/search/?query=Control+characters+in+a+NAS+title&searchtype=title',
    );
  });

  it('are not called new when their sources date them all well before the edition: the heading names their days', async () => {
    const clock = fixedClock('2026-11-25T06:00:00Z');
    const app = await testApp({ clock, env: { PAPERBOY_SECRET: SECRET } });
    await app.store.saveTopic(
      { slug: 'lm', name: 'Language models', query: '"language models" OR "neural architecture search" OR NAS' },
      clock().toISOString(),
    );
    await app.ingester.ingestFiles([
      `${FIXTURES}sources/hf-daily-2024-03-21.json`,
      `${FIXTURES}sources/arxiv-api-page1.xml`,
    ]);
    const digest = await frozenDay(app, ['lm']);
    expect(digest.subject).toMatch(
      /^Language models: \d+ papers from (?:\d+–)?\d+ (?:Jan|Mar) (?:1999|2024) (?:– \d+ Mar 2024 )?· Wednesday, 25 November 2026$/,
    );
    expect(digest.subject).not.toContain('new papers');
    const { html } = await receivedDigest(app, 'Topics', digest);
    expect(html).toMatch(/Wednesday, 25 November 2026 · \d+ papers, from [^<]*2024<\/p>/);
  });
});

describe('the HTML part', () => {
  it("of 25 papers with every link and fact stays under Gmail's clipping limit, all 25 shown", async () => {
    const clock = fixedClock('2026-11-25T06:00:00Z');
    const app = await testApp({ clock, env: { PAPERBOY_SECRET: SECRET } });
    await app.store.saveTopic(
      { slug: 'lm', name: 'Language models', query: '"language models"' },
      clock().toISOString(),
    );
    // Long titles, the sample page's abstracts (1,300 to 1,900 characters, cut to 420), nine
    // authors, code, upvotes, an AI summary: the most a paper can take.
    const abstracts = parseDailyPage(readFileSync(SAMPLE_PAGE, 'utf8'), 'sample').papers.map((p) => p.abstract);
    const papers = abstracts.slice(0, 30).map((abstract, i) => ({
      paper: {
        id: `2611.${String(40000 + i)}`,
        title: `Language models ${i}: a very long title about scaling, reasoning, serving and evaluating large language models on many benchmarks`,
        summary: `Language models, again. ${abstract}`,
        authors: Array.from({ length: 9 }, (_, k) => ({ name: `Author Number${k} Surname${i}` })),
        publishedAt: '2026-11-24T17:59:58.000Z',
        upvotes: 100 + i,
        ai_summary:
          'Sparse attention with cached keys lets language models reason over long contexts at a fraction of the cost.',
        githubRepo: `https://github.com/example/long-context-${i}`,
      },
      publishedAt: '2026-11-25T01:12:09.611Z',
    }));
    const file = join(tempDir(), 'hf.json');
    writeFileSync(file, JSON.stringify(papers));
    await app.ingester.ingestFiles([file]);
    const digest = await frozenDay(app, ['lm']);
    const { html } = await receivedDigest(app, 'Topics', digest);
    expect(readDigest(html).papers).toHaveLength(25);
    expect(Buffer.byteLength(html)).toBeLessThan(MAX_HTML_BYTES);
  });
});
