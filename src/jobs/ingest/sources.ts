// Fetching configured sources: each run fetches (every page, for the arXiv API), parses, and only
// then stores; a failed fetch or parse anywhere stores no paper. Every run leaves the
// source's health: last success, items seen and new, and a flag when it failed or looks stale.
import { errorText, PaperboyError } from '../../domain/errors.js';
import { normalisePaperInput, type PaperInput } from '../../domain/paper.js';
import { maskSecrets, maskUrl, secretsInUrl } from '../../domain/secrets.js';
import { assessFetch, isSkipDay, type Source, type SourceState, type SourceStatus } from '../../domain/source.js';
import { oneLine } from '../../domain/text.js';
import { localParts } from '../../domain/zoned-time.js';
import { arxivQueryUrl, isRateExceeded } from '../../ingest/arxiv-atom.js';
import { decodeSource } from '../../ingest/decode.js';
import type { Fetcher } from '../../ingest/fetch.js';
import { parseSource } from '../../ingest/formats.js';
import type { ParsedSource } from '../../ingest/parsed.js';
import type { Logger } from '../../log.js';
import type { PaperStore, SourceStore } from '../../store/ports.js';

export interface SourceJobsDeps {
  store: Pick<PaperStore, 'upsertPapers'> & SourceStore;
  fetcher: Fetcher;
  clock: () => Date;
  logger: Logger;
  sources: readonly Source[];
  arxivDelayMs: number;
}

export interface SourceRun {
  name: string;
  /** `skipped`: a day the source publishes nothing; nothing was fetched. */
  status: SourceStatus | 'skipped';
  detail: string | null;
  seen: number;
  added: number;
  updated: number;
  requests: number;
  /** What was read with doubt or left out (undecodable bytes, unpaired lines), one line each. */
  warnings: string[];
}

