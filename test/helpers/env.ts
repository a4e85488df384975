import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, onTestFinished } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { createApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';

export const SAMPLE_PAGE = new URL('../../data/sample/daily-papers-2024-03-21.txt', import.meta.url).pathname;
export const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-test-'));
  dirs.push(dir);
  return dir;
}

/** A settable clock, so tests say what time it is. */
export function fixedClock(iso: string) {
  let now = new Date(iso);
  const clock = () => new Date(now);
  clock.set = (next: string) => {
    now = new Date(next);
  };
  return clock;
}

/** A clock that starts at a given time and runs at real speed: for retries that wait real milliseconds. */
export function runningClock(iso: string) {
  const offset = new Date(iso).getTime() - Date.now();
  return () => new Date(Date.now() + offset);
}

/** A config for a fresh data folder, as the environment would give it. */
export function testConfig(env: Record<string, string> = {}): Config {
  const dir = tempDir();
  return loadConfig(
    { PUBLIC_URL: 'https://papers.example.org', MAIL_FROM: 'Paperboy <digest@papers.example.org>', ...env },
    dir,
  );
}

/** A whole app on a real SQLite file in a temporary folder. */
export async function testApp(
  options: { clock?: () => Date; env?: Record<string, string>; elapsedMs?: () => number } = {},
): Promise<App> {
  const app = await createApp(testConfig(options.env), {
    clock: options.clock,
    logger: silentLogger,
    elapsedMs: options.elapsedMs,
  });
  onTestFinished(() => app.close());
  return app;
}

/** A free loopback port: for a server that must be down first, or whose address must be known before it starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
