import { newId } from '../../domain/tokens.js';
import { currentDuePeriod, isDue, stillWorthSending, type DuePeriod } from '../../domain/schedule.js';
import { topicSetKey } from '../../domain/topic.js';
import type { Period } from '../../domain/period.js';
import type { Logger } from '../../log.js';
import { domainOf } from '../../mail/message.js';
import type { Config } from '../../config.js';
import type { ChangeCounters, LeaseStore, PlanCandidate, PlanningStore, RunStore, ScheduleSlot, ScheduleStore } from '../../store/ports.js';
import type { DigestJobs } from './digests.js';
import { trackRun } from '../operate/runs.js';
import { splitByUpdates, updatableAudiences } from './plan-updates.js';

export interface PlanDeps {
  store: Pick<ScheduleStore, 'confirmedSlots'> &
    Pick<PlanningStore, 'eachUnplannedSubscriber' | 'createDeliveriesFor' | 'receivedAnyOf' | 'updatableAudience'> &
    LeaseStore &
    Pick<ChangeCounters, 'planVersion'> &
    Pick<RunStore, 'recordRun'>;
  digests: DigestJobs;
  logger: Logger;
  config: Pick<Config, 'mailFrom' | 'schedule'> & { digest?: Pick<Config['digest'], 'showRevisedPapers'> };
  clock: () => Date;
  /** Who plans, for the lease: one planner at a time per store. */
  holder: string;
}

/** Subscribers with the same topic set and the same due period: they share one digest. */
export interface PlanGroup {
  topicSet: string;
  period: Period;
  subscriberIds: string[];
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

/** Delivery rows written per transaction while planning. */
const FLUSH_ROWS = 20_000;

const slotKey = (s: ScheduleSlot) => `${s.frequency}|${s.timezone}|${s.sendHour}`;

/** How long a planning lease lasts if its holder dies without releasing it. */
const LEASE_MS = 5 * 60_000;

/**
 * Plans what is due at a time: groups the confirmed subscribers whose send time has come by topic
 * set and period, freezes one digest per group, and creates one delivery per subscriber. The
 * audience is frozen here. Unique (topic set, period) and (digest, subscriber) keys make a second
 * run, a double fire or a second process harmless.
 *
 * At scale the work is per schedule slot (frequency, zone, hour) and per group, never per
 * subscriber: due periods are worked out once per slot, unplanned subscribers are streamed as ids
 * (never addresses: the store copies those into the deliveries), and each digest is rendered once.
 */
export function createPlanner({ store, digests, logger, config, clock, holder }: PlanDeps) {
  const { weeklySendDay, maxLateHours } = config.schedule;

  /** The slots whose send time has come, by due period; and those too late to send. */
  async function dueSlots(at: Date) {
    const due = new Map<string, { period: Period; slots: ScheduleSlot[] }>();
    const late = new Map<string, { period: Period; slots: ScheduleSlot[] }>();
    const dueBySlot = new Map<string, DuePeriod>();
    for (const slot of await store.confirmedSlots()) {
      const d = currentDuePeriod(slot.frequency, slot.timezone, slot.sendHour, at, weeklySendDay);
      if (d.sendAt > at) continue;
      dueBySlot.set(slotKey(slot), d);
      const into = stillWorthSending(d, at, maxLateHours) ? due : late;
      const key = `${d.period.kind}|${d.period.key}`;
      const entry = into.get(key) ?? { period: d.period, slots: [] };
      entry.slots.push({ frequency: slot.frequency, timezone: slot.timezone, sendHour: slot.sendHour });
      into.set(key, entry);
    }
    // A subscriber who confirmed after their slot's send time waits for the next period.
    const isTheirs = (c: PlanCandidate) => isDue(dueBySlot.get(slotKey(c))!, at, c.confirmedAt);
    return { due: [...due.values()], late: [...late.values()], isTheirs };
  }

  // After a complete run: the due slots it saw and the store's plan version before it began. While
  // both stay the same, nothing new can be due (the scheduler's idle minutes skip the queries).
  let clean: { slots: string; version: string } | undefined;

  async function dueGroups(at: Date, slots: Awaited<ReturnType<typeof dueSlots>>): Promise<{ groups: PlanGroup[]; tooLate: number }> {
    const groups: PlanGroup[] = [];
    for (const { period, slots: inPeriod } of slots.due) {
      const byTopics = new Map<string, string[]>();
      await store.eachUnplannedSubscriber({ slots: inPeriod, period }, (c) => {
        if (!slots.isTheirs(c)) return;
        const topicSet = topicSetKey(c.topics);
        const ids = byTopics.get(topicSet);
        if (ids) ids.push(c.id);
        else byTopics.set(topicSet, [c.id]);
      });
      for (const [topicSet, subscriberIds] of byTopics) groups.push({ topicSet, period, subscriberIds });
    }
    let tooLate = 0;
    for (const { period, slots: inPeriod } of slots.late) {
      await store.eachUnplannedSubscriber({ slots: inPeriod, period }, (c) => {
        if (slots.isTheirs(c)) tooLate++;
      });
    }
    return { groups, tooLate };
  }

  return {
    async plan(at: Date, options: { dryRun?: boolean } = {}): Promise<PlanReport> {
      const empty: PlanReport = { due: 0, groups: 0, digestsCreated: 0, emptyGroups: 0, deliveriesCreated: 0, tooLate: 0 };
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
        return await trackRun({ store, logger, clock }, 'plan', () => planLocked(at, options), (r) => ({
          counts: { planned: r.deliveriesCreated },
          detail: { at: at.toISOString(), due: r.due, groups: r.groups, digests_created: r.digestsCreated, empty_groups: r.emptyGroups, too_late: r.tooLate },
          didSomething: r.deliveriesCreated > 0 || r.digestsCreated > 0 || r.tooLate > 0,
        }));
      } finally {
        if (!options.dryRun) await store.releaseLease('planner', holder);
      }
    },
  };

