import cron, { type ScheduledTask, type TaskOptions } from 'node-cron';
import { errorText } from '../../domain/errors.js';
import { oneLine } from '../../domain/text.js';
import { localParts } from '../../domain/zoned-time.js';
import type { PeriodKind } from '../../domain/period.js';
import type { Logger } from '../../log.js';
import type { RunStore } from '../../store/ports.js';
import type { Deliverer } from '../deliver/deliver.js';
import type { DigestJobs } from '../edition/digests.js';
import type { Planner } from '../edition/plan.js';
import { trackRun } from './runs.js';
import type { SourceJobs } from '../ingest/sources.js';

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
  /** ISO weekday (1 = Monday) on which each topic's weekly digest is frozen. */
  weeklySendDay?: number;
  store: Pick<RunStore, 'recordRun'>;
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
const HOUR = 3_600_000;
// A source on a weekly cron is the sparsest a catch-up needs to look back for.
const LOOK_BACK_HOURS = 8 * 24;

/**
 * The last minute at or before `now` at which a cron expression fires in a zone, within the last
 * eight days. The zone's offset is read once per hour (Intl is slow); minutes are checked with
 * plain arithmetic against node-cron's parsed fields.
 */
export function previousFire(expression: string, timeZone: string, now: Date): Date | undefined {
  const f = cron.parse(expression);
  const sets = [f.minute, f.hour, f.dayOfMonth, f.month, f.dayOfWeek].map((xs) => new Set(xs));
  const [minutes, hours, days, months, weekdays] = sets as Set<number | string>[];
  if (!f.second.includes(0)) return undefined;
  const lastMinute = Math.floor(now.getTime() / MINUTE) * MINUTE;
  const firstHour = Math.floor(lastMinute / HOUR) * HOUR;
  for (let h = 0; h <= LOOK_BACK_HOURS; h++) {
    const hourStart = firstHour - h * HOUR;
    const l = localParts(new Date(hourStart), timeZone);
    const offset = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute) - hourStart;
    for (let m = 59; m >= 0; m--) {
      const at = hourStart + m * MINUTE;
      if (at > lastMinute) continue;
      const wall = new Date(at + offset);
      if (
        minutes!.has(wall.getUTCMinutes()) &&
        hours!.has(wall.getUTCHours()) &&
        days!.has(wall.getUTCDate()) &&
        months!.has(wall.getUTCMonth() + 1) &&
        weekdays!.has(wall.getUTCDay())
      ) {
        return new Date(at);
      }
    }
  }
  return undefined;
}

/**
 * Three jobs, plus one per configured source. The daily one freezes every topic's digest at the
 * configured UTC hour (for the web archive and the feeds); the weekly one freezes each topic's
 * weekly digest at that hour on the weekly send day; plan-and-send runs every minute: it plans what
 * came due in each subscriber's zone and delivers it. node-cron does not replay fires missed while
 * the process was down, so they also run at start (the weekly one only on its day); unique keys
 * make a repeat harmless. A source runs at start when its cron fired since its last attempt.
 */
export function startScheduler(deps: SchedulerDeps): Scheduler {
  const { digests, planner, deliverer, logger, clock, hourUtc, sources, weeklySendDay = 1, store } = deps;
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
          ? { at: at.toISOString(), outcome: 'failed', detail: oneLine(result.problem) }
          : { at: at.toISOString(), outcome: 'ok' };
      } catch (err) {
        last.run = { at: at.toISOString(), outcome: 'failed', detail: errorText(err) };
        logger.error(`${name} failed`, { error: errorText(err) });
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

  // Freezes every topic's edition of a period, recorded as one run.
  const freezeTopics = (kind: PeriodKind, at: Date) =>
    trackRun(
      { store, logger, clock },
      'topic-digests',
      () => digests.freezeAllTopics(kind, at),
      (results) => {
        const count = (status: string) => results.filter((r) => r.status === status).length;
        return {
          detail: { kind, created: count('created'), existing: count('existing'), empty: count('empty') },
          didSomething: count('created') > 0,
        };
      },
    );
  const daily = job('daily-digests', `0 ${hourUtc} * * *`, (at) => freezeTopics('day', at));
  // Each topic's week in one edition: its web page, its item in the topic feed, and the email of
  // single-topic weekly subscribers (same topic set and week, so the same frozen edition).
  const weekly = job('weekly-digests', `0 ${hourUtc} * * ${weeklySendDay % 7}`, (at) => freezeTopics('week', at));
  // Every minute: plan what came due (each subscriber's own zone and hour), then send it.
  const send = job('plan-and-send', '* * * * *', async (at) => {
    await planner.plan(at);
    await deliverer.run({ maxWaitMs: 0, signal: shutdown.signal });
  });
  const sourceJobs = (sources?.sources ?? [])
    .filter((s) => s.enabled)
    .map((s) => ({
      name: s.name,
      cron: s.cron,
      timezone: s.timezone,
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
  // Only on the send day: a week frozen early would hold half a week's papers.
  if (clock().getUTCHours() >= hourUtc && (clock().getUTCDay() || 7) === weeklySendDay) void weekly.run();
  void send.run();
  if (sources && sourceJobs.length > 0) {
    const catchUp = sources.health().then(async (health) => {
      const lastAttempt = new Map(health.map((h) => [h.name, h.lastAttemptAt]));
      const now = clock();
      for (const s of sourceJobs) {
        const due = previousFire(s.cron, s.timezone, now);
        const last = lastAttempt.get(s.name);
        if (due && (!last || Date.parse(last) < due.getTime())) await s.run();
      }
    });
    const tracked = catchUp
      .catch((err: Error) => logger.error('source catch-up failed', { error: errorText(err) }))
      .finally(() => inHand.delete(tracked));
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
