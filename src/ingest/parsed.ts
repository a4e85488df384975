import type { PaperInput } from '../domain/paper.js';
import type { Weekday } from '../domain/source.js';

/** What a parser read from one document: the papers, and what the document says about itself. */
export interface ParsedSource {
  papers: PaperInput[];
  /** What was read with doubt or left out, one line each naming the file and line: shown, recorded, never silent. */
  warnings?: string[] | undefined;
  /** The newest date the document carries (an item's, or the feed's build date). */
  newestAt?: string | undefined;
  /** Days the feed says it publishes nothing (RSS `skipDays`). */
  skipDays?: Weekday[] | undefined;
  /** arXiv API paging: results in all, and where this page starts. */
  totalResults?: number | undefined;
  startIndex?: number | undefined;
}
