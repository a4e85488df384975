import { describe, expect, it } from 'vitest';
import { latexToText } from '../../src/domain/latex.js';
import { canonicalId, normalisePaperInput, parseArxivId } from '../../src/domain/paper.js';
import { fieldsFromInput, mergePaper } from '../../src/domain/paper-merge.js';
import { assessFetch, isSkipDay } from '../../src/domain/source.js';
import { parseSourcesFile } from '../../src/jobs/ingest/source-config.js';
import { paperInput } from '../helpers/factories.js';

describe('one paper, however it is named', () => {
  it('agrees on the id from http/https, abs/pdf links, OAI ids and arXiv: prefixes', () => {
    const names = [
      '2403.12345v2',
      'arXiv:2403.12345',
      'oai:arXiv.org:2403.12345v3',
      'http://arxiv.org/abs/2403.12345v1',
      'https://arxiv.org/pdf/2403.12345v2.pdf',
      'https://export.arxiv.org/abs/2403.12345',
      'https://arxiv.org/pdf/2403.12345',
    ];
    for (const n of names) expect(parseArxivId(n)?.id, n).toBe('2403.12345');
    expect(parseArxivId('http://arxiv.org/abs/hep-th/9901001v2')).toEqual({ id: 'hep-th/9901001', version: 2 });
    expect(parseArxivId('https://example.org/abs/2403.12345')).toBeUndefined();
  });

  it('gives a paper known only by a link to arXiv its arXiv id, and one canonical link', () => {
    const a = normalisePaperInput(paperInput({ url: 'http://arxiv.org/pdf/2403.12345v2.pdf' }));
    const b = normalisePaperInput(paperInput({ arxivId: '2403.12345v1', url: 'https://arxiv.org/abs/2403.12345v1' }));
    expect(canonicalId(a)).toBe('arxiv:2403.12345');
    expect(canonicalId(b)).toBe('arxiv:2403.12345');
    expect(a.url).toBe('https://arxiv.org/abs/2403.12345');
    expect(a.version).toBe(2);
  });

  it('fingerprints titles without an id after whitespace and LaTeX are normalised', () => {
    const tex = canonicalId(
      normalisePaperInput(paperInput({ title: 'Sparse Attention in $\\mathcal{O}(n)$:\n   Linear Time' })),
    );
    expect(canonicalId(normalisePaperInput(paperInput({ title: 'Sparse attention in O(n): linear time' })))).toBe(tex);
  });

  it('turns common LaTeX into the text it prints', () => {
    expect(latexToText('$\\mathcal{O}(n \\log n)$ on a \\emph{Budget} \\& more')).toBe('O(n log n) on a Budget & more');
    expect(latexToText('G\\\'eom\\`etre, Schr\\"odinger, {BERT}, $\\alpha$-Nets')).toBe(
      'Géomètre, Schrödinger, BERT, α-Nets',
    );
    expect(latexToText('plain title, no markup')).toBe('plain title, no markup');
  });
});

