// Topics, on both engines.
import type { Topic } from '../../domain/topic.js';
import type { TopicStore } from '../ports.js';
import type { SqlDb } from './db.js';
import { sql } from './statement.js';

// The query's syntax travels with it (see migration 11).
const COLUMNS = 'slug, name, query, query_syntax AS syntax';

// By name ignoring case, then slug: lower() folds ASCII only on both engines (SQLite's built-in
// lower(), PostgreSQL's under the "C" collation), and both compare the bytes.
const LIST = sql`SELECT ${COLUMNS} FROM topics ORDER BY lower(name), slug`;
// Every topic is public until personal topics land (a topic with an owner_subscriber_id): they
// must be left out here, whatever else lists topics.
const LIST_PUBLIC = sql`SELECT ${COLUMNS} FROM topics ORDER BY lower(name), slug`;
const BY_SLUG = sql`SELECT ${COLUMNS} FROM topics WHERE slug = :slug`;
// A new topic is inserted, an existing one updated: two statements, so that each engine says
// which happened (a concurrent insert of the same slug makes this one an update, not an error).
const INSERT = sql`
  INSERT INTO topics (slug, name, query, query_syntax, created_at, updated_at) VALUES (:slug, :name, :query, :syntax, :at, :at)
  ON CONFLICT (slug) DO NOTHING`;
const UPDATE = sql`UPDATE topics SET name = :name, query = :query, query_syntax = :syntax, updated_at = :at WHERE slug = :slug`;
const DELETE = sql`DELETE FROM topics WHERE slug = :slug`;

export function topicStore(db: SqlDb): TopicStore {
  return {
    async listTopics() {
      return db.all<Topic>(LIST);
    },
    async listPublicTopics() {
      return db.all<Topic>(LIST_PUBLIC);
    },
    async getTopic(slug) {
      return db.get<Topic>(BY_SLUG, { slug });
    },
    async saveTopic(topic, at) {
      const row = { slug: topic.slug, name: topic.name, query: topic.query, syntax: topic.syntax ?? 'natural', at };
      return db.transaction(async (tx) => {
        if ((await tx.run(INSERT, row)) > 0) return true;
        await tx.run(UPDATE, row);
        return false;
      });
    },
    async removeTopic(slug) {
      return (await db.run(DELETE, { slug })) > 0;
    },
  };
}