export interface SourceHealth {
  name: string;
  format: string;
  url: string;
  cron: string;
  enabled: boolean;
  status: SourceStatus | 'never-run' | 'disabled';
  detail: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  itemsSeen: number;
  itemsNew: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A source whose sites sit at arXiv gets arXiv's pace, whatever its format says. */
const isArxivHost = (url: string) => /(^|\.)arxiv\.org$/.test(new URL(url).hostname);

export function createSourceJobs({ store, fetcher, clock, logger, sources, arxivDelayMs }: SourceJobsDeps) {
  const byName = new Map(sources.map((s) => [s.name, s]));
  const gapFor = (source: Source) => (source.format === 'arxiv-atom' || isArxivHost(source.url) ? arxivDelayMs : 0);

  /** Every page of an arXiv API query, up to maxResults; a failed page fails the whole run. */
  async function fetchArxivPages(source: Source): Promise<{ parsed: ParsedSource[]; requests: number }> {
    const parsed: ParsedSource[] = [];
    let requests = 0;
    for (let start = 0; start < source.maxResults; ) {
      const size = Math.min(source.pageSize, source.maxResults - start);
      const url = arxivQueryUrl(source.url, source.query ?? '', start, size);
      const result = await fetcher.get(url, { minIntervalMs: gapFor(source), retryBody: isRateExceeded });
      requests += result.attempts;
      if (result.notModified) break;
      // The URL names the source in parse errors, which are shown: its keys are masked.
      const decoded = decodeSource(result.bytes, maskUrl(url), result.contentType);
      const page = parseSource(decoded.text, maskUrl(url), 'arxiv-atom');
      page.warnings = [...decoded.warnings, ...(page.warnings ?? [])];
      parsed.push(page);
      const total = page.totalResults ?? 0;
      if (page.papers.length === 0 && start < total) {
        // arXiv sometimes answers a page with no entries mid-way; taking it as the end would store half.
        throw new PaperboyError('FETCH_FAILED', `${maskUrl(url)}: an empty page at ${start} of ${total} results`);
      }
      start += page.papers.length;
      if (page.papers.length === 0 || start >= total) break;
    }
    return { parsed, requests };
  }

  async function fetchAndParse(source: Source, state: SourceState | undefined, at: Date) {
    if (source.format === 'arxiv-atom')
      return { ...(await fetchArxivPages(source)), notModified: false, validators: {}, dayInProgress: false };
    let url = source.url;
    // Hugging Face publishes a day's papers through that day: asked for the run's own day, it
    // may not have any yet.
    const dayInProgress = source.format === 'hf-daily' && !new URL(url).searchParams.has('date');
    if (dayInProgress) {
      const d = localParts(at, source.timezone);
      const u = new URL(url);
      u.searchParams.set('date', `${d.year}-${pad(d.month)}-${pad(d.day)}`);
      url = u.toString();
    }
    // The Hugging Face URL changes every day: validators of yesterday's answer mean nothing today.
    const conditional = source.format !== 'hf-daily';
    const result = await fetcher.get(url, {
      minIntervalMs: gapFor(source),
      etag: conditional ? state?.etag : undefined,
      lastModified: conditional ? state?.lastModified : undefined,
    });
    if (result.notModified)
      return { parsed: [], requests: result.attempts, notModified: true, validators: {}, dayInProgress };
    const decoded = decodeSource(result.bytes, maskUrl(url), result.contentType);
    const parsed = parseSource(decoded.text, maskUrl(url), source.format);
    parsed.warnings = [...decoded.warnings, ...(parsed.warnings ?? [])];
    return {
      parsed: [parsed],
      requests: result.attempts,
      notModified: false,
      validators: { etag: result.etag ?? null, lastModified: result.lastModified ?? null },
      dayInProgress,
    };
  }

  async function run(source: Source, at: Date, options: { force?: boolean } = {}): Promise<SourceRun> {
    const state = await store.getSourceState(source.name);
    const quietDay = isSkipDay(source, state?.skipDays ?? [], at);
    const base = { name: source.name, seen: 0, added: 0, updated: 0, requests: 0, warnings: [] as string[] };
    if (quietDay && !options.force) {
      logger.info('source skipped: a day it publishes nothing', { source: source.name });
      return { ...base, status: 'skipped', detail: 'a day the source publishes nothing' };
    }
    const iso = at.toISOString();
    try {
      const fetched = await fetchAndParse(source, state, at);
      const papers: PaperInput[] = fetched.parsed.flatMap((p) => p.papers).map(normalisePaperInput);
      const counts = papers.length ? await store.upsertPapers(papers, iso) : { added: 0, updated: 0, unchanged: 0 };
      const newestAt = fetched.parsed
        .map((p) => p.newestAt)
        .reduce<string | undefined>((a, b) => (b && (!a || b > a) ? b : a), undefined);
      const declared = fetched.parsed.flatMap((p) => p.skipDays ?? []);
      const verdict = assessFetch({
        at,
        notModified: fetched.notModified,
        items: papers.length,
        newestItemAt: newestAt,
        lastChangedAt: state?.lastChangedAt ?? null,
        maxAgeHours: source.maxAgeHours,
        quietDay,
        dayInProgress: fetched.dayInProgress,
        previousNewestAt: state?.newestItemAt ?? null,
      });
      // Nothing yet today says nothing about the newest paper: the one seen before stays.
      const notYet = fetched.dayInProgress && papers.length === 0;
      const warnings = fetched.parsed.flatMap((p) => p.warnings ?? []);
      // The source's health keeps the first warning and how many there were; the run shows them all.
      const warned = warnings.length
        ? oneLine(`${warnings[0]}${warnings.length > 1 ? ` (and ${warnings.length - 1} more warnings)` : ''}`)
        : null;
      const detail = [verdict.detail, warned].filter(Boolean).join('; ') || null;
      await store.saveSourceState({
        name: source.name,
        status: verdict.status,
        detail,
        lastAttemptAt: iso,
        lastSuccessAt: iso,
        lastChangedAt: fetched.notModified ? (state?.lastChangedAt ?? null) : iso,
        newestItemAt: fetched.notModified || notYet ? (state?.newestItemAt ?? null) : (newestAt ?? null),
        itemsSeen: papers.length,
        itemsNew: counts.added,
        failures: 0,
        etag: fetched.notModified ? (state?.etag ?? null) : (fetched.validators.etag ?? null),
        lastModified: fetched.notModified ? (state?.lastModified ?? null) : (fetched.validators.lastModified ?? null),
        skipDays: fetched.parsed.length ? [...new Set(declared)] : (state?.skipDays ?? []),
      });
      const facts = {
        source: source.name,
        status: verdict.status,
        seen: papers.length,
        new: counts.added,
        updated: counts.updated,
        requests: fetched.requests,
        warnings: warnings.length || undefined,
        detail: detail ?? undefined,
      };
      if (verdict.status === 'stale') logger.warn('source looks stale', facts);
      else if (warnings.length) logger.warn('source fetched with warnings', facts);
      else logger.info('source fetched', facts);
      return {
        ...base,
        status: verdict.status,
        detail,
        seen: papers.length,
        added: counts.added,
        updated: counts.updated,
        requests: fetched.requests,
        warnings,
      };
    } catch (err) {
      // Bad answers (HTTP errors, garbage, truncated bodies) flag the source; anything else is ours.
      if (!(err instanceof PaperboyError) || err.code === 'STORE_UNAVAILABLE') throw err;
      // Stored, logged and shown on /healthz: whatever the error says of the URL's secrets is masked.
      const detail = errorText(maskSecrets(err.message, secretsInUrl(source.url)));
      await store.saveSourceState({
        ...(state ?? {
          name: source.name,
          lastSuccessAt: null,
          lastChangedAt: null,
          newestItemAt: null,
          itemsSeen: 0,
          itemsNew: 0,
          failures: 0,
          etag: null,
          lastModified: null,
          skipDays: [],
        }),
        status: 'failed',
        detail,
        lastAttemptAt: iso,
        failures: (state?.failures ?? 0) + 1,
      });
      logger.error('source failed', { source: source.name, error: detail });
      return { ...base, status: 'failed', detail };
    }
  }

  return {
    sources,
    /** Fetches one configured source now (at the clock's time); `force` fetches on a skip day too. */
    async runSource(name: string, options: { force?: boolean } = {}): Promise<SourceRun> {
      const source = byName.get(name);
      if (!source) throw new PaperboyError('NOT_FOUND', `no source named "${name}" (see paperboy sources)`);
      return run(source, clock(), options);
    },
    /** Each source with how its last run went. */
    async health(): Promise<SourceHealth[]> {
      const states = new Map((await store.listSourceStates()).map((s) => [s.name, s]));
      return sources.map((s) => {
        const st = states.get(s.name);
        return {
          name: s.name,
          format: s.format,
          // /healthz is public: the URL without its credentials and keys, and so is an older detail.
          url: maskUrl(s.url),
          cron: s.cron,
          enabled: s.enabled,
          status: !s.enabled ? 'disabled' : (st?.status ?? 'never-run'),
          detail: st?.detail ? oneLine(maskSecrets(st.detail, secretsInUrl(s.url))) : null,
          lastAttemptAt: st?.lastAttemptAt ?? null,
          lastSuccessAt: st?.lastSuccessAt ?? null,
          itemsSeen: st?.itemsSeen ?? 0,
          itemsNew: st?.itemsNew ?? 0,
        };
      });
    },
  };
}

export type SourceJobs = ReturnType<typeof createSourceJobs>;
