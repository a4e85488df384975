import RSS from 'rss';
import { stripControlChars } from '../../domain/text.js';
import { feedUrl, type FeedData } from './feed-data.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Plain text where RSS readers expect HTML. RSS 2.0 has no "this is text" flag: readers treat a
 * description as HTML, and a title too once it holds markup or an entity, so an abstract that says
 * `<img src=…>` would show an image. Escaped, it shows as the characters it is. The `rss` package
 * then wraps it in CDATA.
 */
function rssText(s: string): string {
  return stripControlChars(s).replace(/[&<>]/g, (c) => HTML_ESCAPES[c] as string);
}

/** RSS 2.0 through the `rss` package, which wraps text in CDATA but neither escapes it as HTML nor strips control characters. */
export function renderRss(feed: FeedData): string {
  const rss = new RSS({
    title: rssText(feed.title),
    description: rssText(feed.description),
    site_url: feed.siteUrl,
    feed_url: feedUrl(feed, 'rss'), // becomes <atom:link rel="self">
    generator: 'Paperboy',
    pubDate: feed.updated,
    ttl: 60,
  });
  for (const item of feed.items) {
    rss.item({
      title: rssText(item.title),
      description: rssText(item.summary),
      url: item.url,
      guid: item.id,
      date: item.date,
      // Written as <dc:creator>, which readers (feedparser among them) take as plain text, not HTML:
      // escaped, `Mallory & Co` would show as `Mallory &amp; Co`.
      ...(item.authors.length > 0 ? { author: stripControlChars(item.authors.join(', ')) } : {}),
    });
  }
  return rss.xml({ indent: true });
}