  async function planLocked(at: Date, options: { dryRun?: boolean }): Promise<PlanReport> {
    const version = await store.planVersion();
    const slots = await dueSlots(at);
    const slotsKey = JSON.stringify(slots);
    if (!options.dryRun && clean && clean.slots === slotsKey && clean.version === version) {
      return { due: 0, groups: 0, digestsCreated: 0, emptyGroups: 0, deliveriesCreated: 0, tooLate: 0 };
    }
    const { groups, tooLate } = await dueGroups(at, slots);
    const report: PlanReport = {
      due: groups.reduce((n, g) => n + g.subscriberIds.length, 0),
      groups: groups.length,
      digestsCreated: 0,
      emptyGroups: 0,
      deliveriesCreated: 0,
      tooLate,
    };
    if (options.dryRun) return report;
    const domain = domainOf(config.mailFrom);
    const freeze = digests.session();
    // Deliveries of many groups go in together: one big transaction writes each index page once,
    // where one small transaction per group would rewrite the same pages a thousand times.
    let pending: { id: string; digestId: string; subscriberId: string }[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const rows = pending;
      pending = [];
      report.deliveriesCreated += await store.createDeliveriesFor(rows, domain, at.toISOString());
    };
    const deliver = async (subscriberIds: readonly string[], digestId: string) => {
      for (const subscriberId of subscriberIds) pending.push({ id: newId('dlv'), digestId, subscriberId });
      if (pending.length >= FLUSH_ROWS) await flush();
    };
    const showRevised = config.digest?.showRevisedPapers ?? false;
    const audiences = updatableAudiences(store);
    /**
     * Delivers an edition (the main one, or the variant since `since`) to its audience; with
     * SHOW_REVISED_PAPERS, those who had a revised paper of its window before get an edition
     * that also shows it as updated. Returns whether anyone got anything.
     */
    const deliverEdition = async (
      slugs: string[],
      period: Period,
      base: Awaited<ReturnType<typeof freeze>>,
      subscriberIds: readonly string[],
      since?: string,
    ): Promise<boolean> => {
      let rest: readonly string[] = subscriberIds;
      let any = false;
      const revised = showRevised ? await freeze.updatesFor(slugs, period, at, since) : { picked: [], window: [] };
      if (revised.picked.length > 0) {
        // Asked for the whole window at once: the topic sets sharing it need no query of their own.
        const split = splitByUpdates(subscriberIds, revised.picked, await audiences(revised.window));
        rest = split.rest;
        for (const { updatedIds, subscriberIds: ids } of split.withUpdates) {
          const edition = await freeze(slugs, period.kind, at, period, since, updatedIds);
          if (edition.status === 'empty') continue;
          if (edition.status === 'created') report.digestsCreated++;
          await deliver(ids, edition.digest.id);
          any = true;
        }
      }
      if (base.status === 'empty') return any;
      await deliver(rest, base.digest.id);
      return true;
    };
    for (const group of groups) {
      const slugs = group.topicSet.split(',');
      const main = await freeze(slugs, group.period.kind, at, group.period);
      // An empty group is planned again next time, unless revised papers can go out now.
      if (main.status === 'empty' && (!showRevised || (await freeze.updatesFor(slugs, group.period, at)).picked.length === 0)) {
        report.emptyGroups++;
        continue;
      }
      if (main.status === 'created') report.digestsCreated++;
      // Never the same paper twice, never one missed: a subscriber who already got one of this
      // edition's papers (they changed topics, so another topic set's edition had it), or whose
      // last digest ends before this edition's window (they missed an edition others got, e.g.
      // during an outage), gets a variant holding exactly what is new since their last digest.
      // Subscribers with the same history share it.
      const history = await store.receivedAnyOf({
        subscriberIds: group.subscriberIds,
        paperIds: main.status === 'empty' ? [] : main.digest.paperIds,
        after: main.status === 'empty' ? await freeze.windowStart(slugs, group.period, at) : main.digest.windowStart,
        period: group.period,
        topicSet: group.topicSet,
      });
      const plain = history.size === 0 ? group.subscriberIds : group.subscriberIds.filter((id) => !history.has(id));
      if (main.status === 'empty') {
        // Nothing new: only revised papers go out, to those with nothing missed. Everyone else
        // is planned again next time, as in an empty group.
        if (!(await deliverEdition(slugs, group.period, main, plain))) report.emptyGroups++;
        continue;
      }
      const variants = new Map<string, string[]>();
      for (const [id, lastCutoff] of history) variants.set(lastCutoff, [...(variants.get(lastCutoff) ?? []), id]);
      await deliverEdition(slugs, group.period, main, plain);
      for (const [since, subscriberIds] of variants) {
        const variant = await freeze(slugs, group.period.kind, at, group.period, since);
        if (variant.status === 'created') report.digestsCreated++;
        await deliverEdition(slugs, group.period, variant, subscriberIds, since);
      }
    }
    await flush();
    clean = { slots: slotsKey, version };
    return report;
  }
}

export type Planner = ReturnType<typeof createPlanner>;
