// Paperboy's own files hold subscribers' addresses, the secret that signs their links and the mail
// sent to them: they are readable by their owner only. Modes are set with chmod after creation,
// because the mode given to open/mkdir is filtered through the umask.
import { chmodSync, mkdirSync, statSync } from 'node:fs';

export const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

/** Creates a folder (and its parents) owner-only; one that exists is left as it is. */
export function makePrivateDir(dir: string): void {
  if (mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR }) !== undefined) chmodSync(dir, PRIVATE_DIR);
}

/** The mode bits of a path, or undefined when it does not exist. */
export function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Takes group and other access away from those of the paths that exist and have any; returns what
 * it found (path and old mode, and why it could not change it, e.g. a file of another user).
 */
export function tightenModes(paths: readonly string[]): { path: string; was: number; error?: string }[] {
  const found: { path: string; was: number; error?: string }[] = [];
  for (const path of paths) {
    let mode: number | undefined;
    try {
      mode = modeOf(path);
      if (mode === undefined || (mode & 0o077) === 0) continue;
      chmodSync(path, mode & 0o700);
      found.push({ path, was: mode });
    } catch (err) {
      // Opening the store or the outbox says more about a path Paperboy cannot read: not here.
      if (mode !== undefined) found.push({ path, was: mode, error: (err as Error).message });
    }
  }
  return found;
}
