import { newId } from '../../domain/tokens.js';
import type { Logger } from '../../log.js';
import { domainOf } from '../../mail/message.js';
import type { Config } from '../../config.js';
import type {
  ChangeCounters,
  ChannelStore,
  LeaseStore,
  PaperStore,
  PlanningStore,
  RatingStore,
  RunStore,
  ScheduleStore,
  TopicStore,
} from '../../store/ports.js';
import { planChannels } from './plan-channels.js';
import { trackRun } from '../operate/runs.js';
import { dueGroups, dueSlots } from './due-groups.js';
import type { FreezeSession, SessionOptions } from './freeze.js';
import { planGroupEditions } from './group-editions.js';
import { updatableAudiences } from './plan-updates.js';
import { readerRatings } from './reader-editions.js';

export interface PlanDeps {
  store: Pick<ScheduleStore, 'confirmedSlots'> &
    Pick<PlanningStore, 'eachUnplannedSubscriber' | 'createDeliveriesFor' | 'receivedAnyOf' | 'updatableAudience'> &
    Pick<RatingStore, 'ratedSubscribers' | 'ratingsOf'> &
    Pick<PaperStore, 'getPapers'> &
    LeaseStore &
    Pick<ChangeCounters, 'planVersion'> &
    Pick<RunStore, 'recordRun'> &
    Pick<ChannelStore, 'listChannels' | 'hasChannelDelivery' | 'createChannelDelivery'> &
    Pick<TopicStore, 'listTopics'>;
  /** Freezes the editions: one session per planning run, so its digests share candidate papers and rankings. */
  editions: { session(options?: SessionOptions): FreezeSession };
  logger: Logger;
  config: Pick<Config, 'mailFrom' | 'schedule'> & { digest?: Pick<Config['digest'], 'showRevisedPapers'> };
  clock: () => Date;
  /** Who plans, for the lease: one planner at a time per store. */
  holder: string;
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
  /** Channels whose send time has come, and the deliveries created for them (also counted in deliveriesCreated). */
  channelsDue: number;
  channelDeliveries: number;
  /** Set when another process held the planning lease: nothing was planned by this one. */
  busy?: string;
}

/** Delivery rows written per transaction while planning. */
const FLUSH_ROWS = 20_000;

/**
 * Editions of one reader held at most (each 30 kB or so in memory): more are written on their own,
 * ahead of their deliveries. 2,000 added 110 MB to the peak of planning 100,000 subscribers.
 */
const FLUSH_EDITIONS = 500;

/** How long a planning lease lasts if its holder dies without releasing it. */
const LEASE_MS = 5 * 60_000;

/**
 * Plans what is due at a time: groups the confirmed subscribers whose send time has come by topic
 * set and period (due-groups.ts), freezes one digest per group and the variants some of them need
 * (group-editions.ts), and creates one delivery per subscriber. The audience is frozen here.
 * Unique (topic set, period) and (digest, subscriber) keys make a second run, a double fire or a
 * second process harmless.
 *
 * At scale the work is per schedule slot (frequency, zone, hour) and per group, never per
 * subscriber: due periods are worked out once per slot, unplanned subscribers are streamed as ids
 * (never addresses: the store copies those into the deliveries), and each digest is rendered once.
 */
