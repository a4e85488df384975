import { loadConfig } from '../config.js';
import { createApp, type App } from '../app.js';
import { errorText, PaperboyError } from '../domain/errors.js';

/** Exit codes: 1 for bad input the user can fix, 2 for a failure of Paperboy or its surroundings. */
export function exitCodeFor(err: unknown): number {
  return err instanceof PaperboyError && err.code !== 'STORE_UNAVAILABLE' && err.code !== 'FETCH_FAILED' ? 1 : 2;
}

/** Prints one bounded line naming the problem, never a stack trace. */
export function reportError(err: unknown): void {
  process.stderr.write(`paperboy: ${errorText(err)}\n`);
}

/** Runs a command against a freshly built app and always closes it. */
export async function withApp(action: (app: App) => Promise<void>): Promise<void> {
  let app: App | undefined;
  try {
    app = await createApp(loadConfig());
    await action(app);
  } catch (err) {
    reportError(err);
    process.exitCode = exitCodeFor(err);
  } finally {
    await app?.close();
  }
}
