// Per-recipient cost of a digest email (HTML + text, as bytes ready for the wire), in one run:
// - Paperboy: the digest rendered once, its fixed parts UTF-8 encoded once, per recipient a copy
//   of those bytes with four holes filled (the rating link's once per paper and choice), and the
//   same with the recipient's rate token signed too, as delivery does;
// - the ceiling: a bare Handlebars template of the same rendered digest with the same three holes
//   (nothing else left to render), filled and encoded per recipient;
// - the previous string fill (join the parts, then encode);
// - the naive way: compile MJML per recipient.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { digestId } from '../src/domain/digest.js';
import { canonicalId, normalisePaperInput, type Paper } from '../src/domain/paper.js';
import { periodContaining } from '../src/domain/period.js';
import { signToken } from '../src/domain/tokens.js';
import { parseDailyPage } from '../src/ingest/daily-page.js';
import { SAMPLE_DATA_DIR, TEMPLATES_DIR } from '../src/paths.js';
import { recipientBytesFiller, recipientFiller, renderDigest } from '../src/render/email/digest-email.js';
import { digestView } from '../src/render/email/digest-view.js';
import { compileEmailTemplates } from '../src/render/email/templates.js';
import { summarise, type Summary } from './stats.js';

/**
 * CPU microseconds (user + system) per call over `iterations` calls: on a machine shared with
 * other work, wall time also counts the time this process waited for a core.
 */
function timePer(iterations: number, fn: (i: number) => unknown): number {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) fn(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

export async function benchRender(rounds = 9) {
  const text = readFileSync(join(SAMPLE_DATA_DIR, 'daily-papers-2024-03-21.txt'), 'utf8');
  const papers: Paper[] = parseDailyPage(text, 'sample')
    .papers.map(normalisePaperInput)
    .map((p) => ({
      id: canonicalId(p),
      arxivId: null,
      version: null,
      title: p.title,
      abstract: p.abstract,
      authors: p.authors,
      url: null,
      publishedAt: null,
      firstSeenAt: '2026-11-25T06:00:00.000Z',
      updatedAt: '2026-11-25T06:00:00.000Z',
    }));
  const templates = await compileEmailTemplates(TEMPLATES_DIR, 'digest');
  const period = periodContaining('day', new Date('2026-11-25T08:00:00Z'));
  const view = digestView({
    digestId: digestId('nas', period),
    topics: [{ slug: 'nas', name: 'Neural architecture search', query: 'nas' }],
    period,
    window: { start: '2026-11-24T08:00:00.000Z', cutoff: '2026-11-25T08:00:00.000Z' },
    picked: papers.slice(0, 25).map((paper) => ({ paper, score: 1, matched: ['nas'] })),
    moreByTopic: [0],
    publicUrl: 'https://papers.example.org',
  });
  const rendered = renderDigest(templates, () => view, view.papers.length);
  const values = (i: number) => ({
    recipient: `reader${i}@example.org`,
    unsubscribeUrl: `https://papers.example.org/unsubscribe/${i}`,
    preferencesUrl: `https://papers.example.org/preferences/${i}`,
    rateUrl: `https://papers.example.org/rate/${i}`,
  });
  const bytesFill = recipientBytesFiller(rendered);
  const compactFill = recipientBytesFiller(rendered.compact);
  const stringFill = recipientFiller(rendered);
  // The ceiling: the same rendered digest as a Handlebars template whose only expressions are the holes.
  const asHandlebars = (s: string) => s.replace(/\u001F(\w+)\u001F/g, '{{$1}}');
  const hb = Handlebars.create();
  const bareHtml = hb.compile(asHandlebars(rendered.html), { strict: true });
  const bareText = hb.compile(asHandlebars(rendered.text), { strict: true, noEscape: true });
  // Sanity: both ways give the same bytes.
  const a = bytesFill(values(7));
  if (!a.html.equals(Buffer.from(bareHtml(values(7)))) || !a.text.equals(Buffer.from(bareText(values(7))))) {
    throw new Error('the hole fill and the Handlebars fill disagree');
  }

  const ours: number[] = [];
  const signed: number[] = [];
  const compact: number[] = [];
  const ceiling: number[] = [];
  const strings: number[] = [];
  let sink = 0;
  for (let round = 0; round < rounds; round++) {
    ours.push(
      timePer(5000, (i) => {
        const m = bytesFill(values(i));
        sink += m.html.length + m.text.length;
      }),
    );
    signed.push(
      timePer(5000, (i) => {
        const rateUrl = `https://papers.example.org/rate/${signToken('bench-secret', 'rate', `sub_${i}`)}`;
        const m = bytesFill({ ...values(i), rateUrl });
        sink += m.html.length + m.text.length;
      }),
    );
    compact.push(
      timePer(5000, (i) => {
        const m = compactFill(values(i));
        sink += m.html.length + m.text.length;
      }),
    );
    ceiling.push(
      timePer(5000, (i) => {
        const v = values(i);
        sink += Buffer.from(bareHtml(v)).length + Buffer.from(bareText(v)).length;
      }),
    );
    strings.push(
      timePer(2000, (i) => {
        const m = stringFill(values(i));
        sink += Buffer.from(m.html).length + Buffer.from(m.text).length;
      }),
    );
  }
  const mjml: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = process.cpuUsage();
    const t = await compileEmailTemplates(TEMPLATES_DIR, 'digest');
    sink += Buffer.from(t.html(view)).length + Buffer.from(t.text(view)).length;
    const used = process.cpuUsage(start);
    mjml.push(used.user + used.system);
  }
  if (sink === 0) throw new Error('nothing measured');
  return {
    ours: summarise(ours),
    signed: summarise(signed),
    rateLinks: (rendered.html.match(/\u001FrateUrl\u001F/g) ?? []).length,
    compact: summarise(compact),
    compactBytes: Buffer.byteLength(rendered.compact.html),
    ceiling: summarise(ceiling),
    strings: summarise(strings),
    mjml: summarise(mjml),
    ratios: ours.map((o, i) => o / ceiling[i]!),
    htmlBytes: Buffer.byteLength(rendered.html),
  };
}

