import { errorText } from '../../domain/errors.js';
import { scrub, type Logger } from '../../log.js';
import type { RunRecord, RunStore } from '../../store/ports.js';

export interface RunDeps {
  store: Pick<RunStore, 'recordRun'>;
  logger: Logger;
  clock: () => Date;
}

/** What a finished job reports about itself. */
export interface RunOutcome {
  counts?: Partial<Pick<RunRecord, 'planned' | 'sent' | 'failed' | 'skipped'>>;
  detail?: Record<string, unknown>;
  source?: string;
  /** Runs that did nothing (the scheduler's idle minutes) are logged at debug level and not stored. */
  didSomething: boolean;
}

/**
 * Runs a job and gives it one structured log line with its counts and duration; a run that did
 * something, or failed, is also recorded for the admin page and /metrics. A failure is rethrown.
 */
export async function trackRun<T>(
  deps: RunDeps,
  job: string,
  work: () => Promise<T>,
  outcome: (result: T) => RunOutcome,
): Promise<T> {
  const startedAt = deps.clock().toISOString();
  const t0 = performance.now();
  const base = (o: RunOutcome, status: RunRecord['outcome']): RunRecord => ({
    job,
    startedAt,
    durationMs: performance.now() - t0,
    outcome: status,
    planned: o.counts?.planned ?? 0,
    sent: o.counts?.sent ?? 0,
    failed: o.counts?.failed ?? 0,
    skipped: o.counts?.skipped ?? 0,
    source: o.source ?? null,
    detail: o.detail ?? null,
  });
  let result: T;
  try {
    result = await work();
  } catch (err) {
    // The error is shown on the admin page: it gets the same scrubbing as a log line.
    const run = base({ detail: { error: scrub(errorText(err)) }, didSomething: true }, 'failed');
    deps.logger.error(`${job} failed`, { job, duration_ms: Math.round(run.durationMs), error: errorText(err) });
    await deps.store.recordRun(run).catch(() => undefined);
    throw err;
  }
  const o = outcome(result);
  const run = base(o, 'ok');
  const fields = {
    job,
    duration_ms: Math.round(run.durationMs),
    ...o.counts,
    ...(o.source ? { source: o.source } : {}),
    ...o.detail,
  };
  if (o.didSomething) {
    deps.logger.info(`${job} done`, fields);
    await deps.store.recordRun(run);
  } else {
    deps.logger.debug(`${job} done`, fields);
  }
  return result;
}
