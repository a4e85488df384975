// The channels part of the store contract (see store-contract.ts): channels, one delivery per
// (edition, channel) through the same queue as email, each channel's last delivery, the entries
// an edition keeps for chat messages, and all of it through export and import.
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../src/domain/channel.js';
import type { Store } from '../../src/store/ports.js';
import { TRANSFER_TABLES } from '../../src/store/ports.js';
import type { Engine } from './store-contract.js';
import { T0, at, digest, pagesOf } from './fixtures.js';

function channel(overrides: Partial<Channel> = {}): Channel {
  return {
    id: 'chn_1',
    name: 'lab-slack',
    topicSet: 'llm-serving,nas',
    url: 'https://hooks.slack.com/services/T1/B2/secret',
    format: 'slack',
    signingSecret: null,
    frequency: 'weekly',
    timezone: 'Europe/Berlin',
    sendHour: 9,
    createdAt: T0,
    ...overrides,
  };
}

const ENTRIES = {
  topicNames: 'Neural architecture search',
  periodLabel: '25 Nov 2026',
  webUrl: 'https://papers.example.org/digests/x',
  more: 3,
  moreUrl: 'https://papers.example.org/digests/x/more',
  papers: [
    {
      id: 'arxiv:1',
      title: 'Ünïcode “title”',
      url: 'https://arxiv.org/abs/1',
      why: 'matches NAS',
      score: 0.5,
      topic: 'NAS',
    },
  ],
};

const queue = (store: Store, id: string, digestId: string, channelId = 'chn_1') =>
  store.createChannelDelivery({ id, digestId, channelId, channelName: 'lab-slack', messageDomain: 'x.org', at: T0 });

export function channelsContract(engine: Engine): void {
  describe('channels', () => {
    it('adds, lists by name, finds and removes channels; a name is taken once', async () => {
      const store = await engine.open();
      expect(await store.addChannel(channel())).toBe(true);
      expect(await store.addChannel(channel({ id: 'chn_2' }))).toBe(false);
      const json = channel({
        id: 'chn_3',
        name: 'a-json',
        format: 'json',
        signingSecret: 'whsec_x',
        frequency: 'daily',
      });
      expect(await store.addChannel(json)).toBe(true);
      expect((await store.listChannels()).map((c) => c.name)).toEqual(['a-json', 'lab-slack']);
      expect(await store.getChannel('lab-slack')).toEqual(channel());
      expect(await store.getChannelById('chn_3')).toEqual(json);
      expect(await store.removeChannel('lab-slack')).toBe(true);
      expect(await store.removeChannel('lab-slack')).toBe(false);
      expect(await store.getChannel('lab-slack')).toBeUndefined();
    });

    it('queues one delivery per (edition, channel), claimed and recorded like any other', async () => {
      const store = await engine.open();
      await store.addChannel(channel());
      const d1 = digest();
      const d2 = digest({ key: '2026-11-26' });
      await store.insertDigest(d1);
      await store.insertDigest(d2);
      expect(await store.hasChannelDelivery('chn_1', d1.period)).toBe(false);
      expect(await queue(store, 'dlv_a', d1.id)).toBe(true);
      expect(await queue(store, 'dlv_b', d1.id)).toBe(false);
      expect(await store.hasChannelDelivery('chn_1', d1.period)).toBe(true);
      expect(await store.hasChannelDelivery('chn_1', d2.period)).toBe(false);
      const [claimed, ...none] = await store.claimDeliveries('w1', at(1), 5);
      expect(none).toEqual([]);
      expect(claimed).toMatchObject({
        id: 'dlv_a',
        kind: 'channel',
        digestId: d1.id,
        subscriberId: 'chn_1',
        email: 'channel:lab-slack',
        status: 'sending',
        attempts: 1,
        messageId: 'dlv_a@x.org',
      });
      expect(
        await store.finishDelivery(
          'dlv_a',
          'w1',
          { status: 'failed', errorKind: 'rejected', lastError: 'HTTP 400' },
          at(2),
        ),
      ).toBe(true);
      // Queued before the failure was recorded: the failure is the channel's latest news.
      expect(await queue(store, 'dlv_c', d2.id)).toBe(true);
      const latest = await store.latestChannelDeliveries();
      expect([...latest.keys()]).toEqual(['chn_1']);
      expect(latest.get('chn_1')).toMatchObject({ id: 'dlv_a', status: 'failed', lastError: 'HTTP 400' });
      // The record outlives the channel.
      await store.removeChannel('lab-slack');
      expect((await store.getDelivery('dlv_a'))?.errorKind).toBe('rejected');
    });

    it('keeps what an edition shows for chat messages, and channels through export and import', async () => {
      const store = await engine.open();
      const d = digest({ entries: ENTRIES });
      await store.insertDigest(d);
      expect((await store.getDigest(d.id))?.entries).toEqual(ENTRIES);
      expect((await store.insertDigest(digest({ key: '2026-11-27' }))).digest.entries).toBeUndefined();
      await store.addChannel(channel({ format: 'json', signingSecret: 'whsec_y' }));
      await queue(store, 'dlv_a', d.id);
      const pages: { table: string; rows: Record<string, unknown>[] }[] = [];
      for (const table of TRANSFER_TABLES) pages.push({ table, rows: await store.exportRows(table, 0, 1000) });
      const target = await engine.open();
      await target.importRows(pagesOf(pages));
      expect(await target.listChannels()).toEqual(await store.listChannels());
      expect((await target.getDelivery('dlv_a'))?.kind).toBe('channel');
      expect((await target.getDigest(d.id))?.entries).toEqual(ENTRIES);
    });
  });
}
