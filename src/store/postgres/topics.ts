import type { Topic } from '../../domain/topic.js';
import type { ChangeCounters, LeaseStore, MetaStore, TopicStore, WriteProbe } from '../ports.js';
import type { Pg } from './db.js';

// The query's syntax travels with it (see migration 11).
const TOPIC_COLUMNS = 'slug, name, query, query_syntax AS syntax';

export function pgTopicStore(db: Pg): TopicStore {
  return {
    async listTopics() {
      // lower() under the "C" collation folds ASCII only, as SQLite's NOCASE does.
      return (await db.query<Topic>(`SELECT ${TOPIC_COLUMNS} FROM topics ORDER BY lower(name), slug`)).rows;
    },
    async getTopic(slug) {
      return (await db.query<Topic>(`SELECT ${TOPIC_COLUMNS} FROM topics WHERE slug = $1`, [slug])).rows[0];
    },
    async saveTopic(topic, at) {
      // xmax is 0 on a row this statement inserted, set on one it updated.
      const { rows } = await db.query<{ inserted: boolean }>(
        `INSERT INTO topics (slug, name, query, query_syntax, created_at, updated_at) VALUES ($1, $2, $3, $5, $4, $4)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, query = excluded.query, query_syntax = excluded.query_syntax, updated_at = excluded.updated_at
         RETURNING (xmax = 0) AS inserted`,
        [topic.slug, topic.name, topic.query, at, topic.syntax ?? 'natural'],
      );
      return rows[0]!.inserted;
    },
    async removeTopic(slug) {
      return ((await db.query('DELETE FROM topics WHERE slug = $1', [slug])).rowCount ?? 0) > 0;
    },
  };
}

export function pgMetaStore(db: Pg): MetaStore & LeaseStore & WriteProbe & ChangeCounters {
  return {
    async getMeta(key) {
      return (await db.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key])).rows[0]?.value;
    },
    async setMeta(key, value) {
      await db.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
    },
    async probeWrite(at) {
      // A committed write, as a real one: a lock held too long, a full disk or a read-only server fail it.
      await db.query(`INSERT INTO meta (key, value) VALUES ('write_probe', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [at]);
    },
    async acquireLease(name, holder, now, expiresAt) {
      // One statement: PostgreSQL locks the conflicting row, so two processes cannot both take it.
      const result = await db.query(
        `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= $4`,
        [name, holder, expiresAt, now],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async releaseLease(name, holder) {
      await db.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
    },
    async contentVersion() {
      // Bumped by triggers on papers, topics and digests (migration 7), whichever process wrote.
      return (await db.query<{ value: string }>(`SELECT value FROM meta WHERE key = 'content_version'`)).rows[0]?.value ?? '0';
    },
    async planVersion() {
      return (await db.query<{ value: string }>(`SELECT value FROM meta WHERE key = 'plan_version'`)).rows[0]?.value ?? '0';
    },
  };
}
