import RSS from 'rss';
import { stripControlChars } from '../../domain/text.js';
import { feedUrl, type FeedData } from './feed-data.js';

/** RSS 2.0 through the `rss` package, which wraps text in CDATA but does not strip control characters. */
export function renderRss(feed: FeedData): string {
  const rss = new RSS({
    title: stripControlChars(feed.title),
    description: stripControlChars(feed.description),
    site_url: feed.siteUrl,
    feed_url: feedUrl(feed, 'rss'), // becomes <atom:link rel="self">
    generator: 'Paperboy',
    pubDate: feed.updated,
    ttl: 60,
  });
  for (const item of feed.items) {
    rss.item({
      title: stripControlChars(item.title),
      description: stripControlChars(item.summary),
      url: item.url,
      guid: item.id,
      date: item.date,
      ...(item.authors.length > 0 ? { author: stripControlChars(item.authors.join(', ')) } : {}),
    });
  }
  return rss.xml({ indent: true });
}
