import type { Config } from '../../config.js';
import { currentDuePeriod, isDue, nextDuePeriod, type DuePeriod } from '../../domain/schedule.js';
import type { Subscriber } from '../../domain/subscriber.js';
import type { PlanningStore, ScheduleSlot, ScheduleStore, SubscriberStore } from '../../store/ports.js';

/** What `paperboy next` reads of the store. */
export type NextSendsStore = ScheduleStore &
  Pick<PlanningStore, 'eachUnplannedSubscriber' | 'plannedPeriods'> &
  Pick<SubscriberStore, 'getSubscriber' | 'listSubscribers'>;

export interface NextSend {
  subscriber: Subscriber;
  due: DuePeriod;
}

/**
 * When each confirmed subscriber's next digest is due: the current period if it has not been
 * planned yet (and, if its time has passed, it goes out at the next planning run), else the next
 * one. A period whose send time came before the subscriber confirmed is not theirs: the next one is.
 */
export async function nextSends(
  store: NextSendsStore,
  config: Pick<Config, 'schedule'>,
  at: Date,
): Promise<NextSend[]> {
  const day = config.schedule.weeklySendDay;
  const confirmed = await store.listSubscribers({ status: 'confirmed' });
  const planned = await store.plannedPeriods(confirmed.map((s) => s.id));
  return confirmed
    .map((s) => {
      const current = currentDuePeriod(s.frequency, s.timezone, s.sendHour, at, day);
      const done =
        planned.has(`${s.id}|${current.period.kind}|${current.period.key}`) ||
        (current.sendAt <= at && !isDue(current, at, s.confirmedAt));
      return { subscriber: s, due: done ? nextDuePeriod(s.frequency, s.timezone, s.sendHour, current, day) : current };
    })
    .sort(
      (a, b) => a.due.sendAt.getTime() - b.due.sendAt.getTime() || a.subscriber.email.localeCompare(b.subscriber.email),
    );
}

/** Orders slots the same way everywhere: sends at the same time then come out in the same order. */
const slotKey = (s: ScheduleSlot) => `${s.frequency}|${s.timezone}|${s.sendHour}`;

/**
 * The first `limit` of `nextSends`, without reading every subscriber: per schedule slot (one
 * grouped read), a slot's current period goes first to those the planner has not served yet
 * (overdue: the next planning run sends it), then its next period to the rest, read `limit` at a
 * time through the slot index. With 100,000 subscribers the full list takes seconds; this costs a
 * few indexed reads plus one pass over the subscribers still unplanned in a passed slot (the pass
 * the planner itself makes every minute). Also returns how many confirmed subscribers there are.
 */
export async function soonestSends(
  store: NextSendsStore,
  config: Pick<Config, 'schedule'>,
  at: Date,
  limit: number,
): Promise<{ sends: NextSend[]; confirmed: number }> {
  const day = config.schedule.weeklySendDay;
  const slots = await store.confirmedSlots();
  const stops: { slot: ScheduleSlot; due: DuePeriod; overdue: boolean }[] = [];
  for (const slot of slots) {
    const current = currentDuePeriod(slot.frequency, slot.timezone, slot.sendHour, at, day);
    if (current.sendAt > at) {
      stops.push({ slot, due: current, overdue: false });
    } else {
      stops.push(
        { slot, due: current, overdue: true },
        { slot, due: nextDuePeriod(slot.frequency, slot.timezone, slot.sendHour, current, day), overdue: false },
      );
    }
  }
  stops.sort(
    (a, b) => a.due.sendAt.getTime() - b.due.sendAt.getTime() || slotKey(a.slot).localeCompare(slotKey(b.slot)),
  );

  const sends: NextSend[] = [];
  const overdueBySlot = new Map<string, Set<string>>();
  for (const stop of stops) {
    if (sends.length >= limit) break;
    if (stop.overdue) {
      // The planner's rule (plan.ts): unplanned, with a topic, and confirmed before the send time.
      const ids = new Set<string>();
      await store.eachUnplannedSubscriber({ slots: [stop.slot], period: stop.due.period }, (c) => {
        if (isDue(stop.due, at, c.confirmedAt)) ids.add(c.id);
      });
      overdueBySlot.set(slotKey(stop.slot), ids);
      const wanted = [...ids].slice(0, limit - sends.length);
      const found = await Promise.all(wanted.map((id) => store.getSubscriber(id)));
      for (const s of found) if (s) sends.push({ subscriber: s, due: stop.due });
    } else {
      const overdue = overdueBySlot.get(slotKey(stop.slot)) ?? new Set<string>();
      for (const s of await store.listSlotSubscribers(stop.slot, limit - sends.length + overdue.size)) {
        if (!overdue.has(s.id) && sends.length < limit) sends.push({ subscriber: s, due: stop.due });
      }
    }
  }
  sends.sort(
    (a, b) => a.due.sendAt.getTime() - b.due.sendAt.getTime() || a.subscriber.email.localeCompare(b.subscriber.email),
  );
  return { sends, confirmed: slots.reduce((n, s) => n + s.subscribers, 0) };
}
