import type { Config } from '../../config.js';
import type { DeliveryStatus } from '../../domain/delivery.js';
import type { SubscriberStatus } from '../../domain/subscriber.js';
import type {
  DeliveryLog,
  PaperStore,
  RunRecord,
  RunStore,
  RunTotals,
  SubscriberStore,
  SuppressionStore,
} from '../../store/ports.js';
import { type NextSendsStore, soonestSends } from './next-sends.js';
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
  sources: Awaited<ReturnType<RunStore['sourceHealth']>>;
  jobs: JobStatus[];
  /** The next digests due, soonest first: to whom and when (at most NEXT_SENDS_SHOWN of them). */
  nextSends: { at: Date; email: string; frequency: string; overdue: boolean }[];
  /** How many confirmed subscribers have a next send in all (the list above is bounded). */
  confirmedSubscribers: number;
  totals: RunTotals[];
}

export interface OperatorDeps {
  store: Pick<DeliveryLog, 'countDeliveries' | 'deliveriesPerDay'> &
    Pick<PaperStore, 'countPapers'> &
    Pick<SubscriberStore, 'countSubscribers'> &
    Pick<SuppressionStore, 'countSuppressions'> &
    Omit<RunStore, 'recordRun'> &
    NextSendsStore;
  clock: () => Date;
  config: Pick<Config, 'schedule'>;
  jobStatus: () => JobStatus[];
}

const DAY_MS = 86_400_000;
const NEXT_SENDS_SHOWN = 10;

/** What the admin page and /metrics show: the store's counts, the recorded runs and the schedule. */
export async function operatorView(
  { store, clock, config, jobStatus }: OperatorDeps,
  options: { runs?: number; days?: number } = {},
): Promise<OperatorView> {
  const at = clock();
  const days = options.days ?? 30;
  const firstDay = new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS - (days - 1) * DAY_MS);
  const recorded = new Map((await store.deliveriesPerDay(firstDay.toISOString().slice(0, 10))).map((d) => [d.day, d]));
  const perDay = Array.from({ length: days }, (_, i) => {
    const day = new Date(firstDay.getTime() + i * DAY_MS).toISOString().slice(0, 10);
    return recorded.get(day) ?? { day, sent: 0, failed: 0, skipped: 0 };
  });

  // The rule the planner follows (see next-sends.ts): a period not yet planned whose time has
  // passed goes out at the next planning run, so it shows as overdue, not as next week's.
  const upcoming = await soonestSends(store, config, at, NEXT_SENDS_SHOWN);
  const shown = upcoming.sends.map(({ subscriber, due }) => ({
    at: due.sendAt,
    email: subscriber.email,
    frequency: subscriber.frequency,
    overdue: due.sendAt <= at,
  }));

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
    nextSends: shown,
    confirmedSubscribers: upcoming.confirmed,
    totals: await store.runTotals(),
  };
}
