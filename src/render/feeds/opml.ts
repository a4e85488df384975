// OPML 2.0 (http://opml.org/spec2.opml): a list of feeds a feed reader imports in one go.
import { xmlText } from './xml.js';

export interface OpmlFeed {
  title: string;
  /** The feed (RSS 2.0). */
  xmlUrl: string;
  /** The page it belongs to. */
  htmlUrl: string;
}

/** An OPML 2.0 document of feeds, one `<outline type="rss">` each; every text escaped. */
export function renderOpml(input: {
  title: string;
  ownerUrl: string;
  created: Date;
  feeds: readonly OpmlFeed[];
}): string {
  const outline = (f: OpmlFeed) =>
    `    <outline type="rss" text="${xmlText(f.title)}" title="${xmlText(f.title)}" xmlUrl="${xmlText(f.xmlUrl)}" htmlUrl="${xmlText(f.htmlUrl)}"/>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${xmlText(input.title)}</title>`,
    `    <dateCreated>${input.created.toUTCString()}</dateCreated>`,
    `    <ownerId>${xmlText(input.ownerUrl)}</ownerId>`,
    '  </head>',
    '  <body>',
    ...input.feeds.map(outline),
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}
