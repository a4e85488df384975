import { describe, expect, it } from 'vitest';
import { createServer as createWebServer } from '../../src/web/server.js';
import { readDigest } from '../helpers/digest-html.js';
import { closeLater, confirmedYesterday, deliveryApp } from '../helpers/delivery.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { FIXTURES } from '../helpers/env.js';
import { postForm } from '../helpers/web.js';

// A reader chooses between full abstracts and a compact layout on the preferences page; every
// edition is rendered once in each layout, and each reader gets theirs.

describe('the compact layout', () => {
  it('is chosen on the preferences page, and the next digest comes compact; others keep full abstracts, from the same edition', async () => {
    const sink = await closeLater(await startSmtpSink());
    const app = await deliveryApp(sink.url, { DIGEST_MAX_PAPERS: '10' });
    // Hugging Face's papers too (one with an AI summary), first seen now like the sample page.
    await app.store.saveTopic(
      { slug: 'lm', name: 'Language models', query: '"language models" OR "language model"' },
      app.clock().toISOString(),
    );
    await app.ingester.ingestFiles([`${FIXTURES}sources/hf-daily-2024-03-21.json`]);
    const ada = await confirmedYesterday(app, { email: 'ada@example.org', topics: ['nas', 'lm'] });
    await confirmedYesterday(app, { email: 'bob@example.org', topics: ['nas', 'lm'] });
    const server = createWebServer(app);
    const base = await server.listen({ port: 0, host: '127.0.0.1' });
    await closeLater(server);

    // The preferences page offers both, full chosen; Ada saves compact.
    const path = new URL(app.subscriptions.links(ada.id).preferencesUrl).pathname;
    const page = await (await fetch(`${base}${path}`)).text();
    expect(page).toContain('<input type="radio" name="layout" value="full" checked> Full abstracts');
    expect(page).toContain(
      '<input type="radio" name="layout" value="compact"> Compact: title, authors, a sentence or two',
    );
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const form = { topics: ['nas', 'lm'], frequency: 'daily', timezone: 'UTC', hour: '8', csrf };
    expect((await postForm(`${base}${path}`, { ...form, layout: 'tiny' })).status).toBe(400);
    const saved = await postForm(`${base}${path}`, { ...form, layout: 'compact' });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('<input type="radio" name="layout" value="compact" checked>');
    expect((await app.store.getSubscriber(ada.id))?.layout).toBe('compact');

    await app.planner.plan(app.clock());
    await app.deliverer.run({ maxWaitMs: 0 });
    const mail = (to: string) => sink.messages.find((m) => m.envelopeTo.includes(to))!.mail;
    const compact = mail('ada@example.org');
    const full = mail('bob@example.org');
    // One edition, frozen once, with both variants: the same subject, papers and counts.
    const digests = await app.store.listDigests({ limit: 10 });
    expect(digests).toHaveLength(1);
    expect(digests[0]!.compact).toBeDefined();
    expect(compact.subject).toBe(full.subject);
    const c = readDigest(String(compact.html));
    const f = readDigest(String(full.html));
    expect(c.papers.map((p) => p.title)).toEqual(f.papers.map((p) => p.title));
    expect({ ...c, papers: [], sections: [] }).toEqual({ ...f, papers: [], sections: [] });
    expect(c.sections.map((s) => [s.name, s.shown, s.total])).toEqual(
      f.sections.map((s) => [s.name, s.shown, s.total]),
    );

    // Compact: title, first authors, a sentence or two (or the source's summary), "more" to the full entry.
    const quiet = c.papers.find((p) => p.title.startsWith('Quiet Reasoning'))!;
    expect(quiet.text).toContain('Eric Zelikman, Georges Harik, Noah D. Goodman');
    expect(quiet.text).toContain(
      'Language models learn to produce inner rationales that improve next-token prediction. more',
    );
    expect(quiet.links.at(-1)).toEqual({
      text: 'more',
      href: `https://papers.example.org/digests/${digests[0]!.id}#paper-${quiet.number}`,
    });
    for (const p of c.papers) {
      expect(p.text.length).toBeLessThan(400);
      expect(p.text).not.toMatch(/score \d|Why:|PDF/);
    }
    const fullQuiet = f.papers.find((p) => p.title.startsWith('Quiet Reasoning'))!;
    expect(fullQuiet.text).toContain('When writing and talking, people sometimes pause to think.');
    expect(fullQuiet.text).toMatch(/score \d\.\d\d/);
    // A sample paper (no AI summary): its abstract's opening, far shorter than the full entry.
    const sample = c.papers.find((p) => !p.title.startsWith('Quiet') && p.section === 'nas')!;
    const sampleFull = f.papers.find((p) => p.title === sample.title)!;
    expect(sample.text.length).toBeLessThan(sampleFull.text.length / 2);
    // The text part follows the layout too.
    expect(compact.text).toContain(
      '   Language models learn to produce inner rationales that improve next-token prediction.\n   More: https://papers.example.org/digests/',
    );
    expect(full.text).not.toContain('More: https://papers.example.org/digests/');
    // The web copy is the full layout, and the entry "more" leads to is there.
    const web = await (await fetch(`${base}/digests/${digests[0]!.id}`)).text();
    expect(web).toContain(`id="paper-${quiet.number}"`);
    expect(web).toContain('When writing and talking, people sometimes pause to think.');
  });

  it('falls back to full abstracts for an edition frozen before there was a compact variant', async () => {
    const sink = await closeLater(await startSmtpSink());
    const app = await deliveryApp(sink.url, { DIGEST_MAX_PAPERS: '5' });
    const ada = await confirmedYesterday(app, { email: 'ada@example.org', topics: ['nas'] });
    await app.store.saveSubscribers([{ subscriber: { ...ada, layout: 'compact' }, events: [] }]);
    // An edition as an earlier Paperboy froze it: full only.
    const frozen = await app.digests.freeze({ slugs: ['nas'], kind: 'day', at: app.clock() });
    if (frozen.status === 'empty') throw new Error('expected a digest');
    const { compact: _c, ...old } = frozen.digest;
    await app.store.insertDigest({ ...old, id: 'old-edition', editionKey: 'nas@old' });
    await app.store.createDeliveriesFor(
      [{ id: 'dlv-old', digestId: 'old-edition', subscriberId: ada.id }],
      'example.org',
      app.clock().toISOString(),
    );
    await app.deliverer.run({ maxWaitMs: 0 });
    const got = sink.messages.find((m) => m.envelopeTo.includes('ada@example.org'))!.mail;
    expect(readDigest(String(got.html)).papers[0]!.text).toMatch(/score \d\.\d\d/);
  });
});
