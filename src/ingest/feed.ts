import { ParseError } from '../domain/errors.js';
import type { PaperInput } from '../domain/paper.js';
import { WEEKDAYS, type Weekday } from '../domain/source.js';
import type { ParsedSource } from './parsed.js';
import { attr, child, htmlToText, isoDate, lineOfElement, list, newest, parseXml, text, type XmlNode } from './xml.js';

/**
 * Any RSS 2.0 or Atom 1.0 feed: a journal's, a lab blog's, another Paperboy's. An item becomes a
 * paper with its title, link, summary (HTML reduced to text) and authors; a link to arXiv makes
 * it the same paper as arXiv's own sighting.
 */
export type FeedKind = 'rss' | 'atom';

/** Which of the two the document is, from its root element. */
function feedKind(doc: XmlNode): FeedKind | undefined {
  if (doc.rss && typeof doc.rss === 'object') return 'rss';
  if (doc.feed && typeof doc.feed === 'object') return 'atom';
  return undefined;
}

/** RSS `author` is an address, often with the name in parentheses: keep the name, never the address. */
function rssAuthor(raw: string): string {
  const named = /^\S+@\S+\s*\((.+)\)$/.exec(raw.trim());
  if (named) return named[1] as string;
  return raw.includes('@') ? '' : raw;
}

function rssItem(item: XmlNode, i: number, source: string, file: string): PaperInput {
  const title = htmlToText(text(item.title));
  if (!title)
    throw new ParseError(file, lineOfElement(source, 'item', i), `item ${i + 1} has no title`, { field: 'title' });
  const guid = child(item, 'guid');
  const link = text(item.link) || (attr(guid, 'isPermaLink') !== 'false' ? text(guid) : '');
  const authors = [
    ...list(item['dc:creator']).map((a) => text(a)),
    ...list(item.author).map((a) => rssAuthor(text(a))),
  ];
  return {
    title,
    abstract: htmlToText(text(item.description) || text(item['content:encoded'])),
    authors,
    url: link || undefined,
    publishedAt: isoDate(text(item.pubDate) || text(item['dc:date'])),
    categories: list(item.category)
      .map((c) => text(c))
      .filter(Boolean),
  };
}

function atomEntry(entry: XmlNode, i: number, source: string, file: string): PaperInput {
  const title = htmlToText(text(entry.title));
  if (!title)
    throw new ParseError(file, lineOfElement(source, 'entry', i), `entry ${i + 1} has no title`, { field: 'title' });
  const links = list(entry.link);
  const link = links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate') ?? links[0];
  return {
    title,
    abstract: htmlToText(text(entry.summary) || text(entry.content)),
    authors: list(entry.author).map((a) => text(a.name)),
    url: attr(link, 'href'),
    publishedAt: isoDate(text(entry.published) || text(entry.updated)),
    categories: list(entry.category).flatMap((c) => attr(c, 'term') ?? []),
  };
}

/** Parses RSS 2.0 or Atom 1.0; `expect` refuses the other one (when the user named a format). */
export function parseFeed(source: string, file: string, expect?: FeedKind): ParsedSource {
  const doc = parseXml(source, file);
  const kind = feedKind(doc);
  if (!kind) throw new ParseError(file, 1, 'not a feed: the root element is neither <rss> nor <feed>');
  if (expect && kind !== expect) {
    throw new ParseError(
      file,
      1,
      `expected ${expect === 'rss' ? 'RSS 2.0 (<rss>)' : 'Atom 1.0 (<feed>)'}, found ${kind === 'rss' ? '<rss>' : '<feed>'}`,
    );
  }
  if (kind === 'atom') {
    const feed = doc.feed as XmlNode;
    const papers = list(feed.entry).map((e, i) => atomEntry(e, i, source, file));
    return { papers, newestAt: newest([isoDate(text(feed.updated)), ...papers.map((p) => p.publishedAt)]) };
  }
  const channel = (doc.rss as XmlNode).channel as XmlNode | undefined;
  if (!channel) throw new ParseError(file, 1, 'not an RSS 2.0 feed: <rss> has no <channel>');
  const papers = list(channel.item).map((item, i) => rssItem(item, i, source, file));
  const skipDays = list((channel.skipDays as XmlNode | undefined)?.day)
    .map((d) => text(d))
    .filter((d): d is Weekday => (WEEKDAYS as readonly string[]).includes(d));
  return {
    papers,
    skipDays,
    newestAt: newest([
      isoDate(text(channel.lastBuildDate)),
      isoDate(text(channel.pubDate)),
      ...papers.map((p) => p.publishedAt),
    ]),
  };
}
