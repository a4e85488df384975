import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';
import type { Deliverer } from './deliver.js';
import type { DigestJobs } from './digests.js';
import type { Planner } from './plan.js';

export interface SchedulerDeps {
  digests: DigestJobs;
  planner: Planner;
  deliverer: Deliverer;
  logger: Logger;
  clock: () => Date;
  hourUtc: number;
}

export interface JobStatus {
  name: string;
  lastRun: { at: string; outcome: 'ok' | 'failed'; detail?: string } | null;
  nextRun: string | null;
}

export interface Scheduler {
  status(): JobStatus[];
  /** Stops firing and waits for the job in hand to finish. */
  stop(): Promise<void>;
}

/**
 * The daily job: freezes every topic's digest at the configured UTC hour. node-cron does not replay
 * a fire missed while the process was down, so on start the job runs once if today's hour has
 * passed; the digest's unique (topic set, period) makes that harmless when it already ran.
 */
export function startScheduler({ digests, planner, deliverer, logger, clock, hourUtc }: SchedulerDeps): Scheduler {
  const shutdown = new AbortController();
  const inHand = new Set<Promise<void>>();
  const jobs: { name: string; task: ScheduledTask; lastRun: JobStatus['lastRun'] }[] = [];

  const job = (name: string, expression: string, work: (at: Date) => Promise<unknown>) => {
    const entry = { name, task: undefined as unknown as ScheduledTask, lastRun: null as JobStatus['lastRun'] };
    const run = async (): Promise<void> => {
      const at = clock();
      try {
        await work(at);
        entry.lastRun = { at: at.toISOString(), outcome: 'ok' };
      } catch (err) {
        entry.lastRun = { at: at.toISOString(), outcome: 'failed', detail: (err as Error).message };
        logger.error(`${name} failed`, { error: (err as Error).message });
      }
    };
    const tracked = (): Promise<void> => {
      const p = run().finally(() => inHand.delete(p));
      inHand.add(p);
      return p;
    };
    entry.task = cron.schedule(expression, tracked, { name, timezone: 'Etc/UTC', noOverlap: true });
    jobs.push(entry);
    return tracked;
  };

  const daily = job('daily-digests', `0 ${hourUtc} * * *`, (at) => digests.freezeAllTopics('day', at));
  // Every minute: plan what came due (each subscriber's own zone and hour), then send it.
  const send = job('plan-and-send', '* * * * *', async (at) => {
    await planner.plan(at);
    await deliverer.run({ maxWaitMs: 0, signal: shutdown.signal });
  });
  if (clock().getUTCHours() >= hourUtc) void daily();
  void send();

  return {
    status: () =>
      jobs.map((j) => ({ name: j.name, lastRun: j.lastRun, nextRun: j.task.getNextRun()?.toISOString() ?? null })),
    async stop() {
      shutdown.abort();
      for (const j of jobs) {
        await j.task.stop();
        await j.task.destroy();
      }
      await Promise.all(inHand);
    },
  };
}
