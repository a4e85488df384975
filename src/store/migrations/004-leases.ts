// Migration 4: leases: one planner at a time.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- A named lease, so that of several processes on one store only one plans at a time.
  CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  `,
  postgres: `
  CREATE TABLE leases (
    name       text COLLATE "C" PRIMARY KEY,
    holder     text COLLATE "C" NOT NULL,
    expires_at text COLLATE "C" NOT NULL
  );
  `,
} satisfies Migration;
