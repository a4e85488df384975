// What every channel format is made of, and the rules they share: the papers that fit a size
// limit, and the line that says how many more are on the web.
import type { DigestEntries, DigestEntry } from '../../domain/digest.js';
import type { Period } from '../../domain/period.js';
import { normaliseWhitespace } from '../../domain/text.js';

/** One edition as a channel receives it. */
export interface ChannelEdition {
  /** The delivery's id: the same on a resend, so a receiver can drop a duplicate. */
  deliveryId: string;
  digestId: string;
  editionKey: string;
  period: Pick<Period, 'kind' | 'key' | 'start' | 'end'>;
  topicSlugs: string[];
  entries: DigestEntries;
  /** When it is posted (the json body's `sent_at`, the signature's timestamp). */
  at: Date;
}

/** A payload to post: the exact body and the headers it goes with. */
export interface ChannelPayload {
  body: string;
  headers: Record<string, string>;
}

/** Text from a paper or a topic, on one line: control characters and runs of space gone. */
export const clean = (s: string) => normaliseWhitespace(s);

/** Cuts text to at most `max` characters (code points kept whole), with an ellipsis. */
export function cut(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** "Neural architecture search · 21 Mar 2026": the heading every format starts with. */
export const heading = (e: DigestEntries) => clean(`${e.topicNames} · ${e.periodLabel}`);

/**
 * The first papers whose rendered parts fit `budget` characters together (at most `maxCount`),
 * and how many of the edition's papers are left out, counting those it did not show either.
 */
export function fitPapers(
  entries: DigestEntries,
  render: (p: DigestEntry, i: number) => string,
  budget: number,
  maxCount = Number.POSITIVE_INFINITY,
): { parts: string[]; left: number } {
  const parts: string[] = [];
  let used = 0;
  for (const [i, p] of entries.papers.entries()) {
    if (i >= maxCount) break;
    const part = render(p, i);
    if (used + part.length > budget) break;
    parts.push(part);
    used += part.length;
  }
  return { parts, left: entries.papers.length - parts.length + entries.more };
}

/** The topic a paper is shown under, for editions of several topics (in one, the heading says it). */
export function topicOf(entries: DigestEntries): (p: DigestEntry) => string {
  const several = new Set(entries.papers.map((p) => p.topic)).size > 1;
  return (p) => (several ? clean(p.topic) : '');
}

/** "and 12 more on the web", or nothing when everything is in the message. */
export const moreLine = (left: number) => (left > 0 ? `and ${left} more on the web` : '');
