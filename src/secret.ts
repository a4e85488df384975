import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makePrivateDir, PRIVATE_FILE } from './private-files.js';

/**
 * The secret that signs tokens: PAPERBOY_SECRET when set, else one generated on first run and kept
 * (mode 0600) in the data folder, so links in emails already sent keep working after a restart.
 */
export async function resolveSecret(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured) return configured;
  const file = join(dataDir, 'secret');
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (kept.length >= 32) return kept;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  makePrivateDir(dataDir);
  const secret = randomBytes(32).toString('base64url');
  // 'wx' fails if another process created the file first; then its secret is the one to use.
  try {
    await writeFile(file, `${secret}\n`, { mode: PRIVATE_FILE, flag: 'wx' });
    // The mode given at creation is filtered through the umask: set it exactly.
    await chmod(file, PRIVATE_FILE);
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return (await readFile(file, 'utf8')).trim();
  }
}
