import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InvalidInputError, ParseError } from '../../domain/errors.js';
import { parseQuery, type Query } from '../../domain/query.js';
import { assertValidSlug, defaultTopicName, TOPIC_NAME_MAX, type Topic } from '../../domain/topic.js';
import type { PaperStore, TopicStore } from '../../store/ports.js';

/** Checks a topic before it is stored: a valid slug, a query that parses, a name that fits (derived from the query when not given). */
export function validateTopic(slug: string, query: string, name?: string): Topic {
  assertValidSlug(slug);
  const trimmed = query.trim();
  parseQuery(trimmed, { strict: true });
  const given = (name ?? '').trim();
  if (given.length > TOPIC_NAME_MAX) {
    throw new InvalidInputError(
      `a topic name is at most ${TOPIC_NAME_MAX} characters (this one has ${given.length}): give a shorter name, or none to take one from the query`,
    );
  }
  const finalName = given || defaultTopicName(trimmed);
  // A topic saved now reads its query the natural way, whatever the topic of that slug did before.
  return { slug, name: finalName, query: trimmed, syntax: 'natural' };
}

/** A stored topic's query, read with the topic's own syntax (an 'all-words' topic keeps requiring every plain word). */
export function topicQuery(topic: Topic): Query {
  return parseQuery(topic.query, { syntax: topic.syntax ?? 'natural' });
}

/**
 * Refuses a topic whose `like:` seeds are not stored papers: such a topic would match nothing.
 * (A topics file is read before any paper may be stored, so it is not checked this way.)
 */
export async function assertSeedsStored(
  store: Pick<PaperStore, 'getPapers'>,
  topic: Pick<Topic, 'query'>,
): Promise<void> {
  const { seeds } = parseQuery(topic.query);
  if (seeds.length === 0) return;
  const stored = new Set((await store.getPapers(seeds)).map((p) => p.id));
  const missing = seeds.find((id) => !stored.has(id));
  if (missing !== undefined) {
    throw new InvalidInputError(
      `topic query ${JSON.stringify(topic.query)}: like:${missing} is not a stored paper (ingest it first)`,
    );
  }
}

/**
 * The `like:` seeds of every topic that are not among `have`, sorted: a ranking must read them
 * beside its recent papers, however old they are, or a seeded topic could not be compared with them.
 */
export async function seedsBeyond(
  store: Pick<TopicStore, 'listAllTopics'>,
  have: ReadonlySet<string>,
): Promise<string[]> {
  // Personal topics too: their seeds are a reader's library, often older than the recent papers.
  const topics = await store.listAllTopics();
  return [...new Set(topics.flatMap((t) => parseQuery(t.query).seeds.filter((id) => !have.has(id))))].sort();
}

const topicsFile = z.object({
  topics: z.array(z.object({ slug: z.string(), name: z.string().optional(), query: z.string() })),
});

/** Reads a topics file (`{"topics": [{slug, name?, query}]}`), validating every topic first. */
export async function readTopicsFile(file: string): Promise<Topic[]> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ParseError(file, undefined, `cannot read topics: ${(err as Error).message}`, { cause: err });
  }
  const parsed = topicsFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ParseError(file, undefined, issue?.message ?? 'invalid topics file', {
      field: issue?.path.join('.') ?? '',
    });
  }
  return parsed.data.topics.map((t, i) => {
    try {
      return validateTopic(t.slug, t.query, t.name);
    } catch (err) {
      throw new ParseError(file, undefined, `topic ${i + 1}: ${(err as Error).message}`, { cause: err });
    }
  });
}

export async function saveTopics(
  store: Pick<TopicStore, 'saveTopic'>,
  topics: readonly Topic[],
  at: string,
): Promise<void> {
  for (const topic of topics) await store.saveTopic(topic, at);
}
