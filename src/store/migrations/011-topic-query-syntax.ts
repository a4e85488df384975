// Migration 11: a topic's query syntax.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- How a topic's plain words are read (domain/query.ts, QuerySyntax). Every topic stored until now
  -- was written for 'all-words' (each plain word required) and keeps that meaning; the store
  -- writes 'natural' for the topics saved from now on. A row written without it (an export from an
  -- earlier version, imported) is 'all-words' too.
  ALTER TABLE topics ADD COLUMN query_syntax TEXT NOT NULL DEFAULT 'all-words' CHECK (query_syntax IN ('natural', 'all-words'));
  `,
  postgres: `
  -- SQLite's migration 11: how a topic's plain words are read; the topics stored until now keep
  -- requiring every plain word.
  ALTER TABLE topics ADD COLUMN query_syntax text COLLATE "C" NOT NULL DEFAULT 'all-words' CHECK (query_syntax IN ('natural', 'all-words'));
  `,
} satisfies Migration;
