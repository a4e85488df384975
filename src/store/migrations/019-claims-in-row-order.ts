// Migration 19: SQLite claims due deliveries in the order their rows were written.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- Due rows are claimed oldest due first, and among those due together in the order they were
  -- planned (rowid) rather than by their random ids: a claim's rows then lie side by side on a few
  -- pages, which its update and the record of their sends write again, instead of one page a row
  -- (BENCHMARKS.md, delivery). Every SQLite index ends with the rowid, so this one orders by it.
  DROP INDEX deliveries_due;
  CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
  `,
  postgres: `
  -- SQLite's migration 19 changes only how SQLite orders a claim: PostgreSQL's rows have no lasting
  -- order to claim them in, and it keeps claiming by id.
  SELECT 1;
  `,
} satisfies Migration;
