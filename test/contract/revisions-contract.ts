// The revision part of the store contract (see store-contract.ts): when a paper counts as revised,
// which old papers a window's revisions are, who may be shown a revised paper once more as
// updated, and that both marks move with an export.
import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/domain/subscriber.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { TRANSFER_TABLES, type Store } from '../../src/store/ports.js';
import { paperInput } from '../helpers/factories.js';
import { addDeliveries, at, digest, pagesOf, subscriber } from './fixtures.js';
import { BEFORE_CHANNELS, UNDO_RATINGS, beforeMigration15 } from '../helpers/old-schema.js';
import type { Engine } from './store-contract.js';

const P = 'arxiv:2411.00042';

async function gave(engine: Engine, store: Store, digestId: string, subs: Subscriber[], set?: string) {
  const rows = subs.map((s) => ({
    id: `dlv_${digestId}_${s.id}`,
    digestId,
    subscriberId: s.id,
    email: s.email,
    messageId: `${digestId}.${s.id}@x`,
  }));
  await addDeliveries(engine, store, rows);
  if (set)
    await engine.exec(store, `UPDATE deliveries SET ${set} WHERE id IN (${rows.map((r) => `'${r.id}'`).join(', ')})`);
}

export function revisionsContract(engine: Engine): void {
  describe('revised papers', () => {
    it('marks a paper revised only when a strictly newer arXiv version arrives, and finds a window’s revisions of older papers', async () => {
      const store = await engine.open();
      const v1 = paperInput({ arxivId: '2411.00042', version: 1, title: 'Sparse kettles' });
      const revisedAt = async () => (await store.getPapers([P]))[0]!.revisedAt;
      await store.upsertPapers([v1], at(0));
      await store.upsertPapers([{ ...v1, title: 'Sparse kettles, retitled' }], at(1));
      await store.upsertPapers([{ ...v1, version: undefined, upvotes: 4 }], at(2));
      expect(await revisedAt()).toBeUndefined();
      await store.upsertPapers([{ ...v1, version: 2, title: 'Sparse kettles v2' }], at(10));
      expect(await revisedAt()).toBe(at(10));
      // The same version again, an older one, or a versionless sighting leaves the mark alone.
      await store.upsertPapers([{ ...v1, version: 2, abstract: 'Typo fixed.' }], at(11));
      await store.upsertPapers([{ ...v1, version: 1 }], at(12));
      await store.upsertPapers([{ ...v1, version: undefined, upvotes: 9 }], at(13));
      expect(await revisedAt()).toBe(at(10));
      // A paper first known without a version: nobody can tell what its readers saw.
      const bare = paperInput({ arxivId: '2411.00043', title: 'Unversioned' });
      await store.upsertPapers([bare], at(0));
      await store.upsertPapers([{ ...bare, version: 3 }], at(10));
      expect((await store.getPapers(['arxiv:2411.00043']))[0]!.revisedAt).toBeUndefined();
      // Revised within (at(5), at(15)], first seen by at(5); a paper first seen inside is new, not revised.
      const young = paperInput({ arxivId: '2411.00044', version: 1, title: 'Young' });
      await store.upsertPapers([young], at(7));
      await store.upsertPapers([{ ...young, version: 2 }], at(9));
      expect((await store.papersRevisedBetween(at(5), at(15))).map((p) => [p.id, p.version])).toEqual([[P, 2]]);
      expect(await store.papersRevisedBetween(at(10), at(15))).toEqual([]);
      await store.upsertPapers([{ ...v1, version: 3 }], at(20));
      expect(await revisedAt()).toBe(at(20));
      expect((await store.papersRevisedBetween(at(15), at(25))).map((p) => p.version)).toEqual([3]);
    });

    it('lists a window’s revised papers by first sighting, ties in the order they were stored', async () => {
      // The digest job ranks them in this order: ties between equal scores keep it.
      const store = await engine.open();
      const [a, b, c] = ['2411.00051', '2411.00052', '2411.00053'].map((id) =>
        paperInput({ arxivId: id, version: 1, title: `Paper ${id}` }),
      );
      await store.upsertPapers([c!], at(-5));
      await store.upsertPapers([a!, b!], at(0));
      await store.upsertPapers(
        [
          { ...b!, version: 2 },
          { ...c!, version: 2 },
        ],
        at(10),
      );
      await store.upsertPapers([{ ...a!, version: 2 }], at(11));
      expect((await store.papersRevisedBetween(at(5), at(15))).map((p) => p.arxivId)).toEqual([
        '2411.00053',
        '2411.00051',
        '2411.00052',
      ]);
    });

    it('offers a revised paper as updated to those who had it before, once, and moves both marks with an export', async () => {
      const store = await engine.open();
      const v1 = paperInput({ arxivId: '2411.00042', version: 1 });
      await store.upsertPapers([v1], at(-60));
      const [ada, bob, cyd, dan, eve] = [subscriber(), subscriber(), subscriber(), subscriber(), subscriber()];
      await store.saveSubscribers([ada, bob, cyd, dan, eve].map((s) => ({ subscriber: s, events: [] })));
      // The day-25 edition held v1 (cut off at T0): ada's is pending, bob's sent, cyd's bounced.
      const first = digest({ paperIds: [P, 'arxiv:1'] });
      await store.insertDigest(first);
      await gave(engine, store, first.id, [ada]);
      await gave(engine, store, first.id, [bob], `status = 'sent'`);
      await gave(engine, store, first.id, [cyd], `status = 'failed', error_kind = 'hard-bounce'`);
      await store.upsertPapers([{ ...v1, version: 2 }], at(60));
      // A digest cut off after the revision gave eve v2 already: nothing to update for her.
      const late = digest({ key: '2026-11-26', editionKey: 'nas@late', paperIds: [P] });
      await store.insertDigest(late);
      await gave(engine, store, late.id, [eve]);
      const [revised] = await store.papersRevisedBetween(at(0), at(1440));
      const audience = async () => [...((await store.updatableAudience([revised!])).get(P) ?? [])].sort();
      // Not cyd (it bounced), not dan (never had it), not eve.
      expect(await audience()).toEqual([ada.id, bob.id].sort());

      // Ada is shown it as updated: she is never offered it again, not even at v3.
      const shown = digest({
        key: '2026-11-26',
        editionKey: 'nas@+updated:x',
        paperIds: ['arxiv:9', P],
        updatedIds: [P],
      });
      await store.insertDigest(shown);
      expect((await store.getDigest(shown.id))?.updatedIds).toEqual([P]);
      expect((await store.getDigest(first.id))?.updatedIds).toEqual([]);
      await gave(engine, store, shown.id, [ada]);
      expect(await audience()).toEqual([bob.id]);
      await store.upsertPapers([{ ...v1, version: 3 }], at(3000));
      const [v3] = await store.papersRevisedBetween(at(1440), at(4000));
      expect([...(await store.updatableAudience([v3!])).get(P)!].sort()).toEqual([bob.id, eve.id].sort());

      const pages = [];
      for (const table of TRANSFER_TABLES) pages.push({ table, rows: await store.exportRows(table, 0, 1000) });
      const copy = await engine.open();
      await copy.importRows(pagesOf(pages));
      expect((await copy.getPapers([P]))[0]!.revisedAt).toBe(at(3000));
      expect((await copy.getDigest(shown.id))?.updatedIds).toEqual([P]);
      expect([...(await copy.updatableAudience([v3!])).get(P)!].sort()).toEqual([bob.id, eve.id].sort());
    });

    it('finds who had a paper in the digests stored before the index of digest papers existed (migration 9 fills it)', async () => {
      const store = await engine.open();
      const v1 = paperInput({ arxivId: '2411.00042', version: 1 });
      await store.upsertPapers([v1], at(-60));
      const [ada, bob, cyd] = [subscriber(), subscriber(), subscriber()];
      await store.saveSubscribers([ada, bob, cyd].map((s) => ({ subscriber: s, events: [] })));
      const first = digest({ paperIds: ['arxiv:1', P] });
      await store.insertDigest(first);
      await gave(engine, store, first.id, [ada, bob]);
      await store.upsertPapers([{ ...v1, version: 2 }], at(60));
      const shown = digest({ key: '2026-11-26', editionKey: 'nas@+updated:x', paperIds: [P], updatedIds: [P] });
      await store.insertDigest(shown);
      await gave(engine, store, shown.id, [ada]);
      // The store as migration 8 left it: digests with their id lists, no digest_papers, and
      // deliveries as they were before confirmation emails were deliveries (migration 10), and
      // neither topics' query syntax (migration 11) nor layouts (migration 13).
      const deliveries8 = `id, digest_id, subscriber_id, email, status, attempts, next_attempt_at, claimed_at, claimed_by,
        last_error, error_kind, smtp_response, message_id, created_at, updated_at, sent_at`;
      await engine.exec(
        store,
        store.engine === 'sqlite'
          ? `${BEFORE_CHANNELS.sqlite}
             ${UNDO_RATINGS.sqlite} DROP TRIGGER digests_insert_papers; DROP TABLE digest_papers;
             CREATE TABLE deliveries_8 AS SELECT ${deliveries8} FROM deliveries;
             DROP TABLE deliveries; ALTER TABLE deliveries_8 RENAME TO deliveries;
             ${beforeMigration15('sqlite')}
             ALTER TABLE topics DROP COLUMN query_syntax;
             ALTER TABLE subscribers DROP COLUMN layout; ALTER TABLE digests DROP COLUMN compact_html; ALTER TABLE digests DROP COLUMN compact_text;
             PRAGMA user_version = 8;`
          : `${BEFORE_CHANNELS.postgres}
             ${UNDO_RATINGS.postgres} DROP TRIGGER digests_insert_papers ON digests; DROP FUNCTION digest_papers_fill(); DROP TABLE digest_papers;
             DROP INDEX deliveries_confirmation_on_its_way; ALTER TABLE deliveries DROP COLUMN kind;
             ALTER TABLE deliveries ALTER COLUMN digest_id SET NOT NULL;
             ${beforeMigration15('postgres')}
             ALTER TABLE topics DROP COLUMN query_syntax;
             ALTER TABLE subscribers DROP COLUMN layout; ALTER TABLE digests DROP COLUMN compact_html, DROP COLUMN compact_text;
             UPDATE schema_version SET version = 8;`,
      );
      const upgraded = await engine.reopen(store);
      expect(upgraded.schema).toEqual({ version: MIGRATIONS.length, applied: MIGRATIONS.length - 8 });
      const [v2] = await upgraded.papersRevisedBetween(at(0), at(1440));
      // Bob had v1 and was never shown it as updated; Ada was; Cyd never had it.
      expect([...(await upgraded.updatableAudience([v2!])).get(P)!]).toEqual([bob.id]);
      // Digests frozen after the upgrade are indexed as they are written.
      await upgraded.upsertPapers([{ ...v1, version: 3 }], at(3000));
      const again = digest({ key: '2026-11-27', editionKey: 'nas@+updated:y', paperIds: [P], updatedIds: [P] });
      await upgraded.insertDigest(again);
      await gave(engine, upgraded, again.id, [bob]);
      const [v3] = await upgraded.papersRevisedBetween(at(1440), at(4000));
      expect([...(await upgraded.updatableAudience([v3!])).get(P)!]).toEqual([]);
    });
  });
}
