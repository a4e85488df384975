/** What every feed format renders: the same facts, so RSS, Atom and JSON Feed agree. */
export interface FeedData {
  title: string;
  description: string;
  siteUrl: string;
  /** The feed's address without its extension: `<base>.xml` (RSS), `.atom`, `.json`. */
  feedBase: string;
  /** The newest item's time, or the time of rendering for an empty feed. */
  updated: Date;
  items: FeedItem[];
}

export interface FeedItem {
  /** Stable across re-renders and re-ingests: the paper's canonical id. */
  id: string;
  title: string;
  url: string;
  summary: string;
  authors: string[];
  date: Date;
}

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_FORMATS: Record<FeedFormat, { extension: string; contentType: string; label: string }> = {
  rss: { extension: 'xml', contentType: 'application/rss+xml', label: 'RSS' },
  atom: { extension: 'atom', contentType: 'application/atom+xml', label: 'Atom' },
  json: { extension: 'json', contentType: 'application/feed+json', label: 'JSON Feed' },
};

export function feedUrl(feed: Pick<FeedData, 'feedBase'>, format: FeedFormat): string {
  return `${feed.feedBase}.${FEED_FORMATS[format].extension}`;
}
