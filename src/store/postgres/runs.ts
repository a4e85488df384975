import type { RunStore, RunTotals } from '../ports.js';
import type { Pg } from './db.js';
import { type RunRow, toRun } from '../rows.js';

const COLUMNS = 'job, started_at, duration_ms, outcome, planned, sent, failed, skipped, source, detail';

export function pgRunStore(db: Pg): RunStore {
  return {
    async recordRun(run) {
      await db.query(`INSERT INTO runs (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
        run.job,
        run.startedAt,
        Math.round(run.durationMs),
        run.outcome,
        run.planned,
        run.sent,
        run.failed,
        run.skipped,
        run.source,
        run.detail ? JSON.stringify(run.detail) : null,
      ]);
    },
    async listRuns({ limit }) {
      const { rows } = await db.query<RunRow>(`SELECT ${COLUMNS} FROM runs ORDER BY seq DESC LIMIT $1`, [limit]);
      return rows.map(toRun);
    },
    async runTotals() {
      const { rows } = await db.query<RunTotals>(
        `SELECT job, outcome, count(*) AS runs, sum(planned) AS planned, sum(sent) AS sent, sum(failed) AS failed,
           sum(skipped) AS skipped FROM runs GROUP BY job, outcome ORDER BY job, outcome`,
      );
      return rows;
    },
    async sourceHealth() {
      // The latest run of each source through the (source, seq) index, and its last success.
      const { rows } = await db.query<RunRow & { last_ok: string | null }>(
        `SELECT r.${COLUMNS.split(', ').join(', r.')},
           (SELECT max(o.started_at) FROM runs o WHERE o.source = r.source AND o.outcome = 'ok') AS last_ok
         FROM runs r WHERE r.seq IN (SELECT max(seq) FROM runs WHERE source IS NOT NULL GROUP BY source)
         ORDER BY r.source`,
      );
      return rows.map((r) => ({ source: r.source as string, last: toRun(r), lastOkAt: r.last_ok }));
    },
  };
}
