import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';
import type { RunStore } from '../store/ports.js';
import type { Deliverer } from './deliver.js';
import type { DigestJobs } from './digests.js';
import type { Planner } from './plan.js';
import { trackRun } from './runs.js';

export interface SchedulerDeps {
  digests: DigestJobs;
  planner: Planner;
  deliverer: Deliverer;
  logger: Logger;
  clock: () => Date;
  hourUtc: number;
  store: RunStore;
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
 * Two jobs. The daily one freezes every topic's digest at the configured UTC hour (for the web
 * archive and the feeds); plan-and-send runs every minute: it plans what came due in each
 * subscriber's zone and delivers it. node-cron does not replay fires missed while the process was
 * down, so both also run at start; unique keys make a repeat harmless.
 */
export function startScheduler({ digests, planner, deliverer, logger, clock, hourUtc, store }: SchedulerDeps): Scheduler {
  const shutdown = new AbortController();
  const inHand = new Set<Promise<void>>();
  const jobs: { name: string; task: ScheduledTask; last: { run: JobStatus['lastRun'] } }[] = [];

  const job = (name: string, expression: string, work: (at: Date) => Promise<unknown>) => {
    const last: { run: JobStatus['lastRun'] } = { run: null };
    let current: Promise<void> | undefined;
    const run = async (): Promise<void> => {
      const at = clock();
      try {
        await work(at);
        last.run = { at: at.toISOString(), outcome: 'ok' };
      } catch (err) {
        last.run = { at: at.toISOString(), outcome: 'failed', detail: (err as Error).message };
        logger.error(`${name} failed`, { error: (err as Error).message });
      }
    };
    // At most one run of a job at a time, whether cron or the start-up catch-up fired it.
    const tracked = (): Promise<void> => {
      if (current) return current;
      const p = run().finally(() => {
        inHand.delete(p);
        current = undefined;
      });
      current = p;
      inHand.add(p);
      return p;
    };
    const task = cron.schedule(expression, tracked, { name, timezone: 'Etc/UTC', noOverlap: true });
    jobs.push({ name, task, last });
    return tracked;
  };

  const daily = job('daily-digests', `0 ${hourUtc} * * *`, (at) =>
    trackRun({ store, logger, clock }, 'topic-digests', () => digests.freezeAllTopics('day', at), (results) => {
      const count = (status: string) => results.filter((r) => r.status === status).length;
      return { detail: { created: count('created'), existing: count('existing'), empty: count('empty') }, didSomething: count('created') > 0 };
    }),
  );
  // Every minute: plan what came due (each subscriber's own zone and hour), then send it.
  const send = job('plan-and-send', '* * * * *', async (at) => {
    await planner.plan(at);
    await deliverer.run({ maxWaitMs: 0, signal: shutdown.signal });
  });
  if (clock().getUTCHours() >= hourUtc) void daily();
  void send();

  return {
    status: () =>
      jobs.map((j) => ({ name: j.name, lastRun: j.last.run, nextRun: j.task.getNextRun()?.toISOString() ?? null })),
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
