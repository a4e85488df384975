import { readFile, stat } from 'node:fs/promises';
import { errorText, ParseError } from '../../domain/errors.js';
import { oneLine } from '../../domain/text.js';
import { normalisePaperInput, type PaperInput } from '../../domain/paper.js';
import { maskSecrets, maskUrl, secretsInUrl } from '../../domain/secrets.js';
import { isRateExceeded } from '../../ingest/arxiv-atom.js';
import { decodeSource, type DecodedSource } from '../../ingest/decode.js';
import { formatBytes, type Fetcher } from '../../ingest/fetch.js';
import { latestDayOn } from '../../ingest/daily-page.js';
import { parseSource, type Format } from '../../ingest/formats.js';
import { scrub, type Logger } from '../../log.js';
import type { IngestCounts, PaperStore, RunRecord, RunStore } from '../../store/ports.js';

export interface IngestDeps {
  store: Pick<PaperStore, 'upsertPapers'> & Pick<RunStore, 'recordRun'>;
  clock: () => Date;
  logger: Logger;
  /** For URLs; without one, only files can be ingested. */
  fetcher?: Fetcher;
  arxivDelayMs?: number;
  /** A larger file is refused unread (the fetcher has its own limit for URLs). */
  maxSourceBytes?: number;
}

export interface IngestReport extends IngestCounts {
  /** `warnings`: what was read with doubt or left out, one line each (file and line named). */
  files: { file: string; papers: number; warnings: string[] }[];
}

/** How many of a source's warnings a run record keeps (the count says how many there were). */
const RECORDED_WARNINGS = 10;

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

/** A source file's bytes; one over `maxBytes` is refused before it is read. */
async function readSourceBytes(file: string, maxBytes: number): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ParseError(file, undefined, `cannot read: ${reason}`, { cause: err });
  }
  if (size > maxBytes) {
    throw new ParseError(
      file,
      undefined,
      `the file is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} limit: not read (raise SOURCE_MAX_BYTES to accept it)`,
    );
  }
  try {
    return await readFile(file);
  } catch (err) {
    throw new ParseError(file, undefined, `cannot read: ${(err as Error).message}`, { cause: err });
  }
}

const isUrl = (target: string) => /^https?:\/\//i.test(target);

/** A run record's account of a source's warnings: the first few, one bounded line each, and how many. */
function recordedWarnings(warnings: readonly string[]): Record<string, unknown> {
  if (warnings.length === 0) return {};
  return { warnings: warnings.slice(0, RECORDED_WARNINGS).map((w) => oneLine(w)), warningCount: warnings.length };
}

/** How a file or URL is named in errors, run records and reports: a URL without its credentials and keys. */
const shownName = (target: string) => (isUrl(target) ? maskUrl(target) : target);

/** Turns files and URLs into papers and stores them. */
export function createIngester({
  store,
  clock,
  logger,
  fetcher,
  arxivDelayMs = 3_000,
  maxSourceBytes = 50 * 1024 * 1024,
}: IngestDeps) {
  async function read(target: string): Promise<DecodedSource> {
    if (!isUrl(target)) return decodeSource(await readSourceBytes(target, maxSourceBytes), target);
    if (!fetcher) throw new ParseError(shownName(target), undefined, 'cannot fetch URLs here');
    const arxiv = /(^|\.)arxiv\.org$/.test(new URL(target).hostname);
    const result = await fetcher.get(target, {
      minIntervalMs: arxiv ? arxivDelayMs : 0,
      retryBody: arxiv ? isRateExceeded : undefined,
    });
    // Without validators a server has no reason to answer 304; if one does, there is nothing to read.
    return result.notModified
      ? { text: '', encoding: 'utf-8', warnings: [] }
      : decodeSource(result.bytes, shownName(target), result.contentType);
  }

  return {
    /**
     * Reads and parses every file or URL first, then stores all their papers: a malformed or
     * unreachable source anywhere in the list stores nothing at all. Re-ingesting the same sources
     * changes nothing (on SQLite a large ingest is written in batches, see upsertPapers).
     */
    async ingestFiles(
      targets: readonly string[],
      format: Format = 'auto',
      progress: IngestProgress = {},
    ): Promise<IngestReport> {
      const startedAt = clock().toISOString();
      const t0 = performance.now();
      // Each source gets its own run record: the admin page shows the health of each.
      const record = (source: string, outcome: RunRecord['outcome'], detail: Record<string, unknown>) =>
        store.recordRun({
          job: 'ingest',
          startedAt,
          durationMs: performance.now() - t0,
          outcome,
          planned: 0,
          sent: 0,
          failed: 0,
          skipped: 0,
          source,
          detail,
        });
      const parsed: { file: string; papers: PaperInput[]; warnings: string[] }[] = [];
      try {
        for (const [i, target] of targets.entries()) {
          const decoded = await read(target);
          const name = shownName(target);
          const source = parseSource(decoded.text, name, format);
          const warnings = [...decoded.warnings, ...(source.warnings ?? [])];
          // A page dated without a year (Daily Papers' "Mar 21") is the latest such day: read today, it is recent.
          const featuredOn = source.undatedDay && latestDayOn(source.undatedDay, clock());
          const papers = featuredOn ? source.papers.map((p) => ({ featuredOn, ...p })) : source.papers;
          parsed.push({ file: name, papers: papers.map(normalisePaperInput), warnings });
          progress.onFile?.(i + 1, targets.length);
        }
      } catch (err) {
        const target = targets[parsed.length];
        const source = err instanceof ParseError ? err.file : target && shownName(target);
        const error = maskSecrets((err as Error).message, target && isUrl(target) ? secretsInUrl(target) : []);
        // The caller reports the error (the CLI in one line); the source's health records it.
        if (source) await record(source, 'failed', { error: errorText(error) }).catch(() => undefined);
        throw err;
      }
      const counts = await store.upsertPapers(
        parsed.flatMap((p) => p.papers),
        clock().toISOString(),
        progress.onStore ? { onProgress: progress.onStore } : undefined,
      );
      for (const p of parsed) {
        await record(p.file, 'ok', {
          papers: p.papers.length,
          ...(scrub(recordedWarnings(p.warnings)) as Record<string, unknown>),
        });
        if (p.warnings.length)
          logger.warn('ingest warnings', {
            job: 'ingest',
            source: p.file,
            warnings: p.warnings.length,
            detail: p.warnings[0],
          });
      }
      const report = {
        ...counts,
        files: parsed.map((p) => ({ file: p.file, papers: p.papers.length, warnings: p.warnings })),
      };
      logger.info('ingest done', {
        job: 'ingest',
        files: targets.length,
        duration_ms: Math.round(performance.now() - t0),
        ...counts,
      });
      return report;
    },
  };
}

export type Ingester = ReturnType<typeof createIngester>;
