// What the tests that build an older store run to take a current one back, newest migration first:
// BEFORE_CHANNELS (19 to 16: 19 only rebuilds an index, which migrating again does), beforeMigration15, UNDO_RATINGS (14).

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

/** SQL that takes a store back from migration 18 to 17 (digest_papers keyed by paper alone, as migration 9 made it), per engine. */
const UNDO_DIGEST_PAPER_PERIODS = {
  sqlite: `DROP TRIGGER digests_insert_papers;
    CREATE TABLE digest_papers_9 (paper_id TEXT NOT NULL, digest_id TEXT NOT NULL REFERENCES digests (id),
      updated INTEGER NOT NULL, PRIMARY KEY (paper_id, digest_id)) WITHOUT ROWID;
    INSERT INTO digest_papers_9 SELECT paper_id, digest_id, updated FROM digest_papers;
    DROP TABLE digest_papers; ALTER TABLE digest_papers_9 RENAME TO digest_papers;
    CREATE TRIGGER digests_insert_papers AFTER INSERT ON digests BEGIN
      INSERT OR IGNORE INTO digest_papers (paper_id, digest_id, updated)
        SELECT p.value, new.id, p.value IN (SELECT u.value FROM json_each(new.updated_ids) u) FROM json_each(new.paper_ids) p;
    END;`,
  postgres: `ALTER TABLE digest_papers DROP CONSTRAINT digest_papers_pkey, DROP COLUMN period_kind, DROP COLUMN period_key,
      ADD PRIMARY KEY (paper_id, digest_id);
    CREATE OR REPLACE FUNCTION digest_papers_fill() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO digest_papers (paper_id, digest_id, updated)
          SELECT p.id, g.id, g.updated_ids::jsonb ? p.id
          FROM changed g CROSS JOIN LATERAL jsonb_array_elements_text(g.paper_ids::jsonb) AS p(id)
          ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$;`,
} as const;

/**
 * SQL that takes a store back to before migration 16 (channels; and 17, the views of readers'
 * editions; 18, digest_papers by period; 19 rebuilds an index only, again when migrated), per engine: for
 * the tests of older stores.
 */
export const BEFORE_CHANNELS = {
  sqlite: `${UNDO_DIGEST_PAPER_PERIODS.sqlite} ALTER TABLE digests DROP COLUMN view; DROP TABLE channels; DROP INDEX deliveries_channel; ALTER TABLE deliveries DROP COLUMN channel_id;
    ALTER TABLE digests DROP COLUMN entries;`,
  postgres: `${UNDO_DIGEST_PAPER_PERIODS.postgres} ALTER TABLE digests DROP COLUMN view; DROP TABLE channels; ALTER TABLE deliveries DROP COLUMN channel_id; ALTER TABLE digests DROP COLUMN entries;`,
};
