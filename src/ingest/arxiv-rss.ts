import { ParseError } from '../domain/errors.js';
import type { PaperInput } from '../domain/paper.js';
import { WEEKDAYS, type Weekday } from '../domain/source.js';
import type { ParsedSource } from './parsed.js';
import { isoDate, lineOfElement, list, newest, parseXml, text, type XmlNode } from './xml.js';

// arXiv's RSS (rss.arxiv.org/rss/<category>): one item per announcement. The guid is
// `oai:arXiv.org:<id>v<n>`; the description starts `arXiv:<id>v<n> Announce Type: new|cross|
// replace|replace-cross Abstract: …`; `dc:creator` is one comma-joined string of authors; the
// channel's `skipDays` names the days nothing is announced (Saturday, Sunday).

export function looksLikeArxivRss(head: string): boolean {
  return head.includes('<rss') && (head.includes('xmlns:arxiv=') || head.includes('rss.arxiv.org'));
}

/** Splits "A. One, B. Two, and C. Three" into names. */
export function splitCreators(raw: string): string[] {
  return raw
    .split(/\s*,\s*(?:and\s+)?|\s+and\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const ANNOUNCE = /^\s*arXiv:(\S+)\s+Announce Type:\s*([\w-]+)\s*(?:Abstract:\s*)?/i;

/** The announcement header split from the abstract that follows it. */
function splitDescription(raw: string): { id?: string; type?: string; abstract: string } {
  const m = ANNOUNCE.exec(raw);
  if (!m) return { abstract: raw };
  return { id: m[1], type: m[2]?.toLowerCase(), abstract: raw.slice(m[0].length) };
}

export function parseArxivRss(source: string, file: string): ParsedSource & { announced: Record<string, number> } {
  const doc = parseXml(source, file);
  const channel = (doc.rss as XmlNode | undefined)?.channel as XmlNode | undefined;
  if (!channel) throw new ParseError(file, 1, 'not an RSS 2.0 feed: no <rss><channel>');
  // Keyed by the feed's own words: no inherited member may pass for a count.
  const announced: Record<string, number> = Object.create(null);
  // The day of the announcement: the item's own date, else the feed's.
  const feedDate = isoDate(text(channel.pubDate)) ?? isoDate(text(channel.lastBuildDate));
  const papers = list(channel.item).map((item, i): PaperInput => {
    const title = text(item.title);
    const guid = text(item.guid);
    const description = splitDescription(text(item.description));
    const type = text(item['arxiv:announce_type']) || description.type || 'new';
    announced[type] = (announced[type] ?? 0) + 1;
    const arxivId = description.id ?? guid;
    if (!title)
      throw new ParseError(file, lineOfElement(source, 'item', i), `item ${i + 1} has no title`, { field: 'title' });
    if (!arxivId && !text(item.link)) {
      throw new ParseError(file, lineOfElement(source, 'item', i), `item ${i + 1} has no arXiv id`, { field: 'guid' });
    }
    return {
      title,
      abstract: description.abstract,
      authors: list(item['dc:creator']).flatMap((c) => splitCreators(text(c))),
      arxivId: arxivId || undefined,
      url: text(item.link) || undefined,
      categories: list(item.category).map((c) => text(c)),
      // For a first announcement (new, cross) this is the paper's date. A replacement's is later
      // than the paper's, yet it is the best date there is for a paper never seen before; the
      // store keeps the earliest date any source gave, so arXiv's own v1 date corrects it.
      publishedAt: isoDate(text(item.pubDate)) ?? isoDate(text(item['dc:date'])) ?? feedDate,
    };
  });
  const skipDays = list((channel.skipDays as XmlNode | undefined)?.day)
    .map((d) => text(d))
    .filter((d): d is Weekday => (WEEKDAYS as readonly string[]).includes(d));
  return {
    papers,
    announced,
    skipDays,
    newestAt: newest([
      isoDate(text(channel.lastBuildDate)),
      isoDate(text(channel.pubDate)),
      ...list(channel.item).map((i) => isoDate(text(i.pubDate))),
    ]),
  };
}
