import cron, { type ScheduledTask, type TaskOptions } from 'node-cron';
import type { Logger } from '../log.js';
import type { Deliverer } from './deliver.js';
import type { DigestJobs } from './digests.js';
import type { Planner } from './plan.js';
import type { SourceJobs } from './sources.js';

/** node-cron's `schedule`; tests pass one that only records the task, and fire it themselves. */
export type Schedule = (expression: string, run: () => Promise<void>, options: TaskOptions) => ScheduledTask;

export interface SchedulerDeps {
  digests: DigestJobs;
  planner: Planner;
  deliverer: Deliverer;
  logger: Logger;
  clock: () => Date;
  hourUtc: number;
  /** Configured sources: each enabled one gets a job on its own cron and time zone. */
  sources?: SourceJobs;
  schedule?: Schedule;
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

const MINUTE = 60_000;
// A source on a weekly cron is the sparsest a catch-up needs to look back for.
const LOOK_BACK_MINUTES = 8 * 24 * 60;

/** The last minute at or before `now` at which the task's cron fires, within the last eight days. */
export function previousFire(task: Pick<ScheduledTask, 'match'>, now: Date): Date | undefined {
  const start = Math.floor(now.getTime() / MINUTE) * MINUTE;
  for (let i = 0; i <= LOOK_BACK_MINUTES; i++) {
    const at = new Date(start - i * MINUTE);
    if (task.match(at)) return at;
  }
  return undefined;
}

/**
 * Two jobs, plus one per configured source. The daily one freezes every topic's digest at the configured UTC hour (for the web
 * archive and the feeds); plan-and-send runs every minute: it plans what came due in each
 * subscriber's zone and delivers it. node-cron does not replay fires missed while the process was
 * down, so both also run at start; unique keys make a repeat harmless. A source runs at start when
 * its cron fired since its last attempt (while Paperboy was down).
 */
export function startScheduler(deps: SchedulerDeps): Scheduler {
  const { digests, planner, deliverer, logger, clock, hourUtc, sources } = deps;
  const schedule: Schedule = deps.schedule ?? ((expression, run, options) => cron.schedule(expression, run, options));
  const shutdown = new AbortController();
  const inHand = new Set<Promise<void>>();
  const jobs: { name: string; task: ScheduledTask; last: { run: JobStatus['lastRun'] } }[] = [];

  const job = (name: string, expression: string, work: (at: Date) => Promise<unknown>, timezone = 'Etc/UTC') => {
    const last: { run: JobStatus['lastRun'] } = { run: null };
    let current: Promise<void> | undefined;
    const run = async (): Promise<void> => {
      const at = clock();
      try {
        const result = (await work(at)) as { problem?: string } | undefined;
        last.run = result?.problem
          ? { at: at.toISOString(), outcome: 'failed', detail: result.problem }
          : { at: at.toISOString(), outcome: 'ok' };
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
    const task = schedule(expression, tracked, { name, timezone, noOverlap: true });
    jobs.push({ name, task, last });
    return { run: tracked, task };
  };

  const daily = job('daily-digests', `0 ${hourUtc} * * *`, (at) => digests.freezeAllTopics('day', at));
  // Every minute: plan what came due (each subscriber's own zone and hour), then send it.
  const send = job('plan-and-send', '* * * * *', async (at) => {
    await planner.plan(at);
    await deliverer.run({ maxWaitMs: 0, signal: shutdown.signal });
  });
  const sourceJobs = (sources?.sources ?? [])
    .filter((s) => s.enabled)
    .map((s) => ({
      name: s.name,
      ...job(
        `source:${s.name}`,
        s.cron,
        async () => {
          const r = await sources!.runSource(s.name);
          return r.status === 'failed' || r.status === 'stale' ? { problem: `${r.status}: ${r.detail}` } : undefined;
        },
        s.timezone,
      ),
    }));
  if (clock().getUTCHours() >= hourUtc) void daily.run();
  void send.run();
  if (sources && sourceJobs.length > 0) {
    const catchUp = sources.health().then(async (health) => {
      const lastAttempt = new Map(health.map((h) => [h.name, h.lastAttemptAt]));
      const now = clock();
      for (const s of sourceJobs) {
        const due = previousFire(s.task, now);
        const last = lastAttempt.get(s.name);
        if (due && (!last || Date.parse(last) < due.getTime())) await s.run();
      }
    });
    const tracked = catchUp.catch((err: Error) => logger.error('source catch-up failed', { error: err.message })).finally(() => inHand.delete(tracked));
    inHand.add(tracked);
  }

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
