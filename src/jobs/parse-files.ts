// Reads, parses and normalises source files on every core: the main thread parses files itself
// while worker threads take the others from the same queue. Parsing is pure, so where a file is
// parsed changes nothing but the time; the store transaction stays on the main thread.
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ParseError } from '../domain/errors.js';
import { normalisePaperInput, type PaperInput } from '../domain/paper.js';
import type { SourceFormat } from '../domain/source.js';
import { parseSource, type Format } from '../ingest/formats.js';

export interface FileJob {
  index: number;
  file: string;
  format: Format | SourceFormat;
}
export type FileAnswer =
  | { index: number; papers: PaperInput[] }
  | { index: number; parseError: { file: string; line: number | undefined; detail: string; field: string | undefined } }
  | { index: number; failure: string };

type Outcome = { papers: PaperInput[] } | { error: unknown };

export interface ParsedFiles {
  /** The files before the first that failed (all of them when none did), in the order given. */
  parsed: { file: string; papers: PaperInput[] }[];
  /** Why the first failing file (in the order given) failed. */
  error?: unknown;
  /** How many files worker threads parsed. */
  byWorkers: number;
}

// Below this much input, starting a thread costs more than it saves.
export const PARALLEL_MIN_BYTES = 8_000_000;

const WORKER = new URL(`./parse-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

function startWorker(): Worker {
  if (!WORKER.pathname.endsWith('.ts')) return new Worker(WORKER);
  // Run from the TypeScript sources (tests, benchmarks): a worker does not inherit the loader
  // hooks of its parent (Node 20), so it registers tsx before loading its module.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/index\.cjs$/, 'index.mjs');
  return new Worker(`const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(WORKER.href)});`, { eval: true });
}

function revive(answer: FileAnswer): Outcome {
  if ('papers' in answer) return { papers: answer.papers };
  if ('parseError' in answer) {
    const e = answer.parseError;
    return { error: new ParseError(e.file, e.line, e.detail, e.field ? { field: e.field } : undefined) };
  }
  return { error: new Error(answer.failure) };
}

async function totalBytes(files: readonly string[]): Promise<number> {
  const sizes = await Promise.all(files.map((f) => stat(f).then((s) => s.size, () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}

/**
 * Parses the files with `read` on the main thread, helped by worker threads when the input is
 * large enough. Stops handing out files after a failure; reports the first failure in the order
 * given, exactly as parsing them one by one would.
 */
export async function parseFiles(
  files: readonly string[],
  format: Format,
  read: (file: string) => Promise<string>,
  options: {
    onFile?: (done: number, total: number) => void;
    minBytes?: number;
    threads?: number;
    /** Leave the files to the worker threads (tests: to be sure the workers parse some). */
    workersOnly?: boolean;
  } = {},
): Promise<ParsedFiles> {
  const outcomes: (Outcome | undefined)[] = new Array(files.length);
  let next = 0;
  let failed = false;
  let done = 0;
  const take = () => (failed || next >= files.length ? undefined : next++);
  let byWorkers = 0;
  const settle = (i: number, outcome: Outcome) => {
    outcomes[i] = outcome;
    if ('error' in outcome) failed = true;
    options.onFile?.(++done, files.length);
  };
  const parseHere = async (i: number): Promise<Outcome> => {
    const file = files[i] as string;
    try {
      return { papers: parseSource(await read(file), file, format).papers.map(normalisePaperInput) };
    } catch (error) {
      return { error };
    }
  };

  const threads = files.length < 2 ? 0 : Math.min(options.threads ?? availableParallelism() - 1, files.length - 1);
  const parallel = threads > 0 && (await totalBytes(files)) >= (options.minBytes ?? PARALLEL_MIN_BYTES);
  const settleThere = (i: number, outcome: Outcome) => {
    byWorkers++;
    settle(i, outcome);
  };
  const helpers = parallel ? Array.from({ length: threads }, () => helper(files, format, take, settleThere)) : [];

  if (options.workersOnly) await Promise.all(helpers.map((h) => h.drained));
  for (let i = take(); i !== undefined; i = take()) settle(i, await parseHere(i));
  // Helpers still starting up have nothing left to do; those parsing a file finish it.
  await Promise.all(helpers.map((h) => h.finish()));

  const parsed: ParsedFiles['parsed'] = [];
  for (const [i, file] of files.entries()) {
    // A file a worker lost (it died) is parsed here.
    let outcome = outcomes[i];
    if (!outcome) settle(i, (outcome = await parseHere(i)));
    if ('error' in outcome) return { parsed, error: outcome.error, byWorkers };
    parsed.push({ file, papers: outcome.papers });
  }
  return { parsed, byWorkers };
}

/** One worker thread taking files from the queue until it is empty. */
function helper(files: readonly string[], format: Format, take: () => number | undefined, settle: (i: number, o: Outcome) => void) {
  const worker = startWorker();
  let busy = false;
  let stopped = false;
  let idle: () => void = () => undefined;
  const whenIdle = new Promise<void>((resolve) => (idle = resolve));
  const stop = () => {
    if (stopped) return;
    stopped = true;
    busy = false;
    void worker.terminate();
    idle();
  };
  const feed = () => {
    const index = stopped ? undefined : take();
    if (index === undefined) return stop();
    busy = true;
    worker.postMessage({ index, file: files[index] as string, format } satisfies FileJob);
  };
  worker.on('message', (message: FileAnswer | 'ready') => {
    if (message !== 'ready') settle(message.index, revive(message));
    busy = false;
    feed();
  });
  // A worker that cannot start or dies leaves its file unsettled: the main thread parses it.
  worker.on('error', stop);
  worker.on('exit', stop);
  return {
    /** Resolves when the queue is empty or the worker is gone. */
    drained: whenIdle,
    finish(): Promise<void> {
      if (!busy) stop();
      return whenIdle;
    },
  };
}
