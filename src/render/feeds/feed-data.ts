/** What every feed format renders: the same facts, so RSS, Atom and JSON Feed agree. */
export interface FeedData {
  title: string;
  description: string;
  siteUrl: string;
  feedUrl: string;
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
