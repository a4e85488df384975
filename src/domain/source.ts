// Sources and their health: which formats exist, when a run is a quiet day, and when an answer is
// suspicious (empty when it should not be, or older than expected). Pure: time is passed in.
import { localParts } from './zoned-time.js';

export const SOURCE_FORMATS = ['daily-page', 'json', 'hf-daily', 'arxiv-atom', 'arxiv-rss', 'rss', 'atom'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A configured source, as read from the sources file (see jobs/ingest/source-config.ts). */
export interface Source {
  name: string;
  format: SourceFormat | 'auto';
  /** The URL fetched (for arxiv-atom, the API endpoint the query is sent to). */
  url: string;
  /** arxiv-atom: the search query (`cat:cs.LG`, `all:"neural architecture search"`). */
  query?: string | undefined;
  cron: string;
  timezone: string;
  enabled: boolean;
  /** Days on which the source publishes nothing: no fetch, and an empty answer is a quiet day. */
  skipDays: Weekday[];
  /** Newest item older than this (hours) at a run: stale. */
  maxAgeHours: number;
  /** arxiv-atom: how many results to read at most, and how many a request. */
  maxResults: number;
  pageSize: number;
}

export type SourceStatus = 'ok' | 'failed' | 'stale';

/** What the store keeps about a source between runs. */
export interface SourceState {
  name: string;
  status: SourceStatus;
  detail: string | null;
  lastAttemptAt: string;
  lastSuccessAt: string | null;
  lastChangedAt: string | null;
  newestItemAt: string | null;
  itemsSeen: number;
  itemsNew: number;
  failures: number;
  etag: string | null;
  lastModified: string | null;
  /** Weekdays the feed itself declared (RSS `skipDays`). */
  skipDays: Weekday[];
}

/** The weekday of an instant in a zone. */
function weekdayAt(at: Date, timeZone: string): Weekday {
  return WEEKDAYS[localParts(at, timeZone).weekday - 1] as Weekday;
}

/** True when the source (or its feed) says it publishes nothing on this day. */
export function isSkipDay(
  source: Pick<Source, 'skipDays' | 'timezone'>,
  declared: readonly string[],
  at: Date,
): boolean {
  const day = weekdayAt(at, source.timezone);
  return source.skipDays.includes(day) || declared.includes(day);
}

export interface FetchOutcome {
  at: Date;
  /** The server answered 304: nothing changed since the last fetch. */
  notModified: boolean;
  items: number;
  /** The newest date among the items (or the feed's build date), if the source gives dates. */
  newestItemAt: string | undefined;
  /** When the content last changed, before this fetch (for 304s). */
  lastChangedAt: string | null;
  maxAgeHours: number;
  quietDay: boolean;
  /**
   * The request was for a day still in progress (Hugging Face's `date=` of the run day): an empty
   * answer means "not published yet", not a silent source.
   */
  dayInProgress?: boolean | undefined;
  /** The newest item date earlier fetches saw, for a source that has nothing yet today. */
  previousNewestAt?: string | null | undefined;
}

/**
 * Judges a successful fetch. Empty on a day the source publishes is stale, not a quiet day; so is
 * content whose newest item (or, for a 304, whose last change) is older than `maxAgeHours`.
 */
export function assessFetch(o: FetchOutcome): { status: SourceStatus; detail: string | null } {
  const limit = o.at.getTime() - o.maxAgeHours * 3_600_000;
  if (o.notModified) {
    if (!o.quietDay && o.lastChangedAt && Date.parse(o.lastChangedAt) < limit) {
      return { status: 'stale', detail: `not modified since ${o.lastChangedAt}, more than ${o.maxAgeHours} h ago` };
    }
    return { status: 'ok', detail: 'not modified' };
  }
  if (o.items === 0 && o.dayInProgress && !o.quietDay) {
    // Not yet is fine for a while; not for longer than the source may go without a new paper.
    if (o.previousNewestAt && Date.parse(o.previousNewestAt) < limit) {
      return {
        status: 'stale',
        detail: `nothing published yet today, and the newest paper is from ${o.previousNewestAt}, more than ${o.maxAgeHours} h ago`,
      };
    }
    return { status: 'ok', detail: 'nothing published yet today' };
  }
  if (o.items === 0) {
    return o.quietDay
      ? { status: 'ok', detail: 'quiet day: nothing published' }
      : { status: 'stale', detail: 'answered with no papers on a publishing day' };
  }
  if (!o.quietDay && o.newestItemAt && Date.parse(o.newestItemAt) < limit) {
    return { status: 'stale', detail: `newest paper is from ${o.newestItemAt}, more than ${o.maxAgeHours} h ago` };
  }
  return { status: 'ok', detail: null };
}
