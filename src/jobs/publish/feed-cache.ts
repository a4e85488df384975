import { createHash } from 'node:crypto';

/** A feed as it goes out: its bytes, their ETag, and the time the newest thing in it changed. */
export interface CachedFeed {
  body: Buffer;
  etag: string;
  lastModified: Date;
  /** The Last-Modified header value, formatted once. */
  lastModifiedHttp: string;
}

/** How long a read of the content version is trusted: a change made by another process shows within this. */
export const FEED_RECHECK_MS = 1000;

export interface FeedCacheDeps<K extends string> {
  /** Changes whenever anything a feed shows changes (one indexed read of the store). */
  version: () => Promise<string>;
  /** Builds and renders one feed; the cache does not know what is in it. */
  build: (slug: string | undefined, format: K) => Promise<{ body: string; updated: Date }>;
  /** How many (feed, format) entries to keep; the set of topics bounds it in practice. */
  maxEntries?: number;
  /** How long a version read is trusted (FEED_RECHECK_MS by default); `invalidate()` ends it early. */
  recheckMs?: number;
  /** Monotonic milliseconds (performance.now by default); tests step it. */
  now?: () => number;
}

/**
 * Renders each (feed, format) once per data version: repeated requests cost a map lookup, never a
 * ranking or a render. Concurrent misses for the same feed share one build. A build that throws
 * (an unknown topic) is not cached.
 *
 * The version is read from the store at most once per `recheckMs`: under load, a store read per
 * request (a WAL read lock in SQLite, a round trip in PostgreSQL) cost more than the rest of the
 * answer. Writes made through this process's store call `invalidate()`, so they show at once;
 * writes by another process on the same database show within `recheckMs`.
 */
export function createFeedCache<K extends string>({
  version,
  build,
  maxEntries = 1000,
  recheckMs = FEED_RECHECK_MS,
  now = () => performance.now(),
}: FeedCacheDeps<K>) {
  const entries = new Map<string, { version: string; feed: CachedFeed }>();
  const building = new Map<string, Promise<CachedFeed>>();
  const key = (slug: string | undefined, format: K) => `${format}\n${slug ?? ''}`;

  let known: string | undefined;
  let readAt = 0;
  // Bumped by every invalidation: a read that started before one must not be trusted after it.
  let generation = 0;
  let reading: Promise<string> | undefined;

  /** The version read less than `recheckMs` ago, or undefined when it must be read again. */
  function trusted(): string | undefined {
    const elapsed = now() - readAt;
    return known !== undefined && elapsed >= 0 && elapsed < recheckMs ? known : undefined;
  }

  function currentVersion(): Promise<string> {
    const fresh = trusted();
    if (fresh !== undefined) return Promise.resolve(fresh);
    if (reading) return reading;
    const startedGeneration = generation;
    const startedAt = now();
    const read: Promise<string> = version()
      .then((v) => {
        if (generation === startedGeneration) {
          known = v;
          readAt = startedAt;
        }
        return v;
      })
      .finally(() => {
        if (reading === read) reading = undefined;
      });
    reading = read;
    return read;
  }

  return {
    /** Something in the store may have changed: the next request reads the version again. */
    invalidate(): void {
      generation++;
      known = undefined;
      reading = undefined;
    },

    /** The cached feed, if it is known to be current without reading the store; else undefined. */
    peek(slug: string | undefined, format: K): CachedFeed | undefined {
      const current = trusted();
      if (current === undefined) return undefined;
      const hit = entries.get(key(slug, format));
      return hit && hit.version === current ? hit.feed : undefined;
    },

    async get(slug: string | undefined, format: K): Promise<CachedFeed> {
      const k = key(slug, format);
      const current = await currentVersion();
      const hit = entries.get(k);
      if (hit && hit.version === current) return hit.feed;
      const inFlight = building.get(`${k}\n${current}`);
      if (inFlight) return inFlight;
      const made = (async () => {
        const { body, updated } = await build(slug, format);
        const bytes = Buffer.from(body, 'utf8');
        const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
        const feed = { body: bytes, etag, lastModified: updated, lastModifiedHttp: updated.toUTCString() };
        if (entries.size >= maxEntries && !entries.has(k)) entries.clear();
        entries.set(k, { version: current, feed });
        return feed;
      })().finally(() => building.delete(`${k}\n${current}`));
      building.set(`${k}\n${current}`, made);
      return made;
    },
  };
}
