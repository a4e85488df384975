import type Database from 'better-sqlite3';
import type { RunStore, RunTotals } from '../ports.js';
import { type RunRow, toRun } from '../rows.js';

export function sqliteRunStore(db: Database.Database): RunStore {
  const insert = db.prepare(`
    INSERT INTO runs (job, started_at, duration_ms, outcome, planned, sent, failed, skipped, source, detail)
    VALUES (@job, @startedAt, @durationMs, @outcome, @planned, @sent, @failed, @skipped, @source, @detail)`);
  return {
    async recordRun(run) {
      insert.run({ ...run, durationMs: Math.round(run.durationMs), detail: run.detail ? JSON.stringify(run.detail) : null });
    },
    async listRuns({ limit }) {
      return db.prepare<[number], RunRow>('SELECT * FROM runs ORDER BY seq DESC LIMIT ?').all(limit).map(toRun);
    },
    async runTotals() {
      return db
        .prepare(
          `SELECT job, outcome, count(*) AS runs, sum(planned) AS planned, sum(sent) AS sent, sum(failed) AS failed,
             sum(skipped) AS skipped FROM runs GROUP BY job, outcome ORDER BY job, outcome`,
        )
        .all() as RunTotals[];
    },
    async sourceHealth() {
      const latest = db
        .prepare<[], RunRow & { last_ok: string | null }>(
          `SELECT r.*, (SELECT max(o.started_at) FROM runs o WHERE o.source = r.source AND o.outcome = 'ok') AS last_ok
           FROM runs r WHERE r.seq IN (SELECT max(seq) FROM runs WHERE source IS NOT NULL GROUP BY source)
           ORDER BY r.source`,
        )
        .all();
      return latest.map((r) => ({ source: r.source as string, last: toRun(r), lastOkAt: r.last_ok }));
    },
  };
}
