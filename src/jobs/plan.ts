import { newId } from '../domain/tokens.js';
import { currentDuePeriod } from '../domain/schedule.js';
import { topicSetKey } from '../domain/topic.js';
import type { Period } from '../domain/period.js';
import type { Subscriber } from '../domain/subscriber.js';
import type { Logger } from '../log.js';
import { domainOf } from '../mail/message.js';
import type { DeliveryStore, DigestStore, SubscriberStore, TopicStore } from '../store/ports.js';
import type { DigestJobs } from './digests.js';

export interface PlanDeps {
  store: SubscriberStore & DeliveryStore & TopicStore & DigestStore;
  digests: DigestJobs;
  logger: Logger;
  config: { mailFrom: string };
}

export interface PlanGroup {
  topicSet: string;
  period: Period;
  subscribers: Subscriber[];
}

export interface PlanReport {
  /** Confirmed subscribers whose send time has come and who have no digest for the period yet. */
  due: number;
  groups: number;
  digestsCreated: number;
  /** Groups with no new papers: nothing is sent, and they are planned again next time. */
  emptyGroups: number;
  deliveriesCreated: number;
}

/**
 * Plans what is due at a time: groups the confirmed subscribers whose send time has come by topic
 * set and period, freezes one digest per group, and creates one delivery per subscriber. The
 * audience is frozen here. Unique (topic set, period) and (digest, subscriber) keys make a second
 * run, a double fire or a second process harmless.
 */
export function createPlanner({ store, digests, logger, config }: PlanDeps) {
  async function dueGroups(at: Date): Promise<PlanGroup[]> {
    const known = new Set((await store.listTopics()).map((t) => t.slug));
    const confirmed = await store.listSubscribers({ status: 'confirmed' });
    const due = confirmed
      .map((s) => ({ s, due: currentDuePeriod(s.frequency, s.timezone, s.sendHour, at) }))
      .filter(({ s, due }) => due.sendAt <= at && s.topics.some((t) => known.has(t)));
    const planned = await store.plannedPeriods(due.map((d) => d.s.id));
    const groups = new Map<string, PlanGroup>();
    for (const { s, due: d } of due) {
      if (planned.has(`${s.id}|${d.period.kind}|${d.period.key}`)) continue;
      const topicSet = topicSetKey(s.topics.filter((t) => known.has(t)));
      const key = `${topicSet}|${d.period.kind}|${d.period.key}`;
      const group = groups.get(key) ?? { topicSet, period: d.period, subscribers: [] };
      group.subscribers.push(s);
      groups.set(key, group);
    }
    return [...groups.values()];
  }

  return {
    dueGroups,

    async plan(at: Date, options: { dryRun?: boolean } = {}): Promise<PlanReport> {
      const groups = await dueGroups(at);
      const report: PlanReport = {
        due: groups.reduce((n, g) => n + g.subscribers.length, 0),
        groups: groups.length,
        digestsCreated: 0,
        emptyGroups: 0,
        deliveriesCreated: 0,
      };
      if (options.dryRun) return report;
      const domain = domainOf(config.mailFrom);
      for (const group of groups) {
        const result = await digests.freeze(group.topicSet.split(','), group.period.kind, at, group.period);
        if (result.status === 'empty') {
          report.emptyGroups++;
          continue;
        }
        if (result.status === 'created') report.digestsCreated++;
        report.deliveriesCreated += await store.createDeliveries(
          group.subscribers.map((s) => {
            const id = newId('dlv');
            return { id, digestId: result.digest.id, subscriberId: s.id, email: s.email, messageId: `${id}@${domain}` };
          }),
          at.toISOString(),
        );
      }
      logger.info('plan done', { at: at.toISOString(), ...report });
      return report;
    },
  };
}

export type Planner = ReturnType<typeof createPlanner>;
