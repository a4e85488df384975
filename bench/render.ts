// Per-recipient cost of a digest email: filling the holes of a digest rendered once, against
// rendering the whole Handlebars template per recipient and compiling MJML per recipient.
import { fileURLToPath } from 'node:url';
import { digestId } from '../src/domain/digest.js';
import { parseDailyPage } from '../src/ingest/daily-page.js';
import { normalisePaperInput, canonicalId, type Paper } from '../src/domain/paper.js';
import { periodContaining } from '../src/domain/period.js';
import { renderDigest, recipientFiller } from '../src/render/email/digest-email.js';
import { digestView } from '../src/render/email/digest-view.js';
import { compileEmailTemplates } from '../src/render/email/templates.js';
import { TEMPLATES_DIR, SAMPLE_DATA_DIR } from '../src/paths.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function timePer(iterations: number, fn: (i: number) => unknown): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / 1000 / iterations; // µs
}

function bytes(parts: { html: string; text: string }): number {
  return Buffer.byteLength(parts.html) + Buffer.byteLength(parts.text);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function benchRender() {
  const text = readFileSync(join(SAMPLE_DATA_DIR, 'daily-papers-2024-03-21.txt'), 'utf8');
  const papers: Paper[] = parseDailyPage(text, 'sample').map(normalisePaperInput).map((p) => ({
    id: canonicalId(p), arxivId: null, version: null, title: p.title, abstract: p.abstract, authors: p.authors,
    url: null, publishedAt: null, firstSeenAt: '2026-11-25T06:00:00.000Z', updatedAt: '2026-11-25T06:00:00.000Z',
  }));
  const templates = await compileEmailTemplates(TEMPLATES_DIR, 'digest');
  const period = periodContaining('day', new Date('2026-11-25T08:00:00Z'));
  const view = digestView({
    digestId: digestId('nas', period),
    topics: [{ slug: 'nas', name: 'Neural architecture search', query: 'nas' }],
    period,
    picked: papers.slice(0, 25).map((paper) => ({ paper, score: 1, matched: ['nas'] })),
    more: 0,
    publicUrl: 'https://papers.example.org',
  });
  const rendered = renderDigest(templates, view);
  const values = (i: number) => ({
    recipient: `reader${i}@example.org`,
    unsubscribeUrl: `https://papers.example.org/unsubscribe/${i}`,
    preferencesUrl: `https://papers.example.org/preferences/${i}`,
  });
  const fillFor = recipientFiller(rendered);
  const fill: number[] = [];
  const full: number[] = [];
  for (let round = 0; round < 7; round++) {
    // Byte lengths force V8 to flatten the concatenated strings, as writing them to a socket would.
    fill.push(timePer(2000, (i) => bytes(fillFor(values(i)))));
    full.push(timePer(200, () => bytes({ html: templates.html(view), text: templates.text(view) })));
  }
  const mjmlPer: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    await compileEmailTemplates(TEMPLATES_DIR, 'digest');
    mjmlPer.push((performance.now() - start) * 1000);
  }
  return { fill: median(fill), handlebars: median(full), mjml: median(mjmlPer), htmlBytes: Buffer.byteLength(rendered.html) };
}

export function printRender(r: Awaited<ReturnType<typeof benchRender>>): void {
  console.log(`digest of 25 papers, HTML ${(r.htmlBytes / 1024).toFixed(1)} KB`);
  console.log(`per recipient, fill holes of the digest rendered once: median ${r.fill.toFixed(1)} µs`);
  console.log(`per recipient, full Handlebars render (HTML + text):   median ${r.handlebars.toFixed(1)} µs (${(r.handlebars / r.fill).toFixed(0)}x)`);
  console.log(`per recipient, MJML compile (the naive way):           median ${(r.mjml / 1000).toFixed(1)} ms (${(r.mjml / r.fill).toFixed(0)}x)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printRender(await benchRender());
