import { describe, expect, it } from 'vitest';
import { CLAUSE_MARK, DROPPED_MARK, type IndexedPaper } from '../../src/domain/ranking/lexical-index.js';
import { createFtsLexicalIndex } from '../../src/store/lexical-index.js';

// Papers as the ranker hands them over: analysed stems, marks where phrases stop, whole compounds apart.
const indexed = (title: string, abstract = '', wholes = ''): IndexedPaper => ({
  title,
  abstract,
  titleWholes: '',
  abstractWholes: wholes,
});

describe('the FTS5 lexical index', () => {
  const papers = [
    indexed('llm infer', 'serv system'),
    indexed(`llm ${CLAUSE_MARK} infer`, 'time techniqu'),
    indexed(`llm ${DROPPED_MARK} infer`, 'agent'),
    indexed('state art', `low rank ${CLAUSE_MARK} adapt`, 'lowrank'),
    indexed(`state ${DROPPED_MARK} art`, 'αdiverg'),
    indexed('agent', 'llm infer serv'),
  ];
  const index = createFtsLexicalIndex(papers, 3);
  const ids = (tokens: string[], adjacent: boolean, loose = false) => [...index.search(tokens, adjacent, loose).docs];

  it('finds a phrase only where its words stand together, within a clause and with no word dropped between', () => {
    expect(ids(['llm', 'infer'], true)).toEqual([0, 5]);
    expect(ids(['llm', 'infer'], false)).toEqual([0, 1, 2, 5]);
  });

  it('lets a phrase typed with a stopword stand across a dropped word, never across a clause', () => {
    expect(ids(['state', 'art'], true)).toEqual([3]);
    expect(ids(['state', 'art'], true, true)).toEqual([3, 4]);
    expect(ids(['llm', 'infer'], true, true)).toEqual([0, 2, 5]);
  });

  it('keeps whole compounds out of phrases and matches them as words; non-ASCII stems are tokens too', () => {
    expect(ids(['lowrank'], false)).toEqual([3]);
    expect(ids(['rank', 'adapt'], true)).toEqual([]);
    expect(ids(['αdiverg'], false)).toEqual([4]);
  });

  it('weighs a title occurrence above an abstract one, papers in corpus order with higher scores better', () => {
    const { docs, scores } = index.search(['agent'], false);
    expect([...docs]).toEqual([2, 5]);
    expect(scores[1]).toBeGreaterThan(0);
    // Both rows are four tokens long: "agent" is in paper 5's title and in paper 2's abstract.
    expect(scores[1] as number).toBeGreaterThan(scores[0] as number);
  });

  it('answers an empty form with nothing and a quote inside a token without a syntax error', () => {
    expect(ids([], false)).toEqual([]);
    expect(ids(['a"b'], false)).toEqual([]);
  });
});
