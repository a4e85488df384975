import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/domain/paper.js';
import { parseQuery, type Query } from '../../src/domain/query.js';
import { createRanker } from '../../src/domain/ranking/ranker.js';
import { createFtsLexicalIndex } from '../../src/store/lexical-index.js';
import { paper } from '../helpers/factories.js';

/** Each alternative's terms as typed: + for required, ~ for one that reads on from the last, [list.item] in a bracketed list. */
const shape = (query: Query) =>
  query.alternatives.map((a) =>
    a.terms
      .map(
        (t) =>
          `${t.required ? '+' : ''}${t.follows ? '~' : ''}${t.text}${t.list ? `[${t.list.id}.${t.list.item}]` : ''}`,
      )
      .join(' '),
  );

const titles = (query: Query, papers: readonly Paper[], candidates?: ReadonlySet<string>) =>
  createRanker(papers, createFtsLexicalIndex)
    .rank(query, candidates ? { candidates } : {})
    .map((r) => r.paper.title);

describe('natural topic queries', () => {
  it('reads connectors and punctuation as where phrases and list items end, never as words to find', () => {
    expect(shape(parseQuery('3D vision and point clouds'))).toEqual(['3D ~vision point ~clouds']);
    expect(shape(parseQuery('model compression (pruning, quantization, low-rank)'))).toEqual([
      'model ~compression pruning[1.0] quantization[1.1] low-rank[1.2]',
    ]);
    expect(shape(parseQuery('LLM inference (KV cache, batching and speculative decoding)'))).toEqual([
      'LLM ~inference KV[1.0] ~cache[1.0] batching[1.1] speculative[1.2] ~decoding[1.2]',
    ]);
    expect(shape(parseQuery('what is new in diffusion models?'))).toEqual(['new diffusion ~models']);
    expect(shape(parseQuery('serving LLMs, cheaply; GPU/TPU kernels'))).toEqual([
      'serving ~LLMs cheaply GPU TPU ~kernels',
    ]);
    expect(shape(parseQuery('how to serve large language models faster and cheaper'))).toEqual([
      'serve ~large ~language ~models ~faster cheaper',
    ]);
    // A bracket before a quoted phrase is read apart from it.
    expect(shape(parseQuery('3D ("point cloud", mesh)'))).toEqual(['3D point cloud[1.0] mesh[1.1]']);
    expect(() => parseQuery('and, for (with)?')).toThrow(/no words to match/);
  });

  it('requires a word or a phrase typed with +, and nothing else', () => {
    expect(shape(parseQuery('+pruning quantization "low rank"'))).toEqual(['+pruning quantization low rank']);
    const q = parseQuery('+"model compression" pruning');
    expect(q.alternatives[0]?.terms[0]).toMatchObject({
      text: 'model compression',
      required: true,
      quoted: true,
      phrase: true,
    });
    expect(q.alternatives[0]?.terms[1]).toMatchObject({ text: 'pruning', required: false, follows: false });
    expect(() => parseQuery('pruning +author:Han')).toThrow(/\+author: needs no \+/);
  });

  it('keeps the expert syntax: phrases, OR, exclusions and operators mean what they meant', () => {
    const q = parseQuery(
      '"point cloud" segmentation OR LiDAR -survey -"literature review" author:"Song Han" category:cs.CV like:1908.09791 min:0.2',
    );
    expect(shape(q)).toEqual(['point cloud segmentation', 'LiDAR']);
    expect(q.alternatives[0]?.terms[0]).toMatchObject({ quoted: true, phrase: true, tokens: ['point', 'cloud'] });
    expect(q.excluded.map((t) => t.text)).toEqual(['survey', 'literature review']);
    expect(q).toMatchObject({
      syntax: 'natural',
      authors: ['Song Han'],
      categories: ['cs.cv'],
      seeds: ['arxiv:1908.09791'],
      minScore: 0.2,
    });
  });

  it('reads a query stored before natural queries as it was: every plain word and phrase required', () => {
    const q = parseQuery('"point cloud" segmentation OR LiDAR -survey', { syntax: 'all-words' });
    expect(q.syntax).toBe('all-words');
    expect(shape(q)).toEqual(['+point cloud +segmentation', '+LiDAR']);
  });
});