const us = (s: Summary) =>
  `median ${s.median.toFixed(1)} µs (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)}, n=${s.runs})`;

export function printRender(r: Awaited<ReturnType<typeof benchRender>>): void {
  console.log(
    `digest of 25 papers, HTML ${(r.htmlBytes / 1024).toFixed(1)} KB; per recipient, HTML + text as UTF-8 bytes, CPU time:`,
  );
  console.log(`  Paperboy, pre-encoded parts + 4 holes:       ${us(r.ours)} (${r.rateLinks} rating links in the HTML)`);
  console.log(`  the same, with the rate token signed:        ${us(r.signed)}`);
  console.log(`  the same, compact layout (HTML ${(r.compactBytes / 1024).toFixed(1)} KB):   ${us(r.compact)}`);
  console.log(
    `  bare Handlebars fill of the same (ceiling):  ${us(r.ceiling)}; Paperboy / ceiling per round ${r.ratios.map((x) => x.toFixed(2)).join(', ')}`,
  );
  console.log(
    `  string fill then encode (before):            ${us(r.strings)} (${(r.strings.median / r.ours.median).toFixed(1)}x Paperboy)`,
  );
  console.log(
    `  MJML compile per recipient (the naive way):  median ${(r.mjml.median / 1000).toFixed(1)} ms (min ${(r.mjml.min / 1000).toFixed(1)}, max ${(r.mjml.max / 1000).toFixed(1)}, n=${r.mjml.runs}) (${(r.mjml.median / r.ours.median).toFixed(0)}x Paperboy)`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printRender(await benchRender());
