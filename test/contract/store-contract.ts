// The store contract: what every engine behind store/ports.ts must do, written once and run
// unchanged against SQLite (sqlite.test.ts) and PostgreSQL (postgres.test.ts).
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import type { Store } from '../../src/store/ports.js';
import { paperInput } from '../helpers/factories.js';
import { channelsContract } from './channels-contract.js';
import { deliveryContract } from './delivery-contract.js';
import { T0, at, digest, event, pagesOf, subscriber } from './fixtures.js';
import { BEFORE_CHANNELS, UNDO_RATINGS, beforeMigration15 } from '../helpers/old-schema.js';
import { personalContract } from './personal-contract.js';
import { planningContract } from './planning-contract.js';
import { ratingsContract } from './ratings-contract.js';
import { revisionsContract } from './revisions-contract.js';
import { sourcesContract } from './sources-contract.js';

export interface Engine {
  /** A new, empty store for one test; the engine closes and removes it afterwards. */
  open(): Promise<Store>;
  /** Runs a statement on the store's database behind the ports' back. */
  exec(store: Store, sql: string): Promise<void>;
  /** Opens the same database again, as a second process or a restart would. */
  reopen(store: Store): Promise<Store>;
}

export function storeContract(engine: Engine): void {
  describe('schema', () => {
    it('is at the same version on every engine, and reopening applies nothing', async () => {
      const store = await engine.open();
      expect(store.schema).toEqual({ version: MIGRATIONS.length, applied: MIGRATIONS.length });
      await store.saveTopic({ slug: 'nas', name: 'NAS', query: 'nas' }, T0);
      const again = await engine.reopen(store);
      expect(again.schema).toEqual({ version: MIGRATIONS.length, applied: 0 });
      expect(await again.listTopics()).toHaveLength(1);
    });
  });

  describe('papers', () => {
    it('upserts by canonical id: added, updated by a newer version, unchanged by an older one', async () => {
      const store = await engine.open();
      const v2 = paperInput({ arxivId: '2401.00001', version: 2, title: 'Sparse attention v2' });
      expect(await store.upsertPapers([v2, paperInput()], at(0))).toEqual({ added: 2, updated: 0, unchanged: 0 });
      expect(await store.upsertPapers([{ ...v2, version: 1, title: 'Old' }], at(1))).toEqual({
        added: 0,
        updated: 0,
        unchanged: 1,
      });
      expect(await store.upsertPapers([{ ...v2, version: 3, title: 'Sparse attention v3' }], at(2))).toEqual({
        added: 0,
        updated: 1,
        unchanged: 0,
      });
      const [p] = await store.getPapers(['arxiv:2401.00001']);
      expect(p).toMatchObject({
        title: 'Sparse attention v3',
        version: 3,
        firstSeenAt: at(0),
        updatedAt: at(2),
        authors: v2.authors,
      });
      expect(await store.countPapers()).toBe(2);
    });

    it('stores a batch whole or not at all', async () => {
      const store = await engine.open();
      const bad = { ...paperInput({ arxivId: '2401.00009' }), title: null as unknown as string };
      await expect(store.upsertPapers([paperInput(), bad], at(0))).rejects.toThrow();
      expect(await store.countPapers()).toBe(0);
    });

    it('orders by first sighting, ties in the order they were stored, and keeps the order ids are asked in', async () => {
      const store = await engine.open();
      const [a, b, c, d] = [
        paperInput({ title: 'Zeta' }),
        paperInput({ title: 'Alpha' }),
        paperInput({ title: 'Mu' }),
        paperInput({ title: 'Beta' }),
      ];
      await store.upsertPapers([a!, b!], at(0));
      await store.upsertPapers([c!, d!], at(10));
      const between = await store.papersFirstSeenBetween(at(-1), at(10));
      expect(between.map((p) => p.title)).toEqual(['Zeta', 'Alpha', 'Mu', 'Beta']);
      expect((await store.papersFirstSeenBetween(at(0), at(10))).map((p) => p.title)).toEqual(['Mu', 'Beta']);
      expect((await store.listPapers({})).map((p) => p.title)).toEqual(['Mu', 'Beta', 'Zeta', 'Alpha']);
      expect((await store.listPapers({ since: at(5), limit: 1 })).map((p) => p.title)).toEqual(['Mu']);
      const ids = between.map((p) => p.id);
      expect((await store.getPapers([ids[3]!, 'arxiv:none', ids[0]!])).map((p) => p.title)).toEqual(['Beta', 'Zeta']);
    });
  });

  describe('topics and meta', () => {
    it('keeps a topic stored before natural queries requiring every word, through an upgrade and an export; a topic saved now is natural', async () => {
      const store = await engine.open();
      // The store as migration 10 left it (no query syntax, no layouts), with a topic in it.
      await engine.exec(
        store,
        `${BEFORE_CHANNELS[store.engine]}
         ${beforeMigration15(store.engine)}
         ${UNDO_RATINGS[store.engine]}
         ALTER TABLE topics DROP COLUMN query_syntax;
         ALTER TABLE subscribers DROP COLUMN layout; ALTER TABLE digests DROP COLUMN compact_html; ALTER TABLE digests DROP COLUMN compact_text;
         INSERT INTO topics (slug, name, query, created_at, updated_at) VALUES ('llm', 'LLM serving', 'language model serving', '${at(0)}', '${at(0)}');
         ${store.engine === 'sqlite' ? 'PRAGMA user_version = 10;' : 'UPDATE schema_version SET version = 10;'}`,
      );
      const upgraded = await engine.reopen(store);
      expect(upgraded.schema).toEqual({ version: MIGRATIONS.length, applied: MIGRATIONS.length - 10 });
      expect(await upgraded.getTopic('llm')).toEqual({
        slug: 'llm',
        name: 'LLM serving',
        query: 'language model serving',
        syntax: 'all-words',
      });
      await upgraded.saveTopic({ slug: 'nas', name: 'NAS', query: 'neural architecture search' }, at(1));
      expect((await upgraded.listTopics()).map((t) => [t.slug, t.syntax])).toEqual([
        ['llm', 'all-words'],
        ['nas', 'natural'],
      ]);

      // An export carries each topic's syntax; an export from before migration 11 has none, and its topics keep requiring every word.
      const rows = await upgraded.exportRows('topics', 0, 10);
      expect(rows.map((r) => r.query_syntax)).toEqual(['all-words', 'natural']);
      const copy = await engine.open();
      await copy.importRows(pagesOf([{ table: 'topics', rows }]));
      expect(await copy.listTopics()).toEqual(await upgraded.listTopics());
      const older = await engine.open();
      await older.saveTopic({ slug: 'llm', name: 'First-run topic', query: 'llm' }, at(0));
      await older.importRows(pagesOf([{ table: 'topics', rows: rows.map(({ query_syntax: _, ...old }) => old) }]));
      expect((await older.listTopics()).map((t) => [t.slug, t.query, t.syntax])).toEqual([
        ['llm', 'language model serving', 'all-words'],
        ['nas', 'neural architecture search', 'all-words'],
      ]);

      // Replacing a topic's query (topics add --replace) saves it as typed now: natural.
      await upgraded.saveTopic({ slug: 'llm', name: 'LLM serving', query: 'LLM serving', syntax: 'natural' }, at(2));
      expect((await upgraded.getTopic('llm'))?.syntax).toBe('natural');
    });

    it('adds, replaces, lists by name ignoring case, and removes topics', async () => {
      const store = await engine.open();
      expect(await store.saveTopic({ slug: 'nas', name: 'neural search', query: 'NAS' }, at(0))).toBe(true);
      expect(await store.saveTopic({ slug: 'llm', name: 'LLM serving', query: 'serving' }, at(0))).toBe(true);
      expect(await store.saveTopic({ slug: 'b-mt', name: 'MT', query: 'translation' }, at(0))).toBe(true);
      expect(await store.saveTopic({ slug: 'a-mt', name: 'mt', query: 'translation' }, at(0))).toBe(true);
      expect(
        await store.saveTopic({ slug: 'nas', name: 'Neural architecture search', query: 'NAS OR nas' }, at(1)),
      ).toBe(false);
      expect((await store.listTopics()).map((t) => t.slug)).toEqual(['llm', 'a-mt', 'b-mt', 'nas']);
      expect(await store.getTopic('nas')).toEqual({
        slug: 'nas',
        name: 'Neural architecture search',
        query: 'NAS OR nas',
        syntax: 'natural',
      });
      expect(await store.removeTopic('nas')).toBe(true);
      expect(await store.removeTopic('nas')).toBe(false);
      expect(await store.getTopic('nas')).toBeUndefined();
    });

    it('keeps meta values and hands a lease to one holder at a time until it expires or is released', async () => {
      const store = await engine.open();
      expect(await store.getMeta('k')).toBeUndefined();
      await store.setMeta('k', 'one');
      await store.setMeta('k', 'two');
      expect(await store.getMeta('k')).toBe('two');

      expect(await store.acquireLease('planner', 'a', at(0), at(5))).toBe(true);
      expect(await store.acquireLease('planner', 'b', at(1), at(6))).toBe(false);
      expect(await store.acquireLease('planner', 'a', at(2), at(7))).toBe(true); // renewal
      expect(await store.acquireLease('planner', 'b', at(6), at(11))).toBe(false);
      expect(await store.acquireLease('planner', 'b', at(7), at(12))).toBe(true); // expired
      await store.releaseLease('planner', 'a'); // not the holder: no effect
      expect(await store.acquireLease('planner', 'a', at(8), at(13))).toBe(false);
      await store.releaseLease('planner', 'b');
      expect(await store.acquireLease('planner', 'a', at(8), at(13))).toBe(true);
    });

    it('gives a contested lease to exactly one of many callers', async () => {
      const store = await engine.open();
      const wins = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.acquireLease('planner', `h${i}`, at(0), at(5))),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('digests', () => {
    it('keeps the first edition of a (topic set, period) and finds editions by key, time and topic set', async () => {
      const store = await engine.open();
      const first = await store.insertDigest(digest());
      expect(first.created).toBe(true);
      expect(first.digest).toEqual(digest());
      const again = await store.insertDigest(digest({ id: 'dg_other', subject: 'second freeze' }));
      expect(again).toEqual({ digest: digest(), created: false });
      await store.insertDigest(digest({ key: '2026-11-26' }));
      await store.insertDigest(digest({ key: '2026-11-24', editionKey: 'llm' }));
      expect((await store.findDigest('nas', 'day', '2026-11-25'))?.id).toBe(digest().id);
      expect(await store.findDigest('nas', 'week', '2026-11-25')).toBeUndefined();
      expect((await store.latestDigest('nas', 'day'))?.period.key).toBe('2026-11-26');
      expect((await store.getDigest(digest().id))?.paperIds).toEqual(['arxiv:1', 'arxiv:2']);
      expect((await store.listDigests({ limit: 10 })).map((d) => d.period.key)).toEqual([
        '2026-11-26',
        '2026-11-25',
        '2026-11-24',
      ]);
      expect((await store.listDigests({ topicSet: 'nas', limit: 1 })).map((d) => d.period.key)).toEqual(['2026-11-26']);
    });

    it('answers a freeze with the edition as stored, whether it created it or found it', async () => {
      const store = await engine.open();
      // What the store does not keep (an extra field of a period, updatedIds left out) is not in the answer either.
      const given = digest();
      const { updatedIds: _, ...withoutUpdated } = given;
      const input = { ...withoutUpdated, period: { ...given.period, sendAt: new Date(T0) } };
      const first = await store.insertDigest(input);
      const stored = await store.getDigest(given.id);
      expect(stored).toEqual({ ...given, updatedIds: [] });
      expect(first).toEqual({ digest: stored, created: true });
      expect(await store.insertDigest(input)).toEqual({ digest: stored, created: false });
    });

    it('keeps the compact variant an edition was frozen with, and none for one frozen without', async () => {
      const store = await engine.open();
      const compact = { html: '<p>compact \u001Frecipient\u001F</p>', text: 'compact text' };
      const created = await store.insertDigest(digest({ compact }));
      expect(created.digest.compact).toEqual(compact);
      expect((await store.getDigest(digest().id))?.compact).toEqual(compact);
      expect((await store.findDigest('nas', 'day', '2026-11-25'))?.compact).toEqual(compact);
      await store.insertDigest(digest({ key: '2026-11-26' }));
      expect(await store.getDigest(digest({ key: '2026-11-26' }).id)).not.toHaveProperty('compact');
    });

    it('lets one of several concurrent freezes of an edition create it', async () => {
      const store = await engine.open();
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => store.insertDigest(digest({ id: `dg_race_${i}` }))),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.digest.id)).size).toBe(1);
    });
  });

  describe('subscribers and the consent log', () => {
    it('saves subscribers with their topics and finds them by address, id and token', async () => {
      const store = await engine.open();
      const ada = subscriber({
        email: 'ada@example.org',
        topics: ['nas', 'llm', 'nas'],
        confirmTokenHash: 'h1',
        status: 'pending',
      });
      const bob = subscriber({ email: 'bob@example.org', topics: [] });
      await store.saveSubscribers([
        { subscriber: ada, events: [event(ada, 'subscribe')] },
        { subscriber: bob, events: [] },
      ]);
      expect(await store.findSubscriberByEmail('ada@example.org')).toEqual({ ...ada, topics: ['llm', 'nas'] });
      expect(await store.getSubscriber(bob.id)).toEqual(bob);
      expect((await store.findSubscriberByConfirmToken('h1'))?.id).toBe(ada.id);
      expect(await store.findSubscriberByConfirmToken('nope')).toBeUndefined();
      await store.saveSubscribers([
        { subscriber: { ...ada, status: 'confirmed', topics: ['llm'], confirmTokenHash: null }, events: [] },
      ]);
      expect(await store.getSubscriber(ada.id)).toMatchObject({
        status: 'confirmed',
        topics: ['llm'],
        confirmTokenHash: null,
      });
      expect((await store.listSubscribers()).map((s) => s.email)).toEqual(['ada@example.org', 'bob@example.org']);
      expect((await store.listSubscribers({ status: 'pending' })).map((s) => s.email)).toEqual([]);
    });

    it("keeps each subscriber's layout: full unless chosen, kept by a write that does not name one, and copied by an export", async () => {
      const store = await engine.open();
      const ada = subscriber({ email: 'ada@example.org', layout: 'compact' });
      const bob = subscriber({ email: 'bob@example.org' });
      await store.saveSubscribers([
        { subscriber: ada, events: [] },
        { subscriber: bob, events: [] },
      ]);
      expect(await store.getSubscriber(ada.id)).toEqual(ada);
      expect(await store.getSubscriber(bob.id)).not.toHaveProperty('layout');
      // An import or an operator's write that knows nothing of layouts leaves the choice alone.
      const { layout: _chosen, ...unnamed } = ada;
      await store.saveSubscribers([{ subscriber: { ...unnamed, sendHour: 9 }, events: [] }]);
      expect(await store.getSubscriber(ada.id)).toMatchObject({ layout: 'compact', sendHour: 9 });
      await store.saveSubscribers([
        { subscriber: { ...ada, layout: 'full' }, events: [] },
        { subscriber: { ...bob, layout: 'compact' }, events: [] },
      ]);
      expect(await store.getSubscriber(ada.id)).not.toHaveProperty('layout');
      expect((await store.getSubscriber(bob.id))?.layout).toBe('compact');
      // The schema refuses a layout it does not know.
      await expect(
        engine.exec(store, `UPDATE subscribers SET layout = 'tiny' WHERE id = '${bob.id}'`),
      ).rejects.toThrow();
      // An export carries it, and an import into another store keeps it.
      const rows = await store.exportRows('subscribers', 0, 10);
      expect(rows.map((r) => r.layout)).toEqual(['full', 'compact']);
      const copy = await engine.open();
      await copy.importRows(pagesOf([{ table: 'subscribers', rows }]));
      expect((await copy.getSubscriber(bob.id))?.layout).toBe('compact');
      expect(await copy.getSubscriber(ada.id)).not.toHaveProperty('layout');
    });

    it('refuses a second subscriber with the same address and writes nothing of that batch', async () => {
      const store = await engine.open();
      const ada = subscriber({ email: 'ada@example.org' });
      await store.saveSubscribers([{ subscriber: ada, events: [] }]);
      const bob = subscriber();
      const clash = subscriber({ email: 'ada@example.org' });
      await expect(
        store.saveSubscribers([
          { subscriber: bob, events: [event(bob, 'subscribe')] },
          { subscriber: clash, events: [] },
        ]),
      ).rejects.toThrow();
      expect(await store.getSubscriber(bob.id)).toBeUndefined();
      expect(await store.listConsentEvents()).toEqual([]);
    });

    it('keeps the consent log in order, through deletion, and never lets it be edited', async () => {
      const store = await engine.open();
      const ada = subscriber();
      const bob = subscriber();
      await store.saveSubscribers([
        {
          subscriber: ada,
          events: [event(ada, 'subscribe', at(0), { ip: '192.0.2.1', userAgent: 'UA' }), event(ada, 'confirm', at(1))],
        },
        { subscriber: bob, events: [event(bob, 'import', at(0), { detail: 'csv line 2' })] },
      ]);
      expect(await store.deleteSubscriber(ada.id, event(ada, 'admin', at(2), { detail: 'removed' }))).toBe(true);
      expect(await store.deleteSubscriber(ada.id, event(ada, 'admin', at(3)))).toBe(false);
      expect(await store.getSubscriber(ada.id)).toBeUndefined();
      expect(await store.listConsentEvents(ada.id)).toEqual([
        event(ada, 'subscribe', at(0), { ip: '192.0.2.1', userAgent: 'UA' }),
        event(ada, 'confirm', at(1)),
        event(ada, 'admin', at(2), { detail: 'removed' }),
      ]);
      expect((await store.listConsentEvents()).map((e) => e.type)).toEqual(['subscribe', 'confirm', 'import', 'admin']);
      await expect(engine.exec(store, `UPDATE consent_log SET email = 'x@example.org'`)).rejects.toThrow(/append-only/);
      await expect(engine.exec(store, 'DELETE FROM consent_log')).rejects.toThrow(/append-only/);
      expect(await store.listConsentEvents()).toHaveLength(4);
    });
  });

  sourcesContract(engine);
  deliveryContract(engine);
  planningContract(engine);
  personalContract(engine);
  revisionsContract(engine);
  ratingsContract(engine);
  channelsContract(engine);
}
