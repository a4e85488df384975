import { createHash } from 'node:crypto';
import type { Period } from './period.js';

/** One frozen edition: the papers picked for one topic set and one period. */
export interface Digest {
  id: string;
  /** Its topic set, and for a variant what sets it apart (see editionKey): unique with the period. */
  editionKey: string;
  period: Period;
  /** Papers first seen after `windowStart` and up to `cutoffAt` were candidates. */
  windowStart: string;
  cutoffAt: string;
  createdAt: string;
  subject: string;
  /** The papers shown, best first; a near-duplicate shown under a paper ("Also: …") follows it. */
  paperIds: string[];
  /**
   * Those of `paperIds` shown as updated: revised papers the audience had before the revision
   * (SHOW_REVISED_PAPERS). Empty in every other edition.
   */
  updatedIds: string[];
  /** Rendered once, with per-recipient holes left in (see render/email/holes.ts). */
  html: string;
  text: string;
  /** The same edition in the compact layout, rendered with it; absent for editions frozen before there was one. */
  compact?: { html: string; text: string };
  /** What a chat message shows of it (see DigestEntries); absent for editions frozen before there were channels. */
  entries?: DigestEntries;
  /**
   * For an edition of one reader: what it shows (its view, as JSON), from which html, text and
   * compact are rendered when first read (jobs/edition/lazy-digests.ts); stored with them empty.
   */
  view?: string;
}

/** One paper as an edition showed it: enough for a chat message or a JSON receiver. */
export interface DigestEntry {
  id: string;
  title: string;
  /** Its page, or an arXiv title search when no source gave one. */
  url: string;
  /** Why it was picked ("matches NAS · like …"), as the email says. */
  why: string;
  score: number;
  /** The name of the topic it is shown under. */
  topic: string;
}

/** The heading, papers and links of a frozen edition, kept beside its HTML: channels are made of it. */
export interface DigestEntries {
  topicNames: string;
  periodLabel: string;
  webUrl: string;
  /** Matching papers the edition did not show (listed on its "more" page). */
  more: number;
  moreUrl: string;
  papers: DigestEntry[];
}

/** A digest's id is derived from its unique key, so the same edition always has the same address. */
export function digestId(editionKey: string, period: Pick<Period, 'kind' | 'key'>): string {
  const hash = createHash('sha256').update(`${editionKey}\n${period.kind}\n${period.key}`).digest('base64url');
  return `${period.key}-${hash.slice(0, 10)}`;
}

/**
 * The unique key of an edition: the topic set, then after `@` what sets a variant apart (where
 * its window starts, the revised papers it shows as updated, the reader it was ranked for).
 * topicSlugsOf reads the topics back.
 */
export function editionKey(
  topicSet: string,
  since?: string,
  updatedIds: readonly string[] = [],
  readerId?: string,
): string {
  const variant = since ?? '';
  // A reader's own edition (ranked with their ratings) is theirs alone: their id sets it apart.
  if (readerId !== undefined) return `${topicSet}@${variant}+reader:${readerId}`;
  if (updatedIds.length === 0) return variant ? `${topicSet}@${variant}` : topicSet;
  const hash = createHash('sha256')
    .update([...updatedIds].sort().join('\n'))
    .digest('base64url');
  return `${topicSet}@${variant}+updated:${hash.slice(0, 12)}`;
}

/** The reader an edition was ranked for (see editionKey), if it is one reader's own. */
export function readerOf(key: string): string | undefined {
  const at = key.indexOf('+reader:');
  return at < 0 ? undefined : key.slice(at + '+reader:'.length);
}