describe('merging what every source knows', () => {
  const arxiv = fieldsFromInput(
    normalisePaperInput(
      paperInput({ title: 'T', abstract: 'v2 text', arxivId: '2403.00001v2', categories: ['cs.LG', 'cs.CL'] }),
    ),
  );

  it('adds Hugging Face facts without losing arXiv categories, and unions categories', () => {
    const hf = normalisePaperInput(
      paperInput({
        title: 'T',
        abstract: 'hf text',
        arxivId: '2403.00001',
        upvotes: 12,
        aiSummary: 'S',
        aiKeywords: ['k'],
        featuredOn: '2024-03-21',
      }),
    );
    const merged = mergePaper(arxiv, hf);
    expect(merged).toMatchObject({
      categories: ['cs.LG', 'cs.CL'],
      upvotes: 12,
      aiSummary: 'S',
      aiKeywords: ['k'],
      featuredOn: '2024-03-21',
      version: 2,
    });
    const cross = mergePaper(
      merged,
      normalisePaperInput(paperInput({ title: 'T', arxivId: '2403.00001v2', categories: ['stat.ML', 'cs.LG'] })),
    );
    expect(cross.categories).toEqual(['cs.LG', 'cs.CL', 'stat.ML']);
  });

  it('never lowers upvotes from an older file, and keeps the first featured day', () => {
    const seen = { ...arxiv, upvotes: 40, featuredOn: '2024-03-21' };
    const older = mergePaper(
      seen,
      normalisePaperInput(paperInput({ title: 'T', arxivId: '2403.00001', upvotes: 3, featuredOn: '2024-03-25' })),
    );
    expect(older).toMatchObject({ upvotes: 40, featuredOn: '2024-03-21' });
  });

  it('a versionless sighting fills gaps but does not replace the text of a versioned one', () => {
    const hf = normalisePaperInput(
      paperInput({ title: 'T (HF)', abstract: 'hf text', authors: [], arxivId: '2403.00001', upvotes: 9 }),
    );
    expect(mergePaper({ ...arxiv, authors: [] }, { ...hf, authors: ['Ada'] })).toMatchObject({
      title: 'T',
      abstract: 'v2 text',
      authors: ['Ada'],
      upvotes: 9,
    });
  });

  it("keeps a paper's earliest known date, whichever source brought it", () => {
    const announced = { ...arxiv, publishedAt: '2024-03-21T04:00:00.000Z' };
    const v1 = normalisePaperInput(
      paperInput({ title: 'T', arxivId: '2403.00001v1', publishedAt: '2024-03-18T09:12:41.000Z' }),
    );
    expect(mergePaper(announced, v1).publishedAt).toBe('2024-03-18T09:12:41.000Z');
    const journal = normalisePaperInput(
      paperInput({ title: 'T', arxivId: '2403.00001', publishedAt: '2024-06-01T00:00:00.000Z' }),
    );
    expect(mergePaper(announced, journal).publishedAt).toBe('2024-03-21T04:00:00.000Z');
    // Compared as instants, not as text: 02:00+03:00 is earlier than 00:00Z.
    expect(mergePaper(announced, { ...journal, publishedAt: '2024-03-21T02:00:00+03:00' }).publishedAt).toBe(
      '2024-03-21T02:00:00+03:00',
    );
  });

  it('an older version changes no text but still brings its facts', () => {
    const v1 = normalisePaperInput(
      paperInput({ title: 'Old', abstract: 'v1 text', arxivId: '2403.00001v1', upvotes: 5 }),
    );
    expect(mergePaper(arxiv, v1)).toMatchObject({ title: 'T', abstract: 'v2 text', version: 2, upvotes: 5 });
  });
});

describe('source health', () => {
  const base = {
    at: new Date('2024-03-25T10:00:00Z'),
    notModified: false,
    items: 3,
    newestItemAt: '2024-03-25T04:00:00Z',
    lastChangedAt: null,
    maxAgeHours: 48,
    quietDay: false,
  };

  it('is ok with fresh papers, stale when empty on a publishing day, ok when empty on a quiet day', () => {
    expect(assessFetch(base).status).toBe('ok');
    expect(assessFetch({ ...base, items: 0 })).toEqual({
      status: 'stale',
      detail: 'answered with no papers on a publishing day',
    });
    expect(assessFetch({ ...base, items: 0, quietDay: true }).status).toBe('ok');
  });

  it('is stale when the newest paper, or the last change behind a 304, is older than expected', () => {
    expect(assessFetch({ ...base, newestItemAt: '2024-03-21T04:00:00Z' }).status).toBe('stale');
    expect(assessFetch({ ...base, notModified: true, lastChangedAt: '2024-03-24T10:00:00Z' }).status).toBe('ok');
    expect(assessFetch({ ...base, notModified: true, lastChangedAt: '2024-03-20T10:00:00Z' }).status).toBe('stale');
  });

  it('knows skip days in the source zone, configured or declared by the feed', () => {
    const source = { skipDays: [] as never[], timezone: 'America/New_York' };
    // 03:00 UTC on Sunday is still Saturday in New York.
    expect(isSkipDay(source, ['Saturday'], new Date('2024-03-24T03:00:00Z'))).toBe(true);
    expect(isSkipDay(source, ['Sunday'], new Date('2024-03-24T03:00:00Z'))).toBe(false);
    expect(isSkipDay({ skipDays: ['Monday'], timezone: 'UTC' }, [], new Date('2024-03-25T03:00:00Z'))).toBe(true);
  });
});

