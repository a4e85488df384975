import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/domain/query.js';
import { analyse } from '../../src/domain/ranking/analyse.js';
import { americanSpelling } from '../../src/domain/ranking/dialects.js';
import { createRanker } from '../../src/domain/ranking/ranker.js';
import { createFtsLexicalIndex } from '../../src/store/lexical-index.js';
import { paper } from '../helpers/factories.js';

const stems = (text: string) => analyse(text).seq;

describe('British and American spellings', () => {
  it('reads each British spelling as the American one, in every form of the word', () => {
    const pairs: [string, string][] = [
      ['quantisation', 'quantization'],
      ['quantised', 'quantized'],
      ['optimise', 'optimize'],
      ['optimising', 'optimizing'],
      ['optimisation', 'optimization'],
      ['modelling', 'modeling'],
      ['labelled', 'labeled'],
      ['generalisation', 'generalization'],
      ['generalise', 'generalize'],
      ['normalised', 'normalized'],
      ['behaviour', 'behavior'],
      ['behavioural', 'behavioral'],
      ['colours', 'colors'],
      ['favourable', 'favorable'],
      ['analyse', 'analyze'],
      ['analysing', 'analyzing'],
      ['centre', 'center'],
      ['centred', 'centered'],
      ['fibres', 'fibers'],
      ['millimetre', 'millimeter'],
      ['paediatric', 'pediatric'],
      ['haemorrhage', 'hemorrhage'],
      ['oesophagus', 'esophagus'],
      ['defence', 'defense'],
      ['catalogue', 'catalog'],
      ['dialogue', 'dialog'],
      ['greyscale', 'grayscale'],
      ['judgement', 'judgment'],
      ['artefacts', 'artifacts'],
    ];
    for (const [british, american] of pairs) expect([british, stems(british)]).toEqual([british, stems(american)]);
  });

  it('leaves alone words that only look British, and keeps apart words that were apart', () => {
    for (const word of ['rise', 'wise', 'noise', 'hour', 'four', 'more', 'genre', 'spectrum', 'analysis'])
      expect(americanSpelling(word)).toBe(word);
    expect(stems('noise')).not.toEqual(stems('denoising'));
    expect(stems('analysis')).not.toEqual(stems('analyse'));
    // "whilst" and "amongst" are stopwords, as "while" and "among" are.
    expect(stems('whilst amongst')).toEqual([]);
  });

  it('finds papers written in one spelling for a topic typed in the other, both ways', () => {
    const american = paper({
      title: 'Post-training quantization of vision transformers',
      abstract: 'We optimize the bit widths.',
    });
    const british = paper({
      title: 'Quantisation-aware training',
      abstract: 'Optimising low-bit behaviour of networks.',
    });
    const other = paper({ title: 'Graph neural networks', abstract: 'Message passing.' });
    const ranker = createRanker([american, british, other], createFtsLexicalIndex);
    const found = (query: string) => new Set(ranker.rank(parseQuery(query)).map((r) => r.paper));
    expect(found('quantisation')).toEqual(new Set([american, british]));
    expect(found('quantization')).toEqual(new Set([american, british]));
    expect(found('optimise')).toEqual(new Set([american, british]));
    expect(found('behavior')).toEqual(new Set([british]));
    // A query stored as all-words meets both spellings too: the analysis is the same on both sides.
    expect(found('+quantised')).toEqual(new Set([american, british]));
    expect(ranker.rank(parseQuery('quantisation', { syntax: 'all-words' })).map((r) => r.paper)).toHaveLength(2);
  });
});
