import { feedUrl, type FeedData } from './feed-data.js';
import { xmlText } from './xml.js';

// Entry ids must be IRIs that never change: the paper's canonical id under a URN prefix.
const entryId = (id: string) => `urn:paperboy:${id}`;

/** Atom 1.0 (RFC 4287). Optional elements are left out, never written empty. */
export function renderAtom(feed: FeedData): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <title>${xmlText(feed.title)}</title>`,
    `  <subtitle>${xmlText(feed.description)}</subtitle>`,
    `  <id>${xmlText(feedUrl(feed, 'atom'))}</id>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(feedUrl(feed, 'atom'))}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(feed.siteUrl)}"/>`,
    `  <updated>${feed.updated.toISOString()}</updated>`,
    '  <generator>Paperboy</generator>',
  ];
  for (const item of feed.items) {
    lines.push('  <entry>');
    lines.push(`    <title>${xmlText(item.title)}</title>`);
    lines.push(`    <id>${xmlText(entryId(item.id))}</id>`);
    lines.push(`    <link rel="alternate" type="text/html" href="${xmlText(item.url)}"/>`);
    lines.push(`    <updated>${item.date.toISOString()}</updated>`);
    lines.push(`    <published>${item.date.toISOString()}</published>`);
    for (const name of item.authors) lines.push(`    <author><name>${xmlText(name)}</name></author>`);
    if (item.summary) lines.push(`    <summary>${xmlText(item.summary)}</summary>`);
    lines.push('  </entry>');
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
