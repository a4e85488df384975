// Migration 6: the shared send pace.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- The shared send pace: the next free slot of each named limiter, in ms since the epoch, so
  -- that several processes on one store stay under one relay limit together.
  CREATE TABLE send_rate (
    name          TEXT PRIMARY KEY,
    next_at       REAL NOT NULL,
    slow_interval REAL NOT NULL DEFAULT 0,
    slow_until    REAL NOT NULL DEFAULT 0
  );
  `,
  postgres: `
  CREATE TABLE send_rate (
    name          text COLLATE "C" PRIMARY KEY,
    next_at       double precision NOT NULL,
    slow_interval double precision NOT NULL DEFAULT 0,
    slow_until    double precision NOT NULL DEFAULT 0
  );
  `,
} satisfies Migration;
