import { createHash } from 'node:crypto';

/** A feed as it goes out: its bytes, their ETag, and the time the newest thing in it changed. */
export interface CachedFeed {
  body: Buffer;
  etag: string;
  lastModified: Date;
  /** The Last-Modified header value, formatted once. */
  lastModifiedHttp: string;
}

export interface FeedCacheDeps<K extends string> {
  /** Changes whenever anything a feed shows changes (one indexed read of the store). */
  version: () => Promise<string>;
  /** Builds and renders one feed; the cache does not know what is in it. */
  build: (slug: string | undefined, format: K) => Promise<{ body: string; updated: Date }>;
  /** How many (feed, format) entries to keep; the set of topics bounds it in practice. */
  maxEntries?: number;
}

/**
 * Renders each (feed, format) once per data version: repeated requests cost one version read and
 * a map lookup, never a ranking or a render. Concurrent misses for the same feed share one build.
 * A build that throws (an unknown topic) is not cached.
 */
export function createFeedCache<K extends string>({ version, build, maxEntries = 1000 }: FeedCacheDeps<K>) {
  const entries = new Map<string, { version: string; feed: CachedFeed }>();
  const building = new Map<string, Promise<CachedFeed>>();

  return {
    async get(slug: string | undefined, format: K): Promise<CachedFeed> {
      const key = `${format}\n${slug ?? ''}`;
      const current = await version();
      const hit = entries.get(key);
      if (hit && hit.version === current) return hit.feed;
      const inFlight = building.get(`${key}\n${current}`);
      if (inFlight) return inFlight;
      const made = (async () => {
        const { body, updated } = await build(slug, format);
        const bytes = Buffer.from(body, 'utf8');
        const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
        const feed = { body: bytes, etag, lastModified: updated, lastModifiedHttp: updated.toUTCString() };
        if (entries.size >= maxEntries && !entries.has(key)) entries.clear();
        entries.set(key, { version: current, feed });
        return feed;
      })().finally(() => building.delete(`${key}\n${current}`));
      building.set(`${key}\n${current}`, made);
      return made;
    },
  };
}

export type FeedCache<K extends string> = ReturnType<typeof createFeedCache<K>>;
