// Migration 14: readers' ratings of papers ("more like this" / "not for me"), and erasure: a reader
// who deletes their data takes their consent history with them.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- One rating per reader, topic and paper; a new rating of the same paper replaces the old one.
  CREATE TABLE ratings (
    subscriber_id TEXT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    topic_slug    TEXT NOT NULL,
    paper_id      TEXT NOT NULL,
    value         INTEGER NOT NULL CHECK (value IN (1, -1)),   -- 1 more like this, -1 not for me
    rated_at      TEXT NOT NULL,
    PRIMARY KEY (subscriber_id, topic_slug, paper_id)
  );
  -- Who rated under a topic (a topic's learners); the primary key serves lookups by reader.
  CREATE INDEX ratings_topic ON ratings (topic_slug, subscriber_id);

  -- The consent log stays append-only, except for erasure: rows of a subscriber who is gone and
  -- whose address is suppressed as 'erased' (the one record kept so the address is never mailed).
  DROP TRIGGER consent_log_no_delete;
  CREATE TRIGGER consent_log_no_delete BEFORE DELETE ON consent_log
    WHEN EXISTS (SELECT 1 FROM subscribers WHERE id = OLD.subscriber_id)
      OR NOT EXISTS (SELECT 1 FROM suppressions WHERE email = OLD.email AND reason = 'erased')
    BEGIN SELECT RAISE(ABORT, 'the consent log is append-only'); END;
  `,
  postgres: `
  -- SQLite's migration 14: ratings, and the consent log's one exception, erasure.
  CREATE TABLE ratings (
    subscriber_id text COLLATE "C" NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    topic_slug    text COLLATE "C" NOT NULL,
    paper_id      text COLLATE "C" NOT NULL,
    value         integer NOT NULL CHECK (value IN (1, -1)),
    rated_at      text COLLATE "C" NOT NULL,
    PRIMARY KEY (subscriber_id, topic_slug, paper_id)
  );
  CREATE INDEX ratings_topic ON ratings (topic_slug, subscriber_id);

  DROP TRIGGER consent_log_no_update ON consent_log;
  CREATE TRIGGER consent_log_no_update BEFORE UPDATE ON consent_log
    FOR EACH ROW EXECUTE FUNCTION consent_log_append_only();
  CREATE FUNCTION consent_log_erasure_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM subscribers WHERE id = OLD.subscriber_id)
        OR NOT EXISTS (SELECT 1 FROM suppressions WHERE email = OLD.email AND reason = 'erased') THEN
        RAISE EXCEPTION 'the consent log is append-only';
      END IF;
      RETURN OLD;
    END $$;
  CREATE TRIGGER consent_log_no_delete BEFORE DELETE ON consent_log
    FOR EACH ROW EXECUTE FUNCTION consent_log_erasure_only();
  `,
} satisfies Migration;