export function createPlanner({ store, editions, logger, config, clock, holder }: PlanDeps) {
  // After a complete run: the due slots it saw and the store's plan version before it began. While
  // both stay the same, nothing new can be due (the scheduler's idle minutes skip the queries).
  let clean: { slots: string; version: string } | undefined;

  return {
    async plan(at: Date, options: { dryRun?: boolean } = {}): Promise<PlanReport> {
      const empty: PlanReport = {
        due: 0,
        groups: 0,
        digestsCreated: 0,
        emptyGroups: 0,
        deliveriesCreated: 0,
        tooLate: 0,
        channelsDue: 0,
        channelDeliveries: 0,
      };
      if (!options.dryRun) {
        // The lease runs on the process clock, not on a replayed --at.
        const now = clock();
        const until = new Date(now.getTime() + LEASE_MS).toISOString();
        if (!(await store.acquireLease('planner', holder, now.toISOString(), until))) {
          logger.debug('plan skipped: another process is planning');
          return { ...empty, busy: 'another process is planning' };
        }
      }
      try {
        if (options.dryRun) return await planLocked(at, options);
        return await trackRun(
          { store, logger, clock },
          'plan',
          () => planLocked(at, options),
          (r) => ({
            counts: { planned: r.deliveriesCreated },
            detail: {
              at: at.toISOString(),
              due: r.due,
              groups: r.groups,
              digests_created: r.digestsCreated,
              empty_groups: r.emptyGroups,
              too_late: r.tooLate,
              channel_deliveries: r.channelDeliveries,
            },
            didSomething: r.deliveriesCreated > 0 || r.digestsCreated > 0 || r.tooLate > 0,
          }),
        );
      } finally {
        if (!options.dryRun) await store.releaseLease('planner', holder);
      }
    },
  };

  async function planLocked(at: Date, options: { dryRun?: boolean }): Promise<PlanReport> {
    const version = await store.planVersion();
    const slots = await dueSlots(store, config.schedule, at);
    const slotsKey = JSON.stringify(slots);
    if (!options.dryRun && clean && clean.slots === slotsKey && clean.version === version) {
      return withChannels(
        { due: 0, groups: 0, digestsCreated: 0, emptyGroups: 0, deliveriesCreated: 0, tooLate: 0 },
        at,
      );
    }
    const { groups, tooLate } = await dueGroups(store, slots);
    const report: PlanReport = {
      due: groups.reduce((n, g) => n + g.subscriberIds.length, 0),
      groups: groups.length,
      digestsCreated: 0,
      emptyGroups: 0,
      deliveriesCreated: 0,
      tooLate,
      channelsDue: 0,
      channelDeliveries: 0,
    };
    if (options.dryRun) return withChannels(report, at, undefined, true);
    const domain = domainOf(config.mailFrom);
    // The run's editions of one reader are held by its freeze session, and written with the
    // deliveries.
    const freezer = editions.session({ holdOwnEditions: true });
    // Deliveries of many groups go in together: one big transaction writes each index page once,
    // where one small transaction per group would rewrite the same pages a thousand times. The
    // editions held go in the same transaction, first: a delivery is never stored without its
    // digest, and a run that stops before a flush leaves neither (the next run plans them again).
    // Many held editions are written ahead, on their own: a run that stops then leaves editions
    // with no delivery yet, which the next run finds and delivers, as it does a shared edition.
    const stamp = at.toISOString();
    let pending: { id: string; digestId: string; subscriberId: string }[] = [];
    const flush = async () => {
      const digests = freezer.takeHeld();
      if (pending.length === 0 && digests.length === 0) return;
      const rows = pending;
      pending = [];
      report.deliveriesCreated += await store.createDeliveriesFor(rows, domain, stamp, digests);
    };
    const deliver = async (subscriberIds: readonly string[], digestId: string) => {
      for (const subscriberId of subscriberIds) pending.push({ id: newId('dlv'), digestId, subscriberId });
      if (pending.length >= FLUSH_ROWS) await flush();
      else if (freezer.held >= FLUSH_EDITIONS) await store.createDeliveriesFor([], domain, stamp, freezer.takeHeld());
    };
    const groupDeps = {
      freezer,
      store,
      showRevised: config.digest?.showRevisedPapers ?? false,
      audiences: updatableAudiences(store),
      readers: readerRatings(store),
      deliver,
    };
    for (const group of groups) {
      const outcome = await planGroupEditions(groupDeps, group, at);
      report.digestsCreated += outcome.digestsCreated;
      if (outcome.empty) report.emptyGroups++;
    }
    await flush();
    clean = { slots: slotsKey, version };
    // Channels get a session of their own, which stores what it freezes: their deliveries are
    // written at once (plan-channels.ts).
    return withChannels(report, at);
  }

  /** The subscribers' report with the channels planned too: channels are not in the plan version, so every run looks at them. */
  async function withChannels(
    report: Omit<PlanReport, 'channelsDue' | 'channelDeliveries'>,
    at: Date,
    freezer: FreezeSession = editions.session(),
    dryRun = false,
  ): Promise<PlanReport> {
    const channels = await planChannels(
      { store, freezer, logger, schedule: config.schedule, messageDomain: domainOf(config.mailFrom) },
      at,
      { dryRun },
    );
    return {
      ...report,
      deliveriesCreated: report.deliveriesCreated + channels.created,
      emptyGroups: report.emptyGroups + channels.empty,
      tooLate: report.tooLate + channels.tooLate,
      channelsDue: channels.due,
      channelDeliveries: channels.created,
    };
  }
}

export type Planner = ReturnType<typeof createPlanner>;
