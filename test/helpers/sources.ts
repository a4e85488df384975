import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cron from 'node-cron';
import { onTestFinished } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { Schedule } from '../../src/jobs/operate/scheduler.js';
import type { Logger } from '../../src/log.js';
import { fixedClock, tempDir, testConfig } from './env.js';
import { startFixtureServer, virtualTime } from './http-fixtures.js';

/** A logger that keeps its lines, so tests can check what an operator would read. */
export function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const logger: Logger = {
    debug: (message, fields = {}) => void lines.push({ level: 'debug', message, fields }),
    info: (message, fields = {}) => void lines.push({ level: 'info', message, fields }),
    warn: (message, fields = {}) => void lines.push({ level: 'warn', message, fields }),
    error: (message, fields = {}) => void lines.push({ level: 'error', message, fields }),
  };
  return { logger, lines };
}

/** Cron tasks that never fire on their own: the test fires them, with the clock set where it wants. */
function manualSchedule() {
  const tasks = new Map<string, { expression: string; timezone: string | undefined; fire: () => Promise<void> }>();
  const schedule: Schedule = (expression, run, options) => {
    tasks.set(options.name ?? expression, { expression, timezone: options.timezone, fire: run });
    return cron.createTask(expression, () => undefined, options);
  };
  return { schedule, tasks };
}

/**
 * An app on a real SQLite file (or the store `env` names) whose sources file points at a local
 * fixture server. Fetches run on a virtual clock (arXiv's 3 s gaps cost no real time); the
 * business clock is `clock`.
 */
export async function sourcesApp(
  sources: (base: string) => unknown[],
  at = '2024-03-21T09:00:00Z',
  env: Record<string, string> = {},
) {
  const time = virtualTime();
  const server = await startFixtureServer({ now: time.now });
  const dir = tempDir();
  const file = join(dir, 'sources.json');
  writeFileSync(file, JSON.stringify({ sources: sources(server.base) }, null, 2));
  const clock = fixedClock(at);
  const { logger, lines } = recordingLogger();
  const manual = manualSchedule();
  const app: App = await createApp(
    testConfig({ SOURCES_FILE: file, FETCH_BACKOFF_MS: '1000', FETCH_RETRIES: '2', ...env }),
    {
      clock,
      logger,
      fetch: { now: time.now, sleep: time.sleep },
      schedule: manual.schedule,
    },
  );
  onTestFinished(() => app.close());
  return { app, server, clock, time, lines, tasks: manual.tasks, file };
}
