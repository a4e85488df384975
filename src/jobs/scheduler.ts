import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';
import type { DigestJobs } from './digests.js';

export interface SchedulerDeps {
  digests: DigestJobs;
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
export function startScheduler({ digests, logger, clock, hourUtc }: SchedulerDeps): Scheduler {
  let lastRun: JobStatus['lastRun'] = null;
  let inHand: Promise<unknown> = Promise.resolve();

  const run = async (): Promise<void> => {
    const at = clock();
    try {
      await digests.freezeAllTopics('day', at);
      lastRun = { at: at.toISOString(), outcome: 'ok' };
    } catch (err) {
      lastRun = { at: at.toISOString(), outcome: 'failed', detail: (err as Error).message };
      logger.error('daily digests failed', { error: (err as Error).message });
    }
  };
  const tracked = (): Promise<void> => {
    const p = run();
    inHand = p;
    return p;
  };

  const task: ScheduledTask = cron.schedule(`0 ${hourUtc} * * *`, tracked, {
    name: 'daily-digests',
    timezone: 'Etc/UTC',
    noOverlap: true,
  });
  if (clock().getUTCHours() >= hourUtc) void tracked();

  return {
    status: () => [{ name: 'daily-digests', lastRun, nextRun: task.getNextRun()?.toISOString() ?? null }],
    async stop() {
      await task.stop();
      await task.destroy();
      await inHand;
    },
  };
}
