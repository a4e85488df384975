import { configSecrets, loadConfig, type Config } from '../config.js';
import { createApp, type App } from '../app.js';
import { errorText, PaperboyError } from '../domain/errors.js';
import { maskSecrets } from '../domain/secrets.js';

/** Exit codes: 1 for bad input the user can fix, 2 for a failure of Paperboy or its surroundings. */
export function exitCodeFor(err: unknown): number {
  return err instanceof PaperboyError && err.code !== 'STORE_UNAVAILABLE' && err.code !== 'FETCH_FAILED' ? 1 : 2;
}

/**
 * Prints one bounded line naming the problem, never a stack trace, nor a credential: URLs in it are
 * masked, and so are the secret values known (the app's when it got that far, else the config's).
 */
export function reportError(err: unknown, known: readonly string[] = []): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`paperboy: ${errorText(maskSecrets(message, known))}\n`);
}

/** The secret values to mask in a CLI error. */
export function secretsToMask(app: App | undefined, config: Config | undefined): readonly string[] {
  return app ? app.secrets.values() : config ? configSecrets(config) : [];
}

/** Runs a command against a freshly built app and always closes it. */
export async function withApp(action: (app: App) => Promise<void>): Promise<void> {
  let config: Config | undefined;
  let app: App | undefined;
  try {
    config = loadConfig();
    app = await createApp(config);
    await action(app);
  } catch (err) {
    reportError(err, secretsToMask(app, config));
    process.exitCode = exitCodeFor(err);
  } finally {
    await app?.close();
  }
}
