import type Database from 'better-sqlite3';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many have run.
 * Append new ones, never edit one that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  `
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
];

/** Runs the migrations the database has not seen yet, each in its own transaction. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the database schema (version ${current}) is newer than this Paperboy knows (${MIGRATIONS.length}); upgrade Paperboy`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length - current;
}
