// Topics, public and personal, on both engines.
import { InvalidInputError } from '../../domain/errors.js';
import type { Topic } from '../../domain/topic.js';
import type { PersonalReads, PersonalStore, TopicStore } from '../ports.js';
import type { SqlDb } from './db.js';
import { sql } from './statement.js';

// The query's syntax travels with it (see migration 11); a personal topic's owner with it (migration 15).
const COLUMNS = 'slug, name, query, query_syntax AS syntax, owner_subscriber_id AS owner';
const PUBLIC = 'owner_subscriber_id IS NULL';

// By name ignoring case, then slug: lower() folds ASCII only on both engines (SQLite's built-in
// lower(), PostgreSQL's under the "C" collation), and both compare the bytes.
const LIST = sql`SELECT ${COLUMNS} FROM topics WHERE ${PUBLIC} ORDER BY lower(name), slug`;
const LIST_ALL = sql`SELECT ${COLUMNS} FROM topics ORDER BY lower(name), slug`;
const BY_SLUG = sql`SELECT ${COLUMNS} FROM topics WHERE slug = :slug AND ${PUBLIC}`;
const ANY_BY_SLUG = sql`SELECT ${COLUMNS} FROM topics WHERE slug = :slug`;
// A new topic is inserted, an existing one updated: two statements, so that each engine says
// which happened (a concurrent insert of the same slug makes this one an update, not an error).
const INSERT = sql`
  INSERT INTO topics (slug, name, query, query_syntax, owner_subscriber_id, created_at, updated_at)
  VALUES (:slug, :name, :query, :syntax, :owner, :at, :at)
  ON CONFLICT (slug) DO NOTHING`;
const UPDATE = sql`UPDATE topics SET name = :name, query = :query, query_syntax = :syntax, updated_at = :at
  WHERE slug = :slug AND ${PUBLIC}`;
const DELETE = sql`DELETE FROM topics WHERE slug = :slug AND ${PUBLIC}`;

const OWNED = sql`SELECT ${COLUMNS} FROM topics WHERE owner_subscriber_id = :owner ORDER BY lower(name), slug`;
const COUNT_PERSONAL = sql`
  SELECT count(*) AS topics, count(DISTINCT owner_subscriber_id) AS owners FROM topics WHERE owner_subscriber_id IS NOT NULL`;
const UPDATE_OWNED = sql`UPDATE topics SET name = :name, query = :query, query_syntax = :syntax, updated_at = :at
  WHERE slug = :slug AND owner_subscriber_id = :owner`;
const SUBSCRIBE_OWNER = sql`
  INSERT INTO subscriber_topics (subscriber_id, topic_slug) VALUES (:owner, :slug) ON CONFLICT DO NOTHING`;
const DELETE_OWNED = sql`DELETE FROM topics WHERE slug = :slug AND owner_subscriber_id = :owner`;
const UNSUBSCRIBE_OWNER = sql`DELETE FROM subscriber_topics WHERE subscriber_id = :owner AND topic_slug = :slug`;

type TopicRow = Topic & { owner: string | null };
/** A public topic's row has no owner: the field is left out, never written empty. */
function toTopic({ owner, ...row }: TopicRow): Topic {
  return owner === null ? row : { ...row, owner };
}

function rowOf(topic: Topic, at: string) {
  return {
    slug: topic.slug,
    name: topic.name,
    query: topic.query,
    syntax: topic.syntax ?? 'natural',
    owner: topic.owner ?? null,
    at,
  };
}

export function topicStore(db: SqlDb): TopicStore & Omit<PersonalStore, keyof PersonalReads> {
  return {
    async listTopics() {
      return (await db.all<TopicRow>(LIST)).map(toTopic);
    },
    async listAllTopics() {
      return (await db.all<TopicRow>(LIST_ALL)).map(toTopic);
    },
    async getTopic(slug, scope = 'public') {
      const row = await db.get<TopicRow>(scope === 'any' ? ANY_BY_SLUG : BY_SLUG, { slug });
      return row && toTopic(row);
    },
    async saveTopic(topic, at) {
      const row = rowOf({ ...topic, owner: undefined }, at);
      return db.transaction(async (tx) => {
        if ((await tx.run(INSERT, row)) > 0) return true;
        if ((await tx.run(UPDATE, row)) === 0)
          throw new InvalidInputError(`topic "${topic.slug}" is a reader's personal topic`);
        return false;
      });
    },
    async removeTopic(slug) {
      return (await db.run(DELETE, { slug })) > 0;
    },
    async listPersonalTopics(owner) {
      return (await db.all<TopicRow>(OWNED, { owner })).map(toTopic);
    },
    async countPersonalTopics() {
      const row = await db.get<{ topics: number | string; owners: number | string }>(COUNT_PERSONAL);
      return { topics: Number(row?.topics ?? 0), owners: Number(row?.owners ?? 0) };
    },
    async savePersonalTopic(topic, at) {
      const row = rowOf(topic, at);
      return db.transaction(async (tx) => {
        if ((await tx.run(INSERT, row)) === 0 && (await tx.run(UPDATE_OWNED, row)) === 0) return false;
        await tx.run(SUBSCRIBE_OWNER, row);
        return true;
      });
    },
    async removePersonalTopic(owner, slug) {
      return db.transaction(async (tx) => {
        if ((await tx.run(DELETE_OWNED, { owner, slug })) === 0) return false;
        await tx.run(UNSUBSCRIBE_OWNER, { owner, slug });
        return true;
      });
    },
  };
}
