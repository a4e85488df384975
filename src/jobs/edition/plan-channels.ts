import type { Config } from '../../config.js';
import { currentDuePeriod, isDue, stillWorthSending } from '../../domain/schedule.js';
import { newId } from '../../domain/tokens.js';
import { topicSlugsOf } from '../../domain/topic.js';
import type { Logger } from '../../log.js';
import type { ChannelStore, TopicStore } from '../../store/ports.js';
import type { FreezeSession } from './freeze.js';

export interface ChannelPlanDeps {
  store: Pick<ChannelStore, 'listChannels' | 'hasChannelDelivery' | 'createChannelDelivery'> &
    Pick<TopicStore, 'listTopics'>;
  freezer: FreezeSession;
  logger: Logger;
  schedule: Pick<Config['schedule'], 'weeklySendDay' | 'maxLateHours'>;
  messageDomain: string;
}

export interface ChannelPlanReport {
  /** Channels whose send time has come and that had no edition of the period yet. */
  due: number;
  created: number;
  /** Due channels whose edition has no papers: planned again next time, like a subscriber's. */
  empty: number;
  tooLate: number;
}

/**
 * Plans the channels whose send time has come: each gets the edition of its topic set for its own
 * period (the same frozen digest as subscribers of those topics in that period), one delivery per
 * (edition, channel). Channels are few: they are walked one by one, every run, which costs one
 * indexed read each. A channel added after today's send time waits for the next period, as a new
 * subscriber does; only public topics are ever sent. A dry run counts the due channels, and writes nothing.
 */
export async function planChannels(
  deps: ChannelPlanDeps,
  at: Date,
  options: { dryRun?: boolean } = {},
): Promise<ChannelPlanReport> {
  const report: ChannelPlanReport = { due: 0, created: 0, empty: 0, tooLate: 0 };
  const { store, schedule } = deps;
  let publicSlugs: Set<string> | undefined;
  for (const channel of await store.listChannels()) {
    const due = currentDuePeriod(channel.frequency, channel.timezone, channel.sendHour, at, schedule.weeklySendDay);
    if (!isDue(due, at, channel.createdAt)) continue;
    if (await store.hasChannelDelivery(channel.id, due.period)) continue;
    report.due++;
    if (!stillWorthSending(due, at, schedule.maxLateHours)) {
      report.tooLate++;
      continue;
    }
    if (options.dryRun) continue;
    publicSlugs ??= new Set((await store.listTopics()).map((t) => t.slug));
    const slugs = topicSlugsOf(channel.topicSet).filter((s) => publicSlugs!.has(s));
    if (slugs.length === 0) {
      deps.logger.warn('channel has no public topic left: nothing planned', { channel: channel.name });
      continue;
    }
    const frozen = await deps.freezer.freeze({ slugs, kind: due.period.kind, at, period: due.period });
    if (frozen.status === 'empty') {
      report.empty++;
      continue;
    }
    const created = await store.createChannelDelivery({
      id: newId('dlv'),
      digestId: frozen.digest.id,
      channelId: channel.id,
      channelName: channel.name,
      messageDomain: deps.messageDomain,
      at: at.toISOString(),
    });
    if (created) report.created++;
  }
  return report;
}
