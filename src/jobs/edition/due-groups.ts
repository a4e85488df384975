import type { Config } from '../../config.js';
import type { Period } from '../../domain/period.js';
import { currentDuePeriod, isDue, stillWorthSending, type DuePeriod } from '../../domain/schedule.js';
import { topicSetKey } from '../../domain/topic.js';
import type { PlanCandidate, PlanningStore, ScheduleSlot, ScheduleStore } from '../../store/ports.js';

/** Subscribers with the same topic set and the same due period: they share one digest. */
export interface PlanGroup {
  topicSet: string;
  period: Period;
  subscriberIds: string[];
}

/** The schedule slots whose send time has come, by due period; and those too late to send. */
export interface DueSlots {
  due: { period: Period; slots: ScheduleSlot[] }[];
  late: { period: Period; slots: ScheduleSlot[] }[];
  /** Whether a candidate's period is theirs: one who confirmed after its send time waits for the next. */
  isTheirs: (c: PlanCandidate) => boolean;
}

const slotKey = (s: ScheduleSlot) => `${s.frequency}|${s.timezone}|${s.sendHour}`;

/**
 * The slots whose send time has come at `at`, by due period; and those too late to send. Due
 * periods are worked out once per slot (frequency, zone, hour), never per subscriber.
 */
export async function dueSlots(
  store: Pick<ScheduleStore, 'confirmedSlots'>,
  schedule: Pick<Config['schedule'], 'weeklySendDay' | 'maxLateHours'>,
  at: Date,
): Promise<DueSlots> {
  const { weeklySendDay, maxLateHours } = schedule;
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

/**
 * The unplanned subscribers of the due slots, grouped by topic set and period; and how many are
 * too late to send to. Subscribers are streamed as ids (never addresses: the store copies those
 * into the deliveries).
 */
export async function dueGroups(
  store: Pick<PlanningStore, 'eachUnplannedSubscriber'>,
  slots: DueSlots,
): Promise<{ groups: PlanGroup[]; tooLate: number }> {
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
