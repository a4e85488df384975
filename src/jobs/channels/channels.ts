// The operator's channel commands, shared by the CLI and the admin API: add (checking the topics
// are public and the URL is a webhook), list (URLs masked, with each one's last delivery), remove,
// and test (posts a message now, outside the delivery queue).
import {
  type Channel,
  channelUrlSecrets,
  maskChannelUrl,
  newSigningSecret,
  parseChannelFormat,
  parseChannelName,
  parseWebhookUrl,
} from '../../domain/channel.js';
import type { Config } from '../../config.js';
import type { Delivery } from '../../domain/delivery.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { maskSecrets } from '../../domain/secrets.js';
import { currentDuePeriod, isDue, nextDuePeriod } from '../../domain/schedule.js';
import { parseFrequency, parseHour, parseTimezone } from '../../domain/subscriber.js';
import { newId } from '../../domain/tokens.js';
import { topicNames, topicSetKey, topicSlugsOf } from '../../domain/topic.js';
import { decideWebhookAnswer } from '../../domain/webhook-answer.js';
import { channelPayload } from '../../render/channels/channel-payload.js';
import type { ChannelStore, DigestStore, TopicStore } from '../../store/ports.js';
import { postWebhook, type WebhookPoster } from '../deliver/webhook-post.js';

export interface ChannelJobsDeps {
  store: ChannelStore & Pick<TopicStore, 'listTopics'> & Pick<DigestStore, 'latestDigest'>;
  clock: () => Date;
  config: Pick<Config, 'publicUrl' | 'delivery' | 'schedule'>;
  /** Told each channel URL the app learns, so that no log line shows it. */
  learnSecrets: (values: string[]) => void;
  post?: WebhookPoster;
}

export interface ChannelInput {
  name: string;
  topics: readonly string[];
  url: string;
  format: string;
  frequency?: string;
  hour?: string | number;
  timezone?: string;
}

/** A channel as the operator sees it: the URL masked, the signing secret never. */
export interface ShownChannel {
  name: string;
  topics: string[];
  format: Channel['format'];
  url: string;
  frequency: Channel['frequency'];
  timezone: string;
  hour: number;
  createdAt: string;
  /** When its next edition is due: now or past when the next planning run will post it. */
  nextAt: string;
  lastDelivery: Pick<Delivery, 'id' | 'status' | 'updatedAt' | 'lastError' | 'errorKind' | 'digestId'> | null;
}

const shown = (c: Channel, last: Delivery | undefined, nextAt: Date): ShownChannel => ({
  name: c.name,
  topics: topicSlugsOf(c.topicSet),
  format: c.format,
  url: maskChannelUrl(c.url),
  frequency: c.frequency,
  timezone: c.timezone,
  hour: c.sendHour,
  createdAt: c.createdAt,
  nextAt: nextAt.toISOString(),
  lastDelivery: last
    ? {
        id: last.id,
        status: last.status,
        updatedAt: last.updatedAt,
        lastError: last.lastError,
        errorKind: last.errorKind,
        digestId: last.digestId,
      }
    : null,
});

