// Migration 16: channels (webhooks that receive a topic set's editions like a subscriber), their
// deliveries, and what an edition shows in a chat message.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- A webhook that receives the editions of a topic set, on a schedule like a subscriber's. The
  -- URL is a secret (whoever has it can post to the chat): it is stored, and only ever shown masked.
  -- signing_secret is set for the json format only: the key of the HMAC receivers verify.
  CREATE TABLE channels (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    topic_set      TEXT NOT NULL,
    url            TEXT NOT NULL,
    format         TEXT NOT NULL CHECK (format IN ('slack', 'discord', 'mattermost', 'json')),
    signing_secret TEXT,
    frequency      TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    timezone       TEXT NOT NULL,
    send_hour      INTEGER NOT NULL CHECK (send_hour BETWEEN 0 AND 23),
    created_at     TEXT NOT NULL
  );
  -- A channel's deliveries are digest deliveries whose recipient (subscriber_id) is the channel's
  -- id, so UNIQUE (digest_id, subscriber_id) keeps one per (edition, channel); channel_id marks
  -- them. Added as a column (not a new kind), so the table need not be rebuilt.
  ALTER TABLE deliveries ADD COLUMN channel_id TEXT;
  CREATE INDEX deliveries_channel ON deliveries (channel_id, updated_at) WHERE channel_id IS NOT NULL;
  -- Each shown paper's id, title, link, score and why, as JSON: what a chat message is made of
  -- (NULL for editions frozen before: their messages show titles and links only).
  ALTER TABLE digests ADD COLUMN entries TEXT;
  `,
  postgres: `
  -- SQLite's migration 16: channels, their deliveries, and each edition's entries.
  CREATE TABLE channels (
    id             text COLLATE "C" PRIMARY KEY,
    name           text COLLATE "C" NOT NULL UNIQUE,
    topic_set      text COLLATE "C" NOT NULL,
    url            text COLLATE "C" NOT NULL,
    format         text COLLATE "C" NOT NULL CHECK (format IN ('slack', 'discord', 'mattermost', 'json')),
    signing_secret text COLLATE "C",
    frequency      text COLLATE "C" NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    timezone       text COLLATE "C" NOT NULL,
    send_hour      integer NOT NULL CHECK (send_hour BETWEEN 0 AND 23),
    created_at     text COLLATE "C" NOT NULL
  );
  ALTER TABLE deliveries ADD COLUMN channel_id text COLLATE "C";
  CREATE INDEX deliveries_channel ON deliveries (channel_id, updated_at) WHERE channel_id IS NOT NULL;
  ALTER TABLE digests ADD COLUMN entries text;
  `,
} satisfies Migration;
