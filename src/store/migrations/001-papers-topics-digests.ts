// Migration 1: papers, topics, digests and meta.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  CREATE TABLE papers (
    id            TEXT PRIMARY KEY,       -- canonical id: arxiv:<id> or title:<fingerprint>
    arxiv_id      TEXT,
    version       INTEGER,
    title         TEXT NOT NULL,
    abstract      TEXT NOT NULL DEFAULT '',
    authors       TEXT NOT NULL DEFAULT '[]',  -- JSON array of names
    url           TEXT,
    published_at  TEXT,
    first_seen_at TEXT NOT NULL,
    updated_at    TEXT NOT NULL
  );
  CREATE INDEX papers_first_seen ON papers (first_seen_at);

  CREATE TABLE topics (
    slug       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE digests (
    id           TEXT PRIMARY KEY,
    topic_set    TEXT NOT NULL,
    period_kind  TEXT NOT NULL CHECK (period_kind IN ('day', 'week')),
    period_key   TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    window_start TEXT NOT NULL,
    cutoff_at    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    subject      TEXT NOT NULL,
    paper_ids    TEXT NOT NULL,           -- JSON array, in the order shown
    html         TEXT NOT NULL,
    text         TEXT NOT NULL,
    UNIQUE (topic_set, period_kind, period_key)
  );
  CREATE INDEX digests_latest ON digests (topic_set, period_kind, cutoff_at);

  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  postgres: `
  CREATE TABLE papers (
    id            text COLLATE "C" PRIMARY KEY,
    arxiv_id      text COLLATE "C",
    version       integer,
    title         text COLLATE "C" NOT NULL,
    abstract      text COLLATE "C" NOT NULL DEFAULT '',
    authors       text COLLATE "C" NOT NULL DEFAULT '[]',
    url           text COLLATE "C",
    published_at  text COLLATE "C",
    first_seen_at text COLLATE "C" NOT NULL,
    updated_at    text COLLATE "C" NOT NULL,
    -- Insertion order, the tie-break SQLite gets from its rowid.
    seq           bigint GENERATED ALWAYS AS IDENTITY UNIQUE
  );
  CREATE INDEX papers_first_seen ON papers (first_seen_at);

  CREATE TABLE topics (
    slug       text COLLATE "C" PRIMARY KEY,
    name       text COLLATE "C" NOT NULL,
    query      text COLLATE "C" NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    updated_at text COLLATE "C" NOT NULL
  );

  CREATE TABLE digests (
    id           text COLLATE "C" PRIMARY KEY,
    topic_set    text COLLATE "C" NOT NULL,
    period_kind  text COLLATE "C" NOT NULL CHECK (period_kind IN ('day', 'week')),
    period_key   text COLLATE "C" NOT NULL,
    period_start text COLLATE "C" NOT NULL,
    period_end   text COLLATE "C" NOT NULL,
    window_start text COLLATE "C" NOT NULL,
    cutoff_at    text COLLATE "C" NOT NULL,
    created_at   text COLLATE "C" NOT NULL,
    subject      text COLLATE "C" NOT NULL,
    paper_ids    text COLLATE "C" NOT NULL,
    html         text NOT NULL,
    text         text NOT NULL,
    UNIQUE (topic_set, period_kind, period_key)
  );
  CREATE INDEX digests_latest ON digests (topic_set, period_kind, cutoff_at);

  CREATE TABLE meta (
    key   text COLLATE "C" PRIMARY KEY,
    value text COLLATE "C" NOT NULL
  );
  `,
} satisfies Migration;
