// The ratings part of the store contract (see store-contract.ts): one rating per reader, topic and
// paper; many readers' ratings at once; export and import; and erasure, which keeps only the
// suppression that stops the address being mailed again.
import { describe, expect, it } from 'vitest';
import type { Rating } from '../../src/domain/rating.js';
import { TRANSFER_TABLES, type Store, type TransferRow, type TransferTable } from '../../src/store/ports.js';
import { paperInput } from '../helpers/factories.js';
import { T0, addDeliveries, at, digest, event, pagesOf, subscriber } from './fixtures.js';
import type { Engine } from './store-contract.js';

const [P1, P2, P3] = ['arxiv:2402.00001', 'arxiv:2402.00002', 'arxiv:2402.00003'];

async function withPapers(store: Store): Promise<void> {
  await store.upsertPapers(
    [
      paperInput({ arxivId: '2402.00001', title: 'Once-for-all networks' }),
      paperInput({ arxivId: '2402.00002', title: 'Proxyless search' }),
      paperInput({ arxivId: '2402.00003', title: 'Graph kernels' }),
    ],
    at(0),
  );
}

const rating = (subscriberId: string, paperId: string, value: 1 | -1, minutes: number, topicSlug = 'nas'): Rating => ({
  subscriberId,
  topicSlug,
  paperId,
  value,
  ratedAt: at(minutes),
});

