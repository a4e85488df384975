import type { PaperInput } from '../domain/paper.js';
import type { Weekday } from '../domain/source.js';

/** What a parser read from one document: the papers, and what the document says about itself. */
export interface ParsedSource {
  papers: PaperInput[];
  /** What was read with doubt or left out, one line each naming the file and line: shown, recorded, never silent. */
  warnings?: string[] | undefined;
  /** The newest date the document carries (an item's, or the feed's build date). */
  newestAt?: string | undefined;
  /**
   * The day (MM-DD) a page dates its papers with, when it gives no year (a Daily Papers page's
   * "Mar 21"): the ingest takes the latest such day up to now as the papers' featured day.
   */
  undatedDay?: string | undefined;
  /** Days the feed says it publishes nothing (RSS `skipDays`). */
  skipDays?: Weekday[] | undefined;
  /** arXiv API paging: results in all, and where this page starts. */
  totalResults?: number | undefined;
  startIndex?: number | undefined;
}
