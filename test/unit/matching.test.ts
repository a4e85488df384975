import { describe, expect, it } from 'vitest';
import { rankPapers } from '../../src/domain/matching.js';
import { parseQuery, tokenize } from '../../src/domain/query.js';
import { paper } from '../helpers/factories.js';

describe('topic queries', () => {
  it('parses words, phrases, exclusions and OR', () => {
    expect(parseQuery('"neural architecture search" OR NAS -survey')).toEqual({
      alternatives: [
        { required: [['neural', 'architecture', 'search']], excluded: [] },
        { required: [['nas']], excluded: [['survey']] },
      ],
    });
  });

  it('keeps hyphenated and 3D-style tokens whole, and folds plurals', () => {
    expect(tokenize('3D point clouds, low-rank Transformers')).toEqual(['3d', 'point', 'cloud', 'low-rank', 'transformer']);
  });

  it('refuses queries with nothing to match or an unclosed quote', () => {
    expect(() => parseQuery('the of')).toThrow(/no words to match/);
    expect(() => parseQuery('-survey')).toThrow(/no words to match/);
    expect(() => parseQuery('"open phrase')).toThrow(/unclosed quote/);
  });
});

describe('ranking', () => {
  const inTitle = paper({ title: 'Neural Architecture Search for Detectors', abstract: 'We search.' });
  const inAbstract = paper({ title: 'A method', abstract: 'We use neural architecture search to find models.' });
  const acronymOnly = paper({ title: 'Fast NAS', abstract: 'Cheap search.' });
  const unrelated = paper({ title: 'Object detection', abstract: 'Boxes and anchors: a neural network for search engines.' });
  const survey = paper({ title: 'NAS: a survey', abstract: 'We survey.' });

  it('puts title matches first, finds the acronym, and leaves out mere word overlap', () => {
    const ranked = rankPapers(parseQuery('"neural architecture search" OR NAS -survey'), [
      unrelated,
      inAbstract,
      acronymOnly,
      inTitle,
      survey,
    ]);
    expect(ranked[0]?.paper).toBe(inTitle);
    expect(new Set(ranked.map((r) => r.paper))).toEqual(new Set([inTitle, acronymOnly, inAbstract]));
    expect(ranked[0]?.matched).toEqual(['neural architecture search']);
  });

  it('needs every word of an alternative', () => {
    const ranked = rankPapers(parseQuery('language model serving'), [
      paper({ title: 'Serving large language models', abstract: '' }),
      paper({ title: 'Language models are few-shot learners', abstract: '' }),
    ]);
    expect(ranked.map((r) => r.paper.title)).toEqual(['Serving large language models']);
  });
});
