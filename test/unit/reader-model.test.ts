import { describe, expect, it } from 'vitest';
import { explain } from '../../src/domain/matching.js';
import { parseQuery } from '../../src/domain/query.js';
import { createRanker } from '../../src/domain/ranking/ranker.js';
import { readerModel, trimmedTitle } from '../../src/domain/ranking/reader-model.js';
import { createFtsLexicalIndex } from '../../src/store/lexical-index.js';
import { paper } from '../helpers/factories.js';

const liked = paper({
  title: 'ProxylessNAS: direct neural architecture search on target task and hardware',
  abstract: 'We search architectures directly on mobile hardware with latency-aware supernets and path binarisation.',
});
const rejected = paper({
  title: 'A survey of neural architecture search benchmarks',
  abstract: 'We review benchmarks, tabular search spaces and reproducibility of architecture search surveys.',
});
const alike = paper({
  title: 'Latency-aware supernets for mobile hardware',
  abstract: 'Supernets trained with path binarisation find architectures for mobile hardware under latency budgets.',
});
const likeRejected = paper({
  title: 'Benchmarks for architecture search: a review',
  abstract: 'A review of tabular search spaces, benchmarks and reproducibility in neural architecture search.',
});
const plain = paper({
  title: 'Neural architecture search with evolution',
  abstract: 'Evolutionary neural architecture search over cell-based spaces.',
});
const window = [alike, likeRejected, plain];
const corpus = [liked, rejected, ...window];
const query = parseQuery('neural architecture search');

describe("a reader's ratings in a topic's ranking", () => {
  it('lifts papers like the ones marked, sinks those like the rejected, drops the rejected and says why', () => {
    const ranker = createRanker(corpus, createFtsLexicalIndex);
    const candidates = new Set([...window, rejected].map((p) => p.id));
    const ranked = ranker.rank(query, { candidates });
    const before = ranked.map((s) => s.paper.id);
    const scoreBefore = ranked.find((s) => s.paper.id === likeRejected.id)!.score;
    const reader = readerModel(
      [
        { paper: liked, value: 1 },
        { paper: rejected, value: -1 },
      ],
      (p) => ranker.vector(p),
    );
    const after = ranker.rank(query, { candidates, ...(reader ? { reader } : {}) });
    const ids = after.map((s) => s.paper.id);
    expect(before).toContain(rejected.id);
    expect(ids).not.toContain(rejected.id);
    // It shares none of the topic's words: it comes in by the ratings alone.
    expect(before).not.toContain(alike.id);
    expect(ids).toContain(alike.id);
    expect(ids.indexOf(likeRejected.id)).toBeGreaterThan(ids.indexOf(plain.id));
    expect(after.find((s) => s.paper.id === likeRejected.id)!.score).toBeLessThan(scoreBefore);
    const risen = after.find((s) => s.paper.id === alike.id)!;
    expect(risen.marked?.id).toBe(liked.id);
    expect(explain(risen)).toContain("like 'ProxylessNAS: direct neural architecture…', which you marked");
    expect(after.find((s) => s.paper.id === likeRejected.id)?.marked).toBeUndefined();
    ranker.close();
  });

  it('ranked only as far as an email reaches, still lifts a paper from the unexplained rest and says both why', () => {
    // Forty papers match the topic's words as well as the one like the paper the reader marked,
    // which is older: it comes last of them.
    const filler = Array.from({ length: 40 }, (_, k) =>
      paper({
        title: `Neural architecture search with evolution, variant ${k}`,
        abstract: `Evolutionary neural architecture search over cell-based spaces, population ${k}.`,
        firstSeenAt: '2026-11-20T00:00:00.000Z',
      }),
    );
    const deep = paper({
      title: 'Direct neural architecture search on mobile hardware',
      abstract: 'Latency-aware supernets with path binarisation search architectures directly on mobile hardware.',
      firstSeenAt: '2026-11-19T00:00:00.000Z',
    });
    const candidates = [...filler, deep];
    const ranker = createRanker([liked, ...candidates], createFtsLexicalIndex);
    const ids = new Set(candidates.map((p) => p.id));
    const whole = ranker.rank(query, { candidates: ids });
    const head = ranker.rank(query, { candidates: ids, ordered: 5 });
    // The same papers; the first five in the same order and explained, the rest only counted.
    expect(new Set(head.map((s) => s.paper.id))).toEqual(new Set(whole.map((s) => s.paper.id)));
    expect(head.slice(0, 5).map((s) => s.paper.id)).toEqual(whole.slice(0, 5).map((s) => s.paper.id));
    expect(head.slice(0, 5).every((s) => s.matched.length > 0)).toBe(true);
    expect(head.slice(5).every((s) => s.matched.length === 0)).toBe(true);
    expect(whole.map((s) => s.paper.id).indexOf(deep.id)).toBeGreaterThan(5);

    // They marked one paper more like this, and four of the evolution papers not for them.
    const reader = readerModel(
      [{ paper: liked, value: 1 }, ...filler.slice(0, 4).map((p) => ({ paper: p, value: -1 as const }))],
      (p) => ranker.vector(p),
    )!;
    // Re-ranked from the whole list, as planning does: the risen paper keeps the topic's words it matched.
    const mine = ranker.rerank(query, whole, reader, ids, 5);
    expect(mine).toHaveLength(whole.length - 4);
    expect(mine[0]?.paper.id).toBe(deep.id);
    expect(explain(mine[0]!)).toContain('neural architecture');
    expect(explain(mine[0]!)).toContain('which you marked');
    ranker.close();
  });

  it('trims a long title at a word', () => {
    expect(trimmedTitle('Short title')).toBe('Short title');
    expect(trimmedTitle('ProxylessNAS: direct neural architecture search on target task')).toBe(
      'ProxylessNAS: direct neural architecture…',
    );
  });
});
