import type Database from 'better-sqlite3';
import type { Topic } from '../../domain/topic.js';
import type { ChangeCounters, LeaseStore, MetaStore, TopicStore, WriteProbe } from '../ports.js';

// The query's syntax travels with it (see migration 11).
const TOPIC_COLUMNS = 'slug, name, query, query_syntax AS syntax';

export function sqliteTopicStore(db: Database.Database): TopicStore {
  return {
    async listTopics() {
      return db.prepare(`SELECT ${TOPIC_COLUMNS} FROM topics ORDER BY name COLLATE NOCASE, slug`).all() as Topic[];
    },
    async getTopic(slug) {
      return db.prepare(`SELECT ${TOPIC_COLUMNS} FROM topics WHERE slug = ?`).get(slug) as Topic | undefined;
    },
    async saveTopic(topic, at) {
      const existed = db.prepare('SELECT 1 FROM topics WHERE slug = ?').get(topic.slug) !== undefined;
      db.prepare(
        `INSERT INTO topics (slug, name, query, query_syntax, created_at, updated_at) VALUES (@slug, @name, @query, @syntax, @at, @at)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, query = excluded.query, query_syntax = excluded.query_syntax, updated_at = excluded.updated_at`,
      ).run({ slug: topic.slug, name: topic.name, query: topic.query, syntax: topic.syntax ?? 'natural', at });
      return !existed;
    },
    async removeTopic(slug) {
      return db.prepare('DELETE FROM topics WHERE slug = ?').run(slug).changes > 0;
    },
  };
}

export function sqliteMetaStore(db: Database.Database): MetaStore & LeaseStore & WriteProbe & ChangeCounters {
  // Read on every feed request: prepared once.
  const version = db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'content_version'`);
  const planVersion = db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'plan_version'`);
  const probe = db.prepare(`INSERT INTO meta (key, value) VALUES ('write_probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  return {
    async getMeta(key) {
      return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
    },
    async acquireLease(name, holder, now, expiresAt) {
      const result = db
        .prepare(
          `INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, @expiresAt)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE leases.holder = excluded.holder OR leases.expires_at <= @now`,
        )
        .run({ name, holder, now, expiresAt });
      return result.changes > 0;
    },
    async releaseLease(name, holder) {
      db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
    },
    async contentVersion() {
      // Bumped by triggers on papers, topics and digests (migration 5), whichever process wrote.
      return version.get()?.value ?? '0';
    },
    async planVersion() {
      return planVersion.get()?.value ?? '0';
    },
    async setMeta(key, value) {
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
        key,
        value,
      );
    },
    async probeWrite(at) {
      // A committed write, as a real one: a lock, a full disk or a read-only file all fail it.
      probe.run(at);
    },
  };
}
