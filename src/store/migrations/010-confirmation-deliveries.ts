// Migration 10: confirmation emails are deliveries.
import type { Migration } from './migration.js';

export default {
  sqlite: `
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
  postgres: `
  -- SQLite's migration 10: confirmation emails are deliveries without a digest, and at most one
  -- of them is on its way per subscriber.
  ALTER TABLE deliveries ALTER COLUMN digest_id DROP NOT NULL;
  ALTER TABLE deliveries ADD COLUMN kind text COLLATE "C" NOT NULL DEFAULT 'digest' CHECK (kind IN ('digest', 'confirmation'));
  ALTER TABLE deliveries ADD CHECK ((kind = 'digest') = (digest_id IS NOT NULL));
  CREATE UNIQUE INDEX deliveries_confirmation_on_its_way ON deliveries (subscriber_id)
    WHERE kind = 'confirmation' AND status IN ('pending', 'sending');
  `,
} satisfies Migration;
