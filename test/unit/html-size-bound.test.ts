import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/domain/paper.js';
import { periodContaining } from '../../src/domain/period.js';
import { TEMPLATES_DIR } from '../../src/paths.js';
import { MAX_HTML_BYTES, fitDigest, renderDigest } from '../../src/render/email/digest-email.js';
import { digestView, type DigestView } from '../../src/render/email/digest-view.js';
import { escapedBytes } from '../../src/render/email/html-size-bound.js';
import { compileEmailTemplates } from '../../src/render/email/templates.js';

const templates = await compileEmailTemplates(TEMPLATES_DIR, 'digest');
const bound = (view: DigestView) => templates.htmlBytesAtMost!(view);
const rendered = (view: DigestView) => Buffer.byteLength(templates.html(view));

const AT = new Date('2026-11-25T08:00:00Z');
const TOPICS = [
  { slug: 'nas', name: 'Neural architecture search', query: 'nas' },
  { slug: 'rl', name: 'Reinforcement learning & "agents"', query: 'rl' },
];

function paper(n: number, text: { title: string; abstract: string; authors: string[] }, withPage: boolean): Paper {
  return {
    id: `arxiv:2411.${String(10000 + n)}`,
    arxivId: withPage ? `2411.${String(10000 + n)}` : null,
    version: n % 3 === 0 ? 2 : null,
    url: withPage ? `https://arxiv.org/abs/2411.${String(10000 + n)}` : null,
    publishedAt: '2026-11-24T00:00:00Z',
    firstSeenAt: '2026-11-24T12:00:00Z',
    updatedAt: '2026-11-24T12:00:00Z',
    categories: ['cs.LG', 'cs.AI'],
    ...(n % 2 === 0
      ? { githubRepo: 'https://github.com/a/b', upvotes: n, aiSummary: text.abstract.slice(0, 150) }
      : {}),
    ...text,
  };
}

/** A view of `slots` papers whose text is made by `text`, alternating topics, pages and near-duplicates. */
function viewOf(slots: number, text: (n: number) => { title: string; abstract: string; authors: string[] }) {
  const picked = Array.from({ length: slots }, (_, n) => ({
    paper: paper(n, text(n), n % 4 !== 1),
    score: 0.9 - n / 100,
    matched: ['nas', 'search & "space"'],
    section: TOPICS[n % 2]!.slug,
    also:
      n % 5 === 0
        ? [1, 2].map((k) => ({ paper: paper(1000 * k + n, text(n + k), k === 1), score: 0.5, matched: [] }))
        : [],
  }));
  const build = (keep: number) =>
    digestView({
      digestId: 'd1',
      topics: TOPICS,
      period: periodContaining('day', AT),
      window: { start: '2026-11-24T08:00:00Z', cutoff: AT.toISOString() },
      picked: picked.slice(0, keep),
      moreByTopic: [slots - keep + 3, 4],
      updatedIds: new Set(picked.filter((_, n) => n % 7 === 3).map((p) => p.paper.id)),
      publicUrl: 'https://paperboy.example.org/',
    });
  return { build, view: build(slots) };
}

const plain = (n: number) => ({
  title: `Searching architectures for tiny devices, part ${n}`,
  abstract: 'We search for networks. '.repeat(20),
  authors: ['Ada Lovelace', 'Alan Turing'],
});
// Every character Handlebars escapes, several bytes in UTF-8, and titles far past any trim.
const tricky = (n: number) => ({
  title: `<b>"Ünïcödé" & 'quotes' = \`ticks\` 🧪 ${'Λόγος & <λέξη> '.repeat(40 + n)}`,
  abstract: `${'&<>"\'`= 漢字 🧪 '.repeat(60)}. Second sentence here.`,
  authors: Array.from({ length: 9 }, (_, k) => `Æsa "Q" O'Neil-${k} & Co <x@y.z>`),
});

describe('the bound on a digest HTML size', () => {
  it('counts escaped and multi-byte characters at least as Handlebars writes them', () => {
    for (const s of [
      '',
      'plain',
      'say "hi"',
      "it's",
      'a=b',
      '&<>"\'`=',
      'Ünï 漢字 🧪',
      '\uD800 lone',
      '<script>&amp;</script>',
    ]) {
      expect(escapedBytes(s)).toBeGreaterThanOrEqual(Buffer.byteLength(Handlebars.escapeExpression(s)));
    }
  });

  it('is never below the rendered size, in both layouts, for plain and hostile text', () => {
    for (const text of [plain, tricky]) {
      for (const slots of [0, 1, 3, 4, 12, 25, 60]) {
        const { view } = viewOf(slots, text);
        for (const v of [view, { ...view, compact: true }]) {
          expect(bound(v)).toBeGreaterThanOrEqual(rendered(v));
        }
      }
    }
  });

  it('stays close enough to the real size that an ordinary edition needs no rendering', () => {
    const { view } = viewOf(25, plain);
    expect(bound(view)).toBeLessThan(MAX_HTML_BYTES);
    expect(bound(view) / rendered(view)).toBeLessThan(1.25);
  });

  it('leaves to a real rendering what it cannot bound', () => {
    const { view } = viewOf(2, plain);
    expect(bound({ ...view, subject: undefined } as unknown as DigestView)).toBe(Number.POSITIVE_INFINITY);
    expect(bound({ ...view, sections: 'x' } as unknown as DigestView)).toBe(Number.POSITIVE_INFINITY);
  });

  it('lets fitDigest keep the papers renderDigest keeps: no clipped email, none cut that fits', () => {
    for (const text of [plain, tricky]) {
      for (const slots of [5, 25, 60, 120]) {
        const { build } = viewOf(slots, text);
        const fit = fitDigest(templates, build, slots);
        const full = renderDigest(templates, build, slots);
        expect(fit.shown).toBe(full.shown);
        expect(templates.html(fit.view)).toBe(full.html);
        if (fit.shown > 1) expect(Buffer.byteLength(full.html)).toBeLessThanOrEqual(MAX_HTML_BYTES);
      }
    }
  });
});
