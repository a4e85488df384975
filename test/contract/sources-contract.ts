// The sources part of the store contract (see store-contract.ts): facts merged across sightings,
// full-text search, source states, and their way through export and import.
import { describe, expect, it } from 'vitest';
import type { SourceState } from '../../src/domain/source.js';
import type { Store, TransferRow, TransferTable } from '../../src/store/ports.js';
import { TRANSFER_TABLES } from '../../src/store/ports.js';
import { paperInput } from '../helpers/factories.js';
import type { Engine } from './store-contract.js';
import { at, pagesOf } from './fixtures.js';

const FACTS = ['categories', 'upvotes', 'aiSummary', 'aiKeywords', 'githubRepo', 'featuredOn'];

function state(overrides: Partial<SourceState> = {}): SourceState {
  return {
    name: 'cs-lg',
    status: 'ok',
    detail: null,
    lastAttemptAt: at(0),
    lastSuccessAt: at(0),
    lastChangedAt: at(0),
    newestItemAt: '2024-03-21T00:00:00.000Z',
    itemsSeen: 4,
    itemsNew: 2,
    failures: 0,
    etag: '"rss-1"',
    lastModified: 'Thu, 21 Mar 2024 00:00:00 GMT',
    skipDays: ['Saturday', 'Sunday'],
    ...overrides,
  };
}

/** A few papers, one with accents and punctuation in its title. */
async function somePapers(store: Store) {
  await store.upsertPapers(
    [
      paperInput({
        arxivId: '2401.00001',
        title: 'Sparse attention for long documents',
        abstract: 'We study memory use.',
      }),
      paperInput({
        arxivId: '2401.00002',
        title: 'Memory-efficient training',
        abstract: 'It uses sparse attention kernels, among others.',
      }),
      paperInput({ arxivId: '2401.00003', title: 'Graph networks', abstract: 'Message passing on molecules.' }),
      paperInput({
        arxivId: '2401.00004',
        title: 'Mélange: café-grade GPU-kernels at v2.5',
        abstract: 'Heterogeneous serving.',
      }),
    ],
    at(0),
  );
}

async function copyStore(from: Store, to: Store): Promise<void> {
  const pages: { table: TransferTable; rows: TransferRow[] }[] = [];
  for (const table of TRANSFER_TABLES) pages.push({ table, rows: await from.exportRows(table, 0, 1000) });
  await to.importRows(pagesOf(pages));
}

