// Migration 5: facts only some sources know, full-text search of papers, source states.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- Facts only some sources know (see PaperFacts). JSON arrays are NULL when unknown, never '[]'.
  ALTER TABLE papers ADD COLUMN categories  TEXT;      -- JSON array, the primary category first
  ALTER TABLE papers ADD COLUMN upvotes     INTEGER;
  ALTER TABLE papers ADD COLUMN ai_summary  TEXT;
  ALTER TABLE papers ADD COLUMN ai_keywords TEXT;      -- JSON array
  ALTER TABLE papers ADD COLUMN github_repo TEXT;
  ALTER TABLE papers ADD COLUMN featured_on TEXT;      -- YYYY-MM-DD, the day Hugging Face featured it

  -- Full-text index over title and abstract. The paper store writes it in the same transaction as
  -- the papers: new rows in one INSERT … SELECT at the end of a batch (a third of the cost of a
  -- row-by-row trigger), changed rows as they change. A delete is caught by the trigger.
  CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, abstract, content = 'papers', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.rowid, old.title, old.abstract);
  END;
  INSERT INTO papers_fts (papers_fts) VALUES ('rebuild');

  -- One row per configured source: how its last fetches went, and what makes the next one conditional.
  CREATE TABLE source_states (
    name            TEXT PRIMARY KEY,
    status          TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'stale')),
    detail          TEXT,
    last_attempt_at TEXT NOT NULL,
    last_success_at TEXT,
    last_changed_at TEXT,                    -- the last fetch that brought content (not a 304)
    newest_item_at  TEXT,                    -- the newest date among the items of that content
    items_seen      INTEGER NOT NULL DEFAULT 0,
    items_new       INTEGER NOT NULL DEFAULT 0,
    failures        INTEGER NOT NULL DEFAULT 0,  -- failed fetches in a row
    etag            TEXT,
    last_modified   TEXT,
    skip_days       TEXT                     -- JSON array of weekday names the feed itself declared
  );
  `,
  postgres: `
  -- Facts only some sources know (see PaperFacts). JSON arrays stay text, as in SQLite, and are
  -- NULL when unknown, never '[]'.
  ALTER TABLE papers ADD COLUMN categories  text COLLATE "C";
  ALTER TABLE papers ADD COLUMN upvotes     integer;
  ALTER TABLE papers ADD COLUMN ai_summary  text COLLATE "C";
  ALTER TABLE papers ADD COLUMN ai_keywords text COLLATE "C";
  ALTER TABLE papers ADD COLUMN github_repo text COLLATE "C";
  ALTER TABLE papers ADD COLUMN featured_on text COLLATE "C";

  -- Full-text search over title (weight A) and abstract (B), kept in step by PostgreSQL itself in
  -- the writing transaction. paper_search_text() tokenises as SQLite's FTS5 "unicode61
  -- remove_diacritics 2" does: accents dropped, anything but letters and digits separates words
  -- (so "GPU-kernels" and "v2.5" give the same words on both engines). Lower-casing is done by the
  -- 'simple' configuration, which keeps every word (no stemming, no stop words).
  CREATE FUNCTION paper_search_text(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
    pg_catalog.regexp_replace(
      pg_catalog.regexp_replace(normalize(t, NFD), '[\\u0300-\\u036f]', '', 'g') COLLATE "default",
      '[^[:alnum:]]+', ' ', 'g');
  ALTER TABLE papers ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, paper_search_text(title)), 'A') ||
    setweight(to_tsvector('simple'::regconfig, paper_search_text(abstract)), 'B')
  ) STORED;
  CREATE INDEX papers_search ON papers USING gin (search);

  -- One row per configured source: how its last fetches went, and what makes the next one conditional.
  CREATE TABLE source_states (
    name            text COLLATE "C" PRIMARY KEY,
    status          text COLLATE "C" NOT NULL CHECK (status IN ('ok', 'failed', 'stale')),
    detail          text COLLATE "C",
    last_attempt_at text COLLATE "C" NOT NULL,
    last_success_at text COLLATE "C",
    last_changed_at text COLLATE "C",
    newest_item_at  text COLLATE "C",
    items_seen      integer NOT NULL DEFAULT 0,
    items_new       integer NOT NULL DEFAULT 0,
    failures        integer NOT NULL DEFAULT 0,
    etag            text COLLATE "C",
    last_modified   text COLLATE "C",
    skip_days       text COLLATE "C"
  );
  `,
} satisfies Migration;
