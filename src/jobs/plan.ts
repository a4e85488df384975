import { newId } from '../domain/tokens.js';
import { currentDuePeriod, isDue, stillWorthSending } from '../domain/schedule.js';
import { topicSetKey } from '../domain/topic.js';
import type { Period } from '../domain/period.js';
import type { Subscriber } from '../domain/subscriber.js';
import type { Logger } from '../log.js';
import { domainOf } from '../mail/message.js';
import type { Config } from '../config.js';
import type { DeliveryStore, DigestStore, MetaStore, SubscriberStore, TopicStore } from '../store/ports.js';
import type { DigestJobs } from './digests.js';

export interface PlanDeps {
  store: SubscriberStore & DeliveryStore & TopicStore & DigestStore & MetaStore;
  digests: DigestJobs;
  logger: Logger;
  config: Pick<Config, 'mailFrom' | 'schedule'>;
  clock: () => Date;
  /** Who plans, for the lease: one planner at a time per store. */
  holder: string;
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
  /** Periods whose send time lies further back than MAX_LATE_HOURS: not sent, papers roll over. */
  tooLate: number;
  /** Set when another process held the planning lease: nothing was planned by this one. */
  busy?: string;
}

/** How long a planning lease lasts if its holder dies without releasing it. */
const LEASE_MS = 5 * 60_000;

/**
 * Plans what is due at a time: groups the confirmed subscribers whose send time has come by topic
 * set and period, freezes one digest per group, and creates one delivery per subscriber. The
 * audience is frozen here. Unique (topic set, period) and (digest, subscriber) keys make a second
 * run, a double fire or a second process harmless.
 */
export function createPlanner({ store, digests, logger, config, clock, holder }: PlanDeps) {
  const { weeklySendDay, maxLateHours } = config.schedule;

  async function dueGroups(at: Date): Promise<{ groups: PlanGroup[]; tooLate: number }> {
    const known = new Set((await store.listTopics()).map((t) => t.slug));
    const confirmed = await store.listSubscribers({ status: 'confirmed' });
    const due = confirmed
      .map((s) => ({ s, due: currentDuePeriod(s.frequency, s.timezone, s.sendHour, at, weeklySendDay) }))
      .filter(({ s, due }) => isDue(due, at, s.confirmedAt) && s.topics.some((t) => known.has(t)));
    const planned = await store.plannedPeriods(due.map((d) => d.s.id));
    const groups = new Map<string, PlanGroup>();
    let tooLate = 0;
    for (const { s, due: d } of due) {
      if (planned.has(`${s.id}|${d.period.kind}|${d.period.key}`)) continue;
      if (!stillWorthSending(d, at, maxLateHours)) {
        tooLate++;
        continue;
      }
      const topicSet = topicSetKey(s.topics.filter((t) => known.has(t)));
      const key = `${topicSet}|${d.period.kind}|${d.period.key}`;
      const group = groups.get(key) ?? { topicSet, period: d.period, subscribers: [] };
      group.subscribers.push(s);
      groups.set(key, group);
    }
    return { groups: [...groups.values()], tooLate };
  }

  return {
    dueGroups,

    async plan(at: Date, options: { dryRun?: boolean } = {}): Promise<PlanReport> {
      const empty: PlanReport = { due: 0, groups: 0, digestsCreated: 0, emptyGroups: 0, deliveriesCreated: 0, tooLate: 0 };
      if (!options.dryRun) {
        // The lease runs on the process clock, not on a replayed --at.
        const now = clock();
        const until = new Date(now.getTime() + LEASE_MS).toISOString();
        if (!(await store.acquireLease('planner', holder, now.toISOString(), until))) {
          return { ...empty, busy: 'another process is planning' };
        }
      }
      try {
        return await planLocked(at, options);
      } finally {
        if (!options.dryRun) await store.releaseLease('planner', holder);
      }
    },
  };

  async function planLocked(at: Date, options: { dryRun?: boolean }): Promise<PlanReport> {
    const { groups, tooLate } = await dueGroups(at);
    const report: PlanReport = {
      due: groups.reduce((n, g) => n + g.subscribers.length, 0),
      groups: groups.length,
      digestsCreated: 0,
      emptyGroups: 0,
      deliveriesCreated: 0,
      tooLate,
    };
    if (options.dryRun) return report;
    const domain = domainOf(config.mailFrom);
    const deliver = async (subscribers: readonly Subscriber[], digestId: string) => {
      report.deliveriesCreated += await store.createDeliveries(
        subscribers.map((s) => {
          const id = newId('dlv');
          return { id, digestId, subscriberId: s.id, email: s.email, messageId: `${id}@${domain}` };
        }),
        at.toISOString(),
      );
    };
    for (const group of groups) {
      const slugs = group.topicSet.split(',');
      const main = await digests.freeze(slugs, group.period.kind, at, group.period);
      if (main.status === 'empty') {
        report.emptyGroups++;
        continue;
      }
      if (main.status === 'created') report.digestsCreated++;
      // Never the same paper twice, never one missed: a subscriber who already got one of this
      // edition's papers (they changed topics, so another topic set's edition had it), or whose
      // last digest ends before this edition's window (they missed an edition others got, e.g.
      // during an outage), gets a variant holding exactly what is new since their last digest.
      // Subscribers with the same history share it.
      const history = await store.receivedHistory(group.subscribers.map((s) => s.id));
      const plain: Subscriber[] = [];
      const variants = new Map<string, Subscriber[]>();
      for (const s of group.subscribers) {
        const h = history.get(s.id);
        const missed = h !== undefined && h.lastCutoff < main.digest.windowStart;
        if (h && (missed || main.digest.paperIds.some((p) => h.paperIds.has(p)))) {
          variants.set(h.lastCutoff, [...(variants.get(h.lastCutoff) ?? []), s]);
        } else plain.push(s);
      }
      await deliver(plain, main.digest.id);
      for (const [since, subscribers] of variants) {
        const variant = await digests.freeze(slugs, group.period.kind, at, group.period, since);
        if (variant.status === 'empty') continue;
        if (variant.status === 'created') report.digestsCreated++;
        await deliver(subscribers, variant.digest.id);
      }
    }
    logger.info('plan done', { at: at.toISOString(), ...report });
    return report;
  }
}

export type Planner = ReturnType<typeof createPlanner>;