export function createChannelJobs(deps: ChannelJobsDeps) {
  const { store, clock } = deps;
  const post = deps.post ?? postWebhook;
  const learn = (channels: readonly Channel[]) => deps.learnSecrets(channels.flatMap((c) => channelUrlSecrets(c.url)));

  /**
   * When a channel's next edition is due, as the planner sees it: the current period unless it has
   * it already, or its send time came before the channel was added; else the next period.
   */
  async function nextAt(c: Channel, at: Date): Promise<Date> {
    const day = deps.config.schedule.weeklySendDay;
    const current = currentDuePeriod(c.frequency, c.timezone, c.sendHour, at, day);
    const done =
      (current.sendAt <= at && !isDue(current, at, c.createdAt)) ||
      (await store.hasChannelDelivery(c.id, current.period));
    return (done ? nextDuePeriod(c.frequency, c.timezone, c.sendHour, current, day) : current).sendAt;
  }

  async function find(name: string): Promise<Channel> {
    const channel = await store.getChannel(name);
    if (!channel) throw new NotFoundError(`no channel "${name}" (see: paperboy channels list)`);
    learn([channel]);
    return channel;
  }

  return {
    /** Adds a channel; the json format's signing secret is returned here, and never shown again. */
    async add(input: ChannelInput): Promise<{ channel: ShownChannel; signingSecret: string | null }> {
      const name = parseChannelName(input.name);
      const format = parseChannelFormat(input.format);
      const url = parseWebhookUrl(input.url);
      const slugs = [...new Set(input.topics.map((s) => s.trim()).filter(Boolean))];
      if (slugs.length === 0)
        throw new InvalidInputError('--topic: name at least one topic (slugs separated by commas)');
      const publicSlugs = new Set((await store.listTopics()).map((t) => t.slug));
      const unknown = slugs.filter((s) => !publicSlugs.has(s));
      if (unknown.length > 0)
        throw new InvalidInputError(
          `--topic: no public topic ${unknown.map((s) => `"${s}"`).join(', ')} (see: paperboy topics list)`,
        );
      const channel: Channel = {
        id: newId('chn'),
        name,
        topicSet: topicSetKey(slugs),
        url,
        format,
        signingSecret: format === 'json' ? newSigningSecret() : null,
        frequency: parseFrequency(input.frequency ?? 'daily'),
        timezone: parseTimezone(input.timezone ?? 'UTC'),
        sendHour: parseHour(input.hour ?? 8),
        createdAt: clock().toISOString(),
      };
      learn([channel]);
      if (!(await store.addChannel(channel)))
        throw new InvalidInputError(`a channel named "${name}" exists: remove it first, or pick another name`);
      return {
        channel: shown(channel, undefined, await nextAt(channel, clock())),
        signingSecret: channel.signingSecret,
      };
    },

    async list(): Promise<ShownChannel[]> {
      const [channels, latest] = await Promise.all([store.listChannels(), store.latestChannelDeliveries()]);
      learn(channels);
      const at = clock();
      return Promise.all(channels.map(async (c) => shown(c, latest.get(c.id), await nextAt(c, at))));
    },

    async remove(name: string): Promise<void> {
      await find(name);
      if (!(await store.removeChannel(name))) throw new NotFoundError(`no channel "${name}"`);
    },

    /**
     * Posts the latest edition of the channel's topics (or, before there is one, a heading alone)
     * to its webhook now, once, outside the queue: no delivery is recorded. Says how it went.
     */
    async test(name: string): Promise<{ ok: boolean; message: string; target: string }> {
      const channel = await find(name);
      const slugs = topicSlugsOf(channel.topicSet);
      const kind = channel.frequency === 'weekly' ? 'week' : 'day';
      const digest = await store.latestDigest(channel.topicSet, kind);
      const at = clock();
      const base = deps.config.publicUrl.replace(/\/+$/, '');
      const names = topicNames(await store.listTopics(), slugs);
      const entries = digest?.entries ?? {
        topicNames: names,
        periodLabel: 'test message: no edition yet',
        webUrl: `${base}/`,
        more: 0,
        moreUrl: `${base}/`,
        papers: [],
      };
      const period = digest?.period ?? { kind, key: 'test', start: at, end: at };
      const payload = channelPayload(channel, {
        deliveryId: `test-${newId('dlv')}`,
        digestId: digest?.id ?? 'test',
        editionKey: digest?.editionKey ?? channel.topicSet,
        period,
        topicSlugs: slugs,
        entries,
        at,
      });
      const answer = await post(channel.url, payload, deps.config.delivery.channelTimeoutMs);
      // One try: a retry decision is not wanted, only what the answer means.
      const decision = decideWebhookAnswer(answer, Number.MAX_SAFE_INTEGER, deps.config.delivery, at, 0);
      const target = maskChannelUrl(channel.url);
      const text = decision.status === 'sent' ? decision.response : decision.message;
      return { ok: decision.status === 'sent', message: maskSecrets(text, channelUrlSecrets(channel.url)), target };
    },
  };
}
