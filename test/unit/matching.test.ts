import { describe, expect, it } from 'vitest';
import { explain } from '../../src/domain/matching.js';
import type { Paper } from '../../src/domain/paper.js';
import { parseQuery, type Query } from '../../src/domain/query.js';
import { defaultTopicName } from '../../src/domain/topic.js';
import { learnAcronyms } from '../../src/domain/ranking/acronyms.js';
import { analyse, Vocabulary } from '../../src/domain/ranking/analyse.js';
import { diversify } from '../../src/domain/ranking/diversity.js';
import { createRanker, type RankOptions } from '../../src/domain/ranking/ranker.js';
import { pickForTopics } from '../../src/jobs/select/pick.js';
import { createFtsLexicalIndex as lexicalIndex } from '../../src/store/lexical-index.js';
import { paper, topic } from '../helpers/factories.js';
import { samplePapers } from '../../bench/sample-papers.js';
import judgementsFile from '../fixtures/relevance/judgements.json' with { type: 'json' };

/** Ranks papers for one query with those same papers as the corpus, on the store's full-text engine. */
const rankPapers = (query: Query, papers: readonly Paper[], options?: RankOptions) =>
  createRanker(papers, lexicalIndex).rank(query, options);

describe('topic queries', () => {
  it('parses words, phrases, OR, exclusions and the operators', () => {
    const q = parseQuery(
      '"neural architecture search" OR NAS -survey author:"Song Han" category:cs.LG like:1908.09791v2 min:0.3',
    );
    expect(q.alternatives.map((a) => a.terms.map((t) => t.text))).toEqual([['neural architecture search'], ['NAS']]);
    expect(q.alternatives[1]?.terms[0]).toMatchObject({ tokens: ['nas'], acronym: true, phrase: false });
    expect(q.excluded.map((t) => t.text)).toEqual(['survey']);
    expect(q).toMatchObject({
      authors: ['Song Han'],
      categories: ['cs.lg'],
      seeds: ['arxiv:1908.09791'],
      minScore: 0.3,
    });
  });

  it('refuses what it cannot run, saying what to write instead', () => {
    expect(() => parseQuery('the of')).toThrow(/no words to match/);
    expect(() => parseQuery('-survey')).toThrow(/no words to match/);
    expect(() => parseQuery('"open phrase')).toThrow(/unclosed quote/);
    expect(() => parseQuery('nas min:2')).toThrow(/min:2 must be a number from 0 to 1/);
    expect(() => parseQuery('nas like:yesterday')).toThrow(/like:yesterday is not an arXiv id/);
    expect(() => parseQuery('nas author:')).toThrow(/author: needs a value/);
    expect(() => parseQuery('nas category:"computer vision"')).toThrow(/not an arXiv category/);
    expect(() => parseQuery('nas -like:1908.09791')).toThrow(/cannot be negated/);
  });

  it("refuses a dangling OR and other engines' field operators instead of dropping them silently", () => {
    const strict = { strict: true };
    expect(() => parseQuery('nas OR', strict)).toThrow(/ends with OR: an alternative is missing after it/);
    expect(() => parseQuery('OR nas', strict)).toThrow(/starts with OR/);
    expect(() => parseQuery('nas OR OR vit', strict)).toThrow(/OR twice in a row/);
    expect(() => parseQuery('title:NAS', strict)).toThrow(
      /title: is not an operator here \(words match the title and the abstract alike/,
    );
    expect(() => parseQuery('pruning authors:Turing', strict)).toThrow(
      /authors: is not an operator here \(use author:/,
    );
    expect(() => parseQuery('-au:Han nas', strict)).toThrow(/au: is not an operator here/);
    // A query stored before these were refused still runs, the OR and the prefix as words.
    expect(parseQuery('nas OR').alternatives.map((a) => a.terms.map((t) => t.text))).toEqual([['nas']]);
    expect(parseQuery('title:NAS').alternatives).toHaveLength(1);
    // Other "word:" prefixes stay words, and an OR inside a phrase belongs to the phrase.
    expect(parseQuery('GPT:4 reasoning').alternatives.map((a) => a.terms.map((t) => t.text))).toEqual([
      ['GPT', '4', 'reasoning'],
    ]);
    expect(parseQuery('"pruning OR quantization" sparse').alternatives.map((a) => a.terms.map((t) => t.text))).toEqual([
      ['pruning OR quantization', 'sparse'],
    ]);
  });

  it('takes a query of operators alone: following an author needs no words', () => {
    expect(parseQuery('author:"Song Han"')).toMatchObject({ alternatives: [], authors: ['Song Han'] });
  });

  it('names a topic after its words, not its operators', () => {
    expect(defaultTopicName('pruning author:"Song Han" category:cs.LG min:0.3')).toBe('Pruning');
    expect(defaultTopicName('efficient ViT -survey like:2403.12345')).toBe('Efficient ViT');
  });

  it('names a topic with a long query within 120 characters, cut at a word with an ellipsis', () => {
    const words =
      'sparse mixture of experts routing for efficient large language model inference on commodity GPUs with speculative decoding and quantized KV caches';
    const name = defaultTopicName(`${words} OR moe`);
    expect(name).toBe(
      'Sparse mixture of experts routing for efficient large language model inference on commodity GPUs with speculative…',
    );
    expect(name.length).toBeLessThanOrEqual(120);
    // The cut falls where a word ends, or inside a word too long to cut elsewhere; never inside a character.
    expect(defaultTopicName(`${'a'.repeat(130)} b`)).toBe(`A${'a'.repeat(118)}…`);
    const emoji = defaultTopicName(`${'x'.repeat(118)}😀 more`);
    expect(emoji).toBe(`X${'x'.repeat(117)}…`);
    expect(defaultTopicName('x'.repeat(120))).toHaveLength(120);
  });
});

describe('text analysis', () => {
  it('keeps 3D, low-rank and 10-shot findable whole and in parts, splits ProxylessNAS, folds plurals and -ing', () => {
    const { seq, whole } = analyse('3D point clouds, low-rank Transformers, 10-shot ProxylessNAS LLMs pruning');
    expect(seq).toEqual([
      '3d',
      'point',
      'cloud',
      'low',
      'rank',
      'transformer',
      '10',
      'shot',
      'proxyless',
      'nas',
      'llm',
      'prune',
    ]);
    expect(whole).toEqual(expect.arrayContaining(['lowrank', '10shot']));
    expect(analyse('3-D').whole).toEqual(['3d']);
    expect(analyse('pruned quantized quantization').seq).toEqual(['prune', 'quantiz', 'quantiz']);
  });

  it('keeps a stopword that starts or ends a hyphenated compound, and drops one inside it or standing alone', () => {
    expect(analyse('few-shot In-Context off-policy all-MLP').seq).toEqual([
      'few',
      'shot',
      'in',
      'context',
      'off',
      'polici',
      'all',
      'mlp',
    ]);
    expect(analyse('out-of-distribution').seq).toEqual(['out', 'distribut']);
    expect(analyse('state-of-the-art end-to-end').seq).toEqual(['state', 'art', 'end', 'end']);
    expect(analyse('a few shots').seq).toEqual(['shot']);
    // The query reads a word as the index does.
    expect(parseQuery('few-shot').alternatives[0]?.terms[0]).toMatchObject({ tokens: ['few', 'shot'], phrase: true });
  });

  it('reads words the same in plain ASCII text as in text with accents, however often it has seen them', () => {
    // "é" folds to the stopword "e": the accented text differs only in taking the Unicode path.
    const text = "Don't low-rank a--b end- 'quoted' x-ray X-Ray ViT-B/16 R2-D2's 3-D";
    const ascii = analyse(text);
    expect(analyse(`${text} é`)).toEqual(ascii);
    expect(analyse(text)).toEqual(ascii);
    expect(ascii.seq).toEqual([
      'dont',
      'low',
      'rank',
      'b',
      'end',
      'quot',
      'x',
      'ray',
      'x',
      'ray',
      'vit',
      'b',
      '16',
      'r2',
      'd2',
      '3',
      'd',
    ]);
    expect(ascii.whole).toEqual(['lowrank', 'xrai', 'xray', 'vitb', 'r2d2', '3d']);
  });

  it('reads a text into the term ids of each index as analyse() reads it into stems', () => {
    const text = 'Low-rank adapters (LoRA) for ViTs: pruning ProxylessNAS, 3-D Gaussians and Gaußian splats';
    const first = new Vocabulary();
    const second = new Vocabulary();
    second.idOf('something else first');
    const read = (v: Vocabulary) => {
      const seq: number[] = [];
      const whole: number[] = [];
      v.read(text, seq, whole);
      return { seq: seq.map((id) => v.names[id]), whole: whole.map((id) => v.names[id]) };
    };
    // Twice each, interleaved: a word's remembered ids belong to the vocabulary that read it last.
    for (let i = 0; i < 2; i++) {
      expect(read(first)).toEqual(analyse(text));
      expect(read(second)).toEqual(analyse(text));
    }
    expect(first.idOf('lora')).not.toBe(second.idOf('lora'));
  });

  it('learns acronyms from the way papers define them', () => {
    const table = learnAcronyms([
      'We use Neural Architecture Search (NAS) on phones.',
      'Large Language Models (LLMs) are served here.',
      'A Vision Transformer (ViT) for tiny images.',
    ]);
    expect(table.get('nas')).toMatchObject({ short: 'NAS', stems: ['neural', 'architectur', 'search'] });
    expect(table.get('llm')?.long).toBe('Large Language Models');
    expect(table.get('vit')?.long).toBe('Vision Transformer');
  });
});

describe('ranking', () => {
  const inTitle = paper({
    title: 'Neural Architecture Search for Detectors',
    abstract: 'We search detector backbones.',
  });
  const inAbstract = paper({
    title: 'A method for mobile models',
    abstract: 'We use neural architecture search to find models.',
  });
  const acronymOnly = paper({ title: 'Fast NAS on a budget', abstract: 'Cheap search.' });
  const defines = paper({
    title: 'Zero-cost proxies',
    abstract: 'Neural Architecture Search (NAS) is costly; proxies make it cheap.',
  });
  const unrelated = paper({
    title: 'Object detection',
    abstract: 'Boxes and anchors: a neural network for search engines.',
  });
  const survey = paper({ title: 'Neural architecture search: a survey', abstract: 'We survey NAS.' });
  const corpus = [unrelated, inAbstract, acronymOnly, inTitle, survey, defines];

  it('puts title matches first, finds the acronym, and leaves out mere word overlap and excluded words', () => {
    const ranked = rankPapers(parseQuery('"neural architecture search" -survey'), corpus);
    // Both spell it in the title; the paper that only mentions it in its abstract comes after them.
    expect(new Set(ranked.slice(0, 2).map((r) => r.paper))).toEqual(new Set([inTitle, acronymOnly]));
    expect(ranked.findIndex((r) => r.paper === inAbstract)).toBeGreaterThan(1);
    // "Fast NAS" never spells the phrase out: the corpus taught that NAS means it.
    expect(new Set(ranked.map((r) => r.paper))).toEqual(new Set([inTitle, acronymOnly, inAbstract, defines]));
    expect(ranked.find((r) => r.paper === acronymOnly)?.matched).toEqual(['neural architecture search (as NAS)']);
    expect(ranked.every((r) => r.score > 0 && r.score <= 1)).toBe(true);
  });

  it('finds the long form for an acronym typed as one, but not for a lowercase word', () => {
    const ranked = rankPapers(parseQuery('NAS'), corpus);
    expect(ranked.map((r) => r.paper)).toContain(inAbstract);
    expect(ranked.find((r) => r.paper === inAbstract)?.matched).toEqual(['NAS (as Neural Architecture Search)']);
  });

  it('needs every word of an alternative of a query stored as all-words, and every +word of a natural one', () => {
    const papers = [
      paper({ title: 'Serving large language models', abstract: '' }),
      paper({ title: 'Language models are few-shot learners', abstract: '' }),
    ];
    const titles = (query: Query) => rankPapers(query, papers).map((r) => r.paper.title);
    expect(titles(parseQuery('language model serving', { syntax: 'all-words' }))).toEqual([
      'Serving large language models',
    ]);
    expect(titles(parseQuery('language model +serving'))).toEqual(['Serving large language models']);
    // Natural: none is required, the paper with every word first.
    expect(titles(parseQuery('language model serving'))).toEqual([
      'Serving large language models',
      'Language models are few-shot learners',
    ]);
  });

  it('matches a phrase only where its words stand together: not across a comma, a bracket or a dropped word', () => {
    const together = paper({ title: 'Fast LLM inference on phones', abstract: 'We serve GPT-3.5 locally.' });
    const comma = paper({ title: 'Routing between LLMs, inference-time tricks', abstract: 'Prompts.' });
    const dropped = paper({ title: 'Combining LLMs and inference-time techniques', abstract: 'Ensembles.' });
    const bracket = paper({ title: 'Agents built on an LLM (inference is cheap)', abstract: 'Tools.' });
    const art = paper({ title: 'A state of the art detector', abstract: 'Boxes.' });
    const all = [together, comma, dropped, bracket, art];
    expect(rankPapers(parseQuery('"LLM inference"'), all).map((r) => r.paper)).toEqual([together]);
    // A phrase typed with a dropped word in it still finds it; a decimal point is not a clause's end.
    expect(rankPapers(parseQuery('"state of the art"'), all).map((r) => r.paper)).toEqual([art]);
    expect(rankPapers(parseQuery('"GPT-3.5"'), all).map((r) => r.paper)).toEqual([together]);
    expect(rankPapers(parseQuery('"state art"'), all)).toEqual([]);
  });

  it('matches stems, hyphenated words written apart, and number tokens', () => {
    const pruned = paper({ title: 'Pruned networks run faster', abstract: 'Weights are removed.' });
    const lowRank = paper({ title: 'Adapters of low rank', abstract: 'Small updates.' });
    const shots = paper({ title: 'Detection in the 10-shot setting', abstract: 'Few examples.' });
    const other = paper({ title: 'A survey of everything', abstract: 'Nothing here.' });
    const all = [pruned, lowRank, shots, other];
    expect(rankPapers(parseQuery('pruning'), all).map((r) => r.paper)).toEqual([pruned]);
    expect(rankPapers(parseQuery('low-rank'), all).map((r) => r.paper)).toEqual([lowRank]);
    expect(rankPapers(parseQuery('10-shot'), all).map((r) => r.paper)).toEqual([shots]);
  });

  it('tells few-shot from zero-shot and one-shot: a stopword starting a compound is not dropped', () => {
    const few = paper({ title: 'Few-shot object detection', abstract: 'Detectors from five examples.' });
    const zero = paper({ title: 'Zero-shot classification', abstract: 'No examples at all.' });
    const one = paper({ title: 'One-shot pruning', abstract: 'Prune once.' });
    const prose = paper({ title: 'Learning from a few shots of a scene', abstract: 'Photographs.' });
    const inContext = paper({ title: 'In-context learning of large models', abstract: 'Prompts with examples.' });
    const context = paper({ title: 'Context windows of large models', abstract: 'Long prompts.' });
    const all = [few, zero, one, prose, inContext, context];
    const fewShot = rankPapers(parseQuery('few-shot'), all);
    expect(fewShot.map((r) => r.paper)).toEqual([few]);
    expect(fewShot[0]?.matched).toEqual(['few-shot']);
    expect(rankPapers(parseQuery('in-context'), all).map((r) => r.paper)).toEqual([inContext]);
    expect(
      rankPapers(parseQuery('"state-of-the-art"'), [
        paper({ title: 'A state of the art detector', abstract: 'Boxes.' }),
        few,
      ]).map((r) => r.paper.title),
    ).toEqual(['A state of the art detector']);
  });

  it('finds a paper that says the same in other words, and says why', () => {
    const nas = (title: string, abstract: string) => paper({ title, abstract });
    const corpus2 = [
      nas(
        'Neural architecture search with a supernet',
        'A weight-sharing supernet explores the search space of cell candidates.',
      ),
      nas('Fast neural architecture search', 'The supernet ranks candidate cells in the search space by accuracy.'),
      nas(
        'Neural architecture search on phones',
        'We train a supernet once and sample candidate cells from the search space.',
      ),
    ];
    const otherWords = nas(
      'Learning transferable cells',
      'We design a search space of candidate cells and train a weight-sharing supernet to rank the cells by accuracy.',
    );
    const sharesAWord = nas('Space robotics', 'Robots in space explore craters.');
    const ranked = rankPapers(parseQuery('"neural architecture search"'), [...corpus2, otherWords, sharesAWord]);
    const found = ranked.find((r) => r.paper === otherWords);
    expect(found).toBeDefined();
    expect(found?.matched).toEqual([]);
    expect(found?.related).toEqual(expect.arrayContaining(['supernet']));
    expect(explain(found!)).toMatch(/^related: /);
    expect(ranked.map((r) => r.paper)).not.toContain(sharesAWord);
    // Papers that match the words rank above those found through their vocabulary.
    expect(ranked.indexOf(found!)).toBe(ranked.length - 1);
  });

  it('ranks papers like the seed papers of a "more like these" topic', () => {
    const seed = paper({
      id: 'arxiv:1908.09791',
      title: 'Once-for-all supernet',
      abstract: 'Train one supernet, specialise subnets for each device without retraining.',
    });
    const alike = paper({
      title: 'Elastic subnets',
      abstract: 'One supernet serves every device: subnets are specialised without retraining.',
    });
    const other = paper({ title: 'Protein folding', abstract: 'Amino acids fold into structures.' });
    const ranked = rankPapers(parseQuery('like:1908.09791'), [seed, alike, other]);
    expect(ranked.map((r) => r.paper)).toEqual([alike]);
    expect(ranked[0]?.resembles).toEqual({ id: seed.id, title: seed.title });
    expect(explain(ranked[0]!)).toBe('like “Once-for-all supernet”');
  });

  it('finds the papers on the subject of seed papers among the sample papers, and not the rest', () => {
    const papers = samplePapers();
    const nas = judgementsFile.topics.find((t) => t.slug === 'nas')!;
    const grades = new Map(nas.judgements.map((j) => [j.id, j.grade]));
    const [first, second] = nas.judgements.filter((j) => j.grade === 2);
    const ranker = createRanker(papers, lexicalIndex);
    const ranked = ranker.rank(parseQuery(`like:${first!.id} like:${second!.id}`));
    const top = ranked.slice(0, 10);
    expect(top).toHaveLength(10);
    expect(top.filter((r) => (grades.get(r.paper.id) ?? 0) > 0).length).toBeGreaterThanOrEqual(8);
    expect(ranked.length).toBeLessThan(papers.length / 3);
    expect(ranked.map((r) => r.paper.id)).not.toContain(first!.id);
    // One seed alone finds its neighbours too.
    const proxyless = papers.find((p) => p.title.startsWith('ProxylessNAS'))!;
    const alone = ranker.rank(parseQuery(`like:${proxyless.id}`));
    expect(alone.length).toBeGreaterThan(0);
    expect(alone.filter((r) => (grades.get(r.paper.id) ?? 0) > 0).length).toBeGreaterThanOrEqual(alone.length / 2);
  });

  it('matches nothing for seeds that are not in the corpus, and everything that passes filters alone', () => {
    const a = paper({ title: 'Tiny pruning', abstract: 'Pruning.', authors: ['Song Han'], categories: ['cs.LG'] });
    const b = paper({
      title: 'Pruning detectors',
      abstract: 'Pruning.',
      authors: ['Ada Lovelace'],
      categories: ['cs.CV'],
    });
    expect(rankPapers(parseQuery('like:2501.00001'), [a, b])).toEqual([]);
    expect(rankPapers(parseQuery('like:2501.00001 like:2501.00002'), [a, b])).toEqual([]);
    expect(rankPapers(parseQuery('category:cs'), [a, b])).toHaveLength(2);
    expect(rankPapers(parseQuery('author:Han'), [a, b]).map((r) => r.paper)).toEqual([a]);
  });

  it('filters by author and arXiv category; a paper with no known categories is not in one', () => {
    const byHan = paper({ title: 'Tiny pruning', abstract: 'Pruning.', authors: ['Song Han'], categories: ['cs.LG'] });
    const cv = paper({
      title: 'Pruning detectors',
      abstract: 'Pruning.',
      authors: ['Ada Lovelace'],
      categories: ['cs.CV', 'cs.LG'],
    });
    const unknown = paper({ title: 'Pruning everything', abstract: 'Pruning.', authors: ['Song Han'] });
    const all = [byHan, cv, unknown];
    expect(rankPapers(parseQuery('pruning author:"song han"'), all).map((r) => r.paper)).toEqual(
      expect.arrayContaining([byHan, unknown]),
    );
    expect(rankPapers(parseQuery('pruning author:"song han"'), all)).toHaveLength(2);
    expect(rankPapers(parseQuery('pruning category:cs.CV'), all).map((r) => r.paper)).toEqual([cv]);
    expect(rankPapers(parseQuery('pruning category:cs'), all)).toHaveLength(2);
    expect(rankPapers(parseQuery('pruning -author:Han'), all).map((r) => r.paper)).toEqual([cv]);
  });

  it('says which filters a paper met when a topic is only filters: the author as the paper writes the name, the category', () => {
    const turing = paper({
      title: 'Computing machinery and intelligence',
      abstract: 'Can machines think?',
      authors: ['Alan M. Turing'],
      categories: ['cs.AI'],
    });
    const cv = paper({
      title: 'Pruning detectors',
      abstract: 'Pruning.',
      authors: ['Ada Lovelace'],
      categories: ['cs.CV', 'cs.LG'],
    });
    const [byTuring] = rankPapers(parseQuery('author:turing'), [turing, cv]);
    expect(byTuring?.paper).toBe(turing);
    expect(explain(byTuring!)).toBe('by Alan M. Turing');
    const [inCv] = rankPapers(parseQuery('category:cs.CV'), [turing, cv]);
    expect(explain(inCv!)).toBe('in cs.CV');
    // An archive names the paper's category in it; words and filters both explain.
    const both = rankPapers(parseQuery('pruning author:Lovelace category:cs'), [turing, cv]);
    expect(both.map((r) => explain(r))).toEqual(['matches pruning · by Ada Lovelace · in cs.CV']);
    expect(explain(rankPapers(parseQuery('pruning -author:Turing'), [turing, cv])[0]!)).toBe('matches pruning');
  });

  it('blends in upvotes when asked, without letting a non-match in', () => {
    const strong = paper({ title: 'Quantization of large models', abstract: 'Quantization to four bits.', upvotes: 1 });
    const weak = paper({ title: 'A serving system', abstract: 'It also uses quantization.', upvotes: 300 });
    const popularOffTopic = paper({ title: 'Video generation', abstract: 'Pretty videos.', upvotes: 900 });
    const all = [strong, weak, popularOffTopic];
    expect(rankPapers(parseQuery('quantization'), all).map((r) => r.paper)).toEqual([strong, weak]);
    expect(rankPapers(parseQuery('quantization'), all, { popularity: 0.7 }).map((r) => r.paper)).toEqual([
      weak,
      strong,
    ]);
  });

  it('blends a paper whose upvotes are unknown as one of typical popularity, not as an unpopular one', () => {
    const text = { title: 'Quantization of large models', abstract: 'Quantization to four bits.' };
    // The same words: the same relevance, so that only popularity tells them apart.
    const arxiv = paper(text);
    const few = paper({ ...text, upvotes: 2 });
    const some = paper({ ...text, upvotes: 50 });
    const many = paper({ ...text, upvotes: 400 });
    const ranked = rankPapers(parseQuery('quantization'), [arxiv, few, some, many], { popularity: 0.5 });
    const score = (p: Paper) => ranked.find((r) => r.paper === p)?.score;
    expect(ranked[0]?.paper).toBe(many);
    expect(ranked.at(-1)?.paper).toBe(few);
    // The median of the known upvotes (50): level with that paper, above the one with 2.
    expect(score(arxiv)).toBeCloseTo(score(some)!, 10);
  });

  it('applies a minimum score to the score shown, popularity blended in', () => {
    const strong = paper({ title: 'Quantization of large models', abstract: 'Quantization to four bits.', upvotes: 1 });
    const weak = paper({ title: 'A serving system', abstract: 'It also uses quantization.', upvotes: 300 });
    const ranked = rankPapers(parseQuery('quantization min:0.5'), [strong, weak], { popularity: 0.7 });
    expect(ranked.map((r) => r.paper)).toEqual([weak]);
    expect(ranked.every((r) => r.score >= 0.5)).toBe(true);
  });

  it('keeps only papers at or above a minimum score', () => {
    const all = rankPapers(parseQuery('"neural architecture search"'), corpus);
    const strict = rankPapers(parseQuery('"neural architecture search" min:0.8'), corpus);
    expect(strict.length).toBeLessThan(all.length);
    expect(strict.every((r) => r.score >= 0.8)).toBe(true);
  });
});

describe('diversity', () => {
  it('keeps a near-duplicate out of the slots while another relevant paper fits', () => {
    const a = paper({
      title: 'Pruning vision transformers',
      abstract: 'We prune tokens of vision transformers to halve their cost on phones.',
    });
    const copy = paper({
      title: 'Pruning vision transformers (v2)',
      abstract: 'We prune tokens of vision transformers to halve their cost on phones.',
    });
    const b = paper({
      title: 'Pruning language models',
      abstract: 'Structured pruning of attention heads keeps accuracy.',
    });
    const ranker = createRanker([a, copy, b], lexicalIndex);
    const ranked = ranker.rank(parseQuery('pruning'));
    const picked = diversify(ranked, 2, (x, y) => ranker.similarity(x.paper, y.paper));
    expect(picked.slice(0, 2).map((r) => r.paper)).toEqual(expect.arrayContaining([b]));
    expect(picked.slice(0, 2).map((r) => r.paper)).not.toEqual(expect.arrayContaining([a, copy]));
    expect(picked).toHaveLength(3);
  });

  it('does not repeat a paper under two topics of one digest, and names the topic in a digest of several', () => {
    const both = paper({ title: 'Pruning for neural architecture search', abstract: 'NAS meets pruning.' });
    const onlyPruning = paper({ title: 'Magnitude pruning', abstract: 'Remove small weights.' });
    const { picked } = pickForTopics(
      [
        topic({ slug: 'nas', name: 'NAS', query: '"neural architecture search"' }),
        topic({ slug: 'pruning', name: 'Pruning', query: 'pruning' }),
      ],
      [both, onlyPruning],
      { slots: 10, lexicalIndex },
    );
    expect(picked.map((p) => p.paper)).toEqual([both, onlyPruning]);
    expect(picked.map((p) => p.topic)).toEqual(['NAS', 'Pruning']);
    // One slot: the other paper is counted once (it matched both topics' lists or one), not dropped.
    const oneSlot = pickForTopics(
      [
        topic({ slug: 'nas', name: 'NAS', query: '"neural architecture search"' }),
        topic({ slug: 'pruning', name: 'Pruning', query: 'pruning' }),
      ],
      [both, onlyPruning],
      { slots: 1, lexicalIndex },
    );
    expect(oneSlot.picked.map((p) => p.paper)).toEqual([both]);
    expect(oneSlot.total).toBe(2);
  });
});
