import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalId, normalisePaperInput } from '../../src/domain/paper.js';
import { parseArxivAtom } from '../../src/ingest/arxiv-atom.js';
import { parseArxivRss, splitCreators } from '../../src/ingest/arxiv-rss.js';
import { parseFeed } from '../../src/ingest/feed.js';
import { detectFormat, parseSource } from '../../src/ingest/formats.js';
import { parseHfDaily } from '../../src/ingest/hf-daily.js';
import { FIXTURES } from '../helpers/env.js';
import { parseError } from '../helpers/errors.js';

const fixture = (name: string) => readFileSync(`${FIXTURES}sources/${name}`, 'utf8');
const clean = (name: string) => parseSource(fixture(name), name).papers.map(normalisePaperInput);

describe('format detection', () => {
  it('tells every fixture format from its content alone', () => {
    const expected: Record<string, string> = {
      'arxiv-api-page1.xml': 'arxiv-atom',
      'arxiv-api-empty.xml': 'arxiv-atom',
      'arxiv-rate-exceeded.txt': 'arxiv-atom',
      'arxiv-rss-cs-lg.xml': 'arxiv-rss',
      'arxiv-rss-empty.xml': 'arxiv-rss',
      'hf-daily-2024-03-21.json': 'hf-daily',
      'feed-journal.rss.xml': 'rss',
      'feed-lab.atom.xml': 'atom',
      'paperboy.json': 'json',
      'daily-page.txt': 'daily-page',
    };
    for (const [file, format] of Object.entries(expected)) expect(detectFormat(fixture(file), file), file).toBe(format);
  });
});

describe('arXiv API Atom', () => {
  it('reads ids without version, versions, v1 dates, categories (primary first) and unwraps titles', () => {
    const parsed = parseArxivAtom(fixture('arxiv-api-page1.xml'), 'p1.xml');
    expect(parsed).toMatchObject({ totalResults: 5, startIndex: 0, newestAt: '2024-03-20T17:59:58.000Z' });
    const [first, second, old] = parsed.papers.map(normalisePaperInput);
    expect(first).toMatchObject({
      arxivId: '2403.12345',
      version: 2,
      title: 'Sparse Attention in O(n): Linear-Time Transformers for Long-Context Language Modelling',
      authors: ['Ada Lovelace', 'Alan Turing'],
      url: 'https://arxiv.org/abs/2403.12345',
      publishedAt: '2024-03-18T09:12:41.000Z',
      categories: ['cs.LG', 'cs.CL'],
    });
    expect(first?.abstract).toMatch(
      /^We present a sparse attention mechanism whose cost grows as \$\\mathcal\{O\}\(n\)\$ in the sequence length\. On/,
    );
    expect(second).toMatchObject({
      title: 'Once-for-All Neural Architecture Search on a Budget',
      categories: ['cs.CV', 'cs.LG'],
    });
    expect(old).toMatchObject({ arxivId: 'hep-th/9901001', version: 1 });
    expect(canonicalId(old!)).toBe('arxiv:hep-th/9901001');
  });

  it('turns LaTeX accents and symbols in titles and names into text', () => {
    const [, diffusion] = clean('arxiv-api-page2.xml');
    expect(diffusion).toMatchObject({
      title: 'Schrödinger Bridges for Diffusion: A β-Schedule Study',
      authors: ['Erwin Schrödinger'],
    });
  });

  it('reads an empty result as no papers and zero results', () => {
    expect(parseArxivAtom(fixture('arxiv-api-empty.xml'), 'e.xml')).toMatchObject({ papers: [], totalResults: 0 });
  });

  it('refuses the HTTP-200 "Error" entry and "Rate exceeded.", saying what arXiv said', () => {
    expect(parseError(() => parseArxivAtom(fixture('arxiv-api-error.xml'), 'err.xml')).message).toBe(
      'err.xml:10: the arXiv API answered with an error: incorrect id format for 2403.1234567 (field entry)',
    );
    expect(parseError(() => parseSource(fixture('arxiv-rate-exceeded.txt'), 'rate.txt')).message).toMatch(
      /^rate\.txt:1: the arXiv API answered "Rate exceeded\."/,
    );
  });
});

