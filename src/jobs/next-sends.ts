import type { Config } from '../config.js';
import { currentDuePeriod, isDue, nextDuePeriod, type DuePeriod } from '../domain/schedule.js';
import type { Subscriber } from '../domain/subscriber.js';
import type { DeliveryStore, SubscriberStore } from '../store/ports.js';

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
  store: SubscriberStore & DeliveryStore,
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
    .sort((a, b) => a.due.sendAt.getTime() - b.due.sendAt.getTime() || a.subscriber.email.localeCompare(b.subscriber.email));
}
