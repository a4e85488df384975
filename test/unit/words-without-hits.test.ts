import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/domain/query.js';
import { learnAcronyms } from '../../src/domain/ranking/acronyms.js';
import { wordsWithoutHits } from '../../src/domain/words-without-hits.js';

const papers = [
  {
    title: 'Low-rank adapters for vision transformers',
    abstract: 'We quantize the weights of large models. Pruning helps too.',
  },
  {
    title: 'Searching architectures',
    abstract: 'Neural Architecture Search (NAS) finds networks; the search space is large.',
  },
  { title: 'Point clouds in 3-D', abstract: 'Scene understanding from LiDAR.' },
];

const missing = (query: string, among = papers) =>
  wordsWithoutHits(parseQuery(query), among, learnAcronyms(among.map((p) => `${p.title}. ${p.abstract}`)));

describe('words without hits', () => {
  it('names the words no paper has, as typed and in the order of the query', () => {
    expect(missing('nueral architecture serch')).toEqual(['nueral', 'serch']);
    expect(missing('photosynthesis OR "point clouds" OR chlorophyll')).toEqual(['photosynthesis', 'chlorophyll']);
  });

  it('finds words through the same analysis as the ranking: stems, case, compounds whole or in parts', () => {
    // quantization ~ quantize, pruned ~ pruning, 3D = 3-D, lowrank = low-rank, Transformer = transformers.
    expect(missing('quantization pruned 3D lowrank Transformer')).toEqual([]);
    expect(missing('low-rank "point cloud"')).toEqual([]);
  });

  it('finds a phrase only where its words stand together, in order, within the title or the abstract', () => {
    // Every word occurs, but never as these phrases ("transformers" ends the title, "We quantize" starts the abstract).
    expect(missing('"large search" "clouds point" "transformers quantize"')).toEqual([
      '"large search"',
      '"clouds point"',
      '"transformers quantize"',
    ]);
    expect(missing('"search space" "vision transformers"')).toEqual([]);
  });

  it('counts an acronym where its learned long form stands, and a long form where its acronym does', () => {
    const spelledOut = [
      { title: 'Neural Architecture Search (NAS) at scale', abstract: 'Neural architecture search for edge devices.' },
    ];
    const shortOnly = [
      { title: 'A note', abstract: 'Neural Architecture Search (NAS) defined here; NAS again.' },
      { title: 'NAS on phones', abstract: 'Fast.' },
    ];
    expect(missing('NAS', spelledOut)).toEqual([]);
    expect(missing('"neural architecture search"', shortOnly)).toEqual([]);
    // Typed in lower case, "nas" is a word, not the acronym: it is sought as such.
    expect(missing('nas', [{ title: 'Neural architecture search', abstract: 'x' }])).toEqual(['nas']);
  });

  it('does not look for excluded words, and lists a repeated word once', () => {
    expect(missing('LiDAR -photosynthesis')).toEqual([]);
    expect(missing('zebra OR zebra lidar')).toEqual(['zebra']);
  });

  it('names every word when there are no papers', () => {
    expect(missing('point clouds', [])).toEqual(['point', 'clouds']);
  });
});