describe('arXiv RSS', () => {
  it('reads announce types, versions from the guid, comma-joined creators and skipDays', () => {
    const parsed = parseArxivRss(fixture('arxiv-rss-cs-lg.xml'), 'rss.xml');
    expect(parsed.announced).toEqual({ new: 1, cross: 1, replace: 1, 'replace-cross': 1 });
    expect(parsed.skipDays).toEqual(['Sunday', 'Saturday']);
    const papers = parsed.papers.map(normalisePaperInput);
    expect(papers.map((p) => [p.arxivId, p.version])).toEqual([
      ['2403.20001', 1],
      ['2403.11111', 1],
      ['2403.12345', 3],
      ['2402.05555', 2],
    ]);
    expect(papers[0]?.authors).toHaveLength(6);
    expect(papers[0]?.abstract).toMatch(/^When writing and talking/);
    expect(papers[0]?.title).toBe('Quiet Reasoning: Language Models Can Teach Themselves to Think Before Speaking');
    expect(papers[2]?.authors).toEqual(['Ada Lovelace', 'Alan Turing', 'Charles Babbage']);
    expect(papers[0]?.publishedAt).toBe('2024-03-21T04:00:00.000Z');
    // A replacement of a paper never seen before still gets a date: the announcement's.
    expect(papers[2]?.publishedAt).toBe('2024-03-21T04:00:00.000Z');
  });

  it("dates an item without a date of its own by the feed's announcement date", () => {
    const undated = fixture('arxiv-rss-cs-lg.xml').replace(
      /<pubDate>[^<]*<\/pubDate>\s*(<arxiv:announce_type>replace<)/,
      '$1',
    );
    // The first <pubDate> is the channel's: a feed announced at another hour than its items.
    const feed = undated.replace(
      '<pubDate>Thu, 21 Mar 2024 00:00:00 -0400</pubDate>',
      '<pubDate>Wed, 20 Mar 2024 20:00:00 -0400</pubDate>',
    );
    const papers = parseArxivRss(feed, 'rss.xml').papers;
    expect(papers.map((p) => p.publishedAt)).toEqual([
      '2024-03-21T04:00:00.000Z',
      '2024-03-21T04:00:00.000Z',
      '2024-03-21T00:00:00.000Z',
      '2024-03-21T04:00:00.000Z',
    ]);
  });

  it('splits creators on commas and a final "and"', () => {
    expect(splitCreators('A. One, B. Two, and C. Three')).toEqual(['A. One', 'B. Two', 'C. Three']);
    expect(splitCreators('A. One and B. Two')).toEqual(['A. One', 'B. Two']);
  });

  it('reads an empty feed with its build date, and names the line where a truncated one ends', () => {
    expect(parseArxivRss(fixture('arxiv-rss-empty.xml'), 'e.xml')).toMatchObject({
      papers: [],
      newestAt: '2024-03-25T04:00:00.000Z',
    });
    const err = parseError(() => parseSource(fixture('arxiv-rss-truncated.xml'), 'cut.xml'));
    expect(err.message).toMatch(/^cut\.xml:43: the document ends inside <arxiv:anno>.*truncated download/);
  });
});

describe('Hugging Face daily papers JSON', () => {
  it('keeps upvotes, AI summary and keywords, the repository and the day featured', () => {
    const [quiet, sparse, fine] = clean('hf-daily-2024-03-21.json');
    expect(quiet).toMatchObject({
      arxivId: '2403.20001',
      title: 'Quiet Reasoning: Language Models Can Teach Themselves to Think Before Speaking',
      upvotes: 57,
      aiSummary: 'Language models learn to produce inner rationales that improve next-token prediction.',
      aiKeywords: ['rationales', 'self-taught reasoner', 'next-token prediction'],
      githubRepo: 'https://github.com/example/quiet-reasoning',
      featuredOn: '2024-03-21',
      publishedAt: '2024-03-20T17:59:58.000Z',
    });
    expect(sparse?.title).toBe(
      'Sparse Attention in O(n): Linear-Time Transformers for Long-Context Language Modelling',
    );
    // null facts are absent, never empty
    expect(fine).not.toHaveProperty('aiSummary');
    expect(fine).not.toHaveProperty('aiKeywords');
    expect(fine).not.toHaveProperty('githubRepo');
  });

  it('reads [] as no papers and names file, line and field of a bad item', () => {
    expect(parseHfDaily(fixture('hf-daily-empty.json'), 'e.json').papers).toEqual([]);
    expect(parseError(() => parseHfDaily(fixture('hf-daily-bad.json'), 'bad.json')).message).toBe(
      'bad.json:6: daily paper 2: Invalid input: expected number, received string (field paper.upvotes)',
    );
    expect(parseError(() => parseHfDaily('{"error":"Invalid date"}', 'x.json')).message).toBe(
      'x.json:1: the server answered with an error: Invalid date',
    );
  });
});

describe('any RSS 2.0 / Atom 1.0 feed', () => {
  it('reduces HTML to text, keeps names (not addresses) and recognises arXiv links of any form', () => {
    const [journal, preprint] = clean('feed-journal.rss.xml');
    expect(journal).toMatchObject({
      title: 'Paged KV Caches, Revisited & Extended',
      abstract: 'We revisit paged key-value caches for LLM serving. Accepted at JMLN.',
      url: 'https://jmln.example.org/papers/2024/17',
      authors: ['Barbara Liskov'],
    });
    expect(preprint).toMatchObject({
      arxivId: '2403.12345',
      version: 1,
      url: 'https://arxiv.org/abs/2403.12345',
      authors: ['Ada Lovelace'],
    });
  });

  it('reads Atom entries with their alternate link, and refuses the other kind when one is named', () => {
    const [melange, quiet] = clean('feed-lab.atom.xml');
    expect(melange).toMatchObject({
      title: 'Mélange: Cost Efficient LLM Serving by Exploiting GPU Heterogeneity',
      authors: ['Tyler Griggs', 'Xiaoxuan Liu'],
    });
    expect(quiet).toMatchObject({ arxivId: '2403.20001' });
    expect(parseError(() => parseFeed(fixture('feed-lab.atom.xml'), 'lab.xml', 'rss')).message).toBe(
      'lab.xml:1: expected RSS 2.0 (<rss>), found <feed>',
    );
  });
});

describe('Paperboy JSON and the Daily Papers page in the same terms', () => {
  it('reads a pdf link as the arXiv paper it names', () => {
    const [melange, robust] = clean('paperboy.json');
    expect(canonicalId(melange!)).toMatch(/^title:/);
    expect(robust).toMatchObject({ arxivId: '2402.05555', version: 1, url: 'https://arxiv.org/abs/2402.05555' });
    expect(clean('daily-page.txt')).toHaveLength(2);
  });
});
