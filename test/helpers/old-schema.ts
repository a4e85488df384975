// What the tests that build an older store run to take a current one back, newest migration first:
// BEFORE_CHANNELS (16), beforeMigration15, UNDO_RATINGS (14).

/** SQL that takes a store back from migration 14 to 13 (ratings, the consent log's erasure), per engine. */
export const UNDO_RATINGS = {
  sqlite: 'DROP TABLE ratings;',
  postgres:
    'DROP TABLE ratings; DROP TRIGGER consent_log_no_delete ON consent_log; DROP FUNCTION consent_log_erasure_only();',
} as const;

/**
 * SQL that takes a store back from migration 15 (personal topics and feeds), for the tests that
 * build an older store. SQLite cannot drop a column with a foreign key: the table is rebuilt.
 */
export function beforeMigration15(engine: 'sqlite' | 'postgres'): string {
  return engine === 'sqlite'
    ? `DROP TABLE personal_feeds; DROP INDEX topics_owner;
       CREATE TABLE topics_14 (slug TEXT PRIMARY KEY, name TEXT NOT NULL, query TEXT NOT NULL, created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL, query_syntax TEXT NOT NULL DEFAULT 'all-words' CHECK (query_syntax IN ('natural', 'all-words')));
       INSERT INTO topics_14 SELECT slug, name, query, created_at, updated_at, query_syntax FROM topics;
       DROP TABLE topics; ALTER TABLE topics_14 RENAME TO topics;`
    : 'DROP TABLE personal_feeds; ALTER TABLE topics DROP COLUMN owner_subscriber_id;';
}

/** SQL that takes a store back to before migration 16 (channels; and 17, the views of readers' editions), per engine: for the tests of older stores. */
export const BEFORE_CHANNELS = {
  sqlite: `ALTER TABLE digests DROP COLUMN view; DROP TABLE channels; DROP INDEX deliveries_channel; ALTER TABLE deliveries DROP COLUMN channel_id;
    ALTER TABLE digests DROP COLUMN entries;`,
  postgres: `ALTER TABLE digests DROP COLUMN view; DROP TABLE channels; ALTER TABLE deliveries DROP COLUMN channel_id; ALTER TABLE digests DROP COLUMN entries;`,
};
