import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineTokens, createBaseline, plainWords, sStem } from '../../bench/relevance-baseline.js';
import { loadCrafted, loadJudgements, loadPhrasings } from '../../bench/relevance-data.js';
import { ndcgAt, precisionAt } from '../../bench/relevance-metrics.js';
import { paper } from '../helpers/factories.js';

describe('relevance metrics', () => {
  const grades = new Map([
    ['a', 2],
    ['b', 1],
    ['c', 1],
  ]);

  it('nDCG@k: gains 2^grade − 1 discounted by log2(place + 1), over the ideal order of every judged paper', () => {
    // DCG = 0/1 + 3/log2(3) + 1/log2(4) = 2.3928; ideal = 3/1 + 1/log2(3) + 1/log2(4) = 4.1309.
    expect(ndcgAt(10, ['x', 'a', 'b'], grades)).toBeCloseTo(0.579237, 6);
    // Cut at 2: 3/log2(3) over 3 + 1/log2(3).
    expect(ndcgAt(2, ['x', 'a', 'b'], grades)).toBeCloseTo(0.521296, 6);
    expect(ndcgAt(10, ['a', 'b', 'c'], grades)).toBe(1);
    expect(ndcgAt(10, ['a', 'c', 'b', 'x'], grades)).toBe(1);
  });

  it('nDCG@k: judged papers the ranking misses still count in the ideal; nothing found scores 0', () => {
    // Only one of two grade-2 papers found: 3 over 3 + 3/log2(3).
    expect(
      ndcgAt(
        10,
        ['a'],
        new Map([
          ['a', 2],
          ['z', 2],
        ]),
      ),
    ).toBeCloseTo(0.613147, 6);
    expect(ndcgAt(10, [], grades)).toBe(0);
    expect(ndcgAt(10, ['a'], new Map())).toBe(0);
  });

  it('P@k: the share of the first k graded 1 or 2, a short list counting its gaps as misses', () => {
    expect(precisionAt(5, ['a', 'x', 'b'], grades)).toBe(0.4);
    expect(precisionAt(2, ['x', 'a', 'b'], grades)).toBe(0.5);
    expect(precisionAt(3, ['c', 'b', 'a', 'x'], grades)).toBe(1);
    expect(precisionAt(5, [], grades)).toBe(0);
  });
});

describe('the BM25 baselines', () => {
  const corpus = [
    paper({ id: 'p1', title: 'Graph networks', abstract: 'Graph, graph.' }),
    paper({ id: 'p2', title: 'Image models', abstract: 'The networks of images' }),
    paper({ id: 'p3', title: 'Speech', abstract: 'Audio' }),
  ];

  it('tokenise plainly: lowercase, Lucene stopwords dropped, plurals folded by the S-stemmer only', () => {
    expect(baselineTokens('The Networks of IMAGES, for 3D-queries')).toEqual(['network', 'image', '3d', 'query']);
    expect(['models', 'queries', 'boxes', 'class', 'gaussians', 'bus', 'pruning'].map(sStem)).toEqual([
      'model',
      'query',
      'boxe',
      'class',
      'gaussian',
      'bus',
      'pruning',
    ]);
  });

  it('score title and abstract as one text with BM25 k1 1.2, b 0.75 (figures computed by hand)', () => {
    // N 3, lengths 4, 4, 2 (average 10/3); idf(graph) = ln(1 + 2.5/1.5), idf(network) = ln(1 + 1.5/2.5).
    const baseline = createBaseline(corpus);
    const any = baseline.score('graph networks', 'any');
    expect(any.map((s) => s.id)).toEqual(['p1', 'p2']);
    expect(any[0]?.score).toBeCloseTo(1.912419, 5);
    expect(any[1]?.score).toBeCloseTo(0.434457, 5);
    expect(baseline.rank('graph networks', 'all')).toEqual(['p1']);
    expect(baseline.rank('the of', 'any')).toEqual([]);
  });

  it('see an expert query as its bag of words: OR, quotes, exclusions and operators gone', () => {
    expect(
      plainWords('"graph networks" OR speech -"image models" -audio author:"Song Han" category:cs.LG')
        .split(/\s+/)
        .filter(Boolean),
    ).toEqual(['graph', 'networks', 'speech']);
    expect(createBaseline(corpus).rank('"graph networks" OR speech -images', 'any')).toEqual(['p1', 'p3', 'p2']);
  });
});

describe('the evaluation inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relevance-'));
  const write = (name: string, data: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(data));
    return file;
  };
  const papers = [paper({ id: 'title:aaaa' }), paper({ id: 'title:bbbb' })];
  const judgements = write('judgements.json', {
    topics: [
      { slug: 'nas', name: 'NAS', need: 'n', judgements: [{ id: 'title:aaaa', grade: 2, title: 'A' }] },
      { slug: 'gnn', name: 'GNN', need: 'g', judgements: [{ id: 'title:bbbb', grade: 1, title: 'B' }] },
    ],
  });

  it('a judged paper that is not in the sample names the file, the topic and the paper', () => {
    const file = write('bad-judgements.json', {
      topics: [{ slug: 'nas', judgements: [{ id: 'title:zzzz', grade: 2, title: 'Lost paper' }] }],
    });
    expect(() => loadJudgements(papers, file)).toThrow(
      `${file}: topic "nas": judged paper title:zzzz ("Lost paper") is not among the 2 sample papers`,
    );
  });

  it('an unknown slug in a phrasing set or in the crafted queries names the file and the slug', () => {
    const judged = loadJudgements(papers, judgements);
    const phrasings = write('held-out.json', {
      topics: [
        { slug: 'nas', phrasings: ['nas'] },
        { slug: 'robots', phrasings: ['robots'] },
      ],
    });
    expect(() => loadPhrasings(judged, phrasings)).toThrow(
      `${phrasings}: topic "robots" is not a judged topic (judged: nas, gnn)`,
    );
    const starter = write('topics.json', {
      topics: [
        { slug: 'nas', query: 'NAS' },
        { slug: 'unjudged-starter', query: 'x' },
      ],
    });
    const queries = write('queries.json', {
      topics: [
        { slug: 'gnn', query: 'GNN' },
        { slug: 'robots', query: 'robot' },
      ],
    });
    expect(() => loadCrafted(judged, starter, queries)).toThrow(`${queries}: topic "robots" is not a judged topic`);
  });

  it('a phrasing set may cover some judged topics; a judged topic without a crafted query is named', () => {
    const judged = loadJudgements(papers, judgements);
    const set = loadPhrasings(
      judged,
      write('some.json', { topics: [{ slug: 'gnn', phrasings: ['graph networks', 'GNNs'] }] }),
    );
    expect(set.topics).toEqual([{ slug: 'gnn', phrasings: ['graph networks', 'GNNs'] }]);
    expect(() => loadPhrasings(judged, write('empty-list.json', { topics: [{ slug: 'gnn', phrasings: [] }] }))).toThrow(
      /topic "gnn": "phrasings" must be a non-empty list/,
    );
    const starter = write('topics-only.json', { topics: [{ slug: 'nas', query: 'NAS' }] });
    expect(() => loadCrafted(judged, starter, write('no-queries.json', { topics: [] }))).toThrow(
      /judged topic "gnn" has no query/,
    );
  });
});
