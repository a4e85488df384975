import { renderAtom } from './atom.js';
import type { FeedData, FeedFormat } from './feed-data.js';
import { renderJsonFeed } from './json-feed.js';
import { renderRss } from './rss.js';

const RENDERERS: Record<FeedFormat, (feed: FeedData) => string> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
};

/** The same feed in any of the three formats. */
export function renderFeed(feed: FeedData, format: FeedFormat): string {
  return RENDERERS[format](feed);
}
