import { InvalidInputError } from './errors.js';
import type { QuerySyntax } from './query.js';
import { normaliseWhitespace } from './text.js';

/** A named query with a slug, e.g. `nas` = "neural architecture search". */
export interface Topic {
  slug: string;
  name: string;
  query: string;
  /**
   * How the query's plain words are read: 'natural' (each counts, +word required) for a topic
   * saved now; 'all-words' for one stored before natural queries, which keeps its meaning. A topic
   * without it is 'natural'.
   */
  syntax?: QuerySyntax;
  /**
   * The subscriber a personal topic belongs to: it is private to them (no public page, feed or
   * listing) and only they receive it. Left out for a public topic.
   */
  owner?: string;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Throws InvalidInputError unless the slug is lowercase words joined by hyphens, at most 64 characters. */
export function assertValidSlug(slug: string): void {
  if (!SLUG.test(slug) || slug.length > 64) {
    throw new InvalidInputError(
      `invalid topic slug "${slug}": use lowercase letters, digits and single hyphens (e.g. "llm-serving"), at most 64 characters`,
    );
  }
}

/** A personal topic's slug starts so: no public slug can (they have no underscore). */
export const PERSONAL_SLUG_PREFIX = 'p_';

export function isPersonalSlug(slug: string): boolean {
  return slug.startsWith(PERSONAL_SLUG_PREFIX);
}

/** The longest topic name: it heads digests, pages and feed titles. */
export const TOPIC_NAME_MAX = 120;

/**
 * A display name for a topic whose name was not given: the query's first alternative without
 * operators, capitalised, and cut to fit TOPIC_NAME_MAX (a long query still gets a name).
 */
export function defaultTopicName(query: string): string {
  const first = query.split(/\s+OR\s+/)[0] ?? query;
  const words = first.replace(/(^|\s)-?(?:author|category|cat|like|min):(?:"[^"]*"|\S+)/gi, ' ');
  const plain = normaliseWhitespace(words.replace(/"|(^|\s)-\S+/g, ' ')) || normaliseWhitespace(first);
  return shortened(plain.charAt(0).toUpperCase() + plain.slice(1), TOPIC_NAME_MAX);
}

/** The text cut to at most `max` characters with an ellipsis: at the last word boundary, unless that loses half of it. */
function shortened(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // A character outside the Basic Multilingual Plane is two code units: never keep half of one.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const boundary = text[cut.length] === ' ' ? cut.length : cut.lastIndexOf(' ');
  if (boundary >= max / 2) cut = cut.slice(0, boundary);
  return `${cut.replace(/[\s,;:/(-]+$/, '')}…`;
}

/**
 * The canonical key of a set of topics: sorted, de-duplicated slugs joined by commas. A digest is
 * unique on (topic set, period), so two subscribers with the same topics share one digest.
 */
export function topicSetKey(slugs: readonly string[]): string {
  return [...new Set(slugs)].sort().join(',');
}

/** Display names for slugs, in their order; a slug whose topic is gone shows as itself. */
export function topicNames(topics: readonly Topic[], slugs: readonly string[]): string {
  return slugs.map((slug) => topics.find((t) => t.slug === slug)?.name ?? slug).join(', ');
}

/**
 * The topic slugs alone of a topic set, or of an edition key, which may carry a variant after `@`:
 * the edition for subscribers who already had some of the main edition's papers (see
 * domain/digest.ts editionKey and jobs/edition/group-editions.ts).
 */
export function topicSlugsOf(keyOrSet: string): string[] {
  return (keyOrSet.split('@')[0] ?? '').split(',').filter(Boolean);
}
