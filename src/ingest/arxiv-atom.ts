import { ParseError } from '../domain/errors.js';
import type { PaperInput } from '../domain/paper.js';
import type { ParsedSource } from './parsed.js';
import { attr, child, isoDate, lineOfElement, list, newest, parseXml, text, type XmlNode } from './xml.js';

/**
 * The arXiv API's Atom (export.arxiv.org/api/query). Titles and abstracts come hard-wrapped; the
 * entry id is the abs link with its version; `published` is v1's date, `updated` the latest
 * version's. The API answers errors with HTTP 200 and one entry titled "Error", and an overload
 * with the plain text "Rate exceeded.".
 */
const RATE_EXCEEDED = 'Rate exceeded.';

/** True when the body is arXiv's plain-text overload answer rather than a feed. */
export function isRateExceeded(body: string): boolean {
  return body.trim().startsWith('Rate exceeded');
}

/** True when the text looks like an arXiv API answer. */
export function looksLikeArxivAtom(head: string): boolean {
  return head.includes('<feed') && (head.includes('arxiv.org/api') || head.includes('opensearch'));
}

function entryPaper(entry: XmlNode, i: number, source: string, file: string): PaperInput {
  // Only worked out for an error: finding the n-th entry's line costs a scan of the text.
  const line = () => lineOfElement(source, 'entry', i);
  const idText = text(entry.id);
  const title = text(entry.title);
  if (title === 'Error' && idText.includes('/api/errors')) {
    throw new ParseError(file, line(), `the arXiv API answered with an error: ${text(entry.summary) || idText}`, {
      field: 'entry',
    });
  }
  if (!idText) throw new ParseError(file, line(), `entry ${i + 1} has no id`, { field: 'id' });
  if (!title) throw new ParseError(file, line(), `entry ${i + 1} (${idText}) has no title`, { field: 'title' });
  const alternate = list(entry.link).find((l) => attr(l, 'rel') === 'alternate' || !attr(l, 'rel'));
  const primary = attr(child(entry, 'arxiv:primary_category'), 'term');
  const categories = list(entry.category).flatMap((c) => attr(c, 'term') ?? []);
  return {
    title,
    abstract: text(entry.summary),
    authors: list(entry.author).map((a) => text(a.name)),
    arxivId: idText,
    url: attr(alternate, 'href') ?? idText,
    publishedAt: isoDate(text(entry.published)),
    categories: primary ? [primary, ...categories] : categories,
  };
}

function count(node: unknown): number | undefined {
  const raw = text(node);
  return raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export function parseArxivAtom(source: string, file: string): ParsedSource {
  if (isRateExceeded(source)) {
    throw new ParseError(file, 1, `the arXiv API answered "${RATE_EXCEEDED}": too many requests, try again later`);
  }
  const doc = parseXml(source, file);
  const feed = doc.feed as XmlNode | undefined;
  if (!feed || typeof feed !== 'object') throw new ParseError(file, 1, 'not an Atom feed: no <feed> element');
  const entries = list(feed.entry);
  const papers = entries.map((e, i) => entryPaper(e, i, source, file));
  const updated = entries.map((e) => isoDate(text(e.updated)));
  return {
    papers,
    newestAt: newest(updated),
    totalResults: count(feed['opensearch:totalResults']),
    startIndex: count(feed['opensearch:startIndex']),
  };
}

/** The URL of one page of an API query, newest submissions first. */
export function arxivQueryUrl(endpoint: string, query: string, start: number, max: number): string {
  const url = new URL(endpoint);
  url.searchParams.set('search_query', query);
  url.searchParams.set('sortBy', 'submittedDate');
  url.searchParams.set('sortOrder', 'descending');
  url.searchParams.set('start', String(start));
  url.searchParams.set('max_results', String(max));
  return url.toString();
}
