import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = `${ROOT}src/cli/main.ts`;
// Run the CLI from source through tsx, so the tests never exercise a stale build.
// tsx is given by path: `--import tsx` would be looked up from the test's temporary folder.
export const NODE_ARGS = ['--import', pathToFileURL(`${ROOT}node_modules/tsx/dist/loader.mjs`).href, MAIN];

/** A clean environment: only what a user's shell would have, plus what the test sets. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `paperboy <args>` in `cwd` and waits for it to exit. */
export function paperboy(cwd: string, args: string[], extraEnv: Record<string, string> = {}): CliResult {
  const run = spawnSync(process.execPath, [...NODE_ARGS, ...args], {
    cwd,
    env: env(extraEnv),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs `paperboy <args>` without blocking this process: for tests whose servers live in it. */
export function paperboyAsync(cwd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd, env: env(extraEnv) });
    // A command that hangs must not hang the test run: it is killed, and its output says so.
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', () => clearTimeout(timer));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Starts `paperboy serve` and resolves once it logs the address it serves on. */
export function startServe(cwd: string, extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...NODE_ARGS, 'serve'], { cwd, env: env({ PORT: '0', ...extraEnv }) });
  let log = '';
  const ready = new Promise<{ base: string; line: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${log}`)), 30_000);
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const line = log.split('\n').find((l) => l.includes('Paperboy is serving'));
      const base = line && /serving (http:\/\/[\w.]+:\d+)/.exec(line)?.[1];
      if (line && base) {
        clearTimeout(timer);
        resolve({ base, line });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${log}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited, log: () => log };
}
