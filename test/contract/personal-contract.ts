// Personal topics and personal feeds in the store contract (see store-contract.ts).
import { describe, expect, it } from 'vitest';
import { paperInput } from '../helpers/factories.js';
import { TRANSFER_TABLES } from '../../src/store/ports.js';
import { T0, addDeliveries, at, digest, event, pagesOf, subscriber } from './fixtures.js';
import type { Engine } from './store-contract.js';

const NAS = { slug: 'nas', name: 'NAS', query: 'nas' };

export function personalContract(engine: Engine): void {
  describe('personal topics', () => {
    it('are owned by one subscriber: never among the public topics, found only when asked for', async () => {
      const store = await engine.open();
      const ada = subscriber({ topics: ['nas'] });
      const bob = subscriber({ topics: ['nas'] });
      await store.saveSubscribers([ada, bob].map((s) => ({ subscriber: s, events: [] })));
      await store.saveTopic(NAS, T0);
      const mine = {
        slug: 'p_0a1b',
        name: 'My reading',
        query: 'sparse attention like:arxiv:2401.01234',
        owner: ada.id,
      };
      expect(await store.savePersonalTopic(mine, at(1))).toBe(true);

      expect((await store.listTopics()).map((t) => t.slug)).toEqual(['nas']);
      expect(await store.getTopic('p_0a1b')).toBeUndefined();
      expect(await store.getTopic('p_0a1b', 'any')).toEqual({ ...mine, syntax: 'natural' });
      expect(await store.getTopic('nas')).toEqual({ ...NAS, syntax: 'natural' }); // no owner field on a public topic
      expect((await store.listAllTopics()).map((t) => t.slug)).toEqual(['p_0a1b', 'nas']);
      expect(await store.listPersonalTopics(ada.id)).toEqual([{ ...mine, syntax: 'natural' }]);
      expect(await store.listPersonalTopics(bob.id)).toEqual([]);
      expect(await store.countPersonalTopics()).toEqual({ topics: 1, owners: 1 });
      // The owner is subscribed to it in the same write.
      expect((await store.getSubscriber(ada.id))?.topics).toEqual(['nas', 'p_0a1b']);

      // Nobody else may take it over, and the public topic commands cannot touch it.
      expect(await store.savePersonalTopic({ ...mine, name: 'Mine now', owner: bob.id }, at(2))).toBe(false);
      expect(await store.savePersonalTopic({ ...NAS, owner: bob.id }, at(2))).toBe(false);
      await expect(store.saveTopic({ ...mine, owner: undefined }, at(2))).rejects.toThrow("a reader's personal topic");
      expect(await store.removeTopic('p_0a1b')).toBe(false);
      expect((await store.getTopic('p_0a1b', 'any'))?.name).toBe('My reading');
      expect((await store.getSubscriber(bob.id))?.topics).toEqual(['nas']);

      expect(await store.savePersonalTopic({ ...mine, name: 'Renamed' }, at(3))).toBe(true);
      expect((await store.getTopic('p_0a1b', 'any'))?.name).toBe('Renamed');
      expect(await store.removePersonalTopic(bob.id, 'p_0a1b')).toBe(false);
      expect(await store.removePersonalTopic(ada.id, 'p_0a1b')).toBe(true);
      expect(await store.listAllTopics()).toHaveLength(1);
      expect((await store.getSubscriber(ada.id))?.topics).toEqual(['nas']);
    });

    it('go with their owner, and so does the feed, when the subscriber is deleted', async () => {
      const store = await engine.open();
      const ada = subscriber();
      await store.saveSubscribers([{ subscriber: ada, events: [] }]);
      await store.savePersonalTopic({ slug: 'p_1', name: 'Mine', query: 'graphs', owner: ada.id }, T0);
      await store.setPersonalFeed(ada.id, 'hash-1', 'nonce-1', T0);
      expect(await store.deleteSubscriber(ada.id, event(ada, 'admin', T0, { detail: 'removed' }))).toBe(true);
      expect(await store.listAllTopics()).toEqual([]);
      expect(await store.personalFeedOwner('hash-1')).toBeUndefined();
      expect(await store.countPersonalTopics()).toEqual({ topics: 0, owners: 0 });
    });

    it('move with an export to another store, after their owners', async () => {
      const store = await engine.open();
      const ada = subscriber();
      await store.saveSubscribers([{ subscriber: ada, events: [] }]);
      await store.savePersonalTopic({ slug: 'p_2', name: 'Mine', query: 'graphs', owner: ada.id }, T0);
      await store.setPersonalFeed(ada.id, 'hash-2', 'nonce-2', T0);
      const pages = [];
      for (const table of TRANSFER_TABLES) pages.push({ table, rows: await store.exportRows(table, 0, 1000) });
      const copy = await engine.open();
      expect(await copy.importRows(pagesOf(pages))).toMatchObject({ topics: 1, personal_feeds: 1 });
      expect(await copy.listPersonalTopics(ada.id)).toEqual(await store.listPersonalTopics(ada.id));
      expect(await copy.personalFeedOwner('hash-2')).toBe(ada.id);
    });

    it('match library entries by title among the stored papers', async () => {
      const store = await engine.open();
      await store.upsertPapers(
        [paperInput({ title: 'ProxylessNAS: Direct Neural Architecture Search' }), paperInput({ title: 'Other' })],
        T0,
      );
      const found = await store.papersTitled(['proxylessnas: direct neural architecture search', 'missing']);
      expect(found.map((p) => p.title)).toEqual(['ProxylessNAS: Direct Neural Architecture Search']);
      expect(await store.papersTitled([])).toEqual([]);
    });
  });

  describe('personal feeds', () => {
    it('keep one secret hash per subscriber: replacing it makes the old one unknown at once', async () => {
      const store = await engine.open();
      const ada = subscriber();
      await store.saveSubscribers([{ subscriber: ada, events: [] }]);
      expect(await store.personalFeedNonce(ada.id)).toBeUndefined();
      await store.setPersonalFeed(ada.id, 'old-hash', 'n1', T0);
      expect(await store.personalFeedOwner('old-hash')).toBe(ada.id);
      await store.setPersonalFeed(ada.id, 'new-hash', 'n2', at(1));
      expect(await store.personalFeedOwner('old-hash')).toBeUndefined();
      expect(await store.personalFeedOwner('new-hash')).toBe(ada.id);
      expect(await store.personalFeedNonce(ada.id)).toBe('n2');
    });

    it("read the digests sent to the subscriber, newest first, and no one else's or unsent ones", async () => {
      const store = await engine.open();
      const [ada, bob] = [subscriber(), subscriber()];
      await store.saveSubscribers([ada, bob].map((s) => ({ subscriber: s, events: [] })));
      const monday = digest({ key: '2026-11-23', paperIds: ['arxiv:1', 'arxiv:2'] });
      const tuesday = digest({ key: '2026-11-24', paperIds: ['arxiv:3'] });
      const wednesday = digest({ key: '2026-11-25', paperIds: ['arxiv:4'] });
      for (const d of [monday, tuesday, wednesday]) await store.insertDigest(d);
      const row = (d: typeof monday, s: typeof ada) => ({
        id: `dlv_${d.id}_${s.id}`,
        digestId: d.id,
        subscriberId: s.id,
        email: s.email,
        messageId: `${d.id}${s.id}@x`,
      });
      await addDeliveries(engine, store, [row(monday, ada), row(tuesday, ada), row(wednesday, ada), row(tuesday, bob)]);
      const sent = (d: typeof monday, s: typeof ada, when: string) =>
        engine.exec(store, `UPDATE deliveries SET status = 'sent', sent_at = '${when}' WHERE id = '${row(d, s).id}'`);
      await sent(monday, ada, '2026-11-23T08:00:05.000Z');
      await sent(tuesday, ada, '2026-11-24T08:00:05.000Z');
      await sent(tuesday, bob, '2026-11-24T08:00:06.000Z');
      // Wednesday's is still pending for Ada: not in her feed.
      const got = await store.sentDigestsOf(ada.id, 10);
      expect(got.map((g) => [g.digest.id, g.sentAt])).toEqual([
        [tuesday.id, '2026-11-24T08:00:05.000Z'],
        [monday.id, '2026-11-23T08:00:05.000Z'],
      ]);
      expect(got[1]?.digest.paperIds).toEqual(['arxiv:1', 'arxiv:2']);
      expect(await store.sentDigestsOf(ada.id, 1)).toHaveLength(1);
    });
  });
}