describe('ranking natural topics', () => {
  const serving = paper({ title: 'Serving large language models', abstract: 'A scheduler for model serving.' });
  const apart = paper({ title: 'Serving requests for language understanding', abstract: 'One model of the cluster.' });
  const fewShot = paper({ title: 'Language models are few-shot learners', abstract: 'Scaling up.' });
  const unrelated = paper({ title: 'Protein folding', abstract: 'Amino acids.' });

  it('ranks by how much of the query a paper has, with the words typed together counting more together', () => {
    const others = Array.from({ length: 6 }, (_, k) =>
      paper({ title: `Graph networks, part ${k + 1}`, abstract: 'Message passing on molecules.' }),
    );
    expect(titles(parseQuery('language model serving'), [fewShot, unrelated, apart, serving, ...others])).toEqual([
      'Serving large language models',
      'Serving requests for language understanding',
      'Language models are few-shot learners',
    ]);
  });

  it('weighs a word the papers use in passing below one they are about, however rare both are', () => {
    const about = (k: number) =>
      paper({
        title: `Pruning convolutional networks, part ${k}`,
        abstract: 'Pruning removes channels; after pruning we fine-tune.',
      });
    const passing = (k: number) =>
      paper({ title: `Graph learning, part ${k}`, abstract: 'Message passing on molecules, faster than before.' });
    const others = Array.from({ length: 8 }, (_, k) =>
      paper({ title: `Protein folding, part ${k + 1}`, abstract: 'Amino acids.' }),
    );
    const ranked = titles(parseQuery('faster pruning'), [
      passing(1),
      about(1),
      passing(2),
      about(2),
      passing(3),
      about(3),
      ...others,
    ]);
    expect(ranked.slice(0, 3).every((t) => t.startsWith('Pruning'))).toBe(true);
  });

  it('keeps out papers that lack a +word, and papers that only share a common word with the best ones', () => {
    expect(titles(parseQuery('language models +serving'), [fewShot, unrelated, apart, serving])).toEqual([
      'Serving large language models',
      'Serving requests for language understanding',
    ]);
    const common = paper({
      title: 'A survey',
      abstract: 'Models, models and more models of everything, in many languages.',
    });
    const ranked = titles(parseQuery('large language model serving'), [
      serving,
      common,
      fewShot,
      unrelated,
      apart,
      ...Array.from({ length: 8 }, () => paper({ title: 'Model zoo', abstract: 'Models.' })),
    ]);
    expect(ranked[0]).toBe('Serving large language models');
    expect(ranked).not.toContain('Model zoo');
  });

  it('finds a paper on one item of a bracketed list, below those on the topic and the item together', () => {
    const both = paper({ title: 'Model compression by pruning', abstract: 'We prune and compress models.' });
    const item = paper({ title: 'Quantization of weights to four bits', abstract: 'Low-bit integer weights.' });
    const head = paper({ title: 'Model compression for phones', abstract: 'Smaller models.' });
    const ranked = titles(parseQuery('model compression (pruning, quantization, low-rank)'), [
      unrelated,
      item,
      head,
      both,
    ]);
    expect(ranked[0]).toBe('Model compression by pruning');
    expect(ranked).toContain('Quantization of weights to four bits');
    expect(ranked).not.toContain('Protein folding');
  });

  it('never finds nothing among the papers asked for when they have one of the words, however much better others match', () => {
    const window = paper({
      title: 'Energy on tiny devices',
      abstract: 'We measure energy use on boards and sensors, with one model of each.',
    });
    const background = Array.from({ length: 6 }, (_, k) =>
      paper({ title: `Model compression by pruning, part ${k + 1}`, abstract: 'We prune and compress models.' }),
    );
    expect(
      titles(parseQuery('model compression (pruning, quantization)'), [window, ...background], new Set([window.id])),
    ).toEqual(['Energy on tiny devices']);
  });
});
