import { readFile } from 'node:fs/promises';
import { ParseError } from '../domain/errors.js';
import { normalisePaperInput, type PaperInput } from '../domain/paper.js';
import { isRateExceeded } from '../ingest/arxiv-atom.js';
import type { Fetcher } from '../ingest/fetch.js';
import { parseSource, type Format } from '../ingest/formats.js';
import { scrub, type Logger } from '../log.js';
import type { IngestCounts, PaperStore, RunRecord, RunStore } from '../store/ports.js';

export interface IngestDeps {
  store: PaperStore & RunStore;
  clock: () => Date;
  logger: Logger;
  /** For URLs; without one, only files can be ingested. */
  fetcher?: Fetcher;
  arxivDelayMs?: number;
}

export interface IngestReport extends IngestCounts {
  files: { file: string; papers: number }[];
}

export interface IngestProgress {
  /** Called after each file is read and parsed. */
  onFile?: (done: number, total: number) => void;
  /** Called while the papers are stored. */
  onStore?: (done: number, total: number) => void;
}

/** Reads a text file the user named; a missing or unreadable one is a ParseError naming it. */
export async function readSource(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ParseError(file, undefined, `cannot read: ${reason}`, { cause: err });
  }
}

export const isUrl = (target: string) => /^https?:\/\//i.test(target);

/** Turns files and URLs into papers and stores them. */
export function createIngester({ store, clock, logger, fetcher, arxivDelayMs = 3_000 }: IngestDeps) {
  async function read(target: string): Promise<string> {
    if (!isUrl(target)) return readSource(target);
    if (!fetcher) throw new ParseError(target, undefined, 'cannot fetch URLs here');
    const arxiv = /(^|\.)arxiv\.org$/.test(new URL(target).hostname);
    const result = await fetcher.get(target, { minIntervalMs: arxiv ? arxivDelayMs : 0, retryBody: arxiv ? isRateExceeded : undefined });
    // Without validators a server has no reason to answer 304; if one does, there is nothing to read.
    return result.notModified ? '' : result.body;
  }

  return {
    /**
     * Reads and parses every file or URL first, then stores all their papers: a malformed or
     * unreachable source anywhere in the list stores nothing at all. Re-ingesting the same sources
     * changes nothing (on SQLite a large ingest is written in batches, see upsertPapers).
     */
    async ingestFiles(targets: readonly string[], format: Format = 'auto', progress: IngestProgress = {}): Promise<IngestReport> {
      const startedAt = clock().toISOString();
      const t0 = performance.now();
      // Each source gets its own run record: the admin page shows the health of each.
      const record = (source: string, outcome: RunRecord['outcome'], detail: Record<string, unknown>) =>
        store.recordRun({ job: 'ingest', startedAt, durationMs: performance.now() - t0, outcome, planned: 0, sent: 0, failed: 0, skipped: 0, source, detail });
      const parsed: { file: string; papers: PaperInput[] }[] = [];
      try {
        for (const [i, target] of targets.entries()) {
          const text = await read(target);
          parsed.push({ file: target, papers: parseSource(text, target, format).papers.map(normalisePaperInput) });
          progress.onFile?.(i + 1, targets.length);
        }
      } catch (err) {
        const source = err instanceof ParseError ? err.file : targets[parsed.length];
        // The caller reports the error (the CLI in one line); the source's health records it.
        if (source) await record(source, 'failed', { error: scrub((err as Error).message) }).catch(() => undefined);
        throw err;
      }
      const counts = await store.upsertPapers(
        parsed.flatMap((p) => p.papers),
        clock().toISOString(),
        progress.onStore ? { onProgress: progress.onStore } : undefined,
      );
      for (const p of parsed) await record(p.file, 'ok', { papers: p.papers.length });
      const report = { ...counts, files: parsed.map((p) => ({ file: p.file, papers: p.papers.length })) };
      logger.info('ingest done', { job: 'ingest', files: targets.length, duration_ms: Math.round(performance.now() - t0), ...counts });
      return report;
    },
  };
}

export type Ingester = ReturnType<typeof createIngester>;
