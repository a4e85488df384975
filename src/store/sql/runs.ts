// The job run history the admin page and /metrics show, on both engines.
import type { RunStore, RunTotals } from '../ports.js';
import { type RunRow, toRun } from '../rows.js';
import type { SqlDb } from './db.js';
import { sql } from './statement.js';

const COLUMNS = 'job, started_at, duration_ms, outcome, planned, sent, failed, skipped, source, detail';

const INSERT = sql`
  INSERT INTO runs (${COLUMNS})
  VALUES (:job, :startedAt, :durationMs, :outcome, :planned, :sent, :failed, :skipped, :source, :detail)`;
const LIST = sql`SELECT ${COLUMNS} FROM runs ORDER BY seq DESC LIMIT :limit`;
const TOTALS = sql`
  SELECT job, outcome, count(*) AS runs, sum(planned) AS planned, sum(sent) AS sent, sum(failed) AS failed,
    sum(skipped) AS skipped FROM runs GROUP BY job, outcome ORDER BY job, outcome`;
// The latest run of each source through the (source, seq) index, and its last success.
const SOURCE_HEALTH = sql`
  SELECT ${COLUMNS.split(', ')
    .map((c) => `r.${c}`)
    .join(', ')},
    (SELECT max(o.started_at) FROM runs o WHERE o.source = r.source AND o.outcome = 'ok') AS last_ok
  FROM runs r WHERE r.seq IN (SELECT max(seq) FROM runs WHERE source IS NOT NULL GROUP BY source)
  ORDER BY r.source`;

export function runStore(db: SqlDb): RunStore {
  return {
    async recordRun(run) {
      await db.run(INSERT, {
        ...run,
        durationMs: Math.round(run.durationMs),
        detail: run.detail ? JSON.stringify(run.detail) : null,
      });
    },
    async listRuns({ limit }) {
      return (await db.all<RunRow>(LIST, { limit })).map(toRun);
    },
    async runTotals() {
      return db.all<RunTotals>(TOTALS);
    },
    async sourceHealth() {
      const rows = await db.all<RunRow & { last_ok: string | null }>(SOURCE_HEALTH);
      return rows.map((r) => ({ source: r.source as string, last: toRun(r), lastOkAt: r.last_ok }));
    },
  };
}