export function ratingsContract(engine: Engine): void {
  describe('ratings', () => {
    it('keeps one rating per reader, topic and paper: a new one replaces it; remove and reset take them away', async () => {
      const store = await engine.open();
      await withPapers(store);
      const ada = subscriber({ topics: ['nas', 'graphs'] });
      await store.saveSubscribers([{ subscriber: ada, events: [] }]);
      expect(await store.rate(rating(ada.id, P1, 1, 1))).toBe(true);
      expect(await store.rate(rating(ada.id, P2, -1, 2))).toBe(true);
      expect(await store.rate(rating(ada.id, P3, 1, 3, 'graphs'))).toBe(true);
      // Changing one's mind: "not for me" after "more like this" replaces it.
      expect(await store.rate(rating(ada.id, P1, -1, 4))).toBe(true);
      expect(await store.listRatings(ada.id)).toEqual([
        rating(ada.id, P3, 1, 3, 'graphs'),
        rating(ada.id, P1, -1, 4),
        rating(ada.id, P2, -1, 2),
      ]);
      expect(await store.removeRating(ada.id, 'nas', P2)).toBe(true);
      expect(await store.removeRating(ada.id, 'nas', P2)).toBe(false);
      expect(await store.resetRatings(ada.id, 'graphs')).toBe(1);
      expect(await store.listRatings(ada.id)).toEqual([rating(ada.id, P1, -1, 4)]);
    });

    it('writes nothing for a reader or a paper that is not stored, and refuses a value other than 1 or -1', async () => {
      const store = await engine.open();
      await withPapers(store);
      const ada = subscriber();
      await store.saveSubscribers([{ subscriber: ada, events: [] }]);
      expect(await store.rate(rating('sub_gone', P1, 1, 1))).toBe(false);
      expect(await store.rate(rating(ada.id, 'arxiv:9999.99999', 1, 1))).toBe(false);
      await expect(store.rate({ ...rating(ada.id, P1, 1, 1), value: 2 as never })).rejects.toThrow();
      expect(await store.listRatings(ada.id)).toEqual([]);
      expect(await store.ratedSubscribers()).toEqual(new Set());
    });

    it("reads many readers' ratings at once, and who has any; a deleted reader's ratings go with them", async () => {
      const store = await engine.open();
      await withPapers(store);
      const readers = Array.from({ length: 3 }, () => subscriber());
      await store.saveSubscribers(readers.map((s) => ({ subscriber: s, events: [] })));
      const [a, b, c] = readers.map((s) => s.id) as [string, string, string];
      await store.rate(rating(a, P1, 1, 1));
      await store.rate(rating(a, P2, -1, 2));
      await store.rate(rating(b, P3, 1, 3));
      // Many ids (most with no ratings, one twice) in one call, more than one statement's worth.
      const ids = [c, b, ...Array.from({ length: 12_000 }, (_, i) => `sub_none_${i}`), a, b];
      const byReader = await store.ratingsOf(ids);
      expect([...byReader.keys()].sort()).toEqual([a, b].sort());
      expect(byReader.get(a)).toEqual([rating(a, P2, -1, 2), rating(a, P1, 1, 1)]);
      expect(byReader.get(b)).toEqual([rating(b, P3, 1, 3)]);
      expect(await store.ratedSubscribers()).toEqual(new Set([a, b]));
      expect(await store.ratingsOf([])).toEqual(new Map());

      await store.deleteSubscriber(a, event(readers[0]!, 'admin', at(5)));
      expect(await store.listRatings(a)).toEqual([]);
      expect(await store.ratedSubscribers()).toEqual(new Set([b]));
    });

    it('are exported and imported with the rest of the store', async () => {
      const store = await engine.open();
      await withPapers(store);
      const ada = subscriber();
      await store.saveSubscribers([{ subscriber: ada, events: [] }]);
      await store.rate(rating(ada.id, P1, 1, 1));
      const pages: { table: TransferTable; rows: TransferRow[] }[] = [];
      for (const table of TRANSFER_TABLES) pages.push({ table, rows: await store.exportRows(table, 0, 1000) });
      const copy = await engine.open();
      expect((await copy.importRows(pagesOf(pages))).ratings).toBe(1);
      expect(await copy.listRatings(ada.id)).toEqual([rating(ada.id, P1, 1, 1)]);
    });
  });

  describe('erasure', () => {
    it("deletes the reader, their topics, ratings, consent history, deliveries and bounces; keeps only the address's suppression", async () => {
      const store = await engine.open();
      await withPapers(store);
      const d = digest();
      await store.insertDigest(d);
      const ada = subscriber({ topics: ['nas'] });
      const bob = subscriber({ topics: ['nas'] });
      await store.saveSubscribers([
        { subscriber: ada, events: [event(ada, 'subscribe'), event(ada, 'confirm', at(1))] },
        { subscriber: bob, events: [event(bob, 'subscribe')] },
      ]);
      await store.rate(rating(ada.id, P1, 1, 2));
      await store.rate(rating(bob.id, P1, -1, 2));
      // An edition made for Ada alone (its key holds her id), with its papers indexed.
      const own = digest({ editionKey: `nas@2026-11-24+reader:${ada.id}`, paperIds: [P1] });
      await store.insertDigest(own);
      // And an edition of her personal topic (its key holds the topic's slug, not her id).
      await store.savePersonalTopic(
        { slug: 'p_0a1b2c', name: 'My reading', query: 'like:arxiv:2411.00001', owner: ada.id },
        at(1),
      );
      const personal = digest({ editionKey: 'nas,p_0a1b2c@2026-11-24', paperIds: [P1] });
      await store.insertDigest(personal);
      await addDeliveries(engine, store, [
        { id: 'dlv_ada_own', digestId: own.id, subscriberId: ada.id, email: ada.email, messageId: 'o@x' },
        { id: 'dlv_ada', digestId: d.id, subscriberId: ada.id, email: ada.email, messageId: 'a@x' },
        { id: 'dlv_bob', digestId: d.id, subscriberId: bob.id, email: bob.email, messageId: 'b@x' },
      ]);
      await store.recordBounce({ email: ada.email, kind: 'soft', deliveryId: 'dlv_ada', response: '451', at: at(3) });

      expect(await store.eraseSubscriber(ada.id, at(10))).toBe(true);
      expect(await store.getSubscriber(ada.id)).toBeUndefined();
      expect(await store.listRatings(ada.id)).toEqual([]);
      expect(await store.listConsentEvents(ada.id)).toEqual([]);
      expect(await store.getDelivery('dlv_ada')).toBeUndefined();
      expect(await store.getDigest(own.id)).toBeUndefined();
      expect(await store.getDigest(personal.id)).toBeUndefined();
      expect(await store.getTopic('p_0a1b2c', 'any')).toBeUndefined();
      expect(await store.getDigest(d.id)).toBeDefined();
      expect(await store.softBounceStreak(ada.email)).toBe(0);
      expect(await store.isSuppressed(ada.email)).toBe(true);
      expect(await store.listSuppressions()).toEqual([
        { email: ada.email, reason: 'erased', detail: 'the reader deleted their data', createdAt: at(10) },
      ]);
      // The other reader is untouched.
      expect(await store.listRatings(bob.id)).toHaveLength(1);
      expect(await store.listConsentEvents(bob.id)).toHaveLength(1);
      expect(await store.getDelivery('dlv_bob')).toBeDefined();
      // Nothing else of Ada is left in any table an export copies, but the suppression.
      for (const table of TRANSFER_TABLES) {
        const rows = JSON.stringify(await store.exportRows(table, 0, 1000));
        if (table !== 'suppressions') expect(rows, table).not.toContain(ada.email);
        expect(rows, table).not.toContain(ada.id);
      }
      expect(await store.eraseSubscriber(ada.id, at(11))).toBe(false);
    });

    it('leaves the consent log append-only for everyone else', async () => {
      const store = await engine.open();
      const bob = subscriber();
      await store.saveSubscribers([{ subscriber: bob, events: [event(bob, 'subscribe', T0)] }]);
      await expect(engine.exec(store, `DELETE FROM consent_log WHERE subscriber_id = '${bob.id}'`)).rejects.toThrow(
        /append-only/,
      );
      await store.deleteSubscriber(bob.id, event(bob, 'admin', at(1)));
      // Removed by the operator, not erased: the history stays.
      await expect(engine.exec(store, `DELETE FROM consent_log WHERE subscriber_id = '${bob.id}'`)).rejects.toThrow(
        /append-only/,
      );
      await expect(engine.exec(store, "UPDATE consent_log SET source = 'x'")).rejects.toThrow(/append-only/);
      expect(await store.listConsentEvents(bob.id)).toHaveLength(2);
    });
  });
}
