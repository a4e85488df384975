// Migration 15: personal topics (a topic owned by one subscriber, never public) and personal feeds.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- NULL for a public topic. A personal topic goes with its owner (and their subscriber_topics row with them).
  ALTER TABLE topics ADD COLUMN owner_subscriber_id TEXT REFERENCES subscribers (id) ON DELETE CASCADE;
  CREATE INDEX topics_owner ON topics (owner_subscriber_id) WHERE owner_subscriber_id IS NOT NULL;

  -- A reader's secret feed URL: only a hash of its secret is kept; replacing it changes the nonce
  -- (the secret is derived from the app secret and the nonce) and the hash, so the old URL stops at once.
  CREATE TABLE personal_feeds (
    subscriber_id TEXT PRIMARY KEY REFERENCES subscribers (id) ON DELETE CASCADE,
    secret_hash   TEXT NOT NULL UNIQUE,
    nonce         TEXT NOT NULL,
    created_at    TEXT NOT NULL
  );
  `,
  postgres: `
  -- SQLite's migration 15: personal topics and personal feeds.
  ALTER TABLE topics ADD COLUMN owner_subscriber_id text COLLATE "C" REFERENCES subscribers (id) ON DELETE CASCADE;
  CREATE INDEX topics_owner ON topics (owner_subscriber_id) WHERE owner_subscriber_id IS NOT NULL;

  CREATE TABLE personal_feeds (
    subscriber_id text COLLATE "C" PRIMARY KEY REFERENCES subscribers (id) ON DELETE CASCADE,
    secret_hash   text COLLATE "C" NOT NULL UNIQUE,
    nonce         text COLLATE "C" NOT NULL,
    created_at    text COLLATE "C" NOT NULL
  );
  `,
} satisfies Migration;
