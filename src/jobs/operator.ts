import type { Config } from '../config.js';
import type { DeliveryStatus } from '../domain/delivery.js';
import { currentDuePeriod, nextDuePeriod } from '../domain/schedule.js';
import type { SubscriberStatus } from '../domain/subscriber.js';
import type { Store, RunRecord, RunTotals } from '../store/ports.js';
import type { JobStatus } from './scheduler.js';

export interface OperatorView {
  at: Date;
  runs: RunRecord[];
  /** One entry per UTC day of the last `days` days, oldest first, zeros included. */
  perDay: { day: string; sent: number; failed: number; skipped: number }[];
  deliveries: Record<DeliveryStatus, number>;
  subscribers: Record<SubscriberStatus, number>;
  suppressions: number;
  papers: number;
  sources: Awaited<ReturnType<Store['sourceHealth']>>;
  jobs: JobStatus[];
  /** The next times digests fall due, with how many confirmed subscribers each. */
  nextSends: { at: Date; subscribers: number }[];
  totals: RunTotals[];
}

export interface OperatorDeps {
  store: Store;
  clock: () => Date;
  config: Pick<Config, 'schedule'>;
  jobStatus: () => JobStatus[];
}

const DAY_MS = 86_400_000;

/** What the admin page and /metrics show: the store's counts, the recorded runs and the schedule. */
export async function operatorView({ store, clock, config, jobStatus }: OperatorDeps, options: { runs?: number; days?: number } = {}): Promise<OperatorView> {
  const at = clock();
  const days = options.days ?? 30;
  const firstDay = new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS - (days - 1) * DAY_MS);
  const recorded = new Map((await store.deliveriesPerDay(firstDay.toISOString().slice(0, 10))).map((d) => [d.day, d]));
  const perDay = Array.from({ length: days }, (_, i) => {
    const day = new Date(firstDay.getTime() + i * DAY_MS).toISOString().slice(0, 10);
    return recorded.get(day) ?? { day, sent: 0, failed: 0, skipped: 0 };
  });

  // Per schedule slot, not per subscriber: a large list costs one grouped read.
  const sendDay = config.schedule.weeklySendDay;
  const upcoming = new Map<number, number>();
  for (const slot of await store.confirmedSlots()) {
    const current = currentDuePeriod(slot.frequency, slot.timezone, slot.sendHour, at, sendDay);
    const next = current.sendAt > at ? current : nextDuePeriod(slot.frequency, slot.timezone, slot.sendHour, current, sendDay);
    upcoming.set(next.sendAt.getTime(), (upcoming.get(next.sendAt.getTime()) ?? 0) + slot.subscribers);
  }
  const nextSends = [...upcoming]
    .sort((a, b) => a[0] - b[0])
    .slice(0, 8)
    .map(([time, subscribers]) => ({ at: new Date(time), subscribers }));

  return {
    at,
    runs: await store.listRuns({ limit: options.runs ?? 20 }),
    perDay,
    deliveries: await store.countDeliveries(),
    subscribers: await store.countSubscribers(),
    suppressions: await store.countSuppressions(),
    papers: await store.countPapers(),
    sources: await store.sourceHealth(),
    jobs: jobStatus(),
    nextSends,
    totals: await store.runTotals(),
  };
}
