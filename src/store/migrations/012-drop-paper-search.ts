// Migration 12: no full-text index of the stored papers. Nothing searched it (the ranker builds its
// own index of a window's papers in memory, see store/lexical-index.ts), and keeping it in step was
// about half the CPU of an ingest (BENCHMARKS.md, "Ingesting 100,000 papers").
import type { Migration } from './migration.js';

export default {
  // IF EXISTS: a store whose version was set back (tests of the upgrades before this one) has none.
  sqlite: `
  DROP TRIGGER IF EXISTS papers_fts_delete;
  DROP TABLE IF EXISTS papers_fts;
  `,
  postgres: `
  DROP INDEX IF EXISTS papers_search;
  ALTER TABLE papers DROP COLUMN IF EXISTS search;
  DROP FUNCTION IF EXISTS paper_search_text(text);
  `,
} satisfies Migration;
