import { describe, expect, it } from 'vitest';
import { samplePapers } from '../../bench/sample-papers.js';
import { parseQuery } from '../../src/domain/query.js';
import { createRanker } from '../../src/domain/ranking/ranker.js';
import { editDistance, editsAllowed, suggestion } from '../../src/domain/ranking/spelling.js';
import { createFtsLexicalIndex } from '../../src/store/lexical-index.js';
import { paper } from '../helpers/factories.js';
import judgementsFile from '../fixtures/relevance/judgements.json' with { type: 'json' };

describe('edit distance', () => {
  it('counts insertions, deletions, substitutions and a swap of neighbours as one edit each', () => {
    expect(editDistance('serch', 'search', 2)).toBe(1);
    expect(editDistance('nueral', 'neural', 2)).toBe(1);
    expect(editDistance('quantizaton', 'quantization', 2)).toBe(1);
    expect(editDistance('pruning', 'pruning', 2)).toBe(0);
    expect(editDistance('trasnformer', 'transformers', 2)).toBe(2);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
  });

  it('stops beyond the most edits asked for', () => {
    expect(editDistance('graph', 'diffusion', 2)).toBe(3);
    expect(editDistance('abcdef', 'uvwxyz', 1)).toBe(2);
  });

  it('allows one edit in a short word, two in a long one, none under four letters', () => {
    expect(editsAllowed('nas')).toBe(0);
    expect(editsAllowed('serch')).toBe(1);
    expect(editsAllowed('nueral')).toBe(2);
  });
});

describe('suggestions', () => {
  const words: [string, number][] = [
    ['search', 31],
    ['searched', 2],
    ['neural', 38],
    ['network', 59],
    ['pruning', 10],
    ['prune', 10],
    ['rare', 1],
  ];

  it('takes the nearest word that enough papers use, the most used of equally near ones', () => {
    expect(suggestion('serch', words, 2)).toBe('search');
    expect(suggestion('nueral', words, 2)).toBe('neural');
    expect(suggestion('prunning', words, 2)).toBe('pruning');
    expect(suggestion('netwrok', words, 2)).toBe('network');
  });

  it('suggests nothing for a word far from every word, a short word, or a word only a paper or two use', () => {
    expect(suggestion('diffusion', words, 2)).toBeUndefined();
    expect(suggestion('nsa', words, 2)).toBeUndefined();
    expect(suggestion('rére', words, 2)).toBeUndefined();
    expect(suggestion('serchd', words, 3)).toBe('search');
  });
});

describe('mistyped topic words', () => {
  const papers = samplePapers();
  const ranker = createRanker(papers, createFtsLexicalIndex);
  const nas = new Set(
    judgementsFile.topics
      .find((t) => t.slug === 'nas')!
      .judgements.filter((j) => j.grade === 2)
      .map((j) => j.id),
  );

  it('ranks a natural topic with its mistyped words corrected, and says which', () => {
    const { picked, total, corrections } = ranker.top(parseQuery('nueral architecture serch'), 10);
    expect(corrections).toEqual([
      { typed: 'nueral', suggestion: 'neural' },
      { typed: 'serch', suggestion: 'search' },
    ]);
    expect(total).toBeGreaterThan(10);
    // The papers on neural architecture search, not papers that merely say "architecture".
    expect(picked.filter((r) => nas.has(r.paper.id)).length).toBeGreaterThanOrEqual(9);
    expect(picked[0]?.matched).toEqual(['neural architecture search']);
    expect(ranker.corrections(parseQuery('nueral architecture serch'))).toEqual(corrections);
  });

  it('leaves alone words the papers use, acronyms, quoted phrases, and words no paper is near', () => {
    expect(ranker.corrections(parseQuery('neural architecture search'))).toEqual([]);
    expect(ranker.corrections(parseQuery('NASS OR "nueral networks" OR zyxwvut'))).toEqual([]);
  });

  it('reports a mistyped word of a topic stored as all-words without changing what it matches', () => {
    const query = parseQuery('nueral architecture', { syntax: 'all-words' });
    expect(ranker.corrections(query)).toEqual([{ typed: 'nueral', suggestion: 'neural' }]);
    expect(ranker.top(query, 10).total).toBe(0);
  });

  it('corrects nothing in a corpus where the typed word is in use', () => {
    const small = createRanker(
      [
        paper({ title: 'Serch: a search engine', abstract: 'Serch indexes papers.' }),
        paper({ title: 'Search', abstract: 'Search and search.' }),
      ],
      createFtsLexicalIndex,
    );
    expect(small.corrections(parseQuery('serch'))).toEqual([]);
  });
});