describe('the sources file', () => {
  it('works out arXiv and Hugging Face URLs and fills defaults', () => {
    const [api, rss, hf] = parseSourcesFile(
      `{
  // comments are allowed
  "sources": [
    { "name": "nas", "format": "arxiv-atom", "query": "all:\\"neural architecture search\\"", "cron": "0 7 * * *" },
    { "name": "cs-lg", "format": "arxiv-rss", "category": "cs.LG", "cron": "0 6 * * *", "timezone": "America/New_York" },
    { "name": "hf", "format": "hf-daily", "cron": "0 9 * * *", "skipDays": ["Saturday", "Sunday"], "enabled": false },
  ]
}`,
      'sources.json',
    );
    expect(api).toMatchObject({
      url: 'https://export.arxiv.org/api/query',
      query: 'all:"neural architecture search"',
      maxResults: 100,
      enabled: true,
      timezone: 'UTC',
    });
    expect(rss).toMatchObject({ url: 'https://rss.arxiv.org/rss/cs.LG', timezone: 'America/New_York' });
    expect(hf).toMatchObject({
      url: 'https://huggingface.co/api/daily_papers',
      enabled: false,
      skipDays: ['Saturday', 'Sunday'],
    });
  });

  it('names file, line and field of a bad entry', () => {
    const text =
      '{\n  "sources": [\n    { "name": "a", "url": "https://x.org/f", "cron": "0 6 * * *" },\n    { "name": "b", "url": "https://x.org/g",\n      "cron": "every day" }\n  ]\n}\n';
    expect(() => parseSourcesFile(text, 'sources.json')).toThrow(
      'sources.json:5: source 2: not a valid cron expression (e.g. "0 6 * * 1-5") (field cron)',
    );
    const unknown = '{"sources": [\n{ "name": "a", "url": "https://x.org/f", "cron": "0 6 * * *",\n  "crom": 1 }]}';
    expect(() => parseSourcesFile(unknown, 's.json')).toThrow(/^s\.json:3: source 1: .*crom.*\(field crom\)$/);
    const noUrl = '{"sources": [{ "name": "a", "format": "rss", "cron": "0 6 * * *" }]}';
    expect(() => parseSourcesFile(noUrl, 's.json')).toThrow('s.json:1: source 1: a rss source needs a url (field url)');
    const twice =
      '{"sources": [\n{ "name": "a", "url": "https://x.org/f", "cron": "0 6 * * *" },\n{ "name": "a", "url": "https://x.org/g", "cron": "0 6 * * *" }]}';
    expect(() => parseSourcesFile(twice, 's.json')).toThrow(
      's.json:3: source 2: the name "a" is used twice (field name)',
    );
  });
});

describe('the example sources file shipped in data/', () => {
  it('is valid, and every source in it is disabled so a copy fetches nothing until edited', async () => {
    const { readSourcesFile } = await import('../../src/jobs/ingest/source-config.js');
    const sources = await readSourcesFile(new URL('../../data/sources.example.json', import.meta.url).pathname);
    expect(sources.map((s) => s.format)).toEqual(['arxiv-rss', 'arxiv-atom', 'hf-daily']);
    expect(sources.every((s) => !s.enabled)).toBe(true);
  });
});

describe('the last time a source cron fired (for the catch-up at start)', () => {
  it('is found in the source zone, across a DST change and half-hour offsets', async () => {
    const { previousFire } = await import('../../src/jobs/operate/scheduler.js');
    const at = (expr: string, tz: string, now: string) => previousFire(expr, tz, new Date(now))?.toISOString();
    expect(at('0 7 * * 1', 'America/New_York', '2024-03-24T12:00:00Z')).toBe('2024-03-18T11:00:00.000Z');
    expect(at('30 21 * * 0-4', 'America/New_York', '2024-03-12T01:00:00Z')).toBe('2024-03-11T01:30:00.000Z');
    expect(at('0 6 * * *', 'Asia/Kolkata', '2024-03-24T00:10:00Z')).toBe('2024-03-23T00:30:00.000Z');
    // 02:00 does not exist in Berlin on 31 March 2024: the last fire is the day before.
    expect(at('0 2 * * *', 'Europe/Berlin', '2024-03-31T12:00:00Z')).toBe('2024-03-30T01:00:00.000Z');
    expect(at('0 6 * * *', 'UTC', '2024-03-24T06:00:59Z')).toBe('2024-03-24T06:00:00.000Z');
  });
});