export function sourcesContract(engine: Engine): void {
  describe('paper facts', () => {
    it('keeps the facts of every source: categories joined, upvotes only up, the first featured day, first sighting kept', async () => {
      const store = await engine.open();
      const arxiv = paperInput({
        arxivId: '2403.12345',
        version: 1,
        title: 'Sparse v1',
        categories: ['cs.LG'],
        url: 'https://arxiv.org/abs/2403.12345',
      });
      const plain = paperInput({ arxivId: '2403.99999', title: 'No facts at all' });
      expect(await store.upsertPapers([arxiv, plain], at(0))).toEqual({ added: 2, updated: 0, unchanged: 0 });
      // Hugging Face: no version, its own facts and another category.
      const hf = paperInput({
        arxivId: '2403.12345',
        title: 'Sparse v1',
        categories: ['cs.CL', 'cs.LG'],
        upvotes: 12,
        aiSummary: 'Linear-time attention.',
        aiKeywords: ['sparse', 'attention'],
        githubRepo: 'https://github.com/example/sparse',
        featuredOn: '2024-03-21',
      });
      expect(await store.upsertPapers([hf], at(1))).toEqual({ added: 0, updated: 1, unchanged: 0 });
      // An older Hugging Face file: fewer upvotes and a later featured day change nothing.
      expect(await store.upsertPapers([{ ...hf, upvotes: 5, featuredOn: '2024-03-22' }], at(2))).toEqual({
        added: 0,
        updated: 0,
        unchanged: 1,
      });
      // arXiv's next version: new text and categories, the facts stay, and so does the first sighting.
      const v2 = { ...arxiv, version: 2, title: 'Sparse v2', categories: ['cs.LG', 'cs.AI'] };
      expect(await store.upsertPapers([v2, { ...hf, upvotes: 23, aiSummary: 'Newer summary.' }], at(3))).toEqual({
        added: 0,
        updated: 2,
        unchanged: 0,
      });

      const expected = {
        id: 'arxiv:2403.12345',
        arxivId: '2403.12345',
        version: 2,
        title: 'Sparse v2',
        abstract: arxiv.abstract,
        authors: arxiv.authors,
        url: 'https://arxiv.org/abs/2403.12345',
        publishedAt: null,
        firstSeenAt: at(0),
        updatedAt: at(3),
        categories: ['cs.LG', 'cs.CL', 'cs.AI'],
        upvotes: 23,
        aiSummary: 'Newer summary.',
        aiKeywords: ['sparse', 'attention'],
        githubRepo: 'https://github.com/example/sparse',
        featuredOn: '2024-03-21',
        revisedAt: at(3),
      };
      const [merged, bare] = await store.getPapers(['arxiv:2403.12345', 'arxiv:2403.99999']);
      expect(merged).toEqual(expected);
      // Facts no source gave are absent, not null or empty.
      expect(Object.keys(bare!).filter((k) => FACTS.includes(k))).toEqual([]);
      expect((await store.listPapers({})).find((p) => p.id === expected.id)).toEqual(expected);
      expect((await store.papersFirstSeenBetween('', at(9))).find((p) => p.id === expected.id)).toEqual(expected);
    });
  });

  describe('source states', () => {
    it('saves, replaces and lists the state of each source by name', async () => {
      const store = await engine.open();
      expect(await store.getSourceState('cs-lg')).toBeUndefined();
      expect(await store.listSourceStates()).toEqual([]);
      await store.saveSourceState(state());
      await store.saveSourceState(state({ name: 'arxiv-nas', skipDays: [], etag: null, lastModified: null }));
      expect(await store.getSourceState('cs-lg')).toEqual(state());
      const failed = state({
        status: 'failed',
        detail: 'HTTP 503',
        lastAttemptAt: at(5),
        failures: 1,
        itemsSeen: 0,
        itemsNew: 0,
        skipDays: [],
      });
      await store.saveSourceState(failed);
      expect(await store.getSourceState('cs-lg')).toEqual(failed);
      expect((await store.listSourceStates()).map((s) => [s.name, s.status, s.skipDays])).toEqual([
        ['arxiv-nas', 'ok', []],
        ['cs-lg', 'failed', []],
      ]);
      await expect(store.saveSourceState(state({ status: 'broken' as never }))).rejects.toThrow();
      expect(await store.getSourceState('cs-lg')).toEqual(failed);
    });
  });

  describe('export and import of sources', () => {
    it('copies facts and source states', async () => {
      const store = await engine.open();
      await somePapers(store);
      await store.upsertPapers(
        [
          paperInput({
            arxivId: '2401.00002',
            title: 'Memory-efficient training',
            abstract: 'It uses sparse attention kernels, among others.',
            categories: ['cs.LG'],
            upvotes: 3,
            aiKeywords: ['memory'],
          }),
        ],
        at(1),
      );
      await store.saveSourceState(state());
      await store.saveSourceState(state({ name: 'hf', skipDays: [] }));
      const copy = await engine.open();
      await copyStore(store, copy);
      expect(await copy.listPapers({})).toEqual(await store.listPapers({}));
      expect(await copy.listSourceStates()).toEqual(await store.listSourceStates());
      expect(await copy.exportRows('source_states', 0, 10)).toEqual(await store.exportRows('source_states', 0, 10));
      expect(await copy.exportRows('papers', 0, 10)).toEqual(await store.exportRows('papers', 0, 10));
    });
  });
}
