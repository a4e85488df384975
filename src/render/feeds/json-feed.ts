import { stripControlChars } from '../../domain/text.js';
import { feedUrl, type FeedData } from './feed-data.js';

/** JSON Feed 1.1. Optional fields are left out, never written empty. */
export function renderJsonFeed(feed: FeedData): string {
  const clean = stripControlChars;
  return `${JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      title: clean(feed.title),
      description: clean(feed.description),
      home_page_url: feed.siteUrl,
      feed_url: feedUrl(feed, 'json'),
      items: feed.items.map((item) => ({
        id: item.id,
        url: item.url,
        title: clean(item.title),
        ...(item.summary ? { content_text: clean(item.summary) } : {}),
        date_published: item.date.toISOString(),
        ...(item.authors.length > 0 ? { authors: item.authors.map((name) => ({ name: clean(name) })) } : {}),
      })),
    },
    null,
    2,
  )}\n`;
}
