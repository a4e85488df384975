import { readFile } from 'node:fs/promises';
import { ParseError } from '../domain/errors.js';
import { normalisePaperInput, type PaperInput } from '../domain/paper.js';
import { parsePapers, type Format } from '../ingest/formats.js';
import { scrub, type Logger } from '../log.js';
import type { IngestCounts, PaperStore, RunRecord, RunStore } from '../store/ports.js';

export interface IngestDeps {
  store: PaperStore & RunStore;
  clock: () => Date;
  logger: Logger;
}

export interface IngestReport extends IngestCounts {
  files: { file: string; papers: number }[];
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

/** Turns files into papers and stores them. */
export function createIngester({ store, clock, logger }: IngestDeps) {
  return {
    /**
     * Parses every file first, then stores all their papers in one transaction: a malformed file
     * anywhere in the list stores nothing at all. Re-ingesting the same files changes nothing.
     */
    async ingestFiles(files: readonly string[], format: Format = 'auto'): Promise<IngestReport> {
      const startedAt = clock().toISOString();
      const t0 = performance.now();
      // Each source gets its own run record: the admin page shows the health of each.
      const record = (source: string, outcome: RunRecord['outcome'], detail: Record<string, unknown>) =>
        store.recordRun({ job: 'ingest', startedAt, durationMs: performance.now() - t0, outcome, planned: 0, sent: 0, failed: 0, skipped: 0, source, detail });
      const parsed: { file: string; papers: PaperInput[] }[] = [];
      try {
        for (const file of files) {
          const text = await readSource(file);
          parsed.push({ file, papers: parsePapers(text, file, format).map(normalisePaperInput) });
        }
      } catch (err) {
        const source = err instanceof ParseError ? err.file : files[parsed.length];
        // The caller reports the error (the CLI in one line); the source's health records it.
        if (source) await record(source, 'failed', { error: scrub((err as Error).message) }).catch(() => undefined);
        throw err;
      }
      const counts = await store.upsertPapers(
        parsed.flatMap((p) => p.papers),
        clock().toISOString(),
      );
      for (const p of parsed) await record(p.file, 'ok', { papers: p.papers.length });
      const report = { ...counts, files: parsed.map((p) => ({ file: p.file, papers: p.papers.length })) };
      logger.info('ingest done', { job: 'ingest', files: files.length, duration_ms: Math.round(performance.now() - t0), ...counts });
      return report;
    },
  };
}

export type Ingester = ReturnType<typeof createIngester>;
