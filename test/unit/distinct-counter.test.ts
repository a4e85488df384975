import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/domain/paper.js';
import type { Slotted } from '../../src/domain/ranking/diversity.js';
import { distinctCounter, remainingByTopic } from '../../src/jobs/select/pick.js';

const paper = (n: number): Paper => ({
  id: `p${n}`,
  arxivId: null,
  version: null,
  title: `Paper ${n}`,
  abstract: '',
  authors: [],
  url: null,
  publishedAt: null,
  firstSeenAt: '2026-11-24T00:00:00Z',
  updatedAt: '2026-11-24T00:00:00Z',
});
const candidates = Array.from({ length: 40 }, (_, n) => paper(n));
const scored = (p: Paper) => ({ paper: p, score: 0.5, matched: [] });
const slotted = (p: Paper, also: Paper[] = []): Slotted => ({ ...scored(p), also: also.map(scored) });

describe('the distinct counter of a window', () => {
  // Rankings as a run holds them: the candidates' own objects, a copy of one read again (same id,
  // another object), near-duplicates under a paper, and a paper that is no candidate.
  const a = [slotted(candidates[0]!, [candidates[1]!]), slotted(candidates[2]!), slotted(candidates[3]!)];
  const b = [slotted({ ...candidates[2]! }), slotted(candidates[4]!, [{ ...candidates[0]! }]), slotted(paper(99))];
  const c = [slotted(candidates[5]!), slotted(candidates[3]!, [candidates[6]!])];

  it('counts each candidate once across rankings, whichever object names it', () => {
    const count = distinctCounter(candidates);
    expect(count([a, b, c])).toBe(7);
    expect(count([b])).toBe(3);
    // Counting leaves nothing behind for the next count.
    expect(count([a, b, c])).toBe(7);
  });

  it('counts what each topic leaves for the "more" page as remainingByTopic lists it', () => {
    const count = distinctCounter(candidates);
    const shown = new Set(['p0', 'p1', 'p4']);
    // remainingByTopic also lists the paper that is no candidate; the counter counts candidates only.
    const listed = remainingByTopic([a, b, c], shown).map((l) => l.filter((p) => p.paper.id !== 'p99').length);
    expect(count.remaining([a, b, c], shown)).toEqual(listed);
    expect(listed).toEqual([2, 0, 2]);
  });
});
