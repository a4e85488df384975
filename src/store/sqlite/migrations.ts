import type Database from 'better-sqlite3';
import { writeTransaction } from './write-transaction.js';

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
  `
  CREATE TABLE subscribers (
    id                 TEXT PRIMARY KEY,
    email              TEXT NOT NULL UNIQUE,   -- normalised: trimmed, lower case
    status             TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'suppressed')),
    frequency          TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    timezone           TEXT NOT NULL,
    send_hour          INTEGER NOT NULL CHECK (send_hour BETWEEN 0 AND 23),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    confirmed_at       TEXT,
    unsubscribed_at    TEXT,
    confirm_token_hash TEXT UNIQUE,            -- SHA-256 of the emailed token, never the token
    confirm_expires_at TEXT,
    confirm_sent_at    TEXT
  );
  CREATE INDEX subscribers_status ON subscribers (status);

  CREATE TABLE subscriber_topics (
    subscriber_id TEXT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    topic_slug    TEXT NOT NULL,
    PRIMARY KEY (subscriber_id, topic_slug)
  );

  -- Append-only: what each address agreed to, when, and through what.
  CREATE TABLE consent_log (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber_id TEXT NOT NULL,
    email         TEXT NOT NULL,
    event         TEXT NOT NULL,
    at            TEXT NOT NULL,
    topics        TEXT NOT NULL,               -- JSON array of slugs
    source        TEXT NOT NULL,
    ip            TEXT,
    user_agent    TEXT,
    detail        TEXT
  );
  CREATE INDEX consent_log_subscriber ON consent_log (subscriber_id, seq);
  CREATE TRIGGER consent_log_no_update BEFORE UPDATE ON consent_log
    BEGIN SELECT RAISE(ABORT, 'the consent log is append-only'); END;
  CREATE TRIGGER consent_log_no_delete BEFORE DELETE ON consent_log
    BEGIN SELECT RAISE(ABORT, 'the consent log is append-only'); END;
  `,
  `
  -- One row per digest and subscriber: the record of what went out. The address is frozen at planning.
  CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,          -- also the Message-ID's local part
    digest_id       TEXT NOT NULL REFERENCES digests (id),
    subscriber_id   TEXT NOT NULL,
    email           TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_at      TEXT,
    claimed_by      TEXT,
    last_error      TEXT,
    error_kind      TEXT,                      -- why it failed or was skipped (see domain/delivery.ts)
    smtp_response   TEXT,
    message_id      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (digest_id, subscriber_id)
  );
  -- Claiming reads the first due row in this exact order: the index serves it without a sort.
  CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at, id);
  CREATE INDEX deliveries_subscriber ON deliveries (subscriber_id);

  -- Keyed by address, not subscriber: it outlives deletion and re-subscription.
  CREATE TABLE suppressions (
    email      TEXT PRIMARY KEY,
    reason     TEXT NOT NULL,                  -- hard-bounce, soft-bounces, manual
    detail     TEXT,
    created_at TEXT NOT NULL
  );

  CREATE TABLE bounces (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    email       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('hard', 'soft')),
    delivery_id TEXT NOT NULL,
    response    TEXT NOT NULL,
    at          TEXT NOT NULL
  );
  CREATE INDEX bounces_email ON bounces (email, seq);
  `,
  `
  -- A named lease, so that of several processes on one store only one plans at a time.
  CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  `,
  `
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
  `
  -- The shared send pace: the next free slot of each named limiter, in ms since the epoch, so
  -- that several processes on one store stay under one relay limit together.
  CREATE TABLE send_rate (
    name          TEXT PRIMARY KEY,
    next_at       REAL NOT NULL,
    slow_interval REAL NOT NULL DEFAULT 0,
    slow_until    REAL NOT NULL DEFAULT 0
  );
  `,
  `
  -- One row per job run that did something (or failed): what the admin page and /metrics show.
  CREATE TABLE runs (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    job         TEXT NOT NULL,                 -- plan, deliver, topic-digests, ingest
    started_at  TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
    planned     INTEGER NOT NULL DEFAULT 0,    -- deliveries created
    sent        INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    source      TEXT,                          -- ingest runs: the file or URL
    detail      TEXT                           -- JSON: the job's other counts, or the error
  );
  CREATE INDEX runs_started ON runs (started_at);
  CREATE INDEX runs_source ON runs (source, seq) WHERE source IS NOT NULL;

  -- Planning finds a period's deliveries through its digests, and the digests that could share
  -- papers with a new edition by their cutoff; the schedule slots are read from one index.
  CREATE INDEX digests_period ON digests (period_kind, period_key);
  CREATE INDEX digests_cutoff ON digests (cutoff_at);
  CREATE INDEX subscribers_slot ON subscribers (status, frequency, timezone, send_hour);

  -- A counter bumped by every change a feed can show, so a cached feed is checked with one lookup.
  INSERT INTO meta (key, value) VALUES ('content_version', '0') ON CONFLICT (key) DO NOTHING;
  CREATE TRIGGER papers_insert_version AFTER INSERT ON papers
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'content_version'; END;
  CREATE TRIGGER papers_update_version AFTER UPDATE ON papers
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'content_version'; END;
  CREATE TRIGGER papers_delete_version AFTER DELETE ON papers
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'content_version'; END;
  CREATE TRIGGER topics_insert_version AFTER INSERT ON topics
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'content_version'; END;
  CREATE TRIGGER topics_update_version AFTER UPDATE ON topics
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'content_version'; END;
  CREATE TRIGGER topics_delete_version AFTER DELETE ON topics
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'content_version'; END;
  CREATE TRIGGER digests_insert_version AFTER INSERT ON digests
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'content_version'; END;

  -- A counter bumped by every change that can give the planner new work besides the clock:
  -- subscribers and their topics, topics, papers (an empty group may fill), removed deliveries.
  INSERT INTO meta (key, value) VALUES ('plan_version', '0') ON CONFLICT (key) DO NOTHING;
  CREATE TRIGGER subscribers_insert_plan AFTER INSERT ON subscribers
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  CREATE TRIGGER subscribers_update_plan AFTER UPDATE ON subscribers
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  CREATE TRIGGER subscribers_delete_plan AFTER DELETE ON subscribers
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  CREATE TRIGGER subscriber_topics_insert_plan AFTER INSERT ON subscriber_topics
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  CREATE TRIGGER subscriber_topics_delete_plan AFTER DELETE ON subscriber_topics
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  CREATE TRIGGER deliveries_delete_plan AFTER DELETE ON deliveries
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  CREATE TRIGGER papers_insert_plan AFTER INSERT ON papers
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  CREATE TRIGGER topics_insert_plan AFTER INSERT ON topics
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  CREATE TRIGGER topics_update_plan AFTER UPDATE ON topics
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  CREATE TRIGGER topics_delete_plan AFTER DELETE ON topics
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  `,
  `
  -- A revised paper may be shown once more, marked updated (SHOW_REVISED_PAPERS). revised_at is
  -- when a newer arXiv version than the stored one last arrived; NULL for a paper never revised.
  ALTER TABLE papers ADD COLUMN revised_at TEXT;
  CREATE INDEX papers_revised ON papers (revised_at) WHERE revised_at IS NOT NULL;
  -- The papers of paper_ids that the digest shows as updated (JSON array): a paper shown as
  -- updated to a subscriber is never shown to them again.
  ALTER TABLE digests ADD COLUMN updated_ids TEXT NOT NULL DEFAULT '[]';
  -- A revision can fill a group that had nothing new: it is planner work, like a new paper.
  CREATE TRIGGER papers_revised_plan AFTER UPDATE OF revised_at ON papers
    WHEN new.revised_at IS NOT old.revised_at
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  `,
  `
  -- Which digests showed a paper, and whether as updated: who had a revised paper is then read by
  -- the paper's id, not by expanding the id lists of every digest cut off since it was first seen
  -- (a paper revised a year on would mean a year of digests each planning run). Derived from
  -- paper_ids and updated_ids by a trigger, as a digest is written once and never changed: every
  -- way a digest is written fills it, an import too. Filled here for the digests already stored.
  CREATE TABLE digest_papers (
    paper_id  TEXT NOT NULL,
    digest_id TEXT NOT NULL REFERENCES digests (id),
    updated   INTEGER NOT NULL,            -- 1: shown as updated (in updated_ids)
    PRIMARY KEY (paper_id, digest_id)
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO digest_papers (paper_id, digest_id, updated)
    SELECT p.value, g.id, p.value IN (SELECT u.value FROM json_each(g.updated_ids) u)
    FROM digests g CROSS JOIN json_each(g.paper_ids) p;
  CREATE TRIGGER digests_insert_papers AFTER INSERT ON digests
    BEGIN
      INSERT OR IGNORE INTO digest_papers (paper_id, digest_id, updated)
        SELECT p.value, new.id, p.value IN (SELECT u.value FROM json_each(new.updated_ids) u)
        FROM json_each(new.paper_ids) p;
    END;
  `,
  `
  -- Confirmation emails become deliveries too, so that they are recorded, retried with backoff and
  -- sent once by the same workers as digests. Such a row has no digest: digest_id becomes
  -- nullable, which SQLite can only do by building the table again (its indexes and trigger too).
  CREATE TABLE deliveries_next (
    id              TEXT PRIMARY KEY,
    digest_id       TEXT REFERENCES digests (id),
    subscriber_id   TEXT NOT NULL,
    email           TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_at      TEXT,
    claimed_by      TEXT,
    last_error      TEXT,
    error_kind      TEXT,
    smtp_response   TEXT,
    message_id      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT,
    kind            TEXT NOT NULL DEFAULT 'digest' CHECK (kind IN ('digest', 'confirmation')),
    UNIQUE (digest_id, subscriber_id),
    CHECK ((kind = 'digest') = (digest_id IS NOT NULL))
  );
  INSERT INTO deliveries_next (id, digest_id, subscriber_id, email, status, attempts, next_attempt_at, claimed_at, claimed_by,
      last_error, error_kind, smtp_response, message_id, created_at, updated_at, sent_at)
    SELECT id, digest_id, subscriber_id, email, status, attempts, next_attempt_at, claimed_at, claimed_by,
      last_error, error_kind, smtp_response, message_id, created_at, updated_at, sent_at
    FROM deliveries;
  DROP TABLE deliveries;
  ALTER TABLE deliveries_next RENAME TO deliveries;
  CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at, id);
  CREATE INDEX deliveries_subscriber ON deliveries (subscriber_id);
  CREATE TRIGGER deliveries_delete_plan AFTER DELETE ON deliveries
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  -- At most one confirmation email on its way per subscriber: asking again while one waits for
  -- the relay adds nothing (the database, not the caller, makes a double request harmless).
  CREATE UNIQUE INDEX deliveries_confirmation_on_its_way ON deliveries (subscriber_id)
    WHERE kind = 'confirmation' AND status IN ('pending', 'sending');
  `,
  `
  -- Migration 12 (after 11, the topics' own, added beside it): how each reader wants digests laid
  -- out, and the compact variant of each edition, rendered once with it (NULL for editions frozen
  -- before: those go out as they are).
  ALTER TABLE subscribers ADD COLUMN layout TEXT NOT NULL DEFAULT 'full' CHECK (layout IN ('full', 'compact'));
  ALTER TABLE digests ADD COLUMN compact_html TEXT;
  ALTER TABLE digests ADD COLUMN compact_text TEXT;
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
    // Another process opening the same file at the same moment may have run it meanwhile.
    writeTransaction(db, () => {
      if ((db.pragma('user_version', { simple: true }) as number) !== v) return;
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length - current;
}
