// The same sightings through both engines, compared with each other rather than with expected
// values: whatever the merge rules say, SQLite and PostgreSQL must store and answer alike.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PaperInput } from '../../src/domain/paper.js';
import { openSqliteStore } from '../../src/store/sqlite/open.js';
import { tempDir } from '../helpers/env.js';
import { pgTestStore } from '../helpers/postgres.js';
import { postgresAvailable } from '../helpers/system.js';
import { at } from './fixtures.js';

const WORDS = [
  'sparse',
  'attention',
  'graph',
  'Mélange',
  'GPU-kernels',
  'diffusion',
  'v2.5',
  'café',
  'routing',
  'memory',
];

/** A seeded stream of sightings: arXiv versions, versionless Hugging Face entries with facts, feed items. */
function sightings(seed: number, count: number): PaperInput[][] {
  let x = seed;
  const next = (n: number) => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x % n;
  };
  const pick = () => WORDS[next(WORDS.length)]!;
  const batches: PaperInput[][] = [];
  for (let b = 0; b < 6; b++) {
    const batch: PaperInput[] = [];
    for (let i = 0; i < count; i++) {
      const n = next(60);
      const kind = next(3);
      const input: PaperInput = {
        arxivId: `2403.${String(10_000 + n)}`,
        title: `${pick()} ${pick()} number ${n}${kind === 0 ? ` v${b}` : ''}`,
        abstract: next(4) === 0 ? '' : `${pick()}, ${pick()} and ${pick()}.`,
        authors: next(5) === 0 ? [] : [`Author ${next(9)}`],
      };
      if (kind === 0) input.version = 1 + next(4);
      if (next(2) === 0) input.categories = [`cs.${['LG', 'CL', 'AI', 'CV'][next(4)]}`];
      if (kind === 1) {
        input.upvotes = next(100);
        if (next(2) === 0) input.aiSummary = `summary ${next(5)}`;
        if (next(2) === 0) input.aiKeywords = [pick(), pick()];
        if (next(3) === 0) input.githubRepo = `https://github.com/example/r${next(4)}`;
        input.featuredOn = `2024-03-${String(10 + next(20))}`;
      }
      batch.push(input);
    }
    batches.push(batch);
  }
  return batches;
}

describe.skipIf(!postgresAvailable())('SQLite and PostgreSQL given the same sightings', () => {
  it('count, store, merge and export the same papers', async () => {
    const sqlite = openSqliteStore(join(tempDir(), 'paperboy.db'));
    const { store: pg } = await pgTestStore();
    try {
      for (const [i, batch] of sightings(7, 40).entries()) {
        expect(await pg.upsertPapers(batch, at(i))).toEqual(await sqlite.upsertPapers(batch, at(i)));
      }
      const papers = await sqlite.listPapers({});
      expect(papers.length).toBeGreaterThan(15);
      expect(papers.some((p) => p.upvotes !== undefined && p.categories !== undefined && p.version !== null)).toBe(
        true,
      );
      expect(await pg.listPapers({})).toEqual(papers);
      expect(await pg.exportRows('papers', 0, 1000)).toEqual(await sqlite.exportRows('papers', 0, 1000));
    } finally {
      await sqlite.close();
    }
  });
});
