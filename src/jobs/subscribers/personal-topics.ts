// A reader's own topics: words and/or seed papers (pasted ids, an uploaded library), private to them.
import { randomBytes } from 'node:crypto';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { parseQuery } from '../../domain/query.js';
import type { Subscriber } from '../../domain/subscriber.js';
import { normaliseWhitespace } from '../../domain/text.js';
import { defaultTopicName, PERSONAL_SLUG_PREFIX, TOPIC_NAME_MAX, type Topic } from '../../domain/topic.js';
import { formatBytes } from '../../ingest/fetch.js';
import type { LibraryEntry } from '../../ingest/library/entry.js';
import { parseLibrary } from '../../ingest/library/formats.js';
import { parsePastedIds } from '../../ingest/library/pasted.js';
import type { Logger } from '../../log.js';
import type { PersonalStore } from '../../store/ports.js';
import { ArxivUnavailableError, findLibraryPapers, type LibraryDeps, type LibraryReport } from './library-papers.js';

export interface PersonalTopicLimits {
  /** The largest library file read. */
  maxUploadBytes: number;
  /** Entries (and seed papers) in one topic. */
  maxEntries: number;
  /** Personal topics one reader may keep. */
  maxTopics: number;
}

export interface PersonalTopicDeps extends LibraryDeps {
  store: LibraryDeps['store'] &
    Omit<PersonalStore, 'personalFeedNonce' | 'setPersonalFeed' | 'personalFeedOwner' | 'sentDigestsOf'>;
  logger: Logger;
  limits: PersonalTopicLimits;
}

/** What the preferences form sends to create or edit a personal topic. */
export interface PersonalTopicInput {
  name?: string | undefined;
  words?: string | undefined;
  /** Pasted arXiv ids and links. */
  ids?: string | undefined;
  file?: { name: string; text: string; bytes: number } | undefined;
  /** On an edit: the seed papers to keep (unticked ones go). */
  keep?: readonly string[];
}

/** A personal topic as its owner sees it: its words and its seed papers apart. */
export interface PersonalTopicView {
  topic: Topic;
  words: string;
  seeds: string[];
}

const LIKE = /(^|\s)like:\S+/g;

/** A personal topic's slug: never a valid public slug (it has an underscore), and unguessable. */
const newPersonalSlug = () => `${PERSONAL_SLUG_PREFIX}${randomBytes(10).toString('hex')}`;

/** The words and seeds of a personal topic's query. */
export function personalTopicView(topic: Topic): PersonalTopicView {
  return {
    topic,
    words: normaliseWhitespace(topic.query.replace(LIKE, ' ')),
    seeds: parseQuery(topic.query).seeds,
  };
}

export function createPersonalTopicJobs(deps: PersonalTopicDeps) {
  const { store, clock, logger, limits } = deps;

  /** The entries of the pasted ids and the uploaded file; a bad file throws before anything is looked up. */
  function entriesOf(input: PersonalTopicInput): { entries: LibraryEntry[]; unreadable: LibraryReport['notFound'] } {
    const pasted = parsePastedIds(input.ids ?? '');
    const entries: LibraryEntry[] = pasted.ids.map((id, i) => ({ line: i + 1, key: id, arxivId: id }));
    if (input.file && input.file.bytes > 0) {
      if (input.file.bytes > limits.maxUploadBytes) {
        throw new InvalidInputError(
          `${input.file.name} is ${formatBytes(input.file.bytes)}: a library file may be at most ${formatBytes(limits.maxUploadBytes)}`,
        );
      }
      entries.push(...parseLibrary(input.file.name, input.file.text));
    }
    if (entries.length > limits.maxEntries) {
      throw new InvalidInputError(
        `${entries.length} papers given: a personal topic takes at most ${limits.maxEntries} (keep the ones closest to what you want)`,
      );
    }
    const unreadable = pasted.unreadable.map((u) => ({
      entry: `pasted line ${u.line}`,
      why: `"${u.text.slice(0, 60)}" is not an arXiv id or link`,
    }));
    return { entries, unreadable };
  }

  async function owned(owner: Subscriber, slug: string): Promise<Topic> {
    const topic = (await store.listPersonalTopics(owner.id)).find((t) => t.slug === slug);
    if (!topic) throw new NotFoundError('You have no such topic.');
    return topic;
  }

  return {
    async list(owner: Subscriber): Promise<PersonalTopicView[]> {
      return (await store.listPersonalTopics(owner.id)).map(personalTopicView);
    },

    /**
     * Creates the topic (no slug) or edits the owner's topic `slug`, and subscribes the owner to it.
     * Everything is checked and looked up first; the topic is written at the end, in one
     * transaction, so a bad file or an arXiv outage leaves nothing half-written.
     */
    async save(
      owner: Subscriber,
      input: PersonalTopicInput,
      slug?: string,
    ): Promise<{ topic: Topic; report: LibraryReport }> {
      const existing = slug ? await owned(owner, slug) : undefined;
      if (!existing && (await store.listPersonalTopics(owner.id)).length >= limits.maxTopics) {
        throw new InvalidInputError(
          `you have ${limits.maxTopics} topics of your own, the most there may be: edit or delete one`,
        );
      }
      const words = normaliseWhitespace(input.words ?? '')
        .replace(LIKE, ' ')
        .trim();
      const { entries, unreadable } = entriesOf(input);
      const report = await findLibraryPapers(deps, entries).catch((err: unknown) => {
        if (err instanceof ArxivUnavailableError) logger.warn('arXiv lookup failed', { error: err.detail });
        throw err;
      });
      report.notFound.unshift(...unreadable);
      // What could not be read was read all the same: "Read N entries" is the sum of what follows it.
      report.read += unreadable.length;
      const kept = existing ? personalTopicView(existing).seeds.filter((id) => input.keep?.includes(id)) : [];
      const seeds = [...new Set([...kept, ...report.paperIds])];
      if (seeds.length > limits.maxEntries) {
        throw new InvalidInputError(`${seeds.length} papers: a personal topic takes at most ${limits.maxEntries}`);
      }
      if (!words && seeds.length === 0) {
        const why = entries.length > 0 ? ': none of the papers given was found' : '';
        throw new InvalidInputError(`give some words or at least one paper${why}`);
      }
      const query = [words, ...seeds.map((id) => `like:${id}`)].filter(Boolean).join(' ');
      // The reader's words follow the query language; a mistake is shown to them as it would be to an operator.
      parseQuery(query, { strict: true });
      const name =
        normaliseWhitespace(input.name ?? '') || existing?.name || (words ? defaultTopicName(words) : 'My papers');
      if (name.length > TOPIC_NAME_MAX)
        throw new InvalidInputError(`a topic name is at most ${TOPIC_NAME_MAX} characters`);
      const topic: Topic & { owner: string } = {
        slug: existing?.slug ?? newPersonalSlug(),
        name,
        query,
        syntax: 'natural',
        owner: owner.id,
      };
      if (!(await store.savePersonalTopic(topic, clock().toISOString())))
        throw new NotFoundError('You have no such topic.');
      logger.info('personal topic saved', { subscriber: owner.id, seeds: seeds.length, read: report.read });
      return { topic, report };
    },

    async remove(owner: Subscriber, slug: string): Promise<void> {
      if (!(await store.removePersonalTopic(owner.id, slug))) throw new NotFoundError('You have no such topic.');
      logger.info('personal topic removed', { subscriber: owner.id });
    },
  };
}
